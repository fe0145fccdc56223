"""A consumer holds its fetches while records it fetched wait to be taken, then goes on."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from hub.fetch_hold import hold_fetches_while_buffered


async def _create(bootstrap: str, *topics: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 1, 1) for topic in topics])
    finally:
        await admin.close()


@pytest.mark.parametrize("held", [True, False], ids=["held", "aiokafka-default"])
async def test_no_fetch_while_fetched_records_wait_then_fetching_resumes(
    kafka_bootstrap: str, unique_topic: str, held: bool
) -> None:
    """With records of one partition still waiting, a record produced to another is not
    fetched (its high watermark stays unknown to the consumer); once the waiting records
    are taken it is. Without the hold, aiokafka fetches it while the others wait."""
    busy, idle = f"{unique_topic}.busy", f"{unique_topic}.idle"
    await _create(kafka_bootstrap, busy, idle)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, linger_ms=0)
    await producer.start()
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap, fetch_max_wait_ms=20)
    await consumer.start()
    try:
        for n in range(3):
            await producer.send(busy, f"busy-{n}".encode())
        await producer.flush()
        busy_tp, idle_tp = TopicPartition(busy, 0), TopicPartition(idle, 0)
        if held:
            assert hold_fetches_while_buffered(consumer, hold_s=30.0)
        consumer.assign([busy_tp, idle_tp])
        await consumer.seek_to_beginning(busy_tp, idle_tp)
        taken = await consumer.getmany(busy_tp, timeout_ms=5_000, max_records=1)
        assert [r.value for r in taken[busy_tp]] == [b"busy-0"]

        await producer.send_and_wait(idle, b"idle-0")
        if held:
            await asyncio.sleep(1.0)  # 50 fetch waits
        else:  # the background fetch learns the new end meanwhile; on a busy machine later
            deadline = time.monotonic() + 15
            while not consumer.highwater(idle_tp) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        seen_end = consumer.highwater(idle_tp) or 0
        assert seen_end == (0 if held else 1)

        values: list[bytes] = []
        async with asyncio.timeout(10):
            while len(values) < 3:
                for records in (await consumer.getmany(timeout_ms=200)).values():
                    values += [r.value for r in records]
        assert sorted(values) == [b"busy-1", b"busy-2", b"idle-0"]
    finally:
        await consumer.stop()
        await producer.stop()


async def test_a_consumer_without_a_fetcher_keeps_aiokafkas_behaviour_and_says_so() -> None:
    """Before ``start()`` aiokafka has no fetcher: the hold is not in place, and the helper
    reports that rather than failing (as it would on an aiokafka without the attribute)."""
    consumer = AIOKafkaConsumer(bootstrap_servers="127.0.0.1:9")
    assert hold_fetches_while_buffered(consumer) is False
