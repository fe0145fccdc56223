"""ADG's German vacancy records: what is ADG's own (the contract test has the rest)."""

from __future__ import annotations

from connectors.adg import MAPPING
from tests.unit.connectors.conftest import sample


def test_german_speaking_community_is_be336_and_number_is_normalised() -> None:
    """Eupen lies in BE336; '0456.789.123' becomes ten digits; German language names map."""
    vacancy = MAPPING.to_canonical(sample("ADG", "electrician_eupen"))
    assert vacancy["workplace"]["nuts3"] == "BE336"
    assert vacancy["employer"]["enterprise_number"] == "0456789123"
    assert [lang["language"] for lang in vacancy["languages"]] == ["de", "fr"]


def test_missing_employer_and_unknown_labels_are_kept() -> None:
    """No employer; an unknown language and contract label stay as labels, not guesses."""
    vacancy = MAPPING.to_canonical(sample("ADG", "no_employer_unknown_language"))
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
