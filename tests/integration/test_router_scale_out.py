"""Two routers in one consumer group: a replica joining mid-stream takes over partitions,
and every event still gets its decisions, with nothing lost in the hand-over; the
people's consent state of the partitions it takes over is read back from the changelog.

Each router routes a slice with no await in between and holds its batch lock until the
outputs are queued: a rebalance must see a slice whole or not at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import NamedTuple

import pytest
from aiokafka import AIOKafkaProducer

from hub.bench.workloads import consent_state, new_trace_id, personal, vacancies
from hub.catalog import Catalog, load_catalog
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


@contextlib.asynccontextmanager
async def _routing(
    bootstrap: str, app_id: str, state_dir: Path, keys: Path, stop: asyncio.Event, runs: list
) -> AsyncIterator[RouterWorker]:
    """A router in the group, routing from the moment it holds partitions until *stop*;
    leaving stops every router of the test and waits for them."""
    async with _worker(bootstrap, app_id, state_dir, keys) as worker:
        runs.append(asyncio.create_task(worker.run(stop)))
        try:
            async with asyncio.timeout(60):
                while not worker.owned:
                    await asyncio.sleep(0.1)
            yield worker
        finally:
            stop.set()
            await asyncio.gather(*runs)


class _Hub(NamedTuple):
    codec: AvroCodec
    catalog: Catalog
    now_ms: int
    notices: list[str]


def _hub() -> _Hub:
    hub = HubSettings()
    catalog = load_catalog(hub.topics_dir)
    return _Hub(
        AvroCodec(SchemaStore.from_directory(hub.schema_dir)),
        catalog,
        int(time.time() * 1000),
        [catalog.service_topic(s, "in", "decision").name for s in catalog.services],
    )


async def test_a_replica_joining_mid_stream_loses_no_event(
    private_broker: str, pseudonym_keys: Path, tmp_path: Path
) -> None:
    codec, catalog, now_ms, notices = _hub()
    events = vacancies(codec, catalog, _EVENTS, now_ms).messages
    wanted = {m.event_id for m in events}
    app_id = f"scale-out-{uuid.uuid4().hex[:6]}"
    stop, runs = asyncio.Event(), []

    def seen(records: list) -> set[str]:
        return {codec.decode(r.value).record["event_id"] for r in records} & wanted

    async with _routing(private_broker, app_id, tmp_path / "a", pseudonym_keys, stop, runs) as a:
        sending = asyncio.create_task(_send_paced(private_broker, events, new_trace_id(), now_ms))
        await asyncio.sleep(1.0)
        async with _routing(
            private_broker, app_id, tmp_path / "b", pseudonym_keys, stop, runs
        ) as b:
            assert not sending.done(), "the hand-over must fall while events arrive"
            owned = (a.owned, b.owned)
            await sending
            records = await read_until(
                private_broker, notices, lambda rs: seen(rs) == wanted, timeout_s=120
            )
    assert seen(records) == wanted
    assert owned[0] and owned[1] and not owned[0] & owned[1], owned


async def test_a_replica_reads_back_the_state_of_the_partitions_it_takes_over(
    private_broker: str, pseudonym_keys: Path, tmp_path: Path
) -> None:
    codec, catalog, now_ms, notices = _hub()
    subjects = 60
    consents = consent_state(codec, catalog, subjects, now_ms).messages
    profiles = [
        m
        for m in personal(codec, catalog, 400, subjects, now_ms).messages
        if m.event_type == "jobseeker"
    ]
    wanted = {m.event_id for m in profiles}
    app_id = f"state-handover-{uuid.uuid4().hex[:6]}"
    stop, runs = asyncio.Event(), []
    trace_id = new_trace_id()

    def of_profiles(records: list) -> dict[str, dict]:
        found = (codec.decode(r.value).record for r in records)
        return {n["event_id"]: n for n in found if n["event_id"] in wanted}

    async with _routing(private_broker, app_id, tmp_path / "a", pseudonym_keys, stop, runs) as a:
        await _send_paced(private_broker, consents, trace_id, now_ms)
        # every consent applied is one state record in the changelog
        await read_until(
            private_broker, [f"{app_id}-subject-state"], lambda rs: len(rs) >= subjects
        )
        async with _routing(private_broker, app_id, tmp_path / "b", pseudonym_keys, stop, runs):
            while len(a.owned) == catalog.topic(profiles[0].topic).partitions:
                await asyncio.sleep(0.1)  # the first router lets go of its share
            await _send_paced(private_broker, profiles, trace_id, now_ms)
            records = await read_until(
                private_broker, notices, lambda rs: of_profiles(rs).keys() == wanted
            )
    # without the person's state the policy fails closed and denies every destination
    refused = [
        event_id
        for event_id, notice in of_profiles(records).items()
        if all(o["outcome"] == "DENY" for o in notice["outcomes"])
    ]
    assert not refused, f"{len(refused)} of {len(wanted)} profiles met no consent state"
