"""Drive the example tender from publication to award through the gateway."""

from __future__ import annotations

import time
import uuid
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from services.demo import scenario
from services.demo.client import Client
from shared.time import parse_rfc3339
from shared.waiting import wait_until


def no_progress(_what: str) -> AbstractContextManager:
    """The default ``wait`` of ``run_all``: show nothing while a step waits."""
    return nullcontext()


@dataclass
class DemoRun:
    """One run of the example; each step is a method so tests can check between steps."""

    base_url: str
    admin_token: str
    deadline_seconds: float = 20.0
    suffix: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    api: Client = field(init=False)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)  # who signs in as what
    clients: dict[str, Client] = field(default_factory=dict)
    tender: dict[str, Any] = field(default_factory=dict)
    bids: dict[str, dict[str, Any]] = field(default_factory=dict)
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)
    rate_card: dict[str, Any] | None = None  # published with the tender when given
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # per bid: attach answer

    def __post_init__(self) -> None:
        self.api = Client(self.base_url)

    def _email(self, local: str) -> str:
        name, _, domain = local.partition("@")
        return f"{name}+{self.suffix}@{domain or 'riverside.example'}"

    def create_staff(self) -> None:
        """Admin creates the council, its commissioner, the panel and an auditor."""
        admin = self.api.as_user(self.admin_token)
        council = admin.post("/organisations", {
            "name": f"{scenario.COUNCIL['name']} {self.suffix}",
            "kind": scenario.COUNCIL["kind"]})
        staff = {
            "commissioner": (["commissioner"], False),
            "evaluator1": (["evaluator"], False),
            "evaluator2": (["evaluator"], False),
            "evaluator3": (["evaluator"], True),  # lived experience
            "moderator": (["moderator"], False),
            "auditor": (["auditor"], False),
        }
        for name, (roles, lived) in staff.items():
            email = self._email(f"{name}@riverside.example")
            user = admin.post("/users", {"email": email, "password": scenario.PASSWORD,
                                         "roles": roles, "organisation_id": council["id"],
                                         "lived_experience": lived})
            self.users[name], self.emails[name] = user, email
            self.clients[name] = self.api.login(email, scenario.PASSWORD)

    def register_bidders(self) -> None:
        """Three social enterprises register themselves."""
        for bidder in scenario.BIDDERS:
            email = self._email(bidder["email"])
            org = dict(bidder["organisation"])
            org["name"] = f"{org['name']} {self.suffix}"
            user = self.api.post("/auth/register", {"email": email,
                                                    "password": scenario.PASSWORD,
                                                    "organisation": org})
            self.users[bidder["key"]], self.emails[bidder["key"]] = user, email
            self.clients[bidder["key"]] = self.api.login(email, scenario.PASSWORD)

    def publish_tender(self) -> dict[str, Any]:
        """The commissioner drafts the tender with the default criteria and publishes it."""
        commissioner = self.clients["commissioner"]
        body = scenario.tender_body(self.deadline_seconds * 0.5, self.deadline_seconds)
        if self.rate_card is not None:
            body["rate_card"] = self.rate_card
        draft = commissioner.post("/tenders", body)
        commissioner.upload(f"/tenders/{draft['id']}/documents", scenario.specification(),
                            filename="specification.txt", title="Specification")
        self.tender = commissioner.post(f"/tenders/{draft['id']}/publish")
        return self.tender

    def set_panel(self) -> dict[str, Any]:
        """The commissioner forms the panel (one evaluator has lived experience).

        Scoring learns of a published tender through the queue; on a busy platform that can
        take longer than the service's own wait, so a 404 is retried for a while.
        """
        body = {"evaluators": [self.users[f"evaluator{i}"]["id"] for i in (1, 2, 3)],
                "moderator": self.users["moderator"]["id"]}
        path = f"/tenders/{self.tender['id']}/panel"
        commissioner = self.clients["commissioner"]
        resp = wait_until(lambda: (r := commissioner.request("PUT", path, json=body,
                                                             expect=(200, 404))
                                   ).status_code == 200 and r,
                          timeout=60, what="scoring to know the tender")
        return resp.json()

    def clarify(self) -> dict[str, Any]:
        """A bidder asks a question; the commissioner answers it for everyone."""
        tid = self.tender["id"]
        question = self.clients["outputs"].post(f"/tenders/{tid}/questions", {
            "question": "Can outcomes be reported annually rather than quarterly?"})
        return self.clients["commissioner"].post(
            f"/tenders/{tid}/questions/{question['id']}/answer",
            {"answer": "Quarterly reporting is required; annual outcome reviews are welcome."})

    def submit_bids(self) -> None:
        """Each bidder submits its sealed bid (with an idempotency key) and attaches its
        method statement; the answer's receipt carries the document's SHA-256."""
        for bidder in scenario.BIDDERS:
            body = bidder["bid"]()
            self.bodies[bidder["key"]] = body
            client = self.clients[bidder["key"]]
            bid = client.post(f"/tenders/{self.tender['id']}/bids", body,
                              headers={"Idempotency-Key": str(uuid.uuid4())})
            self.bids[bidder["key"]] = bid
            self.documents[bidder["key"]] = client.upload(
                f"/bids/{bid['id']}/documents",
                scenario.method_statement(bidder["organisation"]["name"]),
                filename="method-statement.txt", title="Method statement")

    def wait_for_deadline(self) -> None:
        """Sleep until the submission deadline has passed."""
        deadline = parse_rfc3339(self.tender["submission_deadline"])
        remaining = deadline.timestamp() - time.time()
        if remaining > 0:
            time.sleep(remaining + 0.2)

    def wait_for_status(self, *statuses: str, timeout: float = 60.0) -> dict[str, Any]:
        """Poll the tender until it reaches one of the statuses."""
        commissioner = self.clients["commissioner"]
        return wait_until(lambda: (t := commissioner.get(f"/tenders/{self.tender['id']}"))
                          ["status"] in statuses and t, timeout=timeout,
                          what=f"tender status in {statuses}")

    def wait_for_assessment(self, timeout: float = 60.0) -> dict[str, Any]:
        """Poll the evaluation document until every bid has its automated assessment."""
        commissioner = self.clients["commissioner"]
        path = f"/tenders/{self.tender['id']}/evaluation"

        def ready():
            doc = commissioner.request("GET", path, expect=(200, 404, 409)).json()
            bids = doc.get("bids") or []
            return doc if len(bids) == len(self.bids) and all(
                b.get("assessment") for b in bids) else None

        return wait_until(ready, timeout=timeout, what="automated assessments")

    def declare_conflicts(self) -> None:
        """Every panel member (evaluators and moderator) declares no conflict with any bid."""
        tid = self.tender["id"]
        for member in ("evaluator1", "evaluator2", "evaluator3", "moderator"):
            self.clients[member].post(f"/tenders/{tid}/conflicts", {"declarations": [
                {"bid_id": bid["id"], "has_conflict": False, "detail": "No relationship."}
                for bid in self.bids.values()]})

    def score(self) -> None:
        """Evaluators score each bid on each quality criterion, with justifications."""
        tid = self.tender["id"]
        for key, bid in self.bids.items():
            for criterion, scores in scenario.PANEL_SCORES[key].items():
                for i, value in enumerate(scores, start=1):
                    self.clients[f"evaluator{i}"].post(f"/tenders/{tid}/bids/{bid['id']}/scores", {
                        "criterion_key": criterion, "score": value,
                        "justification": f"Scored {value} against the published descriptors "
                                         f"for {criterion}."})

    def moderate(self) -> None:
        """The moderator records consensus where evaluators diverged by 2 or more."""
        tid = self.tender["id"]
        for (key, criterion), (score, rationale) in scenario.MODERATION.items():
            self.clients["moderator"].post(
                f"/tenders/{tid}/bids/{self.bids[key]['id']}/moderation",
                {"criterion_key": criterion, "score": score, "rationale": rationale})

    def run_scoring(self, timeout: float = 60.0) -> dict[str, Any]:
        """The commissioner asks for a scoring run and waits for it to complete."""
        commissioner = self.clients["commissioner"]
        queued = commissioner.post(f"/tenders/{self.tender['id']}/scoring-runs")
        self.run = wait_until(
            lambda: (r := commissioner.get(f"/scoring-runs/{queued['run_id']}"))["status"]
            in ("completed", "failed") and r, timeout=timeout, what="scoring run")
        return self.run

    def award(self) -> dict[str, Any]:
        """The commissioner awards the top-ranked passing bid."""
        top = next(r for r in sorted(self.run["ranking"], key=lambda r: r["rank"])
                   if r["passed"])
        return self.clients["commissioner"].post(f"/tenders/{self.tender['id']}/award",
                                                 {"bid_id": top["bid_id"]})

    def through_award(self, clarify: bool = False) -> dict[str, Any]:
        """Publish the tender and take it, quietly, to award (staff and bidders already made)."""
        self.publish_tender()
        if clarify:
            self.clarify()
        self.submit_bids()
        self.set_panel()
        self.wait_for_deadline()
        self.wait_for_assessment()
        self.declare_conflicts()
        self.score()
        self.moderate()
        self.run_scoring()
        return self.award()

    def bidder_key(self, bid_id: str) -> str:
        """Which example bidder made the bid."""
        return next(k for k, b in self.bids.items() if b["id"] == bid_id)

    def run_all(self, say=print, wait=no_progress) -> dict[str, Any]:
        """Every step from staff creation to award, narrating as it goes; ``wait(what)`` is a
        context manager around each step that waits on the clock or the queues."""
        self.create_staff()
        self.register_bidders()
        say(f"Published: {self.publish_tender()['title']} ({self.tender['id']})")
        # What must beat a deadline goes first; the panel waits on the queue and may be slow.
        self.clarify()
        self.submit_bids()
        with wait("scoring to hear of the tender"):
            self.set_panel()
        say(f"{len(self.bids)} sealed bids submitted.")
        left = parse_rfc3339(self.tender["submission_deadline"]).timestamp() - time.time()
        with wait(f"the submission deadline (in {max(0, left):.0f} s)"):
            self.wait_for_deadline()
        with wait("the bids to be opened and assessed"):
            self.wait_for_assessment()
        say("Tender closed, bids opened and assessed automatically.")
        self.declare_conflicts()
        self.score()
        self.moderate()
        with wait("the scoring run"):
            self.run_scoring()
        award = self.award()
        say(f"Awarded to {self.bidder_key(award['bid_id'])}.")
        return {"tender": self.tender, "run": self.run, "award": award}
