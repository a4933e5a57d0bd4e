"""Pure domain rules of the commissioning service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.commissioning.domain.bids import (
    TenderFacts,
    Viewer,
    bid_access,
    is_open_for_bids,
    needs_confirmation,
)
from services.commissioning.domain.lifecycle import STATES, IllegalTransition, next_state
from services.commissioning.domain.tenders import (
    Periods,
    check_amendment,
    check_deadlines,
    check_publishable,
    complete_document,
)

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def test_lifecycle_table():
    path = [("publish", "published"), ("close", "closed"), ("assess", "evaluating"),
            ("score", "scored"), ("award", "awarded"), ("conclude", "concluded")]
    state = "draft"
    for action, expected in path:
        state = next_state(state, action)
        assert state == expected
    for s in STATES:
        if s in ("awarded", "concluded", "cancelled"):
            with pytest.raises(IllegalTransition, match=f"is {s}"):
                next_state(s, "cancel")
        else:
            assert next_state(s, "cancel") == "cancelled"


def test_deadline_is_exclusive_to_the_microsecond():
    deadline = NOW + timedelta(days=1)
    assert is_open_for_bids(deadline, deadline - timedelta(microseconds=1))
    assert not is_open_for_bids(deadline, deadline)
    assert not is_open_for_bids(None, NOW)


def test_bid_access_matrix():
    facts = TenderFacts("org_c", NOW, frozenset({"usr_panel", "usr_late", "usr_conflicted"}),
                        panel_blocked={"usr_conflicted": frozenset({"bid_b"})})
    before, after = NOW - timedelta(microseconds=1), NOW

    def access(user, org, roles, when, status="submitted", bid="bid_b"):
        return bid_access(Viewer(user, org, roles), facts, bid, "org_b", status, when)

    assert access("u", "org_b", ("bidder",), before) == "full"
    for viewer in [("u", "org_c", ("commissioner",)), ("a", "org_x", ("auditor",)),
                   ("adm", None, ("admin",)), ("usr_panel", "org_c", ("evaluator",))]:
        assert access(*viewer, before) is None
    assert access("u", "org_c", ("commissioner",), after) == "full"
    assert access("a", "org_x", ("auditor",), after) == "full"
    assert access("usr_panel", "org_c", ("evaluator",), after) == "no_price"
    # Never a bid a declared conflict blocks (not yet declared: docs/api.md's panel rule holds).
    assert access("usr_late", "org_c", ("evaluator",), after) == "no_price"
    assert access("usr_conflicted", "org_c", ("evaluator",), after) is None
    assert access("usr_conflicted", "org_c", ("evaluator",), after, bid="bid_x") == "no_price"
    assert access("usr_other", "org_c", ("evaluator",), after) is None
    assert access("u", "org_other", ("commissioner",), after) is None
    assert access("u", "org_c", ("commissioner",), after, status="withdrawn") is None


def test_needs_confirmation():
    assert needs_confirmation(1, 2, "submitted")
    assert not needs_confirmation(2, 2, "submitted")
    assert not needs_confirmation(1, 2, "withdrawn")


def test_publishable_and_periods():
    doc = complete_document({"title": "t", "price": {"weight": 30, "formula": "relative_to_lowest"},
                             "clarification_deadline": NOW + timedelta(days=10),
                             "submission_deadline": NOW + timedelta(days=20)})
    assert check_publishable(doc, NOW, Periods()) == {}
    doc["submission_deadline"] = NOW + timedelta(days=9)
    doc["clarification_deadline"] = NOW + timedelta(days=5)
    errors = check_publishable(doc, NOW, Periods())
    assert set(errors) == {"submission_deadline", "clarification_deadline"}
    assert check_publishable(doc, NOW, Periods.sandbox()) == {}
    assert check_deadlines({"clarification_deadline": NOW, "submission_deadline": None},
                           NOW) == {"clarification_deadline": ["Must be in the future."]}


def test_amendment_extension_rule():
    deadline = NOW + timedelta(days=5)
    periods = Periods()
    assert "changes.submission_deadline" in check_amendment(deadline, None, NOW, periods)
    assert check_amendment(deadline, NOW + timedelta(days=6), NOW, periods)
    assert check_amendment(deadline, NOW + timedelta(days=7), NOW, periods) == {}
    assert check_amendment(NOW + timedelta(days=7), None, NOW, periods) == {}
    assert check_amendment(deadline, None, NOW, Periods.sandbox()) == {}
