"""Bruxelles Formation's training offers to canonical vacancies and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.bf import MAPPING
from hub import paths
from hub.codec import AvroCodec, SchemaStore

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
SAMPLE_DIR = Path(__file__).resolve().parents[4] / "connectors" / "bf" / "samples"


@pytest.mark.parametrize("path", sorted(SAMPLE_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_sample_maps_to_a_valid_vacancy(path: Path) -> None:
    """Each training offer becomes a Vacancy the hub can encode."""
    CODEC.encode("Vacancy", MAPPING.to_canonical(json.loads(path.read_text())))


def test_training_offer_keeps_its_type_places_and_deadline() -> None:
    """Places are positions, the deadline is valid_until, the type stays the native label."""
    vacancy = MAPPING.to_canonical(json.loads((SAMPLE_DIR / "web_developer.json").read_text()))
    assert vacancy["positions"] == 12
    assert vacancy["native_contract_label"] == "formation qualifiante"
    assert vacancy["valid_until"] is not None and vacancy["workplace"]["nuts3"] == "BE100"


def test_on_the_job_training_is_an_internship_even_without_a_place() -> None:
    """FPI maps to INTERNSHIP; a missing place leaves workplace and employer empty."""
    vacancy = MAPPING.to_canonical(json.loads((SAMPLE_DIR / "fpi_minimal.json").read_text()))
    assert vacancy["contract_type"] == "INTERNSHIP"
    assert vacancy["workplace"] is None and vacancy["employer"] is None


def test_round_trip_keeps_the_shared_fields() -> None:
    """A training offer written back and read again is the same offer."""
    first = MAPPING.to_canonical(json.loads((SAMPLE_DIR / "web_developer.json").read_text()))
    again = MAPPING.to_canonical(MAPPING.from_canonical(first))
    for field in (
        "vacancy_id",
        "contract_type",
        "positions",
        "texts",
        "occupations",
        "valid_until",
        "published_at",
        "workplace",
    ):
        assert again[field] == first[field], field
