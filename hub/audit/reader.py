"""Read topics the way an auditor must: no consumer group, no commits, a fixed end.

The end is taken when reading starts, so a replay of a live topic terminates. Some
brokers (Tansu) report the end short by up to a batch; past the reported end the reader
keeps going while records are older than the start of the read, then stops at the first
empty fetch, so nothing written before the replay began is missed.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from hub.audit.exceptions import TopicNotFoundError
from hub.partitions import topic_partitions

__all__ = ["Position", "TopicReader", "parse_position"]


@dataclass(frozen=True)
class Position:
    """Where to start or stop: an offset, or a time (epoch ms)."""

    offset: int | None = None
    time_ms: int | None = None


def parse_position(text: str | None) -> Position | None:
    """Read ``--from``/``--to``: a whole number is an offset, anything else an ISO time."""
    if text is None:
        return None
    if text.isdigit():
        return Position(offset=int(text))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is neither an offset (0 or more) nor an ISO 8601 time "
            "such as 2026-03-01T00:00Z"
        ) from None
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone; add Z or +01:00")
    return Position(time_ms=int(moment.timestamp() * 1000))


class TopicReader:
    """Assign-and-seek reading of whole topics, partition by partition."""

    def __init__(
        self, client_options: Mapping[str, Any], *, partition_fetch_bytes: int = 4 * 1024 * 1024
    ) -> None:
        self._options = dict(client_options)
        self._fetch_bytes = partition_fetch_bytes  # smaller: less memory per fetch, more fetches

    async def read(
        self,
        topics: Iterable[str],
        *,
        start: Position | None = None,
        stop: Position | None = None,
        on_total: Callable[[int], None] | None = None,
        only_partitions: Container[int] | None = None,
    ) -> AsyncIterator[ConsumerRecord]:
        """Yield every record of *topics* between *start* and *stop*, in order per partition;
        with *only_partitions*, of those partition numbers only.

        Raises:
            TopicNotFoundError: one of *topics* does not exist on the cluster.
        """
        consumer = AIOKafkaConsumer(
            enable_auto_commit=False,
            fetch_max_wait_ms=50,
            max_partition_fetch_bytes=self._fetch_bytes,
            **self._options,
        )
        try:
            await consumer.start()
            started_ms = int(time.time() * 1000)
            topics = list(topics)
            found = await topic_partitions(consumer, topics)
            missing = sorted(set(topics) - {tp.topic for tp in found})
            if missing:
                raise TopicNotFoundError(f"no such topic on the cluster: {', '.join(missing)}")
            partitions = [
                tp for tp in found if only_partitions is None or tp.partition in only_partitions
            ]
            if not partitions:
                return
            consumer.assign(partitions)
            first = await self._offsets(consumer, partitions, start, default_end=False)
            last = await self._offsets(consumer, partitions, stop, default_end=True)
            for tp in partitions:
                consumer.seek(tp, first[tp])
            if on_total:
                on_total(sum(max(0, last[tp] - first[tp]) for tp in partitions))
            explicit_stop = stop is not None
            open_partitions = {tp for tp in partitions if first[tp] < last[tp] or not explicit_stop}
            idle = dict.fromkeys(partitions, 0)
            while open_partitions:
                batch = await consumer.getmany(*open_partitions, timeout_ms=300)
                for tp in list(open_partitions):
                    records = batch.get(tp, [])
                    if not records:
                        idle[tp] += 1
                        # done at the end taken at the start; give up on a silent gap
                        if await consumer.position(tp) >= last[tp] or idle[tp] > 20:
                            open_partitions.discard(tp)
                        continue
                    idle[tp] = 0
                    for record in records:
                        beyond = record.offset >= last[tp]
                        if beyond and (explicit_stop or record.timestamp > started_ms):
                            open_partitions.discard(tp)
                            break
                        yield record
        finally:
            await consumer.stop()

    async def earliest(self, topics: Iterable[str]) -> dict[tuple[str, int], int]:
        """Return the first offset still held per (topic, partition): older ones expired."""
        consumer = AIOKafkaConsumer(enable_auto_commit=False, **self._options)
        await consumer.start()
        try:
            partitions = await topic_partitions(consumer, topics)
            found = await consumer.beginning_offsets(partitions) if partitions else {}
            return {(tp.topic, tp.partition): offset for tp, offset in found.items()}
        finally:
            await consumer.stop()

    @staticmethod
    async def _offsets(
        consumer: AIOKafkaConsumer,
        partitions: list[TopicPartition],
        where: Position | None,
        *,
        default_end: bool,
    ) -> dict[TopicPartition, int]:
        ends = await consumer.end_offsets(partitions)
        if where is None:
            if default_end:
                return dict(ends)
            return dict(await consumer.beginning_offsets(partitions))
        if where.offset is not None:
            return {tp: min(where.offset, ends[tp]) for tp in partitions}
        found = await consumer.offsets_for_times({tp: where.time_ms for tp in partitions})
        # nothing at or after the time: Kafka answers None, the embedded broker offset 0
        # with timestamp -1, which taken as an offset would start at the beginning
        return {
            tp: hit.offset
            if (hit := found.get(tp)) is not None and hit.timestamp >= 0
            else ends[tp]
            for tp in partitions
        }
