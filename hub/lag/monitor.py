"""The sampling loop: read offsets, keep windows and histories, report lag and status.

Each sample updates, per partition, the log-end history (lag in seconds) and, per group
and partition, the commit window (Burrow status); it also keeps an hour of per-group
totals for trends. A partition the group never committed counts from the log start, as
a consumer with ``auto_offset_reset=earliest`` would begin there.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from aiokafka import TopicPartition

from hub.lag.burrow import CommitWindow, Status, group_status
from hub.lag.exceptions import LagReadError
from hub.lag.interpolation import OffsetHistory
from hub.lag.model import GroupLag, PartitionLag, TrendPoint
from hub.lag.reader import OffsetReader, Snapshot
from hub.logging import get_logger

__all__ = ["LagMonitor", "MonitorSettings"]

log = get_logger(__name__)


@dataclass(frozen=True)
class MonitorSettings:
    """How often to sample and how much to remember."""

    interval_s: float = 2.0
    #: commits per partition in Burrow's window
    window: int = 10
    #: log-end samples per partition for lag in seconds
    history: int = 60
    #: how long the per-group trend goes back
    trend_s: float = 3600.0

    #: least silence before STOP; default: the window's span at one commit per sample
    min_span_s: float | None = None

    @property
    def stop_after_s(self) -> float:
        """The silence, at the least, after which a partition with lag is STOP."""
        return self.interval_s * self.window if self.min_span_s is None else self.min_span_s


class LagMonitor:
    """Samples the given groups; ``report`` holds the latest result, oldest group first."""

    def __init__(
        self,
        reader: OffsetReader,
        groups: Mapping[str, Sequence[str]],
        settings: MonitorSettings | None = None,
    ) -> None:
        self._reader = reader
        self.groups = dict(groups)
        self.settings = settings or MonitorSettings()
        self._windows: dict[tuple[str, TopicPartition], CommitWindow] = {}
        self._histories: dict[TopicPartition, OffsetHistory] = {}
        self.trends: dict[str, deque[TrendPoint]] = {group: deque() for group in self.groups}
        self.report: list[GroupLag] = []
        self.samples = 0

    async def sample(self) -> list[GroupLag]:
        """Read offsets once and return every group's lag and status."""
        snapshot = await self._reader.read(self.groups)
        self.samples += 1
        for tp, end in snapshot.end.items():
            self._history(tp).add(end, snapshot.at)
        self.report = [self._group(snapshot, group) for group in self.groups]
        for group_lag in self.report:
            self._trend(group_lag, snapshot.at)
        return self.report

    async def run(
        self,
        stop: asyncio.Event,
        on_sample: Callable[[list[GroupLag]], Awaitable[None] | None] | None = None,
    ) -> None:
        """Sample every ``interval_s`` until ``stop`` is set; a failed read is logged, not fatal."""
        while not stop.is_set():
            try:
                report = await self.sample()
            except LagReadError as exc:
                log.warning("lag_sample_failed", error=str(exc))
            else:
                if on_sample is not None:
                    result = on_sample(report)
                    if result is not None:
                        await result
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.interval_s)

    def _history(self, tp: TopicPartition) -> OffsetHistory:
        if tp not in self._histories:
            self._histories[tp] = OffsetHistory(self.settings.history)
        return self._histories[tp]

    def _group(self, snapshot: Snapshot, group: str) -> GroupLag:
        offsets = snapshot.groups[group]
        live = bool(offsets.members)
        partitions = []
        for tp in offsets.partitions:
            end = snapshot.end.get(tp, 0)
            committed = offsets.committed.get(tp)
            position = committed if committed is not None else snapshot.start.get(tp, 0)
            lag = max(0, end - position)
            window = self._windows.setdefault((group, tp), CommitWindow(self.settings.window))
            window.observe(offset=position, end_offset=end, at=snapshot.at, live=live)
            status = window.status(now=snapshot.at, lag=lag, min_span_s=self.settings.stop_after_s)
            partitions.append(
                PartitionLag(
                    group=group,
                    topic=tp.topic,
                    partition=tp.partition,
                    committed=committed,
                    end=end,
                    lag=lag,
                    lag_seconds=self._history(tp).lag_seconds(position, snapshot.at),
                    status=status,
                )
            )
        return GroupLag(
            group=group,
            status=group_status(p.status for p in partitions) if partitions else Status.NOTFOUND,
            members=offsets.members,
            partitions=tuple(partitions),
        )

    def _trend(self, group_lag: GroupLag, at: float) -> None:
        trend = self.trends.setdefault(group_lag.group, deque())
        trend.append(TrendPoint(at, group_lag.lag, group_lag.max_lag_seconds, group_lag.status))
        while trend and trend[0].at < at - self.settings.trend_s:
            trend.popleft()
