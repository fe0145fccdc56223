"""VDAB's Dutch vacancy records: what is VDAB's own (the contract test has the rest)."""

from __future__ import annotations

from connectors.vdab import MAPPING
from tests.unit.connectors.conftest import sample


def test_full_record_maps_codes_levels_and_numbers() -> None:
    """Competent code, NUTS3 from the postcode, Dutch CEFR words, dotted enterprise number."""
    vacancy = MAPPING.to_canonical(sample("VDAB", "forklift_kortrijk"))
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
    vacancy = MAPPING.to_canonical(sample("VDAB", "minimal_unknown_postcode"))
    assert vacancy["employer"] is None
    assert vacancy["workplace"]["nuts3"] == "BE22"  # only the province (Limburg) is known
    assert vacancy["languages"][0]["level"] == "UNKNOWN"
    assert vacancy["languages"][0]["native_label"] == "Nederlands - zeer behoorlijk"
