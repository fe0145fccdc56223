"""Burrow's evaluation rules on tables of commit windows."""

from __future__ import annotations

import pytest

from hub.lag import Commit, CommitWindow, Status, evaluate_partition, group_status


def _window(*commits: tuple[int, float, int]) -> list[Commit]:
    return [Commit(offset, at, lag) for offset, at, lag in commits]


# (offsets, commit times, lags at commit), now, lag now, recent log ends -> status
CASES = [
    ("no lag now is always OK", [(10, 0, 5), (10, 10, 5)], 100, 0, (), Status.OK),
    ("idle partition, nothing ever produced", [(0, 0, 0), (0, 10, 0)], 100, 0, (), Status.OK),
    ("moving and catching up", [(10, 0, 9), (20, 10, 5), (30, 20, 2)], 21, 2, (), Status.OK),
    ("lag zero once in the window", [(10, 0, 3), (20, 10, 0), (30, 20, 4)], 21, 4, (), Status.OK),
    (
        "stopped: silent longer than the window",
        [(10, 0, 5), (20, 10, 5)],
        25,
        9,
        (30,),
        Status.STOP,
    ),
    (
        "silent, but not yet as long as the window",
        [(10, 0, 5), (20, 10, 5)],
        19,
        9,
        (),
        Status.WARN,
    ),
    (
        "slow topic: caught up a moment ago is not STOP",
        [(10, 0, 5), (20, 10, 5)],
        25,
        1,
        (20, 21),
        Status.WARN,
    ),
    ("stalled: same offset, lag", [(10, 0, 5), (10, 5, 6), (10, 10, 8)], 11, 8, (), Status.STALL),
    ("rewound", [(50, 0, 5), (20, 5, 40), (30, 10, 30)], 11, 30, (), Status.REWIND),
    ("rewind wins over stall", [(50, 0, 5), (20, 5, 40), (20, 10, 41)], 11, 41, (), Status.REWIND),
    ("slow: lag never goes down", [(10, 0, 5), (20, 5, 5), (30, 10, 7)], 11, 7, (), Status.WARN),
    ("lag went down once", [(10, 0, 5), (20, 5, 9), (30, 10, 7)], 11, 7, (), Status.OK),
    ("one commit shows no trend", [(10, 0, 5)], 0, 5, (), Status.OK),
    ("no commit seen", [], 1, 5, (), Status.NOTFOUND),
]


@pytest.mark.parametrize(
    ("commits", "now", "lag", "ends", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_partition_status_follows_burrows_rules(
    commits: list[tuple[int, float, int]],
    now: float,
    lag: int,
    ends: tuple[int, ...],
    expected: Status,
) -> None:
    assert (
        evaluate_partition(_window(*commits), now=now, lag=lag, recent_end_offsets=ends) is expected
    )


def test_stop_waits_for_the_minimum_span_on_a_fresh_window() -> None:
    window = _window((10, 0, 5))
    assert evaluate_partition(window, now=5, lag=5, min_span_s=10) is Status.OK
    assert evaluate_partition(window, now=11, lag=5, min_span_s=10) is Status.STOP


@pytest.mark.parametrize(
    ("partitions", "expected"),
    [
        ([Status.OK, Status.OK], Status.OK),
        ([Status.OK, Status.WARN], Status.WARN),
        ([Status.WARN, Status.STOP], Status.ERR),
        ([Status.STALL], Status.ERR),
        ([Status.REWIND, Status.OK], Status.ERR),
        ([], Status.NOTFOUND),
    ],
)
def test_group_takes_the_worst_partition_capped_at_err(
    partitions: list[Status], expected: Status
) -> None:
    assert group_status(partitions) is expected


def test_a_live_group_that_does_not_move_stalls() -> None:
    window = CommitWindow(3)
    for at in range(4):
        window.observe(offset=10, end_offset=20 + at, at=float(at), live=True)
    assert window.status(now=4, lag=14, min_span_s=3) is Status.STALL


def test_a_group_without_members_stops_committing_and_turns_stop() -> None:
    window = CommitWindow(3)
    for at, offset in enumerate((5, 8, 10)):
        window.observe(offset=offset, end_offset=offset + 2, at=float(at), live=False)
    for at in range(3, 6):
        window.observe(offset=10, end_offset=30, at=float(at), live=False)
    assert len(window.commits) == 3
    assert window.status(now=5, lag=20, min_span_s=2) is Status.STOP


def test_restart_clears_the_status_once_the_consumer_catches_up() -> None:
    window = CommitWindow(3)
    window.observe(offset=10, end_offset=30, at=0, live=False)
    assert window.status(now=50, lag=20, min_span_s=5) is Status.STOP
    window.observe(offset=30, end_offset=30, at=51, live=True)
    assert window.status(now=51, lag=0, min_span_s=5) is Status.OK
