"""What a read at the tail of a partition costs as the partition fills with batches.

Every produce request leaves one batch per partition it writes to, and the embedded
broker (Tansu 0.6.0, memory store) keeps every batch as a stored object that a fetch
looks through to find its offset: a consumer that keeps up pays, for every fetch that
returns something, in proportion to the batches the partition already holds. The router
writes one batch per output partition for each slice it routes, so at a steady rate its
audit and notice partitions gain tens of batches a second, and whoever tails them (the
connectors, the latency probe) pays more the longer the broker runs. This section
measures that directly: one partition filled with one-record batches, then records
produced one at a time and read back at the tail.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition

from hub.bench.cpu import cpu_seconds
from hub.bench.environment import BenchEnv
from hub.bench.exceptions import BenchTimeoutError
from hub.bench.kafka import create_topics, fast_producer

__all__ = ["TailRead", "tail_read_costs"]

_READ_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class TailRead:
    """One record produced and read back at the tail of a partition holding *batches*."""

    batches: int
    round_trip_ms: float  # median, produce to arrival at the reader
    broker_cpu_us: float | None  # mean per record; None on a cluster the bench cannot see


def _broker_cpu(env: BenchEnv) -> float | None:
    used = [cpu_seconds(pid) for pid in env.broker_pids]
    return sum(u for u in used if u is not None) if used else None


async def tail_read_costs(env: BenchEnv, holdings: Sequence[int], reads: int) -> list[TailRead]:
    """Fill a new one-partition topic to each of *holdings* batches in turn (ascending),
    and at each, time *reads* records produced one by one and read back as they arrive."""
    topic = f"bench.{os.urandom(4).hex()}.tail"
    await create_topics(env.options, [topic], 1)
    partition = TopicPartition(topic, 0)
    producer = fast_producer(env.options, linger_ms=0)  # one send, one batch
    consumer = AIOKafkaConsumer(
        enable_auto_commit=False, fetch_max_wait_ms=env.fetch_max_wait_ms, **env.options
    )
    await producer.start()
    await consumer.start()
    try:
        consumer.assign([partition])
        held = 0
        results = []
        for target in sorted(holdings):
            while held < target:  # awaited one by one, so each is a batch of its own
                await producer.send_and_wait(topic, b"filler", partition=0)
                held += 1
            consumer.seek(partition, held)
            before = _broker_cpu(env)
            trips = []
            for _ in range(reads):
                sent = time.perf_counter()
                await producer.send_and_wait(topic, b"probe", partition=0)
                held += 1
                await _read_one(consumer, partition)
                trips.append((time.perf_counter() - sent) * 1000)
            after = _broker_cpu(env)
            cpu_us = (
                (after - before) * 1e6 / reads if before is not None and after is not None else None
            )
            results.append(TailRead(target, statistics.median(trips), cpu_us))
        return results
    finally:
        await consumer.stop()
        await producer.stop()


async def _read_one(consumer: AIOKafkaConsumer, partition: TopicPartition) -> None:
    deadline = time.monotonic() + _READ_TIMEOUT_S
    while not (await consumer.getmany(partition, timeout_ms=1000)).get(partition):
        if time.monotonic() > deadline:
            raise BenchTimeoutError(f"a record produced to {partition} was not read back")
