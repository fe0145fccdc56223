"""Actiris's bilingual vacancy records to canonical vacancies and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.actiris import MAPPING
from hub import paths
from hub.codec import AvroCodec, SchemaStore

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
SAMPLE_DIR = Path(__file__).resolve().parents[4] / "connectors" / "actiris" / "samples"
CANONICAL = Path(__file__).resolve().parents[3] / "data" / "samples" / "Vacancy.json"


@pytest.mark.parametrize("path", sorted(SAMPLE_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_sample_maps_to_a_valid_vacancy(path: Path) -> None:
    """Each sample becomes a Vacancy the hub can encode."""
    CODEC.encode("Vacancy", MAPPING.to_canonical(json.loads(path.read_text())))


def test_both_languages_become_two_texts() -> None:
    """French and Dutch titles both travel; Brussels is NUTS3 BE100."""
    vacancy = MAPPING.to_canonical(json.loads((SAMPLE_DIR / "accountant.json").read_text()))
    assert [t["language"] for t in vacancy["texts"]] == ["fr", "nl"]
    assert vacancy["workplace"]["nuts3"] == "BE100"
    assert vacancy["workplace"]["municipality"] == "Bruxelles / Brussel"


def test_one_language_missing_employer_and_word_level() -> None:
    """One title is enough; no employer stays none; a level word is kept, not guessed."""
    vacancy = MAPPING.to_canonical(
        json.loads((SAMPLE_DIR / "one_language_no_employer.json").read_text())
    )
    assert vacancy["texts"] == [{"language": "nl", "title": "Magazijnier", "description": None}]
    assert vacancy["employer"] is None
    assert (
        vacancy["languages"][0]["level"] == "UNKNOWN"
        and vacancy["languages"][0]["native_label"] == "goed"
    )


def test_canonical_vacancy_survives_the_round_trip() -> None:
    """The canonical sample written as an Actiris record and read back keeps the shared fields."""
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
        "texts",
    ):
        assert again[field] == original[field], field
    assert again["employer"]["name"] == original["employer"]["name"]
