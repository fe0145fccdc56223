"""Decisions encoded part by part are byte for byte the whole record's encoding."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub import paths
from hub.audit import GENESIS_HASH, AuditChain, decision_hash
from hub.audit.writer import DECISION_RECORD, DecisionWriter
from hub.codec import AvroCodec, SchemaStore
from hub.exceptions import ConfigurationError
from tests.unit.audit.sealing import seal_record

TESTS = Path(__file__).resolve().parents[2]
CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
SERVICES = ["VDAB", "FOREM", "ACTIRIS", "BF", "ADG", "FT"]
text = st.text(max_size=80)
refs = st.fixed_dictionaries(
    {"topic": text, "partition": st.integers(0, 2**31 - 1), "offset": st.integers(0, 2**63 - 1)}
)
names = st.lists(st.text(min_size=1, max_size=20), max_size=4)
decisions = st.fixed_dictionaries(
    {
        "decision_id": text,
        "event_id": text,
        "event_source": text,
        "event_type": text,
        "key": text,
        "source_ref": refs,
        "source_pes": st.sampled_from(SERVICES),
        "destination_pes": st.sampled_from(SERVICES),
        "purpose": st.sampled_from([None, "MEDIATION", "TRAINING"]),
        "outcome": st.sampled_from(["ALLOW", "ALLOW_MINIMISED", "DENY"]),
        "reason_code": text,
        "reason": st.text(max_size=300),
        "rule_id": st.none() | text,
        "agreements_version": text,
        "basis": st.fixed_dictionaries(
            {
                "kind": st.sampled_from(["PUBLIC_DATA", "LEGAL_BASIS", "CONSENT", "NONE"]),
                "reference": st.none() | text,
                "version": st.none() | text,
            }
        ),
        "relied_on": st.lists(refs, max_size=3),
        "state_refs": st.lists(refs, max_size=5),
        "fields_removed": names,
        "fields_pseudonymised": names,
        "codes_added": names,
        "payload_sha256": st.none() | st.text(min_size=64, max_size=64),
        "event_time": st.integers(-(2**63), 2**63 - 1),
    }
)


@settings(max_examples=300, deadline=None)
@given(st.lists(decisions, min_size=1, max_size=4))
def test_parts_encode_like_the_whole_record(records: list[dict[str, Any]]) -> None:
    """Sealed bytes equal encoding the complete record with its prev_hash and hash."""
    chain = AuditChain(CODEC)
    previous = GENESIS_HASH
    for record in records:
        sealed = seal_record(chain, 0, record)
        whole = dict(record, prev_hash=previous, hash="")
        digest = hashlib.sha256(CODEC.encode(DECISION_RECORD, whole)).hexdigest()
        assert sealed == CODEC.encode(DECISION_RECORD, dict(whole, hash=digest))
        assert decision_hash(CODEC, dict(whole, hash=digest)) == digest
        previous = digest


def test_remembered_rulings_give_the_same_bytes() -> None:
    """A ruling served from memory encodes exactly as a fresh one."""
    record = json.loads((TESTS / "data" / "samples" / "RoutingDecision.json").read_text())
    first = seal_record(AuditChain(CODEC, {0: "a" * 64}), 0, record)
    chain = AuditChain(CODEC, {0: "a" * 64})
    seal_record(chain, 1, record)
    assert seal_record(chain, 0, record) == first


def test_consent_rulings_of_different_people_encode_like_the_whole_record() -> None:
    """Consent rulings alike but for their consent id share the rest, not the id."""
    record = json.loads((TESTS / "data" / "samples" / "RoutingDecision.json").read_text())
    chain = AuditChain(CODEC)
    previous = GENESIS_HASH
    for consent_id in ("VDAB-1-c1", "VDAB-2-c9", "VDAB-1-c1", None):
        decision = dict(record, basis={"kind": "CONSENT", "reference": consent_id, "version": None})
        sealed = seal_record(chain, 0, decision)
        whole = dict(decision, prev_hash=previous, hash="")
        digest = hashlib.sha256(CODEC.encode(DECISION_RECORD, whole)).hexdigest()
        assert sealed == CODEC.encode(DECISION_RECORD, dict(whole, hash=digest))
        previous = digest


def test_a_schema_the_writer_does_not_know_is_refused() -> None:
    """A decision record with fields in another order fails at start-up, not silently."""
    store = SchemaStore.from_directory(paths.schema_dir())
    codec = AvroCodec(store)
    codec.field_writers = lambda name: {"hash": None, "decision_id": None}  # type: ignore[method-assign]
    with pytest.raises(ConfigurationError, match="decision writer encodes"):
        DecisionWriter(codec)


def test_chain_fields_of_any_previous_hash_encode_like_the_whole_record() -> None:
    """The short way for a hex digest and the general one give the encoder's bytes."""
    writer = AuditChain(CODEC).writer
    for previous in (GENESIS_HASH, "ab" * 32, "not a digest", "", "é" * 64):
        fields = CODEC.field_writers(DECISION_RECORD)
        assert fields is not None
        expected = bytearray()
        for name in ("prev_hash", "hash"):
            fields[name](expected, {"prev_hash": previous, "hash": ""})
        assert writer.chain_fields(previous) == bytes(expected)
