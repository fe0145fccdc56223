"""France Travail offers (Offres d'emploi v2) to canonical vacancies and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.ft import MAPPING
from hub import paths
from hub.codec import AvroCodec, SchemaStore

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
SAMPLE_DIR = Path(__file__).resolve().parents[4] / "connectors" / "ft" / "samples"
CANONICAL = Path(__file__).resolve().parents[3] / "data" / "samples" / "Vacancy.json"


def _sample(name: str) -> dict:
    return json.loads((SAMPLE_DIR / f"{name}.json").read_text())


@pytest.mark.parametrize("path", sorted(SAMPLE_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_sample_maps_to_a_valid_vacancy(path: Path) -> None:
    """Each real-shaped offer becomes a Vacancy the hub can encode."""
    CODEC.encode("Vacancy", MAPPING.to_canonical(json.loads(path.read_text())))


def test_full_offer_maps_place_salary_experience_and_labels() -> None:
    """Lille is FRE11; the monthly salary, 2 years and the 'B - Véhicule léger' label are read."""
    vacancy = MAPPING.to_canonical(_sample("baker_048KLTP"))
    assert vacancy["vacancy_id"] == "048KLTP"
    assert (
        vacancy["workplace"]["nuts3"] == "FRE11"
        and vacancy["workplace"]["insee_commune"] == "59350"
    )
    assert vacancy["salary"]["minimum"] == 1923.0 and vacancy["salary"]["period"] == "MONTH"
    assert vacancy["experience_months"] == 24
    assert vacancy["driving_licences"] == ["B"]
    assert vacancy["languages"][0]["language"] == "nl"
    assert vacancy["occupations"][0] == {
        "scheme": "ROME_V4",
        "code": "D1102",
        "label": "Boulangerie - viennoiserie",
        "unmapped": False,
    }


def test_anonymous_partner_offer_with_empty_salary_and_label_only_place() -> None:
    """No employer, salaire {}, a place given only as '62 - Pas-de-Calais', an unknown language."""
    vacancy = MAPPING.to_canonical(_sample("anonymous_partner_offer"))
    assert vacancy["employer"] is None and vacancy["salary"] is None
    assert vacancy["workplace"]["nuts3"] == "FRE12" and vacancy["workplace"]["postal_code"] is None
    assert vacancy["origin"]["channel"] == "INTERIM NORD"
    assert vacancy["languages"][0] == {
        "language": "und",
        "level": "UNKNOWN",
        "required": False,
        "native_label": "Flamand",
    }


def test_canonical_vacancy_survives_the_round_trip() -> None:
    """The canonical sample written as an FT offer and read back keeps the shared fields."""
    original = json.loads(CANONICAL.read_text())
    native = MAPPING.from_canonical(original)
    again = MAPPING.to_canonical(native)
    assert native["romeCode"] == "N1101"
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
    assert again["employer"]["name"] == original["employer"]["name"]
