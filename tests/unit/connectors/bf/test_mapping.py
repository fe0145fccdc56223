"""Bruxelles Formation's training offers: what is theirs (the contract test has the rest)."""

from __future__ import annotations

from connectors.bf import MAPPING
from tests.unit.connectors.conftest import sample


def test_training_offer_keeps_its_type_places_and_deadline() -> None:
    """Places are positions, the deadline is valid_until, the type stays the native label."""
    vacancy = MAPPING.to_canonical(sample("BF", "web_developer"))
    assert vacancy["positions"] == 12
    assert vacancy["native_contract_label"] == "formation qualifiante"
    assert vacancy["valid_until"] is not None and vacancy["workplace"]["nuts3"] == "BE100"


def test_on_the_job_training_is_an_internship_even_without_a_place() -> None:
    """FPI maps to INTERNSHIP; a missing place leaves workplace and employer empty."""
    vacancy = MAPPING.to_canonical(sample("BF", "fpi_minimal"))
    assert vacancy["contract_type"] == "INTERNSHIP"
    assert vacancy["workplace"] is None and vacancy["employer"] is None


def test_round_trip_keeps_the_shared_fields() -> None:
    """A training offer written back and read again is the same offer."""
    first = MAPPING.to_canonical(sample("BF", "web_developer"))
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
