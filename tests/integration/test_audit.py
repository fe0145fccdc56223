"""`hub audit` on the embedded broker: tampering located, decisions re-derived, a person's
report, and replay speed."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from hub import paths
from hub.audit import decision_hash
from hub.audit.reader import TopicReader
from hub.codec import AvroCodec, CloudEvent, SchemaStore
from tests.integration.kafka_io import produce, read_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{name}.json").read_text())


def hub(bootstrap: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "HUB_BOOTSTRAP_SERVERS": bootstrap,
        "HUB_LOG_FORMAT": "json",
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "hub", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )


def _message(topic: str, name: str, record: dict[str, Any], key: str, at_ms: int):
    envelope = CloudEvent(
        source=f"/pes/{topic.split('.')[1]}",
        type=f"be.pes.hub.{name}",
        subject=key,
        time=__import__("datetime").datetime.fromtimestamp(
            at_ms / 1000, __import__("datetime").UTC
        ),
    )
    return (topic, key.encode(), CODEC.encode(name, record), envelope.to_headers()), envelope.id


async def _notice_for(bootstrap: str, topic: str, event_id: str) -> dict[str, Any]:
    """The DecisionNotice told to the sender about *event_id*."""
    records = await read_until(
        bootstrap,
        [topic],
        lambda rs: event_id in {CODEC.decode(r.value).record["event_id"] for r in rs},
    )
    notices = (CODEC.decode(r.value).record for r in records)
    return next(n for n in notices if n["event_id"] == event_id)


async def _traffic(bootstrap: str) -> str:
    """A consent, profiles and vacancies through the router; returns the subject key."""
    jobseeker_id = f"audit-{uuid.uuid4().hex[:8]}"
    key = f"FOREM:{jobseeker_id}"
    subject = {"home_pes": "FOREM", "jobseeker_id": jobseeker_id}
    now = int(time.time() * 1000)
    grant = _sample("ConsentChange") | {
        "subject": subject,
        "consent_id": f"{jobseeker_id}-c",
        "destinations": ["VDAB"],
        "purposes": ["MEDIATION"],
        "recorded_at": now - 60_000,
        "valid_from": now - 60_000,
    }
    message, _ = _message("pes.forem.out.consent", "ConsentChange", grant, key, now - 60_000)
    await produce(bootstrap, [message])
    ids = []
    batch = []
    for number in range(8):  # nine events on six partitions: one holds two, ten decisions
        vacancy = _sample("Vacancy") | {"vacancy_id": f"{jobseeker_id}-{number}"}
        message, event_id = _message(
            "pes.vdab.out.vacancy", "Vacancy", vacancy, f"VDAB:{vacancy['vacancy_id']}", now
        )
        batch.append(message)
        ids.append(event_id)
    await produce(bootstrap, batch)
    profile = _sample("JobseekerProfile") | {"subject": subject}
    deadline = time.monotonic() + 60.0
    while True:  # consent and profile travel on different topics: the router may see the
        await asyncio.sleep(1.0)  # profile first and deny it (fail closed); resend then
        message, event_id = _message(
            "pes.forem.out.jobseeker", "JobseekerProfile", profile, key, now
        )
        await produce(bootstrap, [message])
        notice = await _notice_for(bootstrap, "pes.forem.in.decision", event_id)
        vdab = next(o for o in notice["outcomes"] if o["destination"] == "VDAB")
        if vdab["outcome"] != "DENY":
            break
        assert vdab["reason_code"] == "NO_SUBJECT_STATE", vdab
        assert time.monotonic() < deadline, "the router never saw the consent"
    ids.append(event_id)
    await read_until(
        bootstrap,
        ["pes.vdab.in.decision", "pes.forem.in.decision"],
        lambda rs: {CODEC.decode(r.value).record["event_id"] for r in rs} >= set(ids),
    )
    return key


async def _copy_audit_with_tampering(bootstrap: str) -> tuple[str, int]:
    """Copy hub.audit; in its fullest partition modify #1, delete #3, insert after #4."""
    records = [r async for r in TopicReader({"bootstrap_servers": bootstrap}).read(["hub.audit"])]
    by_partition: dict[int, list] = {}
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        by_partition.setdefault(record.partition, []).append(record)
    target = max(by_partition, key=lambda p: len(by_partition[p]))
    values = [r.value for r in by_partition[target]]
    assert len(values) >= 6
    original = CODEC.decode(values[1]).record
    # flipped, so that the bytes change whatever the record held
    if original["outcome"] != "DENY":
        modified = original | {"outcome": "DENY", "reason_code": "NO_AGREEMENT"}
    else:
        modified = original | {"outcome": "ALLOW", "reason_code": "ALLOWED"}
    values[1] = CODEC.encode("RoutingDecision", modified)
    anchor = CODEC.decode(values[4]).record
    forged = anchor | {"decision_id": "forged", "prev_hash": anchor["hash"], "hash": ""}
    forged["hash"] = decision_hash(CODEC, forged)
    values.insert(5, CODEC.encode("RoutingDecision", forged))
    del values[3]
    copy = f"audit-copy-{uuid.uuid4().hex[:6]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(copy, max(by_partition) + 1, 1)])
    finally:
        await admin.close()
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False)
    await producer.start()
    try:
        for partition, items in by_partition.items():
            for value in values if partition == target else [r.value for r in items]:
                await producer.send_and_wait(copy, value, partition=partition)
    finally:
        await producer.stop()
    return copy, target


def test_tampered_copy_is_located_and_the_real_trail_verifies(router, catalog_applied: str) -> None:
    """A modified, a deleted and an inserted record are each named; the real trail is clean."""
    bootstrap = catalog_applied
    # the session's router also holds other tests' decisions (some decided on purpose
    # before a revocation arrived); the clean check covers this test's own
    since = datetime.now(UTC).isoformat()
    asyncio.run(_traffic(bootstrap))
    clean = hub(bootstrap, "audit", "verify", "--from", since)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    copy, partition = asyncio.run(_copy_audit_with_tampering(bootstrap))
    tampered = hub(bootstrap, "audit", "verify", "--topic", copy)
    assert tampered.returncode == 1
    out = " ".join(tampered.stdout.split())
    assert f"MODIFIED {copy} partition {partition} offset 1" in out
    assert f"REMOVED {copy} partition {partition} offset 3" in out
    assert f"INSERTED {copy} partition {partition} offset 4" in out


def test_a_topic_the_cluster_lacks_is_an_error_not_a_clean_result(catalog_applied: str) -> None:
    """A mistyped audit topic must not read as "0 decisions, 0 breaks" with exit 0."""
    for args in (("verify", "--topic", "hub.audti"), ("replay", "no.such.topic")):
        done = hub(catalog_applied, "audit", *args)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "no such topic on the cluster" in " ".join(done.stderr.split())
        assert "Traceback" not in done.stderr


def test_subject_report_names_transfers_and_bases(router, catalog_applied: str) -> None:
    """The person's report lists the consented transfer to VDAB with its consent id."""
    key = asyncio.run(_traffic(catalog_applied))
    done = hub(catalog_applied, "audit", "subject", key, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["subject"] == key
    transfers = [d for e in report["events"] for d in e["destinations"] if d["outcome"] != "DENY"]
    assert [(d["destination"], d["basis"]) for d in transfers] == [("VDAB", "CONSENT")]
    assert transfers[0]["reference"].endswith("-c")
    assert report["consents"][0]["action"] == "GRANTED"


def test_replay_of_100k_records_reports_its_rate(catalog_applied: str, unique_topic: str) -> None:
    """Replaying 100,000 records reads them all, stops at the end, and prints records/s."""
    receipt = CODEC.encode("DeliveryReceipt", _sample("DeliveryReceipt"))

    async def fill() -> None:
        from aiokafka import AIOKafkaProducer

        producer = AIOKafkaProducer(
            bootstrap_servers=catalog_applied,
            enable_idempotence=False,
            max_batch_size=262_144,
            linger_ms=5,
        )
        await producer.start()
        try:
            for _ in range(100_000):
                await producer.send(unique_topic, receipt)
            await producer.flush()
        finally:
            await producer.stop()

    asyncio.run(fill())
    done = hub(catalog_applied, "audit", "replay", unique_topic, "--format", "jsonl")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("\n") == 100_000
    assert "100000 records read" in done.stderr and "records/s" in done.stderr
    print(done.stderr.strip().splitlines()[-1])


def test_reading_from_a_time_starts_there_on_every_partition(
    catalog_applied: str, unique_topic: str
) -> None:
    """From a time, a partition with later records starts at the first of them, and one
    whose records are all older yields none (not all of them from the beginning)."""
    from aiokafka import AIOKafkaProducer

    from hub.audit.reader import Position

    async def scenario() -> tuple[list[tuple[int, bytes]], list[tuple[int, bytes]]]:
        admin = AIOKafkaAdminClient(bootstrap_servers=catalog_applied)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(unique_topic, 2, 1)])
        finally:
            await admin.close()
        producer = AIOKafkaProducer(bootstrap_servers=catalog_applied, enable_idempotence=False)
        await producer.start()
        try:
            for partition in (0, 1):
                await producer.send_and_wait(unique_topic, b"old", partition=partition)
            await asyncio.sleep(0.2)
            since_ms = int(time.time() * 1000)
            await asyncio.sleep(0.2)
            await producer.send_and_wait(unique_topic, b"new", partition=0)
        finally:
            await producer.stop()
        reader = TopicReader({"bootstrap_servers": catalog_applied})
        later = [
            (r.partition, r.value)
            async for r in reader.read([unique_topic], start=Position(time_ms=since_ms))
        ]
        future = Position(time_ms=since_ms + 3_600_000)
        none = [(r.partition, r.value) async for r in reader.read([unique_topic], start=future)]
        return later, none

    later, none = asyncio.run(scenario())
    assert later == [(0, b"new")]
    assert none == []
