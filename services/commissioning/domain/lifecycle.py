"""The tender lifecycle: which action moves which state where."""

from __future__ import annotations

DRAFT = "draft"
PUBLISHED = "published"
CLOSED = "closed"
EVALUATING = "evaluating"
SCORED = "scored"
AWARDED = "awarded"
CONCLUDED = "concluded"
CANCELLED = "cancelled"

STATES = (DRAFT, PUBLISHED, CLOSED, EVALUATING, SCORED, AWARDED, CONCLUDED, CANCELLED)

# action -> {from_state: to_state}
TRANSITIONS: dict[str, dict[str, str]] = {
    "edit": {DRAFT: DRAFT},
    "publish": {DRAFT: PUBLISHED},
    "amend": {PUBLISHED: PUBLISHED},
    "ask": {PUBLISHED: PUBLISHED},
    "bid": {PUBLISHED: PUBLISHED},
    "close": {PUBLISHED: CLOSED},
    "assess": {CLOSED: EVALUATING},
    # A scoring run can complete before the assessment event was seen, and re-runs keep "scored".
    "score": {CLOSED: SCORED, EVALUATING: SCORED, SCORED: SCORED},
    "award": {SCORED: AWARDED},
    # a tender with lots is awarded when every lot is decided; all may close unawarded unscored
    "decide_lots": {EVALUATING: AWARDED, SCORED: AWARDED},
    "conclude": {AWARDED: CONCLUDED},
    "cancel": {s: CANCELLED for s in (DRAFT, PUBLISHED, CLOSED, EVALUATING, SCORED)},
}

VERBS = {
    "edit": "edit", "publish": "publish", "amend": "amend", "ask": "ask a question on",
    "bid": "bid on", "close": "close", "assess": "start evaluating", "score": "record scores on",
    "award": "award", "decide_lots": "award", "conclude": "conclude", "cancel": "cancel",
}


class IllegalTransition(Exception):
    """The action is not allowed in the tender's current state."""

    def __init__(self, action: str, state: str):
        self.action = action
        self.state = state
        super().__init__(f"cannot {VERBS.get(action, action)} a tender that is {state}")


def next_state(state: str, action: str) -> str:
    """The state after ``action``, or IllegalTransition naming the current state."""
    try:
        return TRANSITIONS[action][state]
    except KeyError:
        raise IllegalTransition(action, state) from None


def is_terminal(state: str) -> bool:
    """True for states no event can move any more."""
    return state in (CONCLUDED, CANCELLED)
