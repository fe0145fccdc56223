"""HR-Open 3.2 PositionOpening documents to canonical vacancies and back."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from connectors.base.exceptions import MappingError
from connectors.eures import MAPPING, read_position_opening, write_position_opening
from hub import paths
from hub.codec import AvroCodec, SchemaStore
from tests.unit.connectors.eures.survival import assert_shared_fields_survive

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
ROOT = Path(__file__).resolve().parents[4]
SAMPLE_DIR = ROOT / "connectors" / "eures" / "samples"
HR = "{http://www.hr-xml.org/3}"
OA = "{http://www.openapplications.org/oagis/9}"
SHARED = (
    "source_pes",
    "vacancy_id",
    "status",
    "occupations",
    "workplace",
    "other_workplaces",
    "contract_type",
    "native_contract_code",
    "working_time",
    "positions",
    "languages",
    "driving_licences",
    "education",
    "experience_months",
    "skills",
    "salary",
    "employer",
    "recruiter_contact",
    "contact_public",
    "application",
    "interregional_assistance",
    "published_at",
    "valid_until",
)


def _sample(name: str) -> str:
    return (SAMPLE_DIR / f"{name}.xml").read_text(encoding="utf-8")


def _vacancy() -> dict[str, Any]:
    return json.loads((ROOT / "tests" / "data" / "samples" / "Vacancy.json").read_text())


def _profiles(xml: str) -> list[ET.Element]:
    return ET.fromstring(xml).findall(f"{HR}PositionProfile")


@pytest.mark.parametrize("path", sorted(SAMPLE_DIR.glob("*.xml")), ids=lambda p: p.stem)
def test_every_sample_maps_to_a_valid_vacancy(path: Path) -> None:
    """Each real-shaped document becomes a Vacancy the hub can encode."""
    CODEC.encode("Vacancy", read_position_opening(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", sorted(SAMPLE_DIR.glob("*.xml")), ids=lambda p: p.stem)
def test_xml_vacancy_xml_vacancy_keeps_the_shared_fields(path: Path) -> None:
    """Reading the document we wrote gives the same vacancy back; a second pass changes nothing.

    Only the sample with codes outside EURES's lists loses something on the first pass.
    """
    first = read_position_opening(path.read_text(encoding="utf-8"))
    again = read_position_opening(write_position_opening(first))
    if "stray_codes" not in path.stem:
        for field in SHARED:
            assert again[field] == first[field], field
        assert again["texts"] == first["texts"]
    assert read_position_opening(write_position_opening(again)) == again


def test_several_locations_and_profile_languages() -> None:
    """Three places (one abroad) and three profile languages all survive."""
    vacancy = read_position_opening(_sample("vdab_welder_three_sites"))
    assert vacancy["source_pes"] == "VDAB" and vacancy["vacancy_id"] == "70188412"
    assert [t["language"] for t in vacancy["texts"]] == ["nl", "fr", "en"]
    assert vacancy["workplace"]["nuts3"] == "BE213"
    assert [(p["country"], p["nuts3"]) for p in vacancy["other_workplaces"]] == [
        ("BE", "BE224"),
        ("NL", "NL414"),
    ]
    assert vacancy["contract_type"] == "FIXED_TERM"
    assert vacancy["native_contract_code"] == "TemporaryToHire"
    assert vacancy["experience_months"] == 18
    assert vacancy["salary"]["period"] == "HOUR" and vacancy["salary"]["minimum"] == 17.5
    assert vacancy["interregional_assistance"] is True


def test_esco_occupation_padded_values_and_foreign_agency() -> None:
    """An ESCO JobCategoryCode is kept as ESCO; padded values are trimmed; NAV is not a service."""
    vacancy = read_position_opening(_sample("nav_esco_occupation"))
    assert vacancy["source_pes"] == "EURES"
    assert vacancy["vacancy_id"] == "db6cc067-7f39-42f1-9866-d9ee47894ec6"
    assert vacancy["occupations"] == [
        {
            "scheme": "ESCO",
            "code": "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1",
            "label": None,
            "unmapped": False,
        }
    ]
    assert vacancy["texts"][0]["title"] == "Programvareutvikler"
    assert vacancy["workplace"]["nuts3"] == "NO081"
    assert vacancy["experience_months"] == 48
    assert vacancy["skills"][0]["scheme"] == "ESCO"


def test_missing_optional_blocks_give_defaults_and_english() -> None:
    """A bare document maps: English by default, no place, no employer, one position."""
    vacancy = read_position_opening(_sample("minimal_without_optional_blocks"))
    assert vacancy["texts"] == [
        {"language": "en", "title": "Kitchen assistant", "description": None}
    ]
    assert vacancy["workplace"] is None and vacancy["employer"] is None
    assert vacancy["positions"] == 1 and vacancy["contract_type"] == "OTHER"


def test_codes_outside_the_compulsory_lists_are_dropped_never_guessed() -> None:
    """NUTS 'BE3', ISCO '83', 'Permanent', level 'Z9', 'Code 95' and 'CESS' are left out."""
    vacancy = read_position_opening(_sample("forem_public_contact_stray_codes"))
    assert vacancy["workplace"]["nuts3"] is None
    assert vacancy["occupations"] == [
        {"scheme": "OTHER", "code": "N4101", "label": None, "unmapped": False}
    ]
    assert vacancy["contract_type"] == "OTHER" and vacancy["native_contract_code"] is None
    assert vacancy["working_time"] == "UNKNOWN"
    assert vacancy["languages"] == [
        {"language": "fr", "level": None, "required": True, "native_label": None}
    ]
    assert vacancy["driving_licences"] == ["C", "CE"]
    assert vacancy["education"] is None
    assert vacancy["employer"]["nace"] == "49.41" and vacancy["employer"]["size"] is None
    assert vacancy["recruiter_contact"]["name"] == "Sophie Delvaux"
    assert vacancy["contact_public"] is True


def test_produced_document_carries_the_mandatory_attributes() -> None:
    """Namespaces, version ids, list attributes on coded elements, YYYY-MM-DD dates."""
    xml = write_position_opening(_vacancy())
    root = ET.fromstring(xml)
    assert root.tag == f"{HR}PositionOpening"
    assert (root.get("majorVersionID"), root.get("minorVersionID")) == ("3", "2")
    assert root.get("validFrom") == "2025-11-22"
    document = root.find(f"{HR}DocumentID")
    assert document.text == "70123456" and document.get("schemeAgencyID") == "VDAB"
    coded = [
        e
        for e in root.iter()
        if e.tag.endswith(("JobCategoryCode", "CountrySubDivisionCode", "LicenseTypeCode"))
        or e.tag.endswith(("IndustryCode", "EducationLevelCode", "PositionOfferingTypeCode"))
    ]
    assert coded
    for element in coded:
        assert {"listName", "listVersionID", "listURI"} <= set(element.attrib), element.tag
    assert root.find(f".//{HR}Address/{OA}CountrySubDivisionCode").text == "BE254"
    assert root.find(f".//{HR}Address/{HR}CountryCode").text == "BE"
    assert root.find(f".//{HR}ApplicationCloseDate").text == "2026-02-20"
    assert [p.get("languageCode") for p in _profiles(xml)] == ["nl", "fr"]


def test_rome_only_vacancy_gets_its_isco_code_from_the_crosswalk() -> None:
    """A vacancy with only a ROME code is exported with the crosswalk's ISCO-08 unit group."""
    vacancy = _vacancy()
    vacancy["occupations"] = [vacancy["occupations"][0]]  # ROME_V3 N1101 alone
    root = ET.fromstring(write_position_opening(vacancy))
    codes = {e.text for e in root.iter(f"{HR}JobCategoryCode")}
    assert codes == {"8344"}


def test_unknown_national_code_exports_no_occupation() -> None:
    """A code the crosswalk does not know is left out, not guessed."""
    vacancy = _vacancy() | {
        "occupations": [{"scheme": "COMPETENT", "code": "Z9999", "label": None, "unmapped": False}]
    }
    root = ET.fromstring(write_position_opening(vacancy))
    assert root.find(f".//{HR}JobCategoryCode") is None


@pytest.mark.parametrize(
    ("public", "exported"), [(True, True), (False, False)], ids=["public", "private"]
)
def test_recruiter_contact_goes_out_only_when_public(public: bool, exported: bool) -> None:
    """The contact person is personal data: exported only when the employer made it public."""
    vacancy = _vacancy() | {"contact_public": public}
    xml = write_position_opening(vacancy)
    assert ("an.vermeulen@lzw.example" in xml) is exported
    assert (read_position_opening(xml)["recruiter_contact"] is not None) is exported


def test_values_outside_code_lists_are_not_exported() -> None:
    """Wrong NUTS for the country, unknown licence, ISCED 'x', CEFR 'UNKNOWN', US workplace."""
    vacancy = copy.deepcopy(_vacancy())
    vacancy["workplace"]["nuts3"] = "FRE11"
    vacancy["other_workplaces"] = [
        {
            "postal_code": "10001",
            "municipality": "New York",
            "nuts3": None,
            "country": "US",
            "insee_commune": None,
            "label": None,
            "latitude": None,
            "longitude": None,
        }
    ]
    vacancy["driving_licences"] = ["B", "Heftruck"]
    vacancy["education"]["isced_level"] = "x"
    vacancy["languages"][0]["level"] = "UNKNOWN"
    vacancy["contract_type"] = "OTHER"
    again = read_position_opening(write_position_opening(vacancy))
    assert again["workplace"]["nuts3"] is None and again["workplace"]["country"] == "BE"
    assert again["other_workplaces"] == []
    assert again["driving_licences"] == ["B"]
    assert again["education"] is None
    assert again["languages"][0] == {
        "language": "nl",
        "level": None,
        "required": True,
        "native_label": None,
    }
    assert again["contract_type"] == "OTHER" and again["native_contract_code"] is None


def test_canonical_vacancy_survives_the_round_trip_and_encodes() -> None:
    """Vacancy -> XML -> Vacancy keeps what both formats hold and stays a valid Vacancy."""
    original = _vacancy()
    again = read_position_opening(write_position_opening(original))
    CODEC.encode("Vacancy", again)
    assert_shared_fields_survive(original, again)
    assert {(o["scheme"], o["code"]) for o in again["occupations"]} == {("ISCO_08", "8344")}
    assert again["education"]["isced_level"] == "3"
    assert again["salary"]["minimum"] == 2400.0 and again["salary"]["period"] == "MONTH"


def test_mapping_contract_uses_the_input_api_detail_record() -> None:
    """from_canonical gives the getDetails record; to_canonical reads it back."""
    native = MAPPING.from_canonical(_vacancy())
    assert native["reference"] == "VDAB:70123456"
    assert native["contentFormatVersion"] == "1.3"
    assert MAPPING.native_id(native) == "VDAB:70123456"
    assert MAPPING.to_canonical(native)["vacancy_id"] == "70123456"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<PositionOpening xmlns="http://www.hr-xml.org/3"><DocumentID>&lol2;</DocumentID></PositionOpening>"""


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (BILLION_LAUGHS, "PositionOpening"),
        ("<PositionOpening", "PositionOpening"),
        ('<Candidate xmlns="http://www.hr-xml.org/3"/>', "PositionOpening"),
        ('<PositionOpening xmlns="http://www.hr-xml.org/3"/>', "DocumentID"),
        (
            (
                '<PositionOpening xmlns="http://www.hr-xml.org/3"><DocumentID>1</DocumentID>'
                "</PositionOpening>"
            ),
            "PositionProfile",
        ),
        (
            (
                '<PositionOpening xmlns="http://www.hr-xml.org/3"><DocumentID>1</DocumentID>'
                "<PositionProfile><PositionOpenQuantity>two</PositionOpenQuantity>"
                "<PositionTitle>Baker</PositionTitle></PositionProfile></PositionOpening>"
            ),
            "PositionOpenQuantity",
        ),
        (
            (
                '<PositionOpening xmlns="http://www.hr-xml.org/3"><DocumentID>1</DocumentID>'
                "<PositionProfile><PositionOpenQuantity>1e40</PositionOpenQuantity>"
                "<PositionTitle>Baker</PositionTitle></PositionProfile></PositionOpening>"
            ),
            "PositionOpenQuantity",
        ),
        (
            (
                '<PositionOpening xmlns="http://www.hr-xml.org/3" validFrom="01/02/2026">'
                "<DocumentID>1</DocumentID><PositionProfile><PositionTitle>Baker</PositionTitle>"
                "</PositionProfile></PositionOpening>"
            ),
            "validFrom",
        ),
    ],
    ids=[
        "entity-expansion",
        "not-xml",
        "wrong-root",
        "no-id",
        "no-profile",
        "bad-quantity",
        "huge-quantity",
        "bad-date",
    ],
)
def test_unreadable_documents_raise_mapping_error_naming_the_field(
    content: str, field: str
) -> None:
    """Hostile or broken input is refused with the field named, never expanded or guessed."""
    with pytest.raises(MappingError, match=field):
        read_position_opening(content)


def test_vacancy_without_title_cannot_be_exported() -> None:
    """EURES needs a PositionTitle."""
    with pytest.raises(MappingError, match="texts"):
        write_position_opening(_vacancy() | {"texts": []})
