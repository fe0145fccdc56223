"""Le Forem's open-data records: what is Le Forem's own (the contract test has the rest)."""

from __future__ import annotations

from connectors.forem import MAPPING
from tests.unit.connectors.conftest import canonical_sample, sample


def test_string_id_upper_case_town_and_label_variant() -> None:
    """The id stays a string, BRUXELLES is tidied, 'Durée Indéterminée' is permanent, NUTS3 found."""
    vacancy = MAPPING.to_canonical(sample("FOREM", "developer_brussels"))
    assert vacancy["vacancy_id"] == "2087373"
    assert vacancy["workplace"]["municipality"] == "Bruxelles"
    assert vacancy["workplace"]["nuts3"] == "BE100"
    assert vacancy["contract_type"] == "PERMANENT"
    assert vacancy["occupations"][0] == {
        "scheme": "ROME_V3",
        "code": "M1805",
        "label": "Développeur",
        "unmapped": False,
    }
    assert vacancy["origin"]["channel"] == "Jobat"


def test_several_workplaces_and_shortage_occupation() -> None:
    """The first workplace is the workplace, the others follow; a welder is a shortage occupation."""
    vacancy = MAPPING.to_canonical(sample("FOREM", "welder_two_sites"))
    assert vacancy["workplace"]["postal_code"] == "7700"
    assert [p["postal_code"] for p in vacancy["other_workplaces"]] == ["7500"]
    assert vacancy["bottleneck"] is True
    assert vacancy["driving_licences"] == ["B"]
    assert vacancy["valid_until"] is None


def test_unknown_labels_are_kept_never_guessed() -> None:
    """An unknown contract or language label stays as the native label; no code is invented."""
    vacancy = MAPPING.to_canonical(sample("FOREM", "unknown_labels"))
    assert vacancy["contract_type"] == "OTHER"
    assert vacancy["native_contract_label"] == "Contrat de travail à durée inconnue"
    assert vacancy["languages"] == [
        {"language": "und", "level": "UNKNOWN", "required": True, "native_label": "Wallon"}
    ]
    assert vacancy["employer"] is None and vacancy["workplace"] is None


def test_canonical_vacancy_survives_the_round_trip() -> None:
    """A VDAB vacancy written as a Le Forem record and read back keeps the shared fields."""
    original = canonical_sample()
    again = MAPPING.to_canonical(MAPPING.from_canonical(original))
    native = MAPPING.from_canonical(original)
    assert native["metiercodedimeco"] == "N1101"
    for field in ("vacancy_id", "contract_type", "working_time", "positions", "driving_licences"):
        assert again[field] == original[field], field
    assert again["texts"][0]["title"] == next(
        t["title"] for t in original["texts"] if t["language"] == "fr"
    )
    assert again["workplace"]["postal_code"] == original["workplace"]["postal_code"]
    assert again["workplace"]["nuts3"] == original["workplace"]["nuts3"]
    assert again["employer"]["name"] == original["employer"]["name"]
    assert [lang["language"] for lang in again["languages"]] == [
        lang["language"] for lang in original["languages"]
    ]
    assert again["published_at"] // 86_400_000 == original["published_at"] // 86_400_000
