"""VDAB's Dutch vacancy records to canonical vacancies and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.vdab import MAPPING
from hub import paths
from hub.codec import AvroCodec, SchemaStore

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
SAMPLE_DIR = Path(__file__).resolve().parents[4] / "connectors" / "vdab" / "samples"
CANONICAL = Path(__file__).resolve().parents[3] / "data" / "samples" / "Vacancy.json"


def _sample(name: str) -> dict:
    return json.loads((SAMPLE_DIR / f"{name}.json").read_text())


@pytest.mark.parametrize("path", sorted(SAMPLE_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_sample_maps_to_a_valid_vacancy(path: Path) -> None:
    """Each sample becomes a Vacancy the hub can encode."""
    CODEC.encode("Vacancy", MAPPING.to_canonical(json.loads(path.read_text())))


def test_full_record_maps_codes_levels_and_numbers() -> None:
    """Competent code, NUTS3 from the postcode, Dutch CEFR words, dotted enterprise number."""
    vacancy = MAPPING.to_canonical(_sample("forklift_kortrijk"))
    assert vacancy["occupations"][0]["scheme"] == "COMPETENT"
    assert vacancy["workplace"]["nuts3"] == "BE254"
    assert [(lang["language"], lang["level"]) for lang in vacancy["languages"]] == [
        ("nl", "B2"),
        ("fr", "A2"),
    ]
    assert vacancy["employer"]["enterprise_number"] == "0412345614"
    assert vacancy["contract_type"] == "PERMANENT" and vacancy["experience_months"] == 12


def test_missing_objects_and_unknown_words_are_not_guessed() -> None:
    """No employer, an unknown postcode and an unknown level word stay unknown."""
    vacancy = MAPPING.to_canonical(_sample("minimal_unknown_postcode"))
    assert vacancy["employer"] is None
    assert vacancy["workplace"]["nuts3"] == "BE22"  # only the province (Limburg) is known
    assert vacancy["languages"][0]["level"] == "UNKNOWN"
    assert vacancy["languages"][0]["native_label"] == "Nederlands - zeer behoorlijk"


def test_canonical_vacancy_survives_the_round_trip() -> None:
    """The canonical sample written as a VDAB record and read back keeps the shared fields."""
    original = json.loads(CANONICAL.read_text())
    again = MAPPING.to_canonical(MAPPING.from_canonical(original))
    for field in (
        "vacancy_id",
        "contract_type",
        "working_time",
        "positions",
        "driving_licences",
        "bottleneck",
        "published_at",
        "updated_at",
    ):
        assert again[field] == original[field], field
    assert again["workplace"]["nuts3"] == original["workplace"]["nuts3"]
    assert again["employer"]["name"] == original["employer"]["name"]
    assert again["occupations"][0]["code"] == original["occupations"][0]["code"]
