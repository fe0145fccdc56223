"""Consumer-group lag: committed offsets against log-end offsets, per group and topic.

On Tansu (the embedded broker) ListOffsets answers the start of the last batch instead of
the true end, so lag read this way is short by up to one batch; ``hub up`` says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from hub.logging import get_logger

__all__ = ["GroupLag", "read_lag"]

log = get_logger(__name__)


@dataclass(frozen=True)
class GroupLag:
    """One group's position: messages behind, summed over its partitions."""

    group: str
    lag: int
    partitions: int
    committed: int


async def read_lag(client_options: dict[str, Any], groups: Iterable[str]) -> list[GroupLag]:
    """Return the lag of each group that has committed offsets."""
    admin = AIOKafkaAdminClient(**client_options)
    await admin.start()
    probe = AIOKafkaConsumer(enable_auto_commit=False, **client_options)
    await probe.start()
    try:
        result = []
        for group in groups:
            try:
                offsets = await admin.list_consumer_group_offsets(group)
            except KafkaError as exc:
                log.debug("lag_unavailable", group=group, error=str(exc))
                continue
            committed = {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
            if not committed:
                continue
            ends = await probe.end_offsets(list(committed))
            lag = sum(max(0, ends[tp] - offset) for tp, offset in committed.items())
            result.append(GroupLag(group, lag, len(committed), sum(committed.values())))
        return result
    finally:
        await probe.stop()
        await admin.close()
