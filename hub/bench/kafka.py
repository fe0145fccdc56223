"""The benchmark's Kafka edges: filling topics fast, and counting what came out.

Completion is always counted from records read back, never from end offsets: the
embedded broker reports end offsets short by up to a batch. The counter reads with
librdkafka in a thread: the router writes six records per event, and counting them in
Python through aiokafka would take a core of the machine being measured.
"""

from __future__ import annotations

import asyncio
import importlib.util
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from hub.audit.reader import Position, TopicReader
from hub.bench.exceptions import BenchError, BenchStallError, BenchTimeoutError
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
    "true_end_offsets",
]

_CHUNK = 5_000
_BATCH = 200  # records per call: few enough that their headers die young, sparing the GC
_WAIT_S = 0.1  # longest wait for a first record; also how soon a cancelled count stops
# aiokafka client options and their librdkafka names; the counter accepts no others
_LIBRDKAFKA_NAMES = {
    "bootstrap_servers": "bootstrap.servers",
    "security_protocol": "security.protocol",
    "sasl_mechanism": "sasl.mechanism",
    "sasl_plain_username": "sasl.username",
    "sasl_plain_password": "sasl.password",
}


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


async def end_offsets(
    options: Mapping[str, Any], topics: Iterable[str]
) -> dict[TopicPartition, int]:
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


async def true_end_offsets(
    options: Mapping[str, Any], topics: Iterable[str]
) -> dict[TopicPartition, int]:
    """Return where every partition of *topics* really ends, for topics no one writes to
    meanwhile: the reported end, moved past the records an auditor's reader finds beyond it
    (Tansu reports the start of the last batch). A count from there needs no trace check
    per record."""
    names = list(topics)
    ends = await end_offsets(options, names)
    past_reported_end = Position(offset=2**63 - 1)  # starts each partition at its reported end
    async for record in TopicReader(options).read(names, start=past_reported_end):
        ends[TopicPartition(record.topic, record.partition)] = record.offset + 1
    return ends


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

    def add(self, count: int, at: float) -> None:
        """Count *count* records that arrived together at wall-clock time *at*."""
        self.count += count
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


def _counter_config(options: Mapping[str, Any], fetch_wait_ms: int) -> dict[str, Any]:
    """Return librdkafka settings for a counter that reads by offset and never commits."""
    unknown = sorted(set(options) - set(_LIBRDKAFKA_NAMES))
    if unknown:
        raise BenchError(f"the output counter cannot pass {unknown} on to librdkafka")
    return {
        **{_LIBRDKAFKA_NAMES[name]: value for name, value in options.items() if value is not None},
        # librdkafka wants a group even for assign(); a fresh one that never commits
        "group.id": f"bench-count-{uuid.uuid4().hex[:12]}",
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "auto.offset.reset": "earliest",
        "isolation.level": "read_uncommitted",
        # the embedded broker does not wake a waiting fetch when records arrive
        "fetch.wait.max.ms": fetch_wait_ms,
        "fetch.error.backoff.ms": 5,
        "fetch.queue.backoff.ms": 0,
        "fetch.max.bytes": 64 * 1024 * 1024,
        "max.partition.fetch.bytes": 16 * 1024 * 1024,
        "receive.message.max.bytes": 65 * 1024 * 1024,
    }


def _count(
    config: dict[str, Any],
    topics: list[str],
    expected: int,
    trace_id: str | None,
    start: Mapping[TopicPartition, int],
    timeout_s: float,
    stall_s: float | None,
    keep_arrivals: bool,
    assigned: Callable[[], None],
    stop: threading.Event,
) -> Tally:
    """Count in the calling thread; see count_outputs. Returns early once *stop* is set."""
    from confluent_kafka import Consumer, KafkaException
    from confluent_kafka import TopicPartition as RdTopicPartition

    deadline = time.monotonic() + timeout_s
    names = sorted(set(topics))
    tally = Tally()
    consumer = Consumer(config)
    try:
        try:
            metadata = consumer.list_topics(timeout=timeout_s)
        except KafkaException as exc:
            raise BenchError(f"cannot read the metadata of {names}: {exc}") from exc
        consumer.assign(
            [
                RdTopicPartition(t, p, start.get(TopicPartition(t, p), 0))
                for t in names
                if t in metadata.topics
                for p in metadata.topics[t].partitions
            ]
        )
        assigned()
        arrivals = tally.arrivals
        progressed = time.monotonic()
        while tally.count < expected and not stop.is_set():
            now_monotonic = time.monotonic()
            if now_monotonic > deadline:
                raise BenchTimeoutError(
                    f"{tally.count} of {expected} records on {names} after {timeout_s:.0f} s"
                )
            if stall_s is not None and now_monotonic - progressed > stall_s:
                raise BenchStallError(
                    f"no record on {names} for {stall_s:.0f} s, after {tally.count} of {expected}"
                )
            # whatever is queued, else wait for the first record to arrive
            batch = consumer.consume(_BATCH, 0) or consumer.consume(1, _WAIT_S)
            now = time.time()
            counted = 0
            for message in batch:
                if message.error() is not None:
                    raise BenchError(f"reading {names}: {message.error()}")
                if trace_id is not None and trace_of(message.headers()) != trace_id:
                    continue
                counted += 1
                if keep_arrivals and (key := message.key()) is not None:
                    arrivals.setdefault(key, now)
            if counted:
                tally.add(counted, now)
                progressed = time.monotonic()
    finally:
        consumer.close()
    return tally


async def count_outputs(
    options: Mapping[str, Any],
    topics: Iterable[str],
    expected: int,
    *,
    trace_id: str | None,
    start: Mapping[TopicPartition, int] | None = None,
    timeout_s: float,
    stall_s: float | None = None,
    keep_arrivals: bool = False,
    started: asyncio.Event | None = None,
    fetch_wait_ms: int = 5,
) -> Tally:
    """Read *topics* until *expected* records of the run's trace were seen.

    *start* gives where to begin per partition (default: the beginning); records of other
    traces are skipped, so starting a little early, as a short end offset makes one do, is
    harmless. Raises BenchTimeoutError when *timeout_s* has passed, and BenchStallError
    when no record came for *stall_s* (from the start or the last record counted).
    With *keep_arrivals*, the wall-clock arrival time of each key is kept.
    *started* is set once the partitions are assigned. *fetch_wait_ms* bounds how late an
    arrival is seen (the embedded broker does not wake a waiting fetch), and costs the
    broker CPU for every partition read each time it elapses. Cancelling stops the reading thread
    and waits the fraction of a second it takes to close its consumer.
    """
    if importlib.util.find_spec("confluent_kafka") is None:
        raise BenchError("confluent-kafka is not installed: pip install 'pes-hub[bench]'")
    loop = asyncio.get_running_loop()
    stop = threading.Event()

    def assigned() -> None:
        if started is not None:
            loop.call_soon_threadsafe(started.set)

    worker = asyncio.ensure_future(
        asyncio.to_thread(
            _count,
            _counter_config(options, fetch_wait_ms),
            list(topics),
            expected,
            trace_id,
            start or {},
            timeout_s,
            stall_s,
            keep_arrivals,
            assigned,
            stop,
        )
    )
    try:
        return await asyncio.shield(worker)
    finally:
        stop.set()
        await asyncio.wait([worker])
