"""The router core on one batch: inboxes, audit, notices, erasures and dead letters."""

from __future__ import annotations

import hashlib
from itertools import pairwise

from hub.audit import GENESIS_HASH, decision_hash
from hub.codec import CloudEvent
from hub.router import InputRecord, RouterCore
from tests.unit.policy.conftest import DAY, T0, sample
from tests.unit.router.conftest import Inputs


def _decoded(core: RouterCore, outputs, topic: str):
    return [core.codec.decode(o.value).record for o in outputs if o.topic == topic]


def test_vacancy_reaches_inboxes_with_audit_and_notice(core: RouterCore, inputs: Inputs) -> None:
    """One vacancy: allowed inboxes get it, every destination gets a decision, the sender a notice."""
    outputs = core.handle(
        [inputs.record("vacancy", "VDAB", sample("Vacancy"), key="VDAB:70123456", time_ms=T0)]
    )
    topics = [o.topic for o in outputs]
    assert {"pes.forem.in.vacancy", "pes.actiris.in.vacancy", "pes.ft.in.vacancy"} <= set(topics)
    assert "pes.adg.in.vacancy" not in topics
    decisions = _decoded(core, outputs, "hub.audit")
    assert sorted(d["destination_pes"] for d in decisions) == [
        "ACTIRIS",
        "ADG",
        "BF",
        "FOREM",
        "FT",
    ]
    notice = _decoded(core, outputs, "pes.vdab.in.decision")
    assert len(notice) == 1 and len(notice[0]["outcomes"]) == 5
    delivered = {o.topic: o for o in outputs if o.topic.endswith(".in.vacancy")}
    for decision in decisions:
        inbox = f"pes.{decision['destination_pes'].lower()}.in.vacancy"
        if decision["outcome"] == "DENY":
            assert decision["payload_sha256"] is None
        else:
            assert decision["payload_sha256"] == hashlib.sha256(delivered[inbox].value).hexdigest()
    forem = core.codec.decode(delivered["pes.forem.in.vacancy"].value).record
    assert forem["recruiter_contact"] is None


def test_decisions_chain_per_audit_partition(core: RouterCore, inputs: Inputs) -> None:
    """Each decision names the hash of the one before it, starting from genesis."""
    batch = [
        inputs.record(
            "vacancy", "VDAB", sample("Vacancy"), key="VDAB:70123456", time_ms=T0, partition=2
        )
        for _ in range(2)
    ]
    decisions = _decoded(core, core.handle(batch), "hub.audit")
    assert decisions[0]["prev_hash"] == GENESIS_HASH
    for previous, current in pairwise(decisions):
        assert current["prev_hash"] == previous["hash"]
    for decision in decisions:
        assert decision["hash"] == decision_hash(core.codec, decision)


def test_same_inputs_give_same_bytes(inputs: Inputs) -> None:
    """Decisions, hashes and inbox bytes depend on the inputs only, never the clock."""
    from tests.unit.router.conftest import make_core

    batch = [inputs.record("vacancy", "VDAB", sample("Vacancy"), key="VDAB:70123456", time_ms=T0)]
    first, second = make_core().handle(batch), make_core().handle(batch)
    assert [(o.topic, o.value) for o in first] == [(o.topic, o.value) for o in second]


def test_consent_then_profile_then_revocation_sends_erasure(
    core: RouterCore, inputs: Inputs
) -> None:
    """A consented profile is delivered; the revocation sends VDAB an erasure for it."""
    subject = "FOREM:FO-2219387"
    grant = sample("ConsentChange") | {"recorded_at": T0 - DAY, "valid_from": T0 - DAY}
    revoke = grant | {
        "consent_id": "c-revoke",
        "action": "REVOKED",
        "destinations": [],
        "purposes": [],
        "recorded_at": T0 + DAY,
    }
    outputs = core.handle(
        [
            inputs.record("consent", "FOREM", grant, key=subject, time_ms=T0 - DAY),
            inputs.record(
                "jobseeker",
                "FOREM",
                sample("JobseekerProfile"),
                key=subject,
                time_ms=T0,
                event_id="profile-1",
            ),
            inputs.record("consent", "FOREM", revoke, key=subject, time_ms=T0 + DAY),
            inputs.record(
                "jobseeker",
                "FOREM",
                sample("JobseekerProfile"),
                key=subject,
                time_ms=T0 + 2 * DAY,
                event_id="profile-2",
            ),
        ]
    )
    delivered = _decoded(core, outputs, "pes.vdab.in.jobseeker")
    assert len(delivered) == 1
    assert delivered[0]["national_register_number"] is None
    erasures = _decoded(core, outputs, "pes.vdab.in.erasure")
    assert [e["event_ids"] for e in erasures] == [["profile-1"]]
    assert erasures[0]["consent_id"] == "c-revoke"


def test_garbage_bytes_become_a_dead_letter_and_the_batch_goes_on(
    core: RouterCore, inputs: Inputs
) -> None:
    """Undecodable input is dead-lettered with its bytes; the next record is still routed."""
    good = inputs.record("vacancy", "VDAB", sample("Vacancy"), key="VDAB:70123456", time_ms=T0)
    bad = InputRecord(
        topic="pes.vdab.out.vacancy",
        partition=0,
        offset=99,
        timestamp_ms=T0,
        key=b"VDAB:x",
        value=b'{"not": "avro"}',
        headers=good.headers,
    )
    outputs = core.handle([bad, good])
    letters = _decoded(core, outputs, "hub.deadletter")
    assert len(letters) == 1
    assert letters[0]["original_value"] == b'{"not": "avro"}'
    assert letters[0]["stage"] == "DECODE"
    assert letters[0]["source_offset"] == 99
    assert any(o.topic == "pes.forem.in.vacancy" for o in outputs)


def test_wrong_sender_is_dead_lettered(core: RouterCore, inputs: Inputs) -> None:
    """VDAB may not publish a consent for a Le Forem jobseeker."""
    record = inputs.record(
        "consent", "VDAB", sample("ConsentChange"), key="FOREM:FO-2219387", time_ms=T0
    )
    letters = _decoded(core, core.handle([record]), "hub.deadletter")
    assert letters[0]["reason_code"] == "WRONG_SENDER"


def test_key_not_matching_subject_is_dead_lettered(core: RouterCore, inputs: Inputs) -> None:
    """A profile under another person's key is never routed."""
    record = inputs.record(
        "jobseeker", "FOREM", sample("JobseekerProfile"), key="FOREM:someone-else", time_ms=T0
    )
    letters = _decoded(core, core.handle([record]), "hub.deadletter")
    assert letters[0]["reason_code"] == "KEY_MISMATCH"


def test_missing_headers_are_dead_lettered(core: RouterCore, inputs: Inputs) -> None:
    """A record without CloudEvents headers cannot be audited, so it is not routed."""
    good = inputs.record("vacancy", "VDAB", sample("Vacancy"), key="VDAB:70123456", time_ms=T0)
    bare = InputRecord(good.topic, 0, 5, T0, good.key, good.value, ())
    letters = _decoded(core, core.handle([bare]), "hub.deadletter")
    assert letters[0]["error_type"] == "HeaderError"


def test_hub_records_carry_their_own_envelope_and_the_events_context(
    core: RouterCore, inputs: Inputs
) -> None:
    """Decisions and notices are the hub's records (its source, their own id and type) about
    the event: they keep its time, subject and trace, so a trace follows the event through."""
    record = inputs.record("vacancy", "VDAB", sample("Vacancy"), key="VDAB:70123456", time_ms=T0)
    traceparent = f"00-{'1' * 32}-{'2' * 16}-01"
    record = record._replace(headers=(*record.headers, ("traceparent", traceparent.encode())))
    event = CloudEvent.from_headers(record.headers)
    outputs = [o for o in core.handle([record]) if o.topic in ("hub.audit", "pes.vdab.in.decision")]
    assert len(outputs) == 6
    for output in outputs:
        envelope = CloudEvent.from_headers(output.headers)
        body = core.codec.decode(output.value).record
        assert envelope.source == "/hub/router"
        assert envelope.id == body.get("decision_id", body.get("notice_id"))
        expected_type = "RoutingDecision" if output.topic == "hub.audit" else "DecisionNotice"
        assert envelope.type == f"be.pes.hub.{expected_type}"
        assert (envelope.time, envelope.subject, envelope.traceparent) == (
            event.time,
            "VDAB:70123456",
            traceparent,
        )
