"""After award: the example contract through two reporting periods, co-assessed by a member of
the service, with a dispute, a reply and validations, then its published performance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.demo import scenario
from services.demo.client import Client
from services.demo.runner import DemoRun, no_progress
from shared.waiting import wait_until

# The provider's results per metric (the strong bid's commitments, in bid order) and period:
# (value, people engaged, people with the outcome).
RESULTS: dict[str, dict[int, tuple[float, int, int]]] = {
    "M1": {1: (6.8, 42, 25), 2: (6.5, 58, 37)},     # UCLA-3 loneliness score (lower is better)
    "M2": {1: (20.2, 42, 18), 2: (20.9, 58, 29)},   # SWEMWBS wellbeing score
    "M3": {1: (1, 4, 1), 2: (3, 6, 3)},             # peer roles sustained
}
REVIEWS = {("M2", 1): ("partly", "The groups helped, but the Tuesday drop-in closed twice and "
                                  "some of us stopped coming.")}
DISPUTE = ("M2", 1, "42 engaged but only 35 surveys returned: how were the other 7 counted?")
REPLY = "Seven members asked to answer by phone; their answers are in the survey log."


@dataclass
class ContractStage:
    """The contract stage of a demo run; each step a method so tests can check in between."""

    demo: DemoRun
    contract: dict[str, Any] = field(default_factory=dict)
    reports: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    performance: dict[str, Any] = field(default_factory=dict)
    payments: dict[str, Any] = field(default_factory=dict)

    def create_assessors(self) -> None:
        """Admin creates a member of the service (reviewer) and an independent validator."""
        admin = self.demo.api.as_user(self.demo.admin_token)
        for name, role, org_name, lived in (
                ("reviewer", "reviewer", "Riverside Members' Panel", True),
                ("validator", "validator", "Independent Evaluation Partners", False)):
            org = admin.post("/organisations", {"name": f"{org_name} {self.demo.suffix}",
                                                "kind": "other"})
            email = self.demo._email(f"{name}@members.example")
            self.demo.emails[name] = email
            self.demo.users[name] = admin.post("/users", {
                "email": email, "password": scenario.PASSWORD, "roles": [role],
                "organisation_id": org["id"], "lived_experience": lived})
            self.demo.clients[name] = self.demo.api.login(email, scenario.PASSWORD)

    def wait_for_contract(self, timeout: float = 60.0) -> dict[str, Any]:
        """The contract appears once the standstill has ended and the tender concluded."""
        path = f"/tenders/{self.demo.tender['id']}/contract"
        anyone = Client(self.demo.base_url)
        self.contract = wait_until(
            lambda: (r := anyone.request("GET", path, expect=(200, 404))).status_code == 200
            and r.json(), timeout=timeout, what="the contract")
        return self.contract

    def invite(self) -> None:
        """The commissioner invites the reviewer and the validator to this contract."""
        commissioner = self.demo.clients["commissioner"]
        for kind in ("reviewer", "validator"):
            commissioner.post(f"/contracts/{self.contract['id']}/assessors",
                              {"user_id": self.demo.users[kind]["id"], "kind": kind})

    def report(self, period: int) -> None:
        """The provider reports every agreed metric for one period."""
        provider = self.demo.clients["strong"]
        for metric in self.contract["metrics"]:
            value, engaged, achieved = RESULTS[metric["id"]][period]
            self.reports[(metric["id"], period)] = provider.post(
                f"/contracts/{self.contract['id']}/reports", {
                    "metric_id": metric["id"], "period": period, "value": value,
                    "unit": metric["indicator"]["unit"],
                    "cohort": {"people_engaged": engaged, "people_with_outcome": achieved},
                    "method": f"{metric['indicator'].get('instrument') or 'Records'}, "
                              "collected by peer researchers",
                    "evidence": [{"description": "Anonymised survey summary"}]})

    def co_assess(self, period: int) -> None:
        """The reviewer co-assesses each report of the period."""
        for (metric_id, p), report in self.reports.items():
            if p == period:
                verdict, comment = REVIEWS.get((metric_id, p), (
                    "agree", "This matches what members told the panel."))
                self.demo.clients["reviewer"].post(f"/reports/{report['id']}/reviews",
                                                   {"verdict": verdict, "comment": comment})

    def decide(self, period: int) -> None:
        """The commissioner disputes one result (the provider replies); the validator then
        validates every result of the period."""
        for (metric_id, p), report in self.reports.items():
            if p != period:
                continue
            if (metric_id, p) == DISPUTE[:2]:
                self.demo.clients["commissioner"].post(
                    f"/reports/{report['id']}/decisions",
                    {"decision": "disputed", "reason": DISPUTE[2]})
                self.demo.clients["strong"].post(f"/reports/{report['id']}/replies",
                                                 {"comment": REPLY})
            self.demo.clients["validator"].post(f"/reports/{report['id']}/decisions",
                                                {"decision": "validated"})

    def wait_for_performance(self, periods: int = 2, timeout: float = 60.0) -> dict[str, Any]:
        """Poll scoring until every period is rated on every metric."""
        path = f"/contracts/{self.contract['id']}/performance"
        anyone = Client(self.demo.base_url)
        wanted = len(self.contract["metrics"])

        def ready():
            doc = anyone.get(path)
            rated = [p for p in doc["periods"] if len(p["measures"]) == wanted]
            return doc if len(rated) >= periods else None

        self.performance = wait_until(ready, timeout=timeout, what="performance ratings")
        return self.performance

    def wait_for_payments(self, periods: int = 2, timeout: float = 60.0) -> dict[str, Any]:
        """Poll scoring until the current payment run covers the periods with nothing left
        out (every result validated); ``{}`` for a contract without a rate card."""
        if not self.contract.get("rate_card"):
            return {}
        path = f"/contracts/{self.contract['id']}/payments"
        anyone = Client(self.demo.base_url)

        def ready():
            doc = anyone.get(path)
            run = doc["current"]
            done = run and len(run["periods"]) >= periods and not run["excluded"]
            return doc if done else None

        self.payments = wait_until(ready, timeout=timeout, what="outcome payments")
        return self.payments

    def run_all(self, say=print, wait=no_progress) -> dict[str, Any]:
        """Every contract step after award, narrating as it goes (``wait`` as for
        ``DemoRun.run_all``)."""
        self.create_assessors()
        with wait("the contract to be drawn up"):
            contract = self.wait_for_contract()
        say(f"Contract {contract['id']}: {len(contract['metrics'])} agreed metrics, "
            f"{contract['start_date']} to {contract['end_date']}.")
        self.invite()
        for period in (1, 2):
            self.report(period)
            self.co_assess(period)
            self.decide(period)
            say(f"Period {period}: reported, co-assessed and validated.")
        with wait("the performance ratings"):
            return self.wait_for_performance()
