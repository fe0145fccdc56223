"""Consumer-group lag: committed offsets against log-end offsets, per group.

Committed offsets are read with OffsetFetch through a consumer that never joins the
group. On Tansu (the embedded broker) ListOffsets answers the start of the last batch
instead of the true end, so lag read this way is short by up to one batch; ``hub up``
says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

__all__ = ["GroupLag", "read_lag"]


@dataclass(frozen=True)
class GroupLag:
    """One group's position: messages behind, summed over its partitions."""

    group: str
    lag: int
    partitions: int
    committed: int


async def read_lag(
    client_options: dict[str, Any], groups: Mapping[str, Sequence[str]]
) -> list[GroupLag]:
    """Return the lag of each group (name -> topics it consumes) that has committed offsets."""
    result = []
    for group, topics in groups.items():
        consumer = AIOKafkaConsumer(group_id=group, enable_auto_commit=False, **client_options)
        await consumer.start()
        try:
            await consumer.topics()
            partitions = [
                TopicPartition(t, p)
                for t in topics
                for p in sorted(consumer.partitions_for_topic(t) or ())
            ]
            committed = {}
            for tp in partitions:
                offset = await consumer.committed(tp)
                if offset is not None and offset >= 0:
                    committed[tp] = offset
            if not committed:
                continue
            ends = await consumer.end_offsets(list(committed))
            lag = sum(max(0, ends[tp] - offset) for tp, offset in committed.items())
            result.append(GroupLag(group, lag, len(committed), sum(committed.values())))
        finally:
            await consumer.stop()
    return result
