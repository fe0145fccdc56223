"""France Travail offers (Offres d'emploi v2): what is France Travail's own.

The contract test checks the samples and the round trip every service passes.
"""

from __future__ import annotations

from connectors.ft import MAPPING
from tests.unit.connectors.conftest import canonical_sample, sample


def test_full_offer_maps_place_salary_experience_and_labels() -> None:
    """Lille is FRE11; the monthly salary, 2 years and the 'B - Véhicule léger' label are read."""
    vacancy = MAPPING.to_canonical(sample("FT", "baker_048KLTP"))
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
    vacancy = MAPPING.to_canonical(sample("FT", "anonymous_partner_offer"))
    assert vacancy["employer"] is None and vacancy["salary"] is None
    assert vacancy["workplace"]["nuts3"] == "FRE12" and vacancy["workplace"]["postal_code"] is None
    assert vacancy["origin"]["channel"] == "INTERIM NORD"
    assert vacancy["languages"][0] == {
        "language": "und",
        "level": "UNKNOWN",
        "required": False,
        "native_label": "Flamand",
    }


def test_canonical_occupation_is_written_as_its_rome_code() -> None:
    """The canonical sample's ROME code becomes the offer's romeCode."""
    assert MAPPING.from_canonical(canonical_sample())["romeCode"] == "N1101"
