"""The catalogue on a real Kafka-protocol broker: apply it, then send an event through it."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from hub import paths
from hub.catalog import apply_catalog, load_catalog
from hub.codec import AvroCodec, CloudEvent, SchemaStore, new_traceparent

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


async def test_apply_creates_every_topic_then_changes_nothing(kafka_bootstrap: str) -> None:
    """A first apply creates the catalogue's topics; a second one reports them unchanged."""
    catalog = load_catalog(paths.topics_dir())
    options = {"bootstrap_servers": kafka_bootstrap}
    dry = await apply_catalog(catalog, options, dry_run=True)
    first = await apply_catalog(catalog, options)
    second = await apply_catalog(catalog, options)
    assert {c.topic for c in first} == set(catalog.topics)
    assert {c.action for c in first} <= {"created", "unchanged"}
    assert [c.action for c in dry if c.action == "created"] == [
        c.action for c in first if c.action == "created"
    ]
    assert {c.action for c in second} == {"unchanged"}
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        described = {d["topic"]: d for d in await admin.describe_topics(["pes.vdab.out.consent"])}
    finally:
        await admin.close()
    assert (
        len(described["pes.vdab.out.consent"]["partitions"])
        == catalog.topic("pes.vdab.out.consent").partitions
    )


async def test_event_crosses_a_catalogue_topic_with_its_headers(kafka_bootstrap: str) -> None:
    """A vacancy produced with CloudEvents headers is consumed, decoded and its envelope parsed."""
    catalog = load_catalog(paths.topics_dir())
    await apply_catalog(catalog, {"bootstrap_servers": kafka_bootstrap})
    topic = catalog.service_topic("VDAB", "out", "vacancy")
    codec = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
    vacancy = json.loads((SAMPLES / "Vacancy.json").read_text())
    key = f"VDAB:{vacancy['vacancy_id']}"
    event = CloudEvent(
        source="/pes/vdab/connector",
        type="be.pes.hub.Vacancy",
        subject=key,
        time=datetime.now(UTC).replace(microsecond=0),  # ce_time carries milliseconds
        traceparent=new_traceparent(),
    )
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=False)
    await producer.start()
    try:
        await producer.send_and_wait(
            topic.name,
            codec.encode("Vacancy", vacancy),
            key=key.encode(),
            headers=event.to_headers(),
        )
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic.name,
        bootstrap_servers=kafka_bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=50,
    )
    await consumer.start()
    try:
        found = None
        async with asyncio.timeout(60):
            while found is None:
                batch = await consumer.getmany(timeout_ms=500)
                for message in (m for records in batch.values() for m in records):
                    if CloudEvent.from_headers(message.headers).id == event.id:
                        found = message
    finally:
        await consumer.stop()
    assert found.key == key.encode()
    assert CloudEvent.from_headers(found.headers) == event
    assert codec.decode(found.value, expected="Vacancy").record == vacancy
