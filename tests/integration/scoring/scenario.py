"""A tender with three realistic bids, a panel and the people around it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.integration.scoring import payloads
from tests.integration.scoring.harness import Harness, person


@dataclass
class Scenario:
    """Everyone involved in one tender, plus helpers for the panel steps."""

    h: Harness
    mode: str = "panel"
    evaluation: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.council = "org_council_" + uuid.uuid4().hex[:6]
        self.owner = person("commissioner", organisation_id=self.council)
        self.colleague = person("commissioner", organisation_id=self.council)
        self.other_commissioner = person("commissioner")
        self.evaluators = [person("evaluator", lived_experience=True), person("evaluator"),
                           person("evaluator")]
        self.outsider = person("evaluator")
        self.moderator = person("moderator")
        self.auditor = person("auditor")
        self.strong_org = person("bidder")
        self.outputs_org = person("bidder")
        self.cheap_org = person("bidder")
        self.h.know(*self.evaluators, self.outsider, self.moderator, self.owner, self.auditor)
        self.doc = payloads.tender(self.council, self.owner.user_id, mode=self.mode,
                                   **self.evaluation)
        self.tender_id = self.doc["id"]
        self.strong, self.outputs, self.cheap = (f"bid_{n}_{self.tender_id[-6:]}"
                                                 for n in ("strong", "outputs", "cheap"))
        self.bids = [
            payloads.opened(self.strong, self.strong_org.organisation_id, "Together CIC",
                            payloads.strong_bid()),
            payloads.opened(self.outputs, self.outputs_org.organisation_id, "Busy Charity",
                            payloads.outputs_bid()),
            payloads.opened(self.cheap, self.cheap_org.organisation_id, "Cheap Co-op",
                            payloads.low_price_bid()),
        ]
        self.closing = payloads.closed(self.doc, self.bids)

    @property
    def bid_ids(self) -> list[str]:
        return [self.strong, self.outputs, self.cheap]

    def publish_and_close(self) -> None:
        self.h.publish(payloads.published(self.doc))
        self.h.close(self.closing)

    def set_panel(self) -> None:
        resp = self.h.put_panel(self.owner, self.tender_id, {
            "evaluators": [e.user_id for e in self.evaluators],
            "moderator": self.moderator.user_id})
        assert resp.status_code == 200, resp.json

    def declare_none(self, *who) -> None:
        for member in who or (*self.evaluators, self.moderator):
            resp = self.h.post(member, f"/tenders/{self.tender_id}/conflicts",
                               {"declarations": []})
            assert resp.status_code == 201, resp.json

    def score(self, evaluator, bid_id: str, key: str, value: int, **extra):
        body = {"criterion_key": key, "score": value,
                "justification": f"Evidence in the response to {key} supports {value}.", **extra}
        return self.h.post(evaluator, f"/tenders/{self.tender_id}/bids/{bid_id}/scores", body)

    def score_all(self, table: dict[str, dict[str, list[int]]]) -> None:
        """``{bid_id: {key: [s1, s2, s3]}}`` for the three evaluators."""
        for bid_id, by_key in table.items():
            for key, values in by_key.items():
                for evaluator, value in zip(self.evaluators, values, strict=True):
                    resp = self.score(evaluator, bid_id, key, value)
                    assert resp.status_code == 201, resp.json
