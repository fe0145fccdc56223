"""CPU time per event: how much of the machine a pipeline, and the broker under it, used.

A throughput ratio says how fast, not where the cores went. The router writes about 7.5
records per vacancy against a baseline's one, and on a small machine the broker's share
of the cores grows with them. A sampler reads each process's CPU time (user and system,
every thread) from ``/proc`` a few times a second while a pass runs; the CPU spent between
the first and the last output read back, the window the rate is measured over, is
interpolated from those samples.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import os
import time
from collections.abc import Callable, Coroutine, Iterable
from pathlib import Path
from typing import Any

from hub.lifecycle import BackgroundService

__all__ = ["CpuSampler", "cpu_seconds"]

_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """Return the CPU seconds (user + system, all threads) process *pid* has used so far,
    or None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the name field may hold spaces and parentheses: the fields after it are counted
    # from its closing parenthesis; utime and stime are fields 14 and 15
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS_PER_S


class CpuSampler(BackgroundService):
    """Samples the CPU used by a changing set of processes; an async context manager.

    *pids* is asked again at every sample, so a process started again (a new pid)
    is followed; what each process used before it was first seen is not counted.
    """

    def __init__(self, pids: Callable[[], Iterable[int]], interval_s: float = 0.2) -> None:
        super().__init__()
        self._pids = pids
        self._interval_s = interval_s
        self._first_seen: dict[int, float] = {}
        self._latest: dict[int, float] = {}
        self._times: list[float] = []
        self._totals: list[float] = []

    def sample(self) -> None:
        """Record the CPU used so far by every process, against wall-clock time now."""
        for pid in self._pids():
            used = cpu_seconds(pid)
            if used is None:
                continue
            self._first_seen.setdefault(pid, used)
            self._latest[pid] = used
        self._times.append(time.time())
        self._totals.append(sum(self._latest[pid] - self._first_seen[pid] for pid in self._latest))

    def _total_at(self, moment: float) -> float:
        """Return the CPU used up to *moment*, interpolated between the samples around it."""
        index = bisect.bisect_left(self._times, moment)
        if index == 0:
            return self._totals[0]
        if index == len(self._times):
            return self._totals[-1]
        before, after = self._times[index - 1], self._times[index]
        share = (moment - before) / (after - before) if after > before else 1.0
        low, high = self._totals[index - 1], self._totals[index]
        return low + (high - low) * share

    def seconds_between(self, first: float, last: float) -> float:
        """Return the CPU seconds the processes used from wall-clock *first* to *last*."""
        if not self._times:
            return 0.0
        return self._total_at(last) - self._total_at(first)

    async def _open(self, stack: contextlib.AsyncExitStack) -> None:
        """Nothing to open: ``/proc`` is read afresh at each sample."""

    def _loops(self) -> list[Coroutine[Any, Any, None]]:
        return [self._sample_until_stopped()]

    async def _sample_until_stopped(self) -> None:
        while not self._stop.is_set():
            self.sample()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._interval_s)

    async def stop(self) -> None:
        """Stop sampling, with one last sample."""
        await super().stop()
        self.sample()
