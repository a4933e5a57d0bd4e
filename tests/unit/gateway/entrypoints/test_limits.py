"""The growing delay on failed sign-ins (issue 14, item 6)."""

from services.gateway.entrypoints.limits import failure_delay


def test_first_failures_are_free_then_the_delay_doubles_to_a_cap():
    delays = [failure_delay(n, 0.25, 5.0) for n in range(1, 11)]
    assert delays == [0, 0, 0, 0.25, 0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def test_no_delay_when_switched_off():
    assert failure_delay(50, 0, 5.0) == 0
