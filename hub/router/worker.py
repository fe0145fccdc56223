"""The router as a faust worker: Kafka in, RouterCore in the middle, Kafka out.

At-least-once: records are sent with ``topic.send()`` inside the agent, so faust attaches
them to the input offset and publishes them before that offset is committed. Subject
state lives in a faust Table, changelogged and co-partitioned with the subject-keyed
topics. The audit chain head of a partition is read back from ``hub.audit`` the first
time the worker routes a record of that partition after an assignment.
"""

from __future__ import annotations

import time
from typing import Any

import faust
from aiokafka import AIOKafkaConsumer, TopicPartition

from hub.audit import GENESIS_HASH
from hub.catalog import load_catalog
from hub.codec import AvroCodec
from hub.exceptions import ConfigurationError
from hub.logging import get_logger
from hub.metrics import observe_routed, serve_metrics
from hub.router.build import build_core
from hub.router.core import AUDIT_TOPIC, RouterCore
from hub.router.faust_transport import register
from hub.router.records import InputRecord
from hub.settings import HubSettings, KafkaSettings, RouterSettings

__all__ = ["create_app", "read_chain_head"]

log = get_logger(__name__)


async def read_chain_head(client_options: dict[str, Any], codec: AvroCodec, partition: int) -> str:
    """Return the hash of the last decision in one audit partition (genesis if empty).

    Reads from one before the reported end to the true end: some brokers report the end
    offset short by up to a batch, so the last record is whatever the reads reach.
    """
    consumer = AIOKafkaConsumer(enable_auto_commit=False, fetch_max_wait_ms=50, **client_options)
    await consumer.start()
    try:
        tp = TopicPartition(AUDIT_TOPIC, partition)
        consumer.assign([tp])
        end = (await consumer.end_offsets([tp]))[tp]
        if end == 0:
            return GENESIS_HASH
        consumer.seek(tp, max(0, end - 1))
        head, idle = GENESIS_HASH, 0
        while idle < 2:
            batch = await consumer.getmany(tp, timeout_ms=300)
            records = batch.get(tp, [])
            idle = 0 if records else idle + 1
            for record in records:
                head = codec.decode(record.value).record["hash"]
        return head
    finally:
        await consumer.stop()


def create_app(hub: HubSettings, kafka: KafkaSettings, router: RouterSettings) -> faust.App:
    """Return the faust app with its table and agent; run it with ``app.main()``."""
    options = kafka.client_options()
    scheme = register(kafka.fetch_max_wait_ms)
    servers = ";".join(str(options["bootstrap_servers"]).split(","))
    app = faust.App(
        router.app_id,
        broker=f"{scheme}://{servers}",
        store="memory://",
        key_serializer="raw",
        value_serializer="raw",
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=kafka.session_timeout_ms / 1000,
        broker_heartbeat_interval=min(3.0, kafka.session_timeout_ms / 3000),
        broker_commit_interval=router.commit_interval_s,
        producer_max_batch_size=kafka.max_batch_size,
        producer_linger_ms=5,
        topic_replication_factor=router.changelog_replication_factor,
        web_enabled=False,
    )
    catalog = load_catalog(hub.topics_dir)
    inputs = sorted(t.name for t in catalog.topics.values() if t.direction == "out")
    partitions = {catalog.topic(name).partitions for name in inputs}
    if len(partitions) != 1:
        raise ConfigurationError(f"router inputs must be co-partitioned; found {partitions}")
    table = app.Table(
        "subject-state", default=None, key_type=str, value_type=bytes, partitions=partitions.pop()
    )
    core = build_core(
        schema_dir=hub.schema_dir,
        topics_dir=hub.topics_dir,
        keys_file=router.pseudonym_keys_file,
        table=table,
    )
    source = app.topic(*inputs, key_type=bytes, value_type=bytes)
    topics = {
        name: app.topic(name, key_type=bytes, value_type=bytes) for name in core.catalog.topics
    }
    loaded: set[int] = set()

    @app.on_partitions_revoked.connect
    async def _forget_heads(app: faust.App, revoked: set[Any], **_: Any) -> None:
        loaded.difference_update(tp.partition for tp in revoked)

    @app.agent(source)
    async def route(stream: faust.Stream) -> None:
        async for event in stream.events():
            message = event.message
            partition = message.partition % core.audit_partitions
            if partition not in loaded:
                core.chain.set_head(
                    partition, await read_chain_head(options, core.codec, partition)
                )
                loaded.add(partition)
            record = InputRecord(
                topic=message.topic,
                partition=message.partition,
                offset=message.offset,
                timestamp_ms=int((message.timestamp or 0) * 1000),
                key=message.key,
                value=message.value,
                headers=tuple(message.headers or ()),
            )
            for output in _handle(core, record):
                await topics[output.topic].send(
                    key=output.key,
                    value=output.value,
                    partition=output.partition,
                    headers=output.headers,
                )

    log.info(
        "router_created",
        app_id=router.app_id,
        agreements=core.policy.agreements.version,
        services=list(core.catalog.services),
    )
    if router.metrics_port:
        serve_metrics(router.metrics_port)
    return app


def _handle(core: RouterCore, record: InputRecord) -> list[Any]:
    """Route one record; an unexpected failure is logged and dead-lettered, never fatal."""
    started = time.perf_counter()
    try:
        outputs = core.handle([record])
    except Exception as exc:  # noqa: BLE001 - the stream must go on; the record is kept
        log.exception("router_internal_error", topic=record.topic, offset=record.offset)
        outputs = [core.dead_letter(record, exc)]
    observe_routed(record.topic, outputs, time.perf_counter() - started)
    return outputs
