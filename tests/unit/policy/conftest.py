"""A policy context built from the shipped agreements and schemas, and record builders."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from hub import paths
from hub.catalog import load_catalog
from hub.codec import SchemaStore
from hub.policy import AgreementsLibrary, Crosswalk, Event, PolicyContext, RecordRef, StateRecord
from hub.policy.crosswalk import Occupation
from hub.router.build import build_policy_context

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
DAY = 86_400_000
T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z
KEYS = {
    code: bytes([i]) * 32 for i, code in enumerate(["VDAB", "FOREM", "ACTIRIS", "BF", "ADG", "FT"])
}

TEST_CROSSWALK = Crosswalk(
    [
        Occupation(
            codes={"ROME_V3": "N1101", "ROME_V4": "N1101", "COMPETENT": "N1101", "ISCO_08": "8344"},
            labels={
                "fr": "Conduite d'engins de déplacement des charges",
                "nl": "Heftruckchauffeur",
            },
            zones=frozenset({"WEST"}),
        ),
        Occupation(
            codes={"ROME_V3": "K2204", "ROME_V4": "K2204", "COMPETENT": "K2204", "ISCO_08": "9112"},
            labels={"fr": "Nettoyage de locaux", "nl": "Schoonmaker"},
            zones=frozenset({"CENTRE"}),
        ),
        Occupation(
            codes={"ROME_V3": "M1805", "ROME_V4": "M1805", "COMPETENT": "M1805", "ISCO_08": "2512"},
            labels={"fr": "Études et développement informatique"},
            zones=frozenset(),
        ),
    ]
)


def sample(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((SAMPLES / f"{name}.json").read_text()))


def make_context(keys: dict[str, bytes] | None = None) -> PolicyContext:
    store = SchemaStore.from_directory(paths.schema_dir())
    return build_policy_context(
        catalog=load_catalog(paths.topics_dir()),
        store=store,
        agreements=AgreementsLibrary.from_directory(paths.topics_dir()).current,
        crosswalk=TEST_CROSSWALK,
        keys=KEYS if keys is None else keys,
    )


@pytest.fixture(scope="session")
def context() -> PolicyContext:
    return make_context()


_offsets = iter(range(10**9))


def event(
    event_type: str, record: dict[str, Any], *, source: str, time_ms: int = T0, key: str = "k"
) -> Event:
    return Event(
        event_type=event_type,
        source=source,
        key=key,
        time_ms=time_ms,
        record=record,
        ref=RecordRef(f"pes.{source.lower()}.out.{event_type}", 0, next(_offsets)),
    )


def consent(
    *,
    action: str = "GRANTED",
    destinations: list[str],
    purposes: list[str] | None = None,
    sections: list[str] | None = None,
    recorded_at: int = T0 - 10 * DAY,
    valid_until: int | None = None,
    consent_id: str = "c1",
) -> StateRecord:
    record = sample("ConsentChange") | {
        "consent_id": consent_id,
        "action": action,
        "destinations": destinations,
        "purposes": purposes if purposes is not None else ["MEDIATION"],
        "data_sections": sections
        if sections is not None
        else ["IDENTITY", "CONTACT", "OCCUPATIONS"],
        "recorded_at": recorded_at,
        "valid_from": recorded_at,
        "valid_until": valid_until,
    }
    return StateRecord(RecordRef("pes.forem.out.consent", 0, next(_offsets)), record)


def registration(
    *,
    pes: str,
    capacity: str = "JOBSEEKER",
    recorded_at: int = T0 - 5 * DAY,
    valid_until: int | None = None,
    registration_id: str = "r1",
) -> StateRecord:
    record = sample("Registration") | {
        "registration_id": registration_id,
        "pes": pes,
        "capacity": capacity,
        "recorded_at": recorded_at,
        "valid_from": recorded_at,
        "valid_until": valid_until,
    }
    return StateRecord(RecordRef(f"pes.{pes.lower()}.out.registration", 0, next(_offsets)), record)
