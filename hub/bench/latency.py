"""Latency: one router hop (out topic to in topic) at a steady rate of vacancies.

Events are sent at the rate, each stamped with its send time; a tailing consumer with a
5 ms fetch wait notes when the DecisionNotice, the last record the router writes for an
event, arrives in the sender's inbox. Latency is arrival minus send, per event.

The probe is light on the broker it shares with the router: the suite sends one
service's vacancies, so the tailing consumer reads that service's decision inbox alone.
The embedded broker reads every partition a fetch names, and a 5 ms tail of all six
services' inboxes (36 partitions) took 39-43% of one of its cores with nothing arriving,
against 16% for one inbox's six; with it, the hop at 100 events/s measured the probe's
load on the broker (p99 120-140 ms) more than the router (38-46 ms with one inbox).

The broker floor is the same send read back by a bare consumer of every router input
partition, with the router's fetch settings and no work: what a router that cost
nothing would wait before it could start. On the embedded broker a fetch costs time per
partition it names, so this floor grows with the number of input partitions.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition

from hub.bench.environment import BenchEnv
from hub.bench.kafka import count_outputs, end_offsets, fast_producer
from hub.bench.workloads import Message, Workload, decision_inboxes, new_trace_id

__all__ = ["Latency", "broker_floor", "hop_latency", "percentiles"]

_TICK_S = 0.01


@dataclass(frozen=True)
class Latency:
    """Median and 99th percentile of one latency run, in milliseconds."""

    p50_ms: float
    p99_ms: float
    count: int


def percentiles(samples_ms: Sequence[float]) -> Latency:
    """Return p50 and p99 of *samples_ms*."""
    if len(samples_ms) < 2:
        only = samples_ms[0] if samples_ms else 0.0
        return Latency(only, only, len(samples_ms))
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return Latency(cuts[49], cuts[98], len(samples_ms))


async def hop_latency(env: BenchEnv, workload: Workload, rate: float) -> Latency:
    """Send *workload* at *rate* events/s to a running router; return the hop latency."""
    trace_id = new_trace_id()
    notices = decision_inboxes(env.catalog, workload)
    started = asyncio.Event()
    arrivals = asyncio.ensure_future(
        count_outputs(
            env.options,
            notices,
            len(workload.messages),
            trace_id=trace_id,
            start=await end_offsets(env.options, notices),
            timeout_s=120 + len(workload.messages) / rate,
            keep_arrivals=True,
            started=started,
        )
    )
    await started.wait()
    sent = await _send_paced(env, workload.messages, rate, trace_id)
    tally = await arrivals
    samples = [(tally.arrivals[key] - at) * 1000 for key, at in sent.items()]
    return percentiles(samples)


async def broker_floor(env: BenchEnv, workload: Workload, rate: float) -> Latency:
    """Send *workload* at *rate* with no router; return how soon a bare consumer of every
    router input partition (the router's fetch settings) sees each event."""
    consumer = AIOKafkaConsumer(
        enable_auto_commit=False,
        fetch_max_wait_ms=env.fetch_max_wait_ms,
        max_partition_fetch_bytes=256 * 1024,
        **env.options,
    )
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [
            TopicPartition(topic, partition)
            for topic in env.router_inputs
            for partition in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)  # a short end only adds records to skip
        wanted = {message.key for message in workload.messages}
        arrivals: dict[bytes, float] = {}

        async def read() -> None:
            while len(arrivals) < len(wanted):
                batch = await consumer.getmany(timeout_ms=100)
                now = time.time()
                for records in batch.values():
                    for record in records:
                        if record.key in wanted:
                            arrivals.setdefault(record.key, now)

        reading = asyncio.ensure_future(read())
        try:
            sent = await _send_paced(env, workload.messages, rate, new_trace_id())
            await asyncio.wait_for(reading, timeout=60)
        finally:
            reading.cancel()
    finally:
        await consumer.stop()
    return percentiles([(arrivals[key] - at) * 1000 for key, at in sent.items()])


async def _send_paced(
    env: BenchEnv, messages: Sequence[Message], rate: float, trace_id: str
) -> dict[bytes, float]:
    """Send at *rate* per second in 10 ms ticks; return each key's send time."""
    producer = fast_producer(env.options, linger_ms=0)  # the hop starts when it is sent
    await producer.start()
    sent: dict[bytes, float] = {}
    pending = []
    try:
        began = time.monotonic()
        for index, message in enumerate(messages):
            due = began + index / rate
            delay = due - time.monotonic()
            if delay > _TICK_S:
                await asyncio.sleep(delay)
            now = time.time()
            sent[message.key] = now
            pending.append(
                await producer.send(
                    message.topic,
                    message.value,
                    key=message.key,
                    headers=message.headers(trace_id, int(now * 1000)),
                )
            )
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent
