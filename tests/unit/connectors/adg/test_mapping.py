"""ADG's German vacancy records to canonical vacancies and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.adg import MAPPING
from hub import paths
from hub.codec import AvroCodec, SchemaStore

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
SAMPLE_DIR = Path(__file__).resolve().parents[4] / "connectors" / "adg" / "samples"
CANONICAL = Path(__file__).resolve().parents[3] / "data" / "samples" / "Vacancy.json"


@pytest.mark.parametrize("path", sorted(SAMPLE_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_sample_maps_to_a_valid_vacancy(path: Path) -> None:
    """Each sample becomes a Vacancy the hub can encode."""
    CODEC.encode("Vacancy", MAPPING.to_canonical(json.loads(path.read_text())))


def test_german_speaking_community_is_be336_and_number_is_normalised() -> None:
    """Eupen lies in BE336; '0456.789.123' becomes ten digits; German language names map."""
    vacancy = MAPPING.to_canonical(json.loads((SAMPLE_DIR / "electrician_eupen.json").read_text()))
    assert vacancy["workplace"]["nuts3"] == "BE336"
    assert vacancy["employer"]["enterprise_number"] == "0456789123"
    assert [lang["language"] for lang in vacancy["languages"]] == ["de", "fr"]


def test_missing_employer_and_unknown_labels_are_kept() -> None:
    """No employer; an unknown language and contract label stay as labels, not guesses."""
    vacancy = MAPPING.to_canonical(
        json.loads((SAMPLE_DIR / "no_employer_unknown_language.json").read_text())
    )
    assert vacancy["employer"] is None
    assert vacancy["languages"][0] == {
        "language": "und",
        "level": "UNKNOWN",
        "required": True,
        "native_label": "Luxemburgisch",
    }
    assert (
        vacancy["contract_type"] == "OTHER"
        and vacancy["native_contract_label"] == "Dienstleistungsscheck"
    )


def test_canonical_vacancy_survives_the_round_trip() -> None:
    """The canonical sample written as an ADG record and read back keeps the shared fields."""
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
        "experience_months",
    ):
        assert again[field] == original[field], field
    assert again["workplace"]["nuts3"] == original["workplace"]["nuts3"]
