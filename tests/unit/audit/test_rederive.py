"""Re-deriving decisions from the records they name, across agreement versions and late state."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from hub import paths
from hub.audit.rederive import Rederiver
from hub.catalog import load_catalog
from hub.codec import SchemaStore
from hub.policy import AgreementsLibrary
from hub.router import InputRecord, RouterCore
from hub.router.events import read_event
from hub.router.state import state_record
from tests.unit.policy.conftest import DAY, KEYS, T0, TEST_CROSSWALK, sample
from tests.unit.router.conftest import Inputs, make_core

SUBJECT = {"home_pes": "FOREM", "jobseeker_id": "FO-7"}
KEY = "FOREM:FO-7"


def _rederiver(core: RouterCore, topics_dir: Path | None = None) -> Rederiver:
    return Rederiver(
        codec=core.codec,
        store=SchemaStore.from_directory(paths.schema_dir()),
        catalog=load_catalog(paths.topics_dir()),
        library=AgreementsLibrary.from_directory(topics_dir or paths.topics_dir()),
        crosswalk=TEST_CROSSWALK,
        keys=KEYS,
    )


def _history(core: RouterCore, records: list[InputRecord]):
    items = []
    for record in records:
        event = read_event(core.codec, core.catalog, record).event
        if event.event_type in ("consent", "registration"):
            items.append(state_record(event.event_type, event.ref, event.record))
    return items


def _run(records: list[InputRecord], topics_dir: Path | None = None):
    core = make_core()
    outputs = core.handle(records)
    decisions = [core.codec.decode(o.value).record for o in outputs if o.topic == "hub.audit"]
    by_ref = {(r.topic, r.partition, r.offset): r for r in records}
    from hub.policy import RecordRef

    refs = {RecordRef(*k): v for k, v in by_ref.items()}
    rederiver = _rederiver(core, topics_dir)
    findings = [
        f
        for i, d in enumerate(decisions)
        for f in rederiver.check(0, i, d, refs, _history(core, records))
    ]
    return decisions, findings


def _story(inputs: Inputs) -> list[InputRecord]:
    grant = sample("ConsentChange") | {
        "subject": SUBJECT,
        "destinations": ["VDAB"],
        "recorded_at": T0 - DAY,
        "valid_from": T0 - DAY,
    }
    revoke = grant | {
        "consent_id": "rev",
        "action": "REVOKED",
        "destinations": [],
        "purposes": [],
        "recorded_at": T0 + DAY,
    }
    profile = sample("JobseekerProfile") | {"subject": SUBJECT}
    return [
        inputs.record("consent", "FOREM", grant, key=KEY, time_ms=T0 - DAY),
        inputs.record("jobseeker", "FOREM", profile, key=KEY, time_ms=T0),
        inputs.record("consent", "FOREM", revoke, key=KEY, time_ms=T0 + DAY),
        inputs.record("jobseeker", "FOREM", profile, key=KEY, time_ms=T0 + 2 * DAY),
        inputs.record("vacancy", "VDAB", sample("Vacancy"), key="VDAB:70123456", time_ms=T0),
    ]


def test_every_decision_re_derives(inputs: Inputs) -> None:
    """Decisions on older state, later revocations and vacancies all re-derive identically."""
    decisions, findings = _run(_story(inputs))
    assert any(
        d["outcome"] == "ALLOW_MINIMISED" and d["destination_pes"] == "VDAB" for d in decisions
    )
    assert findings == []


def test_a_tampered_outcome_does_not_re_derive(inputs: Inputs) -> None:
    """A decision whose outcome was changed is named as different."""
    core = make_core()
    records = _story(inputs)
    decisions = [
        core.codec.decode(o.value).record for o in core.handle(records) if o.topic == "hub.audit"
    ]
    from hub.policy import RecordRef

    refs = {RecordRef(r.topic, r.partition, r.offset): r for r in records}
    target = next(d for d in decisions if d["outcome"] == "DENY")
    findings = _rederiver(core).check(0, 0, target | {"outcome": "ALLOW"}, refs, [])
    assert [f.kind for f in findings] == ["DIFFERENT"]


def test_changing_a_rule_later_does_not_fail_old_decisions(inputs: Inputs, tmp_path: Path) -> None:
    """A newer agreements version that drops the consent rule leaves old decisions valid."""
    topics = tmp_path / "topics"
    shutil.copytree(paths.topics_dir(), topics)
    current = next((topics / "agreements").glob("*.yaml"))
    newer = yaml.safe_load(current.read_text())
    newer["version"] = "2099-01-01"
    newer["rules"] = [r for r in newer["rules"] if r["id"] != "js-consent-mediation"]
    (topics / "agreements" / "2099-01-01.yaml").write_text(yaml.safe_dump(newer))
    assert AgreementsLibrary.from_directory(topics).current.version == "2099-01-01"
    _, findings = _run(_story(inputs), topics_dir=topics)
    assert findings == []


def test_decision_before_consent_arrived_is_noted_not_alarmed(inputs: Inputs) -> None:
    """A profile denied because its earlier consent reached the router late is a note."""
    grant = sample("ConsentChange") | {
        "subject": SUBJECT,
        "destinations": ["VDAB"],
        "recorded_at": T0 - DAY,
        "valid_from": T0 - DAY,
    }
    profile = sample("JobseekerProfile") | {"subject": SUBJECT}
    records = [
        inputs.record("jobseeker", "FOREM", profile, key=KEY, time_ms=T0),
        inputs.record("consent", "FOREM", grant, key=KEY, time_ms=T0 - DAY),
    ]
    _, findings = _run(records)
    late = [f for f in findings if f.kind == "LATE_STATE"]
    assert late and not any(f.serious for f in late)


def test_a_payload_with_a_sender_s_own_encoding_re_derives(inputs: Inputs) -> None:
    """A sender may write a number in more bytes than it needs (valid Avro). The router
    copies the fields it does not change as they came, so the auditor hashes the payload
    it re-derives the same way, and finds nothing."""
    record = inputs.record("vacancy", "VDAB", sample("Vacancy"), key="VDAB:70123456", time_ms=T0)
    decoded = make_core().codec.decode(record.value)
    index = list(decoded.record).index("positions")
    start, end = decoded.spans[index], decoded.spans[index + 1]
    number = decoded.body[start:end]  # 2: zig-zag 4, one byte
    longer = number[:-1] + bytes([number[-1] | 0x80, 0])  # the same 2 in two bytes
    body = decoded.body[:start] + longer + decoded.body[end:]
    record = record._replace(value=record.value[: len(record.value) - len(decoded.body)] + body)
    decisions, findings = _run([record])
    assert any(d["payload_sha256"] for d in decisions)  # delivered somewhere
    assert findings == []
