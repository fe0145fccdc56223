"""Subject state packs into a few dozen bytes and reads back exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub import paths
from hub.codec import SchemaStore
from hub.exceptions import ConfigurationError
from hub.policy import RecordRef
from hub.router.state import CONSENT_FIELDS, REGISTRATION_FIELDS, SubjectStore

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
STORE = SchemaStore.from_directory(paths.schema_dir())
KEY = "FOREM:FO-2219387"


def _sample(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.json").read_text())


def test_consent_and_registration_read_back_as_written() -> None:
    store = SubjectStore({}, STORE)
    consent, registration = _sample("ConsentChange"), _sample("Registration")
    assert store.add_consent(KEY, RecordRef("pes.forem.out.consent", 3, 7), consent)
    assert store.add_registration(KEY, RecordRef("pes.vdab.out.registration", 3, 9), registration)
    state = store.state(KEY)
    assert state.consents[0].ref == RecordRef("pes.forem.out.consent", 3, 7)
    assert state.consents[0].record == {k: consent[k] for k in CONSENT_FIELDS}
    assert state.registrations[0].record == {k: registration[k] for k in REGISTRATION_FIELDS}


def test_a_redelivered_record_is_applied_once() -> None:
    store = SubjectStore({}, STORE)
    ref = RecordRef("pes.forem.out.consent", 0, 1)
    assert store.add_consent(KEY, ref, _sample("ConsentChange"))
    assert not store.add_consent(KEY, ref, _sample("ConsentChange"))
    assert len(store.state(KEY).consents) == 1


def test_one_consent_packs_into_under_a_hundred_bytes() -> None:
    table: dict[str, bytes] = {}
    SubjectStore(table, STORE).add_consent(
        KEY, RecordRef("pes.forem.out.consent", 5, 123_456), _sample("ConsentChange")
    )
    assert len(table[KEY]) < 100


def test_deliveries_are_remembered_and_forgotten() -> None:
    store = SubjectStore({}, STORE)
    store.record_deliveries(KEY, "e1", [("VDAB", "MEDIATION"), ("VDAB", "MEDIATION")])
    store.record_deliveries(KEY, "e1", [("VDAB", "MEDIATION")])
    store.record_deliveries(KEY, "e2", [("FT", "MEDIATION")])
    assert store.recipients(KEY) == {"VDAB": [("e1", "MEDIATION")], "FT": [("e2", "MEDIATION")]}
    store.forget_deliveries(KEY, "VDAB", {"e1"})
    assert store.recipients(KEY) == {"FT": [("e2", "MEDIATION")]}


def test_state_in_another_layout_is_refused() -> None:
    store = SubjectStore({KEY: b'{"c":[],"r":[],"to":{}}'}, STORE)
    with pytest.raises(ConfigurationError):
        store.state(KEY)


def test_a_value_changed_underneath_is_read_again() -> None:
    """The decoded value kept between an event's reads never hides a newer one (a restore)."""
    table: dict[str, bytes] = {}
    store, other = SubjectStore(table, STORE), SubjectStore(table, STORE)
    store.record_deliveries(KEY, "e1", [("VDAB", "MEDIATION")])
    other.record_deliveries(KEY, "e2", [("FT", "MEDIATION")])
    assert store.recipients(KEY) == {"VDAB": [("e1", "MEDIATION")], "FT": [("e2", "MEDIATION")]}
    del table[KEY]
    assert store.recipients(KEY) == {}
