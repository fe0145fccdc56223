"""Canonical Vacancy -> HR-Open 3.2 ``PositionOpening`` XML, as EURES takes it (pes-formats §5.3).

One ``PositionProfile`` per text language, each complete. Occupations go out as ISCO-08
unit groups or ESCO URIs: a vacancy with only ROME / Competent codes gets its ISCO code
from the hub's crosswalk, and an occupation the crosswalk does not know is left out.
Every code passes the business rules of §5.5 (``rules``) or is dropped. The recruiter
contact goes out only when the employer made it public. The output is deterministic
(no generation time inside), so a checksum of it says whether the document changed.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from connectors.base.exceptions import MappingError
from connectors.eures import rules

__all__ = ["write_position_opening"]


def _add(parent: ET.Element, tag: str, text: Any = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = str(text)
    return element


def _job_categories(vacancy: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (list, code) pairs: ISCO-08 and ESCO codes, own or from the crosswalk."""
    found: list[tuple[str, str]] = []

    def keep(kind: str, code: str | None) -> None:
        if code and (kind, code) not in found:
            found.append((kind, code))

    for occupation in vacancy.get("occupations") or []:
        scheme, code = occupation.get("scheme"), occupation.get("code")
        if scheme == "ISCO_08":
            keep("isco", rules.isco(code))
        elif scheme == "ESCO":
            keep("esco", rules.esco_occupation(code))
            keep("isco", rules.isco(code))  # an ESCO ISCO-group URI
        elif scheme in ("ROME_V3", "ROME_V4", "COMPETENT"):
            known = rules.crosswalk().find(scheme, code or "")
            if known is not None:
                keep("isco", rules.isco(known.codes.get("ISCO_08")))
                keep("esco", rules.esco_occupation(known.codes.get("ESCO")))
    return found


def _offering_type(vacancy: dict[str, Any]) -> str | None:
    """Return the PositionOfferingTypeCode: the vacancy's own when it agrees, else the table's."""
    tables = rules.tables()
    contract, native = vacancy.get("contract_type"), vacancy.get("native_contract_code")
    if (
        native in tables["offering_to_contract"]
        and tables["offering_to_contract"][native] == contract
    ):
        return native
    return tables["contract_to_offering"].get(contract)


def _location(parent: ET.Element, place: dict[str, Any]) -> None:
    given = place.get("country") or rules.country_of_nuts(place.get("nuts3"))
    country = rules.country(given)
    if country is None:
        return  # EURES needs a member country; a place outside the network is not exported
    address = _add(_add(parent, "PositionLocation"), "Address")
    if place.get("label"):
        _add(address, "oa:AddressLine", place["label"])
    if place.get("municipality"):
        _add(address, "oa:CityName", place["municipality"])
    subdivision = rules.nuts3(place.get("nuts3"), country)
    if subdivision:
        _add(address, "oa:CountrySubDivisionCode", subdivision, **rules.list_attributes("nuts"))
    _add(address, "CountryCode", country, **rules.list_attributes("country"))
    if place.get("postal_code"):
        _add(address, "oa:PostalCode", place["postal_code"])


def _organization(parent: ET.Element, employer: dict[str, Any] | None) -> None:
    if not employer:
        return
    organization = _add(parent, "PositionOrganization")
    identifiers = _add(organization, "OrganizationIdentifiers")
    _add(identifiers, "OrganizationName", employer["name"])
    if employer.get("enterprise_number"):
        _add(identifiers, "OrganizationLegalID", employer["enterprise_number"])
    industry = rules.nace(employer.get("nace"))
    if industry:
        _add(organization, "IndustryCode", industry, **rules.list_attributes("nace"))
    size = rules.organization_size(employer.get("size"))
    if size:
        _add(
            organization, "OrganizationSizeCode", size, **rules.list_attributes("organization_size")
        )


def _application(parent: ET.Element, vacancy: dict[str, Any]) -> None:
    application = vacancy.get("application") or {}
    contact = vacancy.get("recruiter_contact") if vacancy.get("contact_public") else None
    if not (application or contact):
        return
    method = _add(parent, "ApplicationMethod")
    if application.get("instructions"):
        _add(method, "Instructions", application["instructions"])
    for channel, value in (("Web", application.get("url")), ("Email", application.get("email"))):
        if value:
            communication = _add(method, "Communication")
            _add(communication, "ChannelCode", channel)
            _add(communication, "oa:URI", value)
    if contact:
        person = _add(method, "PersonContact")
        if contact.get("name"):
            _add(_add(person, "PersonName"), "FormattedName", contact["name"])
        if contact.get("email"):
            communication = _add(person, "Communication")
            _add(communication, "ChannelCode", "Email")
            _add(communication, "oa:URI", contact["email"])
        if contact.get("phone"):
            communication = _add(person, "Communication")
            _add(communication, "ChannelCode", "Telephone")
            _add(communication, "oa:DialNumber", contact["phone"])


def _competency(parent: ET.Element, code: str, taxonomy: str, scheme: dict[str, str]) -> ET.Element:
    competency = _add(parent, "PositionCompetency")
    _add(competency, "CompetencyID", code, **scheme)
    _add(competency, "TaxonomyID", taxonomy)
    return competency


def _qualifications(
    parent: ET.Element, vacancy: dict[str, Any], category: tuple[str, str] | None
) -> None:
    tables = rules.tables()
    block = ET.Element("PositionQualifications")
    for skill in vacancy.get("languages") or []:
        code = rules.language(skill.get("language"))
        if code is None:
            continue
        competency = _competency(block, code, "language", tables["language_id"])
        level = rules.proficiency(skill.get("level"))
        if level:
            kind = "Required" if skill.get("required") else "Desired"
            _add(_add(competency, f"{kind}ProficiencyLevel"), "ScoreText", level)
    for skill in vacancy.get("skills") or []:
        uri = rules.esco_skill(skill.get("code")) if skill.get("scheme") == "ESCO" else None
        if uri:
            _competency(block, uri, "other", tables["skill_id"])
    level = rules.education_level((vacancy.get("education") or {}).get("isced_level"))
    if level:
        requirement = _add(block, "EducationRequirement")
        _add(requirement, "EducationLevelCode", level, **rules.list_attributes("education"))
    months = vacancy.get("experience_months")
    if months is not None:
        experience = _add(_add(block, "ExperienceSummary"), "ExperienceCategory")
        if category:
            _add(experience, "CategoryCode", category[1], **rules.list_attributes(category[0]))
        unit, amount = ("year", months // 12) if months % 12 == 0 else ("month", months)
        _add(experience, "Measure", amount, unitCode=unit)
    for licence in dict.fromkeys(vacancy.get("driving_licences") or []):
        code = rules.driving_licence(licence)
        if code:
            _add(block, "LicenseTypeCode", code, **rules.list_attributes("licence"))
    if len(block):
        parent.append(block)


def _remuneration(parent: ET.Element, salary: dict[str, Any] | None) -> None:
    if not salary or (salary.get("minimum") is None and salary.get("maximum") is None):
        return
    currency = rules.currency(salary.get("currency"))
    if currency is None:
        return  # amounts in an unknown currency cannot be told apart from others
    package = _add(parent, "OfferedRemunerationPackage")
    band = _add(package, "RemunerationRange")
    _add(band, "RemunerationTypeCode", "BasePay")
    for tag, amount in (("Minimum", salary.get("minimum")), ("Maximum", salary.get("maximum"))):
        if amount is not None:
            _add(band, f"Remuneration{tag}Amount", f"{float(amount):.2f}", currencyID=currency)
    interval = rules.tables()["period_to_interval"].get(salary.get("period"))
    if interval:
        _add(band, "RemunerationIntervalCode", interval, **rules.list_attributes("interval"))


def _profile(
    root: ET.Element,
    vacancy: dict[str, Any],
    text: dict[str, Any],
    categories: list[tuple[str, str]],
) -> None:
    tables = rules.tables()
    profile = _add(root, "PositionProfile", languageCode=text["language"])
    instruction = ET.Element("PostingInstruction")
    if vacancy.get("interregional_assistance"):
        _add(instruction, "PostingOptionCode", "EURESFlag")
    _application(instruction, vacancy)
    if len(instruction):
        profile.append(instruction)
    _add(profile, "PositionTitle", text["title"])
    for place in [vacancy.get("workplace"), *(vacancy.get("other_workplaces") or [])]:
        if place:
            _location(profile, place)
    _organization(profile, vacancy.get("employer"))
    _add(profile, "PositionOpenQuantity", int(vacancy.get("positions") or 1))
    for kind, code in categories:
        _add(profile, "JobCategoryCode", code, **rules.list_attributes(kind))
    offering = _offering_type(vacancy)
    if offering:
        _add(
            profile, "PositionOfferingTypeCode", offering, **rules.list_attributes("offering_type")
        )
    _qualifications(profile, vacancy, categories[0] if categories else None)
    if text.get("description"):
        _add(_add(profile, "PositionFormattedDescription"), "Content", text["description"])
    for skill in vacancy.get("languages") or []:
        code = rules.language(skill.get("language"))
        if code and skill.get("required"):
            _add(profile, "WorkingLanguageCode", code)
    schedule = tables["working_time_to_schedule"].get(vacancy.get("working_time"))
    if schedule:
        _add(
            profile, "PositionScheduleTypeCode", schedule, **rules.list_attributes("schedule_type")
        )
    _remuneration(profile, vacancy.get("salary"))
    closes = rules.close_date(vacancy.get("valid_until"))
    if closes:
        _add(profile, "ApplicationCloseDate", closes)


def write_position_opening(vacancy: dict[str, Any]) -> str:
    """Return the PositionOpening document of a canonical Vacancy; MappingError if impossible."""
    texts = [t for t in vacancy.get("texts") or [] if (t.get("title") or "").strip()]
    if not texts:
        raise MappingError("texts: EURES needs a PositionTitle, the vacancy has no title")
    by_language: dict[str, dict[str, Any]] = {}
    for text in texts:
        language = rules.language(text.get("language")) or "en"  # EURES default language
        by_language.setdefault(language, text | {"language": language})
    source = vacancy["source_pes"]
    root = ET.Element(
        "PositionOpening",
        {
            "xmlns": rules.HR,
            "xmlns:oa": rules.OA,
            "majorVersionID": "3",
            "minorVersionID": "2",
        },
    )
    if vacancy.get("published_at"):  # 0: the source gave no publication date
        root.set("validFrom", str(rules.xml_date(vacancy["published_at"])))
    _add(
        root,
        "DocumentID",
        vacancy["vacancy_id"],
        schemeID="PositionOpening",
        schemeAgencyID=source,
        schemeAgencyName=rules.agency_name(source),
        schemeVersionID="1.3",
    )
    status = rules.tables()["status_to_code"].get(vacancy.get("status"), "Active")
    _add(root, "PositionOpeningStatusCode", status, name=status)
    requester = _add(root, "PostingRequester")
    _add(
        requester,
        "PartyID",
        source,
        schemeID="PES",
        schemeAgencyID=source,
        schemeAgencyName=rules.agency_name(source),
    )
    _add(requester, "PartyName", rules.agency_name(source))
    categories = _job_categories(vacancy)
    for text in by_language.values():
        _profile(root, vacancy, text, categories)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
