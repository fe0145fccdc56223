"""The embedded broker: memory and durable modes, restarts, and failures at start."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from hub.broker import BrokerStartError, EmbeddedBroker

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


async def _produce(bootstrap: str, topic: str, count: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False)
    await producer.start()
    try:
        for number in range(count):
            await producer.send(topic, f"message-{number}".encode(), key=str(number).encode())
        await producer.flush()
    finally:
        await producer.stop()


async def _read(
    bootstrap: str,
    topic: str,
    count: int,
    group: str | None = None,
    commit_after: int | None = None,
) -> list[bytes]:
    """Read until *count* records came (never trusting end offsets); optionally commit."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=50,
        session_timeout_ms=10_000,
    )
    await consumer.start()
    values: list[bytes] = []
    try:
        async with asyncio.timeout(60):
            while len(values) < count:
                for records in (await consumer.getmany(timeout_ms=300)).values():
                    values.extend(r.value for r in records)
                    if commit_after is not None and len(values) >= commit_after:
                        tp = TopicPartition(topic, 0)
                        await consumer.commit({tp: commit_after})
                        return values
    finally:
        await consumer.stop()
    return values


async def test_memory_broker_round_trip(kafka_bootstrap: str, unique_topic: str) -> None:
    """What a plain aiokafka producer writes, a plain consumer reads back."""
    await _produce(kafka_bootstrap, unique_topic, 50)
    values = await _read(kafka_bootstrap, unique_topic, 50)
    assert sorted(values) == sorted(f"message-{n}".encode() for n in range(50))


async def test_durable_broker_keeps_messages_and_offsets_across_restart(tmp_path: Path) -> None:
    """Stop and start on the same folder: records and the group's committed offset survive,
    and SeaweedFS's Unix sockets do not outlive it."""
    topic = "durable.restart"
    async with EmbeddedBroker(mode="durable", data_dir=tmp_path) as broker:
        assert broker.storage is not None
        sockets = broker.storage.socket_paths()
        assert [path for path in sockets if path.is_socket()], "no socket where SeaweedFS puts them"
        admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap_servers)
        await admin.start()
        await admin.create_topics([NewTopic(topic, 1, 1)])
        await admin.close()
        await _produce(broker.bootstrap_servers, topic, 40)
        await _read(broker.bootstrap_servers, topic, 40, group="restart-group", commit_after=25)
        port = broker.port
    assert [path for path in sockets if path.exists()] == []
    async with EmbeddedBroker(mode="durable", data_dir=tmp_path, port=port) as broker:
        values = await _read(broker.bootstrap_servers, topic, 40)
        assert sorted(values) == sorted(f"message-{n}".encode() for n in range(40))
        consumer = AIOKafkaConsumer(
            bootstrap_servers=broker.bootstrap_servers,
            group_id="restart-group",
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            assert await consumer.committed(TopicPartition(topic, 0)) == 25
        finally:
            await consumer.stop()


async def test_taken_port_fails_fast_and_leaves_nothing_running() -> None:
    """When the port is taken, start raises BrokerStartError with Tansu's own words."""
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        broker = EmbeddedBroker(mode="memory", port=squatter.getsockname()[1])
        with pytest.raises(BrokerStartError, match="(?i)address"):
            await asyncio.wait_for(broker.start(), timeout=30)
    assert broker._tansu is None  # stopped and forgotten
