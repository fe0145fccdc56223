"""Consumer status from a sliding window of commits, by Burrow's rules; no I/O.

Burrow (linkedin/Burrow, ``core/internal/evaluator/caching.go``) keeps the last N commits of
each partition (offset, time, lag at that time) and reads them in this order:

1. no lag now: OK;
2. STOP: the last commit is older than the window is long (the consumer stopped
   committing), unless a recent log-end offset was at or below the last commit, i.e. the
   consumer was caught up a moment ago and the topic is merely slow;
3. lag was zero somewhere in the window: OK;
4. REWIND (an offset went back), STALL (every offset equal), WARN (lag never went down);
5. otherwise OK.

A group takes its worst partition's status, capped at ERR. There are no lag thresholds, on
purpose: the shape of the window says whether a consumer keeps up, whatever the traffic.
Two deliberate differences, both against false alarms on a freshly watched partition: a
single commit shows no trend (no STALL or WARN from it), and STOP needs the silence to be
longer than ``min_span_s`` as well as longer than the window.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from itertools import pairwise

__all__ = ["Commit", "CommitWindow", "Status", "evaluate_partition", "group_status"]


class Status(IntEnum):
    """Burrow's status codes; a higher code is worse up to ERR, then says how it is wrong."""

    NOTFOUND = 0
    OK = 1
    WARN = 2
    ERR = 3
    STOP = 4
    STALL = 5
    REWIND = 6


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit as the monitor saw it: the offset, when, and the lag at that moment."""

    offset: int
    at: float
    lag: int


def evaluate_partition(
    window: Sequence[Commit],
    *,
    now: float,
    lag: int,
    recent_end_offsets: Iterable[int] = (),
    min_span_s: float = 0.0,
) -> Status:
    """Return one partition's status from its commit window (oldest first) and lag now."""
    if lag <= 0:
        return Status.OK
    if not window:
        return Status.NOTFOUND
    first, last = window[0], window[-1]
    silent_for = now - last.at
    if silent_for > max(last.at - first.at, min_span_s) and not any(
        end <= last.offset for end in recent_end_offsets
    ):
        return Status.STOP
    if len(window) < 2 or any(commit.lag <= 0 for commit in window):
        return Status.OK
    pairs = list(pairwise(window))
    if any(later.offset < earlier.offset for earlier, later in pairs):
        return Status.REWIND
    if all(later.offset == earlier.offset for earlier, later in pairs):
        return Status.STALL
    if all(later.lag >= earlier.lag for earlier, later in pairs):
        return Status.WARN
    return Status.OK


def group_status(partitions: Iterable[Status]) -> Status:
    """Return the worst partition status, STOP/STALL/REWIND counting as ERR (Burrow)."""
    worst = max(partitions, default=Status.NOTFOUND)
    return min(worst, Status.ERR)


class CommitWindow:
    """The last ``size`` commits of one partition, plus the log-end offsets seen meanwhile.

    Offset Fetch does not say when a commit was made, so the monitor records a commit when
    the offset moved, and also, while the group has live members, at every sample: a live
    consumer that does not move is Burrow's STALL; a group without members does not commit,
    and its silence turns into STOP.
    """

    def __init__(self, size: int) -> None:
        self.commits: deque[Commit] = deque(maxlen=size)
        self.end_offsets: deque[int] = deque(maxlen=size)

    def observe(self, *, offset: int, end_offset: int, at: float, live: bool) -> None:
        """Record one sample of the committed and log-end offsets."""
        self.end_offsets.append(end_offset)
        moved = not self.commits or self.commits[-1].offset != offset
        if moved or live:
            self.commits.append(Commit(offset, at, max(0, end_offset - offset)))

    def status(self, *, now: float, lag: int, min_span_s: float) -> Status:
        """Return the partition's status now."""
        return evaluate_partition(
            self.commits,
            now=now,
            lag=lag,
            recent_end_offsets=self.end_offsets,
            min_span_s=min_span_s,
        )
