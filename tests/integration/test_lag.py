"""Lag and status on the real broker: figures against another client, a consumer that stops."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import confluent_kafka
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from hub.lag import GroupLag, LagMonitor, MonitorSettings, OffsetReader, Status
from tests.integration.kafka_io import create_topic

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

PARTITIONS = 3


@pytest.fixture
async def topic(kafka_bootstrap: str, unique_topic: str) -> str:
    await create_topic(kafka_bootstrap, unique_topic, PARTITIONS)
    return unique_topic


@contextlib.asynccontextmanager
async def _producer(bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False)
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


def _consumer(bootstrap: str, topic: str, group: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=50,
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
    )


def _independent(bootstrap: str, topic: str, group: str) -> dict[int, tuple[int, int]]:
    """Committed and log-end offsets per partition, read by librdkafka (confluent-kafka)."""
    consumer = confluent_kafka.Consumer(
        {"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False}
    )
    try:
        partitions = [confluent_kafka.TopicPartition(topic, p) for p in range(PARTITIONS)]
        committed = consumer.committed(partitions, timeout=20)
        return {
            tp.partition: (tp.offset, consumer.get_watermark_offsets(tp, timeout=20)[1])
            for tp in committed
        }
    finally:
        consumer.close()


async def test_lag_figures_equal_another_clients_reading(kafka_bootstrap: str, topic: str) -> None:
    group = f"test-lag-{uuid.uuid4().hex[:8]}"
    async with _producer(kafka_bootstrap) as producer:
        for i in range(600):
            await producer.send(topic, b"x" * 200, partition=i % PARTITIONS)
        await producer.flush()
    consumer = _consumer(kafka_bootstrap, topic, group)
    await consumer.start()
    try:
        await consumer.getmany(timeout_ms=8000)  # joins; the offsets committed below count
        await consumer.commit({TopicPartition(topic, p): 40 * (p + 1) for p in range(PARTITIONS)})
    finally:
        await consumer.stop()

    async with OffsetReader({"bootstrap_servers": kafka_bootstrap}) as reader:
        monitor = LagMonitor(reader, {group: [topic]}, MonitorSettings(interval_s=0.2, window=3))
        (report,) = await monitor.sample()
        assert await reader.is_embedded_broker() == (not _external())
    expected = await asyncio.to_thread(_independent, kafka_bootstrap, topic, group)

    by_partition = {p.partition: p for p in report.partitions}
    assert sorted(by_partition) == list(range(PARTITIONS))
    for partition, (committed, end) in expected.items():
        figures = by_partition[partition]
        assert figures.committed == committed == 40 * (partition + 1)
        assert figures.end == end
        assert figures.lag == end - committed > 0
    assert report.lag == sum(end - committed for committed, end in expected.values())


def _external() -> bool:
    return bool(os.environ.get("HUB_BOOTSTRAP_SERVERS"))


async def _until(
    monitor: LagMonitor, accept: Callable[[GroupLag], bool], timeout_s: float
) -> tuple[GroupLag, float]:
    """Sample until the (single) group's report is accepted; return it and the time it took."""
    started = time.monotonic()
    async with asyncio.timeout(timeout_s):
        while True:
            (report,) = await monitor.sample()
            if accept(report):
                return report, time.monotonic() - started
            await asyncio.sleep(monitor.settings.interval_s)


async def test_a_stopped_consumer_turns_stop_or_stall_and_ok_after_restart(
    kafka_bootstrap: str, topic: str
) -> None:
    group = f"test-stop-{uuid.uuid4().hex[:8]}"
    settings = MonitorSettings(interval_s=0.5, window=4)
    stop_producing = asyncio.Event()

    async def produce_steadily() -> None:
        async with _producer(kafka_bootstrap) as producer:
            i = 0
            while not stop_producing.is_set():
                await producer.send_and_wait(topic, b"y" * 100, partition=i % PARTITIONS)
                i += 1
                await asyncio.sleep(0.02)

    async def consume(consumer: AIOKafkaConsumer, running: asyncio.Event) -> None:
        while running.is_set():
            batch = await consumer.getmany(timeout_ms=200)
            if batch:
                await consumer.commit()

    producing = asyncio.create_task(produce_steadily())
    try:
        async with OffsetReader({"bootstrap_servers": kafka_bootstrap}) as reader:
            monitor = LagMonitor(reader, {group: [topic]}, settings)
            first = _consumer(kafka_bootstrap, topic, group)
            await first.start()
            running = asyncio.Event()
            running.set()
            consuming = asyncio.create_task(consume(first, running))
            try:
                await _until(monitor, lambda r: r.status is Status.OK and r.lag < 50, 60)
            finally:
                running.clear()
                await consuming
                await first.stop()

            stopped, took = await _until(
                monitor,
                lambda r: any(p.status in (Status.STOP, Status.STALL) for p in r.partitions),
                settings.interval_s * settings.window * 4 + 10,
            )
            assert stopped.status is Status.ERR
            assert stopped.lag > 0
            # within the window (plus the samples it takes to fill it), not minutes later
            assert took <= settings.interval_s * settings.window * 3 + 5, took

            second = _consumer(kafka_bootstrap, topic, group)
            await second.start()
            running.set()
            consuming = asyncio.create_task(consume(second, running))
            try:
                recovered, _ = await _until(
                    monitor,
                    lambda r: (
                        r.status is Status.OK and all(p.status is Status.OK for p in r.partitions)
                    ),
                    90,
                )
            finally:
                running.clear()
                await consuming
                await second.stop()
            assert recovered.max_lag_seconds is not None
    finally:
        stop_producing.set()
        await producing


def _hub(*argv: str) -> list[str]:
    return [sys.executable, "-m", "hub", *argv]


def _env(bootstrap: str) -> dict[str, str]:
    return {**os.environ, "HUB_BOOTSTRAP_SERVERS": bootstrap, "HUB_LOG_FORMAT": "json"}


def test_hub_lag_json_reports_the_hubs_groups_and_says_it_reads_short(
    catalog_applied: str,
) -> None:
    done = subprocess.run(
        _hub("lag", "--json", "--samples", "3", "--over", "1"),
        env=_env(catalog_applied),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stdout)
    groups = {g["group"]: g for g in report["groups"]}
    assert {f"connector-{c}" for c in ("vdab", "forem", "actiris", "bf", "adg", "ft")} <= set(
        groups
    )
    assert all(g["status"] in {s.name for s in Status} for g in groups.values())
    assert report["samples"] == 3
    assert report["reads_short"] == (not _external())
    if report["reads_short"]:
        assert "short by up to one batch" in report["note"]


def test_hub_lag_watch_shows_a_live_table_until_interrupted(
    catalog_applied: str, tmp_path: Path
) -> None:
    output = tmp_path / "watch.txt"
    with output.open("w") as out:
        process = subprocess.Popen(
            _hub("lag", "--watch", "--interval", "0.5", "--group", "connector-vdab"),
            # rendered as on a terminal (tall enough for the caption), so each sample shows
            # as it comes; to a plain file rich writes the table only at the end
            env=_env(catalog_applied) | {"COLUMNS": "160", "LINES": "200", "TTY_COMPATIBLE": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while "lag_watch_started" not in output.read_text():
            assert process.poll() is None, output.read_text()
            assert time.monotonic() < deadline, output.read_text()
            time.sleep(0.5)
        deadline = time.monotonic() + 60
        while "sample " not in output.read_text():  # the first sample may take a while
            assert process.poll() is None, output.read_text()
            assert time.monotonic() < deadline, output.read_text()
            time.sleep(0.5)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    text = output.read_text()
    assert process.returncode == 0, text
    assert "consumer-group lag" in text and "connector-vdab" in text
    assert "Ctrl-C stops" in text and "sample " in text
