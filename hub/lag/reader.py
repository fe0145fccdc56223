"""Offsets from the cluster: committed (Offset Fetch), log start and end (List Offsets).

Reads without joining any group and never commits, so watching a group never disturbs it.
One admin client and one group-less consumer serve every sample; open it with
``async with OffsetReader(options) as reader``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from hub.lag.exceptions import LagError, LagReadError
from hub.lifecycle import Lifecycle
from hub.partitions import partitions_of

__all__ = ["GroupOffsets", "OffsetReader", "Snapshot"]

#: the cluster id Tansu, the embedded broker, reports
_TANSU_CLUSTER_PREFIX = "tansu"


@dataclass(frozen=True)
class GroupOffsets:
    """One group's committed offsets (partitions without a commit are absent)."""

    group: str
    partitions: tuple[TopicPartition, ...]
    committed: Mapping[TopicPartition, int]
    #: live members, or None when the cluster would not say
    members: int | None


@dataclass(frozen=True)
class Snapshot:
    """Everything one sample read, at one moment."""

    at: float
    groups: Mapping[str, GroupOffsets]
    #: log-start offsets, only of partitions some group has not committed
    start: Mapping[TopicPartition, int]
    end: Mapping[TopicPartition, int]


class OffsetReader(Lifecycle):
    """Reads committed, log-start and log-end offsets for groups and the topics they read."""

    def __init__(self, client_options: Mapping[str, Any]) -> None:
        self._options = dict(client_options)
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        """Connect the admin client and the group-less consumer."""
        try:
            self._admin = AIOKafkaAdminClient(**self._options)
            await self._admin.start()
            self._consumer = AIOKafkaConsumer(enable_auto_commit=False, **self._options)
            await self._consumer.start()
        except KafkaError as exc:
            await self.stop()
            raise LagReadError(f"cannot reach the cluster: {exc}") from exc

    async def stop(self) -> None:
        """Close both clients."""
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None
        if self._admin is not None:
            await self._admin.close()
            self._admin = None

    async def is_embedded_broker(self) -> bool:
        """Return True on Tansu, whose log-end offsets read short by up to one batch."""
        try:
            cluster = await self._connected()[0].describe_cluster()
        except KafkaError:
            return False
        return str(cluster.get("cluster_id") or "").startswith(_TANSU_CLUSTER_PREFIX)

    async def group_topics(self, group: str) -> list[str]:
        """Return the topics a group has committed offsets for (groups outside the catalogue)."""
        try:
            offsets = await self._connected()[0].list_consumer_group_offsets(group)
        except KafkaError as exc:
            raise LagError(
                f"group {group!r}: the cluster does not list its topics ({exc}); "
                "name a group of the catalogue"
            ) from exc
        return sorted({tp.topic for tp in offsets})

    async def read(self, groups: Mapping[str, Sequence[str]]) -> Snapshot:
        """Read one snapshot for ``{group: topics it consumes}``."""
        admin, consumer = self._connected()
        try:
            await consumer.topics()  # refreshes metadata, so new partitions are seen
            by_group = {
                group: tuple(partitions_of(consumer, topics)) for group, topics in groups.items()
            }
            members = await self._members(list(groups))
            offsets = {}
            for group, partitions in by_group.items():
                committed = (
                    await admin.list_consumer_group_offsets(group, partitions=list(partitions))
                    if partitions
                    else {}
                )
                offsets[group] = GroupOffsets(
                    group,
                    partitions,
                    {tp: meta.offset for tp, meta in committed.items() if meta.offset >= 0},
                    members.get(group),
                )
            every = sorted({tp for partitions in by_group.values() for tp in partitions})
            end = await consumer.end_offsets(every) if every else {}
            # the log start matters only where a group has no commit to count from
            uncommitted = sorted(
                {tp for g in offsets.values() for tp in g.partitions if tp not in g.committed}
            )
            start = await consumer.beginning_offsets(uncommitted) if uncommitted else {}
        except KafkaError as exc:
            raise LagReadError(f"offsets not read: {type(exc).__name__}: {exc}") from exc
        return Snapshot(time.time(), offsets, start, end)

    async def _members(self, groups: list[str]) -> dict[str, int | None]:
        """Return live members per group; absent when Describe Groups is refused.

        One group per request: Tansu garbles the answer about a second group.
        """
        admin = self._connected()[0]
        found: dict[str, int | None] = {}
        for group in groups:
            try:
                responses = await admin.describe_consumer_groups([group])
            except KafkaError:
                continue
            for response in responses:
                for error_code, name, state, *_rest, members, _ops in _group_rows(response):
                    if error_code == 0 and name == group:
                        found[group] = 0 if state in ("Dead", "Empty", "") else len(members)
        return found

    def _connected(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._admin is None or self._consumer is None:
            raise LagError("the offset reader is not started")
        return self._admin, self._consumer


def _group_rows(response: Any) -> list[tuple[Any, ...]]:
    """Return Describe Groups rows padded to (error, group, state, type, protocol, members, ops).

    Versions before 3 have no authorized-operations column.
    """
    return [tuple(row) + (None,) * (7 - len(row)) for row in response.groups]
