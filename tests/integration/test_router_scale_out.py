"""Two routers in one consumer group: a replica joining mid-stream takes over partitions,
and every event still gets its decisions, with nothing lost in the hand-over; the
people's consent state of the partitions it takes over is read back from the changelog.

The routers route each slice on a thread of their own while the event loop fetches; a
rebalance must still see a slice whole or not at all.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from hub.bench.workloads import consent_state, new_trace_id, personal, vacancies
from hub.catalog import load_catalog
from hub.codec import AvroCodec, SchemaStore
from hub.router.worker import RouterWorker, create_worker
from hub.settings import HubSettings, KafkaSettings, RouterSettings
from tests.integration.kafka_io import read_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

_EVENTS = 600


def _worker(bootstrap: str, app_id: str, state_dir: Path, keys: Path) -> RouterWorker:
    hub = HubSettings()
    return create_worker(
        hub,
        KafkaSettings(bootstrap_servers=bootstrap, fetch_max_wait_ms=20, session_timeout_ms=6000),
        RouterSettings(
            app_id=app_id, state_dir=state_dir, pseudonym_keys_file=keys, commit_interval_s=0.5
        ),
    )


async def _send_paced(bootstrap: str, messages: list, trace_id: str, now_ms: int) -> None:
    """Send in small groups over a few seconds, so a rebalance falls in the middle."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False)
    await producer.start()
    try:
        for index, m in enumerate(messages):
            await producer.send(m.topic, m.value, key=m.key, headers=m.headers(trace_id, now_ms))
            if index % 20 == 19:
                await asyncio.sleep(0.5)
        await producer.flush()
    finally:
        await producer.stop()


async def _until_owning(worker: RouterWorker, timeout_s: float = 60) -> None:
    async with asyncio.timeout(timeout_s):
        while not worker.owned:
            await asyncio.sleep(0.1)


async def test_a_replica_joining_mid_stream_loses_no_event(
    private_broker: str, pseudonym_keys: Path, tmp_path: Path
) -> None:
    hub = HubSettings()
    codec = AvroCodec(SchemaStore.from_directory(hub.schema_dir))
    catalog = load_catalog(hub.topics_dir)
    now_ms = int(time.time() * 1000)
    events = vacancies(codec, catalog, _EVENTS, now_ms).messages
    wanted = {m.event_id for m in events}
    notices = [catalog.service_topic(s, "in", "decision").name for s in catalog.services]
    app_id = f"scale-out-{uuid.uuid4().hex[:6]}"
    stop = asyncio.Event()

    def seen(records: list) -> set[str]:
        return {codec.decode(r.value).record["event_id"] for r in records} & wanted

    runs: list[asyncio.Task] = []
    async with _worker(private_broker, app_id, tmp_path / "a", pseudonym_keys) as first:
        try:
            runs.append(asyncio.create_task(first.run(stop)))
            await _until_owning(first)
            sending = asyncio.create_task(
                _send_paced(private_broker, events, new_trace_id(), now_ms)
            )
            await asyncio.sleep(1.0)
            async with _worker(private_broker, app_id, tmp_path / "b", pseudonym_keys) as second:
                try:
                    runs.append(asyncio.create_task(second.run(stop)))
                    await _until_owning(second)
                    assert not sending.done(), "the hand-over must fall while events arrive"
                    owned = (first.owned, second.owned)
                    await sending
                    records = await read_until(
                        private_broker, notices, lambda rs: seen(rs) == wanted, timeout_s=120
                    )
                finally:
                    stop.set()
                    await asyncio.gather(*runs)
        finally:
            stop.set()
            await asyncio.gather(*runs)
    assert seen(records) == wanted
    assert owned[0] and owned[1] and not owned[0] & owned[1], owned


async def test_a_replica_reads_back_the_state_of_the_partitions_it_takes_over(
    private_broker: str, pseudonym_keys: Path, tmp_path: Path
) -> None:
    hub = HubSettings()
    codec = AvroCodec(SchemaStore.from_directory(hub.schema_dir))
    catalog = load_catalog(hub.topics_dir)
    now_ms = int(time.time() * 1000)
    subjects = 60
    consents = consent_state(codec, catalog, subjects, now_ms).messages
    profiles = [
        m
        for m in personal(codec, catalog, 400, subjects, now_ms).messages
        if m.event_type == "jobseeker"
    ]
    wanted = {m.event_id for m in profiles}
    notices = [catalog.service_topic(s, "in", "decision").name for s in catalog.services]
    app_id = f"state-handover-{uuid.uuid4().hex[:6]}"
    changelog = f"{app_id}-subject-state"
    stop = asyncio.Event()
    trace_id = new_trace_id()

    def of_profiles(records: list) -> dict[str, dict]:
        found = (codec.decode(r.value).record for r in records)
        return {n["event_id"]: n for n in found if n["event_id"] in wanted}

    runs: list[asyncio.Task] = []
    async with _worker(private_broker, app_id, tmp_path / "a", pseudonym_keys) as first:
        try:
            runs.append(asyncio.create_task(first.run(stop)))
            await _until_owning(first)
            await _send_paced(private_broker, consents, trace_id, now_ms)
            # every consent applied is one state record in the changelog
            await read_until(private_broker, [changelog], lambda rs: len(rs) >= subjects)
            async with _worker(private_broker, app_id, tmp_path / "b", pseudonym_keys) as second:
                try:
                    runs.append(asyncio.create_task(second.run(stop)))
                    await _until_owning(second)
                    while len(first.owned) == catalog.topic(profiles[0].topic).partitions:
                        await asyncio.sleep(0.1)
                    await _send_paced(private_broker, profiles, trace_id, now_ms)
                    records = await read_until(
                        private_broker, notices, lambda rs: of_profiles(rs).keys() == wanted
                    )
                finally:
                    stop.set()
                    await asyncio.gather(*runs)
        finally:
            stop.set()
            await asyncio.gather(*runs)
    # without the person's state the policy fails closed and denies every destination
    refused = [
        event_id
        for event_id, notice in of_profiles(records).items()
        if all(o["outcome"] == "DENY" for o in notice["outcomes"])
    ]
    assert not refused, f"{len(refused)} of {len(wanted)} profiles met no consent state"
