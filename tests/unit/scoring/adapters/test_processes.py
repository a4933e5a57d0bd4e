"""fork_map: the same results as a loop, in order, computed in forked children."""

from __future__ import annotations

import os

from services.scoring.adapters.processes import default_processes, fork_map


def _square_with_pid(chunk: list[int]) -> tuple[list[int], int]:
    return [n * n for n in chunk], os.getpid()


def test_results_in_chunk_order_from_other_processes():
    chunks = [[1, 2], [3], [4, 5, 6], []]
    done = fork_map(_square_with_pid, chunks, 2)
    assert [squares for squares, _ in done] == [[1, 4], [9], [16, 25, 36], []]
    assert os.getpid() not in {pid for _, pid in done}


def test_one_process_or_one_chunk_stays_in_this_process():
    assert fork_map(_square_with_pid, [[2], [3]], 1) == [([4], os.getpid()), ([9], os.getpid())]
    assert fork_map(_square_with_pid, [[7]], 4) == [([49], os.getpid())]


def test_an_error_in_a_child_reaches_the_caller():
    import pytest

    with pytest.raises(ZeroDivisionError):
        fork_map(lambda chunk: 1 / chunk, [1, 0], 2)


def test_default_processes_counts_usable_cores():
    assert default_processes() >= 1


def test_children_end_even_when_this_process_ignores_sigterm():
    """An in-process rq worker's SIGTERM handler only asks for a warm stop; children that kept it
    ignored the pool's end and its join waited for ever (a CI hang)."""
    import signal

    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        for _ in range(20):  # the hang was a race with the pool's end: give it many chances
            assert [s for s, _ in fork_map(_square_with_pid, [[1], [2], [3]], 2)] == [[1], [4], [9]]
    finally:
        signal.signal(signal.SIGTERM, previous)


def _wait_for_file_then_square(chunk: list) -> list[int]:
    """A child that finishes only once the parent's ``meanwhile`` has written the file."""
    import time
    from pathlib import Path

    flag, numbers = chunk
    for _ in range(500):
        if Path(flag).exists():
            return [n * n for n in numbers]
        time.sleep(0.01)
    raise TimeoutError("meanwhile did not run while the children worked")


def test_meanwhile_runs_here_while_the_children_work(tmp_path):
    flag = tmp_path / "written"
    ran = []
    done = fork_map(_wait_for_file_then_square, [(str(flag), [2]), (str(flag), [3])], 2,
                    meanwhile=lambda: (flag.write_text("x"), ran.append(os.getpid())))
    assert done == [[4], [9]] and ran == [os.getpid()]


def test_meanwhile_runs_first_without_children_and_its_error_ends_the_pool():
    import pytest

    order = []
    assert fork_map(lambda c: order.append("work") or c, [1], 1,
                    meanwhile=lambda: order.append("meanwhile")) == [1]
    assert order == ["meanwhile", "work"]

    def fail() -> None:
        raise RuntimeError("insert failed")

    with pytest.raises(RuntimeError, match="insert failed"):
        fork_map(_square_with_pid, [[1], [2]], 2, meanwhile=fail)
