"""The benchmark's Kafka edges: filling topics fast, and counting what came out.

Completion is always counted from records read back, never from end offsets: the
embedded broker reports end offsets short by up to a batch.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from hub.bench.exceptions import BenchTimeoutError
from hub.bench.workloads import Message
from hub.codec import Headers

__all__ = [
    "Tally",
    "committed",
    "count_outputs",
    "create_topics",
    "end_offsets",
    "fast_producer",
    "produce",
    "trace_of",
]

_CHUNK = 5_000


def trace_of(headers: Sequence[tuple[str, bytes]] | None) -> str:
    """Return the trace id of a record's ``traceparent`` header ("" if it has none)."""
    for name, value in headers or ():
        if name == "traceparent" and value:
            return value[3:35].decode("ascii", errors="replace")
    return ""


def fast_producer(options: Mapping[str, Any], linger_ms: int = 5) -> AIOKafkaProducer:
    """Return a producer with large batches (aiokafka's 16 KB default cuts throughput)."""
    return AIOKafkaProducer(
        enable_idempotence=False, max_batch_size=262_144, linger_ms=linger_ms, **options
    )


async def produce(
    options: Mapping[str, Any],
    messages: Iterable[Message],
    headers: Callable[[Message], Headers],
    topic: Callable[[Message], str] | None = None,
) -> int:
    """Send every message, awaiting acknowledgements per chunk; return how many were sent."""
    producer = fast_producer(options)
    await producer.start()
    sent = 0
    try:
        pending = []
        for message in messages:
            pending.append(
                await producer.send(
                    topic(message) if topic else message.topic,
                    message.value,
                    key=message.key,
                    headers=headers(message),
                )
            )
            if len(pending) >= _CHUNK:
                await asyncio.gather(*pending)
                sent += len(pending)
                pending.clear()
        await asyncio.gather(*pending)
        sent += len(pending)
    finally:
        await producer.stop()
    return sent


async def create_topics(options: Mapping[str, Any], names: Iterable[str], partitions: int) -> None:
    """Create the benchmark's own topics (pipeline inputs and outputs)."""
    admin = AIOKafkaAdminClient(**options)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name, num_partitions=partitions, replication_factor=1) for name in names]
        )
    finally:
        await admin.close()


async def end_offsets(options: Mapping[str, Any], topics: Iterable[str]) -> dict[TopicPartition, int]:
    """Return the reported end of every partition of *topics* (may be short on Tansu)."""
    consumer = AIOKafkaConsumer(enable_auto_commit=False, **options)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [
            TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()
        ]
        return dict(await consumer.end_offsets(partitions)) if partitions else {}
    finally:
        await consumer.stop()


async def committed(
    options: Mapping[str, Any], group: str, partitions: Iterable[TopicPartition]
) -> dict[TopicPartition, int]:
    """Return a consumer group's committed offsets on *partitions* (named: Tansu needs them)."""
    admin = AIOKafkaAdminClient(**options)
    await admin.start()
    try:
        found = await admin.list_consumer_group_offsets(group, partitions=list(partitions))
        return {tp: meta.offset for tp, meta in found.items() if meta.offset >= 0}
    finally:
        await admin.close()


@dataclass
class Tally:
    """What a counter saw: how many records, and when the first and the last arrived."""

    count: int = 0
    first: float | None = None
    last: float | None = None
    arrivals: dict[bytes, float] = field(default_factory=dict)

    def add(self, at: float) -> None:
        """Count one record that arrived at wall-clock time *at*."""
        self.count += 1
        self.first = at if self.first is None else min(self.first, at)
        self.last = at if self.last is None else max(self.last, at)

    def merged(self, other: Tally) -> Tally:
        """Return both tallies together."""
        firsts = [t for t in (self.first, other.first) if t is not None]
        lasts = [t for t in (self.last, other.last) if t is not None]
        return Tally(
            self.count + other.count,
            min(firsts) if firsts else None,
            max(lasts) if lasts else None,
            self.arrivals | other.arrivals,
        )

    @property
    def seconds(self) -> float:
        """Return the time from the first to the last output read back."""
        if self.first is None or self.last is None:
            return 0.0
        return max(self.last - self.first, 0.001)


async def count_outputs(
    options: Mapping[str, Any],
    topics: Iterable[str],
    expected: int,
    *,
    trace_id: str | None,
    start: Mapping[TopicPartition, int] | None = None,
    timeout_s: float,
    keep_arrivals: bool = False,
    started: asyncio.Event | None = None,
) -> Tally:
    """Read *topics* until *expected* records of the run's trace were seen.

    *start* gives where to begin per partition (default: the beginning); records of other
    traces are skipped, so starting a little early, as a short end offset makes one do, is
    harmless. With *keep_arrivals*, the wall-clock arrival time of each key is kept.
    """
    consumer = AIOKafkaConsumer(
        enable_auto_commit=False,
        fetch_max_wait_ms=5,
        max_partition_fetch_bytes=4 * 1024 * 1024,
        **options,
    )
    await consumer.start()
    tally = Tally()
    try:
        await consumer.topics()
        partitions = [
            TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()
        ]
        consumer.assign(partitions)
        for tp in partitions:
            consumer.seek(tp, (start or {}).get(tp, 0))
        if started is not None:
            started.set()
        deadline = time.monotonic() + timeout_s
        while tally.count < expected:
            if time.monotonic() > deadline:
                raise BenchTimeoutError(
                    f"{tally.count} of {expected} records on {sorted(set(topics))} "
                    f"after {timeout_s:.0f} s"
                )
            batch = await consumer.getmany(timeout_ms=200, max_records=10_000)
            now = time.time()
            for records in batch.values():
                for record in records:
                    if trace_id is not None and trace_of(record.headers) != trace_id:
                        continue
                    tally.add(now)
                    if keep_arrivals and record.key is not None:
                        tally.arrivals.setdefault(record.key, now)
    finally:
        await consumer.stop()
    return tally
