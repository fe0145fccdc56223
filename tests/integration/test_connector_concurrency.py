"""A connector's calls to a slow API overlap where order allows, on a real broker and a
real loopback API that counts the calls under way at once.

Outbound, the API also notes the order in which each key's records arrive, and every
call for one key fails with 503, as an API would for a record it cannot take yet.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from connectors.base.client import PesClient
from connectors.base.cursors import CursorStore
from connectors.base.inbound import Inbound
from connectors.base.kinds import INBOUND
from connectors.base.link import ServiceLink
from connectors.base.outbound import Outbound
from connectors.base.simulator import create_simulator
from hub import paths
from hub.catalog import load_catalog
from hub.codec import AvroCodec, CloudEvent, SchemaStore
from hub.router.table import partition_of
from tests.integration.kafka_io import produce, read_until
from tests.simulated import PassThrough, serving

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
SAMPLE = json.loads((Path(__file__).resolve().parents[1] / "data/samples/Vacancy.json").read_text())
SERVICE = "ADG"
INBOX = f"pes.{SERVICE.lower()}.in.vacancy"
PER_KEY = 3


@dataclass
class Overlap:
    """Counts the calls under way at once, each taking 50 ms."""

    now: int = 0
    most: int = 0

    @asynccontextmanager
    async def call(self) -> AsyncIterator[None]:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            await asyncio.sleep(0.05)
            yield
        finally:
            self.now -= 1


@dataclass
class SlowInbox:
    """What the API saw: calls at once, and each key's sequence numbers in arrival order."""

    failing: str
    overlap: Overlap = field(default_factory=Overlap)
    refused: int = 0
    arrived: dict[str, list[int]] = field(default_factory=dict)

    async def inbox(self, request: web.Request) -> web.Response:
        vacancy = await request.json()
        key, sequence = vacancy["vacancy_id"].rsplit("-", 1)
        async with self.overlap.call():
            if key == self.failing:
                self.refused += 1
                return web.json_response({"error": "not now"}, status=503)
            self.arrived.setdefault(key, []).append(int(sequence))
            return web.json_response({"reference": vacancy["vacancy_id"]}, status=201)


def _keys_on_distinct_partitions(count: int, partitions: int) -> list[str]:
    tag, keys, taken = uuid.uuid4().hex[:6], [], set()
    index = 0
    while len(keys) < count:
        key = f"ob{tag}{index}"
        partition = partition_of(f"{SERVICE}:{key}".encode(), partitions)
        if partition not in taken:
            taken.add(partition)
            keys.append(key)
        index += 1
    return keys


def _record(key: str, sequence: int) -> tuple[str, bytes, bytes, list]:
    vacancy = SAMPLE | {"source_pes": SERVICE, "vacancy_id": f"{key}-{sequence}"}
    envelope = CloudEvent(source="/hub/router", type="be.pes.hub.Vacancy", subject=key)
    return (
        INBOX,
        f"{SERVICE}:{key}".encode(),
        CODEC.encode("Vacancy", vacancy),
        envelope.to_headers(),
    )


@asynccontextmanager
async def _outbound(bootstrap: str, url: str) -> AsyncIterator[tuple[Outbound, AIOKafkaConsumer]]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False)
    consumer = AIOKafkaConsumer(
        *Outbound.topics(SERVICE),
        bootstrap_servers=bootstrap,
        group_id=f"connector-test-{uuid.uuid4().hex[:6]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await producer.start()
    await consumer.start()
    try:
        async with httpx.AsyncClient(base_url=url, timeout=5) as http:
            link = ServiceLink(
                SERVICE, PesClient(http, retry_for_s=0.3), PassThrough(), CODEC, producer
            )
            yield Outbound(link, consumer=consumer), consumer
    finally:
        await consumer.stop()
        await producer.stop()


async def test_partitions_are_delivered_side_by_side_each_in_order(private_broker: str) -> None:
    partitions = load_catalog(paths.topics_dir()).topic(INBOX).partitions
    keys = _keys_on_distinct_partitions(partitions, partitions)
    api = SlowInbox(failing=keys[0])
    app = web.Application()
    app.add_routes([web.post("/api/inbox/{kind}", api.inbox)])
    await produce(private_broker, [_record(key, n) for n in range(PER_KEY) for key in keys])

    async with serving(app) as url, _outbound(private_broker, url) as (outbound, consumer):
        deadline = time.monotonic() + 60
        delivered = 0
        while delivered < PER_KEY * (len(keys) - 1) or not api.refused:
            assert time.monotonic() < deadline, (api.arrived, api.refused)
            delivered += await outbound.deliver_batch(timeout_ms=500)
        committed = {
            tp.partition: await consumer.committed(tp)
            for tp in (TopicPartition(INBOX, p) for p in range(partitions))
        }

    assert api.overlap.most > 1
    assert api.arrived == {key: list(range(PER_KEY)) for key in keys[1:]}
    refused_partition = partition_of(f"{SERVICE}:{keys[0]}".encode(), partitions)
    assert committed.pop(refused_partition) is None  # nothing of it delivered, nothing committed
    assert set(committed.values()) == {PER_KEY}


async def test_every_kind_is_read_in_one_round_trip(private_broker: str) -> None:
    reads = Overlap()

    @web.middleware
    async def slow_reads(request: web.Request, handler: Any) -> web.StreamResponse:
        async with reads.call():
            return await handler(request)

    app = create_simulator(SERVICE, PassThrough())
    app.middlewares.append(slow_reads)
    vacancy = SAMPLE | {"source_pes": SERVICE, "vacancy_id": f"in{uuid.uuid4().hex[:6]}"}
    producer = AIOKafkaProducer(bootstrap_servers=private_broker, enable_idempotence=False)
    await producer.start()
    try:
        async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=5) as http:
            await http.post("/admin/vacancies", json=vacancy)
            link = ServiceLink(SERVICE, PesClient(http), PassThrough(), CODEC, producer)
            cursors = CursorStore(
                CODEC, producer, {"bootstrap_servers": private_broker}, "connector-test"
            )
            reads.most = 0  # count the connector's calls only
            published = await Inbound(link, cursors=cursors).poll()
    finally:
        await producer.stop()

    assert reads.most == len(INBOUND)
    assert published == 1
    # read_until fails the test when the vacancy does not reach the out topic
    await read_until(
        private_broker,
        [f"pes.{SERVICE.lower()}.out.vacancy"],
        lambda records: any(
            r.key == f"{SERVICE}:{vacancy['vacancy_id']}".encode() for r in records
        ),
    )
