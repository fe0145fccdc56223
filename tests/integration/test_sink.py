"""The batch sink on the real broker: a slice's batches go out at once, not after a linger."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiokafka import AIOKafkaProducer

from hub.router.records import OutputRecord
from hub.router.sink import BatchSink
from tests.integration.kafka_io import create_topic, read_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

LINGER_S = 5.0


async def test_batches_are_sent_without_waiting_for_the_producers_linger(
    kafka_bootstrap: str, unique_topic: str
) -> None:
    """A producer lingering 5 s would hold an open batch that long; the sink's batches are
    complete when handed over, so the broker has them well before."""
    await create_topic(kafka_bootstrap, unique_topic, 2)
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap, linger_ms=int(LINGER_S * 1000), max_batch_size=100_000
    )
    await producer.start()
    try:
        sink = BatchSink(producer, batch_bytes=100_000)
        outputs = [
            OutputRecord(unique_topic, b"k", b"value %d" % n, [("h", b"v")], partition=n % 2)
            for n in range(6)
        ]
        began = time.monotonic()
        await asyncio.gather(*await sink.send(outputs))
        assert time.monotonic() - began < LINGER_S / 2
    finally:
        await producer.stop()
    received = await read_until(kafka_bootstrap, [unique_topic], lambda r: len(r) >= len(outputs))
    assert sorted(r.value for r in received) == sorted(output.value for output in outputs)


async def test_a_slice_larger_than_a_batch_arrives_whole_and_in_order(
    kafka_bootstrap: str, unique_topic: str
) -> None:
    """Records beyond one batch start the next; each keeps its key, value and headers,
    and a partition's records keep the order they were handed over in."""
    await create_topic(kafka_bootstrap, unique_topic, 1)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, max_batch_size=2_000)
    await producer.start()
    try:
        sink = BatchSink(producer, batch_bytes=2_000)
        outputs = [
            OutputRecord(unique_topic, b"key %d" % n, b"v" * 100 + b"%d" % n, [("n", b"%d" % n)])
            for n in range(60)
        ]
        futures = await sink.send(outputs)
        assert len(futures) > 2  # 60 records of ~150 bytes do not fit one 2 KB batch
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    received = await read_until(kafka_bootstrap, [unique_topic], lambda r: len(r) >= len(outputs))
    assert [r.offset for r in received] == list(range(len(outputs)))
    assert [(r.key, r.value, list(r.headers)) for r in received] == [
        (o.key, o.value, o.headers) for o in outputs
    ]
