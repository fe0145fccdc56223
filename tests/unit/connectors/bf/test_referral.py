"""Bruxelles Formation's trainee referrals: native samples <-> canonical Registration."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connectors.base.exceptions import MappingError
from connectors.bf.referral import ReferralMapping
from hub import paths
from hub.codec import AvroCodec, SchemaStore
from hub.router.state import REGISTRATION_FIELDS
from tests.unit.connectors.conftest import sample, sample_paths

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
MAPPING = ReferralMapping()
SAMPLES = sample_paths("BF", "referral_")
# a referral written back and read again keeps its subject and all the router reads
KEPT = ("subject", *REGISTRATION_FIELDS)


def test_there_are_referral_samples() -> None:
    """The samples below are found (an empty parametrize would pass silently)."""
    assert len(SAMPLES) >= 3


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.stem)
def test_every_referral_sample_maps_to_a_registration_the_hub_encodes(path: Path) -> None:
    """Each native referral becomes a TRAINEE Registration at BF of a person of another service."""
    registration = MAPPING.to_canonical(json.loads(path.read_text(encoding="utf-8")))
    decoded = CODEC.decode(CODEC.encode("Registration", registration)).record
    assert decoded == registration
    assert registration["pes"] == "BF" and registration["capacity"] == "TRAINEE"
    assert registration["subject"]["home_pes"] in {"FOREM", "ACTIRIS"}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.stem)
def test_round_trip_keeps_the_shared_fields(path: Path) -> None:
    """A referral written back from its Registration and read again is the same registration."""
    first = MAPPING.to_canonical(json.loads(path.read_text(encoding="utf-8")))
    again = MAPPING.to_canonical(MAPPING.from_canonical(first))
    for field in KEPT:
        assert again[field] == first[field], field


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "referral_forem_enrolled",
            {
                "registration_id": "OR-2026-004512",
                "subject": {"home_pes": "FOREM", "jobseeker_id": "FOREM-000123"},
                "capacity_code": "000",
                "valid_from": 1788739200000,  # 2026-09-07
                "valid_until": 1803686400000,  # 2027-02-27: the day after the last one
                "recorded_at": 1787213700000,  # 2026-08-20T08:15:00Z
            },
        ),
        (
            "referral_actiris_by_name_open_ended",
            {
                "registration_id": "88231",
                "subject": {"home_pes": "ACTIRIS", "jobseeker_id": "4417702"},
                "capacity_code": "902",
                "valid_until": None,
            },
        ),
        (
            "referral_le_forem_fpi_no_end",
            {
                "subject": {"home_pes": "FOREM", "jobseeker_id": "0012345678"},
                "capacity_code": "000",
                "valid_until": None,
            },
        ),
    ],
)
def test_awkward_referrals_map_to_what_they_mean(name: str, expected: dict[str, Any]) -> None:
    """A home service by name, numeric ids, a missing or null end: read, not guessed."""
    registration = MAPPING.to_canonical(sample("BF", name))
    assert {field: registration[field] for field in expected} == expected


def _broken(path: str, value: Any) -> dict[str, Any]:
    """Return the enrolled sample with the value at a dotted *path* replaced (None deletes)."""
    native = sample("BF", "referral_forem_enrolled")
    *parents, last = path.split(".")
    holder = native
    for step in parents:
        holder = holder[step]
    if value is None:
        del holder[last]
    else:
        holder[last] = value
    return native


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("idOrientation", None, "idOrientation"),
        ("statut", "peut-être", "statut"),
        ("formation.type", "cours du soir", "formation.type"),
        ("stagiaire.organismeReferent", "Pôle Nord", "stagiaire.organismeReferent"),
        ("stagiaire.identifiantReferent", None, "stagiaire.identifiantReferent"),
        ("formation.debut", "7 septembre", "formation.debut"),
        ("enregistreLe", None, "enregistreLe"),
    ],
)
def test_a_bad_referral_raises_mapping_error_naming_the_field(
    path: str, value: Any, field: str
) -> None:
    """A missing or unknown value is refused with the field's name, never given a default."""
    with pytest.raises(MappingError, match=field.replace(".", r"\.")):
        MAPPING.to_canonical(_broken(path, value))
