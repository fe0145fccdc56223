"""HR-Open 3.2 ``PositionOpening`` XML -> canonical Vacancy (pes-formats §5.3).

Input is untrusted: it is parsed with defusedxml and any DTD is refused, so entity
expansion cannot blow up. Values are read whitespace-trimmed (documents in the wild pad
them). Texts come from every ``PositionProfile`` (one per language, EN when unnamed);
everything else from the first. Codes outside EURES's compulsory lists are dropped; an
occupation in an unknown list is kept as OTHER, never guessed.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from connectors.base.canonical import empty_vacancy, occupation
from connectors.base.exceptions import MappingError
from connectors.eures import rules

__all__ = ["parse_document", "read_position_opening"]

_NS = {"hr": rules.HR, "oa": rules.OA}


def parse_document(content: str | bytes) -> Element:
    """Parse a PositionOpening document safely; MappingError when it is not one."""
    try:
        root = fromstring(content, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise MappingError(f"PositionOpening: refused ({type(exc).__name__})") from exc
    except ParseError as exc:
        raise MappingError(f"PositionOpening: not well-formed XML ({exc})") from exc
    if root.tag != f"{{{rules.HR}}}PositionOpening":
        raise MappingError(f"PositionOpening: the root element is {root.tag}")
    return root


def _text(element: Element | None, path: str) -> str | None:
    found = element.find(path, _NS) if element is not None else None
    value = (found.text or "").strip() if found is not None else ""
    return value or None


def _int(element: Element, path: str, field: str) -> int | None:
    value = _text(element, path)
    try:
        number = None if value is None else int(float(value))
    except (ValueError, OverflowError) as exc:
        raise MappingError(f"{field}: {value!r} is not a number") from exc
    if number is not None and not 0 <= number < 2**31:
        raise MappingError(f"{field}: {value!r} is out of range")
    return number


def _occupations(profile: Element) -> list[dict[str, Any]]:
    found = []
    for category in profile.findall("hr:JobCategoryCode", _NS):
        code = (category.text or "").strip()
        listed = category.get("listName", "")
        if listed.startswith("ISCO") and rules.isco(code):
            found.append(occupation("ISCO_08", rules.isco(code), category.get("name")))
        elif listed.startswith("ESCO") and rules.esco_occupation(code):
            found.append(occupation("ESCO", code, category.get("name")))
        elif code and not listed.startswith(("ISCO", "ESCO")):  # a wrong ISCO/ESCO code is dropped
            found.append(occupation("OTHER", code, category.get("name")))
    return found


def _place(location: Element) -> dict[str, Any] | None:
    address = location.find("hr:Address", _NS)
    code = (_text(address, "hr:CountryCode") or "").upper()
    country = code if len(code) == 2 and code.isalpha() else None  # ISO 3166 alpha-2
    city, postal = _text(address, "oa:CityName"), _text(address, "oa:PostalCode")
    if address is None or not (country or city or postal):
        return None
    return {
        "postal_code": postal,
        "municipality": city,
        "nuts3": rules.nuts3(_text(address, "oa:CountrySubDivisionCode"), country),
        "country": country,
        "insee_commune": None,
        "label": _text(address, "oa:AddressLine"),
        "latitude": None,
        "longitude": None,
    }


def _employer(profile: Element) -> dict[str, Any] | None:
    organization = profile.find("hr:PositionOrganization", _NS)
    name = _text(organization, "hr:OrganizationIdentifiers/hr:OrganizationName")
    if organization is None or not name:
        return None
    return {
        "name": name,
        "enterprise_number": _text(
            organization, "hr:OrganizationIdentifiers/hr:OrganizationLegalID"
        ),
        "nace": rules.nace(_text(organization, "hr:IndustryCode")),
        "size": rules.organization_size(_text(organization, "hr:OrganizationSizeCode")),
    }


def _languages(profile: Element) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for competency in profile.findall("hr:PositionQualifications/hr:PositionCompetency", _NS):
        if _text(competency, "hr:TaxonomyID") != "language":
            continue
        code = rules.language(_text(competency, "hr:CompetencyID"))
        if code is None:
            continue
        required = competency.find("hr:RequiredProficiencyLevel", _NS) is not None
        level = _text(competency, "hr:RequiredProficiencyLevel/hr:ScoreText") or _text(
            competency, "hr:DesiredProficiencyLevel/hr:ScoreText"
        )
        found[code] = {
            "language": code,
            "level": rules.proficiency(level),
            "required": required,
            "native_label": None,
        }
    for working in profile.findall("hr:WorkingLanguageCode", _NS):
        code = rules.language(working.text)
        if code:
            known = found.setdefault(
                code, {"language": code, "level": None, "required": True, "native_label": None}
            )
            known["required"] = True
    return list(found.values())


def _skills(profile: Element) -> list[dict[str, Any]]:
    skills = []
    for competency in profile.findall("hr:PositionQualifications/hr:PositionCompetency", _NS):
        uri = rules.esco_skill(_text(competency, "hr:CompetencyID"))
        if uri and _text(competency, "hr:TaxonomyID") == "other":
            label = _text(competency, "hr:CompetencyName") or uri
            skills.append({"scheme": "ESCO", "code": uri, "label": label, "required": False})
    return skills


def _experience(profile: Element) -> int | None:
    path = "hr:PositionQualifications/hr:ExperienceSummary/hr:ExperienceCategory/hr:Measure"
    amount = _int(profile, path, "Measure")
    if amount is None:
        return None
    unit = (profile.find(path, _NS).get("unitCode") or "year").lower()
    return amount * 12 if unit.startswith("year") else amount


def _salary(profile: Element) -> dict[str, Any] | None:
    band = profile.find("hr:OfferedRemunerationPackage/hr:RemunerationRange", _NS)
    if band is None:
        return None
    amounts = {}
    for tag in ("Minimum", "Maximum"):
        element = band.find(f"hr:Remuneration{tag}Amount", _NS)
        value = _text(band, f"hr:Remuneration{tag}Amount")
        try:
            amounts[tag] = float(value) if value else None
        except ValueError as exc:
            raise MappingError(f"Remuneration{tag}Amount: {value!r} is not an amount") from exc
        if element is not None and element.get("currencyID"):
            amounts["currency"] = element.get("currencyID")
    if amounts["Minimum"] is None and amounts["Maximum"] is None:
        return None
    interval = _text(band, "hr:RemunerationIntervalCode") or ""
    return {
        "minimum": amounts["Minimum"],
        "maximum": amounts["Maximum"],
        "currency": str(amounts.get("currency") or "EUR").upper(),
        "period": rules.tables()["interval_to_period"].get(interval, "OTHER"),
        "native_label": None,
    }


def _application(vacancy: dict[str, Any], profile: Element) -> None:
    method = profile.find("hr:PostingInstruction/hr:ApplicationMethod", _NS)
    if method is None:
        return
    channels = {
        _text(c, "hr:ChannelCode"): _text(c, "oa:URI")
        for c in method.findall("hr:Communication", _NS)
    }
    instructions = _text(method, "hr:Instructions")
    if instructions or channels.get("Web") or channels.get("Email"):
        vacancy["application"] = {
            "url": channels.get("Web"),
            "email": channels.get("Email"),
            "instructions": instructions,
        }
    person = method.find("hr:PersonContact", _NS)
    if person is None:
        return
    name = _text(person, "hr:PersonName/hr:FormattedName") or " ".join(
        part
        for part in (
            _text(person, "hr:PersonName/oa:GivenName"),
            _text(person, "hr:PersonName/hr:FamilyName"),
        )
        if part
    )
    contact: dict[str, Any] = {"name": name or None, "email": None, "phone": None}
    for communication in person.findall("hr:Communication", _NS):
        channel = _text(communication, "hr:ChannelCode")
        if channel == "Email":
            contact["email"] = _text(communication, "oa:URI")
        elif channel in ("Telephone", "MobileTelephone"):
            contact["phone"] = _text(communication, "oa:DialNumber")
    if any(contact.values()):
        vacancy["recruiter_contact"] = contact
        vacancy["contact_public"] = True  # it is in the published document


def _source(root: Element) -> tuple[str, str]:
    document = root.find("hr:DocumentID", _NS)
    vacancy_id = (document.text or "").strip() if document is not None else ""
    if not vacancy_id:
        raise MappingError("DocumentID: the document has no id")
    agency = (document.get("schemeAgencyID") or "").strip()
    return (agency if rules.is_service(agency) else "EURES"), vacancy_id


def read_position_opening(content: str | bytes) -> dict[str, Any]:
    """Return the canonical Vacancy of a PositionOpening document; MappingError if impossible."""
    root = parse_document(content)
    source, vacancy_id = _source(root)
    profiles = root.findall("hr:PositionProfile", _NS)
    if not profiles:
        raise MappingError("PositionProfile: the document has none")
    tables = rules.tables()
    vacancy = empty_vacancy(source, vacancy_id)
    status = _text(root, "hr:PositionOpeningStatusCode") or "Active"
    vacancy["status"] = tables["code_to_status"].get(status, "OPEN")  # writers never send OTHER
    texts: dict[str, dict[str, Any]] = {}
    for profile in profiles:
        title = _text(profile, "hr:PositionTitle")
        if not title:
            raise MappingError("PositionTitle: a PositionProfile has no title")
        language = rules.language(profile.get("languageCode")) or "en"
        if language in texts:
            raise MappingError(f"PositionProfile: two profiles in language {language!r}")
        texts[language] = {
            "language": language,
            "title": title,
            "description": _text(profile, "hr:PositionFormattedDescription/hr:Content"),
        }
    vacancy["texts"] = list(texts.values())
    first = profiles[0]
    vacancy["occupations"] = _occupations(first)
    places = [p for p in map(_place, first.findall("hr:PositionLocation", _NS)) if p]
    vacancy["workplace"], vacancy["other_workplaces"] = (
        (places[0], places[1:]) if places else (None, [])
    )
    offering = _text(first, "hr:PositionOfferingTypeCode")
    if offering in tables["offering_to_contract"]:
        vacancy["native_contract_code"] = offering
        vacancy["contract_type"] = tables["offering_to_contract"][offering]
    schedule = _text(first, "hr:PositionScheduleTypeCode") or ""
    vacancy["working_time"] = tables["schedule_to_working_time"].get(schedule, "UNKNOWN")
    vacancy["positions"] = max(
        1, _int(first, "hr:PositionOpenQuantity", "PositionOpenQuantity") or 1
    )
    vacancy["languages"] = _languages(first)
    vacancy["driving_licences"] = [
        code
        for code in dict.fromkeys(
            rules.driving_licence(e.text)
            for e in first.findall("hr:PositionQualifications/hr:LicenseTypeCode", _NS)
        )
        if code
    ]
    level = rules.education_level(
        _text(first, "hr:PositionQualifications/hr:EducationRequirement/hr:EducationLevelCode")
    )
    vacancy["education"] = {"isced_level": level, "label": None, "field": None} if level else None
    vacancy["experience_months"] = _experience(first)
    vacancy["skills"] = _skills(first)
    vacancy["salary"] = _salary(first)
    vacancy["employer"] = _employer(first)
    _application(vacancy, first)
    vacancy["interregional_assistance"] = (
        _text(first, "hr:PostingInstruction/hr:PostingOptionCode") == "EURESFlag"
    )
    published = rules.read_date(root.get("validFrom"), field="validFrom") or 0
    vacancy["published_at"] = vacancy["updated_at"] = published
    vacancy["valid_until"] = rules.from_close_date(_text(first, "hr:ApplicationCloseDate"))
    return vacancy
