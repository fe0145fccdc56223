"""The router process on the embedded broker, fed the way a service's system feeds it.

Events are written by a plain aiokafka producer and encoded by the official ``avro``
package (another Avro implementation than the hub's); the test reads the inboxes, the
audit trail, the notices and the dead letters back.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import avro.io
import avro.schema
import pytest

from hub import paths
from hub.audit import GENESIS_HASH, decision_hash
from hub.codec import MAGIC, AvroCodec, CloudEvent, SchemaStore
from tests.integration.kafka_io import produce, read_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
STORE = SchemaStore.from_directory(paths.schema_dir())
CODEC = AvroCodec(STORE)


def _official_encode(name: str, record: dict[str, Any]) -> bytes:
    """Single-object encoding written with the official avro package."""
    schema = avro.schema.parse(json.dumps(STORE.current(name).expanded))
    body = io.BytesIO()
    avro.io.DatumWriter(schema).write(record, avro.io.BinaryEncoder(body))
    return MAGIC + schema.fingerprint("CRC-64-AVRO") + body.getvalue()


def _sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{name}.json").read_text())


def _message(
    topic: str, name: str, record: dict[str, Any], key: str, at_ms: int, event_id: str | None = None
) -> tuple[str, bytes, bytes, list, str]:
    event_id = event_id or str(uuid.uuid4())
    envelope = CloudEvent(
        source=f"/pes/{topic.split('.')[1]}",
        type=f"be.pes.hub.{name}",
        id=event_id,
        subject=key,
        time=datetime.fromtimestamp(at_ms / 1000, UTC),
    )
    return topic, key.encode(), _official_encode(name, record), envelope.to_headers(), event_id


async def _send(bootstrap: str, *messages: tuple[str, bytes, bytes, list, str]) -> None:
    await produce(bootstrap, [m[:4] for m in messages])


def _ids(records, topic: str) -> list[dict[str, Any]]:
    return [CODEC.decode(r.value).record for r in records if r.topic == topic]


async def _notice_for(bootstrap: str, source: str, event_id: str) -> dict[str, Any]:
    topic = f"pes.{source}.in.decision"
    records = await read_until(
        bootstrap, [topic], lambda rs: any(n["event_id"] == event_id for n in _ids(rs, topic))
    )
    return next(n for n in _ids(records, topic) if n["event_id"] == event_id)


async def test_consented_profile_crosses_minimised_and_revocation_erases(
    router, catalog_applied: str
) -> None:
    """Consent to VDAB: the profile reaches VDAB without the number; revoking sends an erasure."""
    bootstrap = catalog_applied
    jobseeker_id = f"it-{uuid.uuid4().hex[:8]}"
    key = f"FOREM:{jobseeker_id}"
    subject = {"home_pes": "FOREM", "jobseeker_id": jobseeker_id}
    now = int(time.time() * 1000)
    grant = _sample("ConsentChange") | {
        "subject": subject,
        "consent_id": f"{jobseeker_id}-c1",
        "destinations": ["VDAB"],
        "purposes": ["MEDIATION"],
        "data_sections": ["IDENTITY", "OCCUPATIONS"],
        "recorded_at": now - 60_000,
        "valid_from": now - 60_000,
    }
    await _send(
        bootstrap, _message("pes.forem.out.consent", "ConsentChange", grant, key, now - 60_000)
    )
    profile = _sample("JobseekerProfile") | {"subject": subject}
    for attempt in range(10):  # consent and profile travel on different topics: the router may
        await asyncio.sleep(0.5)  # see the profile first and deny it (fail closed); resend then
        message = _message(
            "pes.forem.out.jobseeker", "JobseekerProfile", profile, key, int(time.time() * 1000)
        )
        await _send(bootstrap, message)
        notice = await _notice_for(bootstrap, "forem", message[4])
        outcomes = {o["destination"]: o for o in notice["outcomes"]}
        if outcomes["VDAB"]["outcome"] != "DENY":
            break
        assert outcomes["VDAB"]["reason_code"] == "NO_SUBJECT_STATE", outcomes["VDAB"]
    delivered_id = message[4]
    assert outcomes["VDAB"]["outcome"] == "ALLOW_MINIMISED"
    assert {d for d, o in outcomes.items() if o["outcome"] != "DENY"} == {"VDAB"}
    records = await read_until(
        bootstrap,
        ["pes.vdab.in.jobseeker"],
        lambda rs: any(dict(r.headers)["ce_id"].decode() == delivered_id for r in rs),
    )
    copy = next(r for r in records if dict(r.headers)["ce_id"].decode() == delivered_id)
    delivered = CODEC.decode(copy.value).record
    assert delivered["national_register_number"] is None
    assert len(delivered["national_register_pseudonym"]) == 64
    assert delivered["contact"] is None  # the CONTACT section was not consented
    assert copy.key == key.encode()

    revoke = grant | {
        "consent_id": f"{jobseeker_id}-c2",
        "action": "REVOKED",
        "destinations": [],
        "purposes": [],
        "recorded_at": now + 1_000,
        "valid_from": None,
    }
    await _send(
        bootstrap,
        _message("pes.forem.out.consent", "ConsentChange", revoke, key, int(time.time() * 1000)),
    )
    erasures = await read_until(
        bootstrap,
        ["pes.vdab.in.erasure"],
        lambda rs: any(
            e["consent_id"] == revoke["consent_id"] for e in _ids(rs, "pes.vdab.in.erasure")
        ),
    )
    erasure = next(
        e for e in _ids(erasures, "pes.vdab.in.erasure") if e["consent_id"] == revoke["consent_id"]
    )
    assert delivered_id in erasure["event_ids"]

    later = _message(
        "pes.forem.out.jobseeker", "JobseekerProfile", profile, key, int(time.time() * 1000)
    )
    await _send(bootstrap, later)
    notice = await _notice_for(bootstrap, "forem", later[4])
    assert {o["outcome"] for o in notice["outcomes"]} == {"DENY"}


async def test_garbage_goes_to_dead_letters_and_the_stream_goes_on(
    router, catalog_applied: str
) -> None:
    """Bytes that are not Avro end in hub.deadletter with the reason; the next event routes."""
    bootstrap = catalog_applied
    garbage = f"not avro {uuid.uuid4()}".encode()
    headers = CloudEvent(source="/pes/vdab", type="be.pes.hub.Vacancy").to_headers()
    vacancy = _sample("Vacancy") | {"vacancy_id": f"it-{uuid.uuid4().hex[:8]}"}
    key = f"VDAB:{vacancy['vacancy_id']}"
    good = _message("pes.vdab.out.vacancy", "Vacancy", vacancy, key, int(time.time() * 1000))
    await produce(bootstrap, [("pes.vdab.out.vacancy", key.encode(), garbage, headers), good[:4]])
    letters = await read_until(
        bootstrap,
        ["hub.deadletter"],
        lambda rs: any(d["original_value"] == garbage for d in _ids(rs, "hub.deadletter")),
    )
    letter = next(d for d in _ids(letters, "hub.deadletter") if d["original_value"] == garbage)
    assert letter["stage"] == "DECODE"
    assert "c301" in letter["reason"]
    assert letter["source_topic"] == "pes.vdab.out.vacancy"
    assert {h["key"] for h in letter["original_headers"]} >= {"ce_id", "ce_source"}
    notice = await _notice_for(bootstrap, "vdab", good[4])
    assert {o["destination"] for o in notice["outcomes"] if o["outcome"] != "DENY"} >= {"FOREM"}


async def test_audit_chain_is_intact_and_matches_deliveries(router, catalog_applied: str) -> None:
    """Every audit partition chains from genesis; every delivered copy has its decision's hash."""
    bootstrap = catalog_applied
    vacancy = _sample("Vacancy") | {"vacancy_id": f"it-{uuid.uuid4().hex[:8]}"}
    key = f"VDAB:{vacancy['vacancy_id']}"
    message = _message("pes.vdab.out.vacancy", "Vacancy", vacancy, key, int(time.time() * 1000))
    await _send(bootstrap, message)
    await _notice_for(bootstrap, "vdab", message[4])
    audit = await read_until(
        bootstrap,
        ["hub.audit"],
        lambda rs: sum(1 for d in _ids(rs, "hub.audit") if d["event_id"] == message[4]) == 5,
    )
    by_partition: dict[int, list] = {}
    for record in audit:
        by_partition.setdefault(record.partition, []).append(record)
    for partition, records in by_partition.items():
        previous = GENESIS_HASH
        for record in sorted(records, key=lambda r: r.offset):
            decision = CODEC.decode(record.value).record
            assert decision["prev_hash"] == previous, (partition, record.offset)
            assert decision["hash"] == decision_hash(CODEC, decision), (partition, record.offset)
            previous = decision["hash"]
    inbox = await read_until(
        bootstrap,
        ["pes.forem.in.vacancy"],
        lambda rs: any(dict(r.headers)["ce_id"].decode() == message[4] for r in rs),
    )
    copy = next(r for r in inbox if dict(r.headers)["ce_id"].decode() == message[4])
    decision = next(
        d
        for d in _ids(audit, "hub.audit")
        if d["event_id"] == message[4] and d["destination_pes"] == "FOREM"
    )
    assert decision["payload_sha256"] == hashlib.sha256(copy.value).hexdigest()
