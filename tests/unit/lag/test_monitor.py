"""The sampling loop's bookkeeping on scripted snapshots: no broker needed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest
from aiokafka import TopicPartition

from hub.lag import GroupOffsets, LagMonitor, MonitorSettings, Snapshot, Status

TP = TopicPartition("pes.forem.in.vacancy", 0)


class _ScriptedReader:
    """Answers ``read`` with the next (time, committed or None, log start, log end, members)."""

    def __init__(self, script: list[tuple[float, int | None, int, int, int]]) -> None:
        self._script: Iterator[tuple[float, int | None, int, int, int]] = iter(script)

    async def read(self, groups: Mapping[str, Sequence[str]]) -> Snapshot:
        at, committed, start, end, members = next(self._script)
        offsets = GroupOffsets(
            "connector-forem", (TP,), {} if committed is None else {TP: committed}, members
        )
        return Snapshot(at, {"connector-forem": offsets}, {TP: start}, {TP: end})


async def _run(script, settings: MonitorSettings) -> LagMonitor:
    reader: Any = _ScriptedReader(script)  # stands in for an OffsetReader
    monitor = LagMonitor(reader, {"connector-forem": [TP.topic]}, settings)
    for _ in script:
        await monitor.sample()
    return monitor


async def test_a_partition_never_committed_counts_from_the_log_start() -> None:
    monitor = await _run([(0.0, None, 100, 130, 0)], MonitorSettings())
    (partition,) = monitor.report[0].partitions
    assert (partition.committed, partition.lag) == (None, 30)


async def test_a_consumer_behind_gets_lag_in_seconds_from_the_end_samples() -> None:
    script = [(0.0, 0, 0, 0, 1), (10.0, 0, 0, 100, 1), (20.0, 50, 0, 200, 1)]
    monitor = await _run(script, MonitorSettings(interval_s=10, window=5))
    (partition,) = monitor.report[0].partitions
    assert partition.lag == 150
    assert partition.lag_seconds == pytest.approx(15.0)  # offset 50 was the end at t=5


async def test_a_member_that_does_not_move_stalls_and_the_group_is_err() -> None:
    script = [(float(t), 10, 0, 20 + t, 1) for t in range(4)]
    monitor = await _run(script, MonitorSettings(interval_s=1, window=3))
    assert monitor.report[0].partitions[0].status is Status.STALL
    assert monitor.report[0].status is Status.ERR


async def test_the_trend_keeps_only_the_configured_span() -> None:
    script = [(float(t), 5, 0, 5, 1) for t in range(0, 100, 10)]
    monitor = await _run(script, MonitorSettings(interval_s=10, trend_s=30))
    assert [p.at for p in monitor.trends["connector-forem"]] == [60.0, 70.0, 80.0, 90.0]
