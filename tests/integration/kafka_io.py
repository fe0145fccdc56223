"""Topics in tests: creating one, reading group-less from the beginning until a condition
holds, producing as a service system would."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from hub.partitions import topic_partitions


async def create_topic(bootstrap: str, topic: str, partitions: int) -> None:
    """Create *topic* with *partitions* partitions (replication 1)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, partitions, 1)])
    finally:
        await admin.close()


async def read_until(
    bootstrap: str,
    topics: Iterable[str],
    done: Callable[[list[ConsumerRecord]], bool],
    timeout_s: float = 60.0,
    quiet_s: float = 0.0,
) -> list[ConsumerRecord]:
    """Read every partition of *topics* from the start until *done(records)* or time out.

    With *quiet_s*, go on reading after that until no record came for *quiet_s* seconds,
    so that what the other partitions still hold is read too (to count duplicates).
    """
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=50
    )
    await consumer.start()
    records: list[ConsumerRecord] = []
    try:
        partitions = await topic_partitions(consumer, topics)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        async with asyncio.timeout(timeout_s):
            while not done(records):
                for batch in (await consumer.getmany(timeout_ms=200)).values():
                    records.extend(batch)
            last_record_at = asyncio.get_running_loop().time()
            while asyncio.get_running_loop().time() - last_record_at < quiet_s:
                for batch in (await consumer.getmany(timeout_ms=200)).values():
                    records.extend(batch)
                    last_record_at = asyncio.get_running_loop().time()
    finally:
        await consumer.stop()
    return records


async def produce(
    bootstrap: str, messages: Iterable[tuple[str, bytes | None, bytes, list]]
) -> None:
    """Send (topic, key, value, headers) with a plain producer, as a service system would."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False)
    await producer.start()
    try:
        for topic, key, value, headers in messages:
            await producer.send(topic, value, key=key, headers=headers)
        await producer.flush()
    finally:
        await producer.stop()
