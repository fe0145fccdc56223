"""EURES business rules (pes-formats §5.5): compulsory code lists and date forms.

Every check answers with the value EURES accepts, or None: a value outside a
compulsory list is dropped, never guessed. The lists live in ``data/tables.json``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from connectors.base.canonical import read_tables
from connectors.base.exceptions import MappingError
from hub import paths
from hub.catalog import load_catalog
from hub.policy.crosswalk import Crosswalk

__all__ = [
    "HR",
    "OA",
    "agency_name",
    "close_date",
    "country",
    "country_of_nuts",
    "crosswalk",
    "currency",
    "driving_licence",
    "education_level",
    "esco_occupation",
    "esco_skill",
    "from_close_date",
    "is_service",
    "isco",
    "language",
    "list_attributes",
    "nace",
    "nuts3",
    "organization_size",
    "proficiency",
    "read_date",
    "tables",
    "xml_date",
]

HR = "http://www.hr-xml.org/3"
OA = "http://www.openapplications.org/oagis/9"
_BRUSSELS = ZoneInfo("Europe/Brussels")
_ISCO_URI = re.compile(r"^http://data\.europa\.eu/esco/isco/[Cc](\d{4})$")
_ESCO = re.compile(r"^http://data\.europa\.eu/esco/(occupation|skill)/[0-9a-f-]{36}$")
_NUTS3 = re.compile(r"^[A-Z]{2}[0-9A-Z]{3}$")
_NACE = re.compile(r"^(?:[A-U]\.?)?(\d{2}(?:\.\d{1,2}(?:\.\d)?)?)[A-Z]?$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z?)?)?)?$")


def tables() -> dict[str, Any]:
    """Return the EURES code tables."""
    return read_tables(__file__)


@cache
def crosswalk() -> Crosswalk:
    """Return the hub's occupation crosswalk (ROME / Competent -> ISCO-08, ESCO)."""
    return Crosswalk.from_directory(paths.topics_dir())


@cache
def _agencies() -> dict[str, str]:
    return {code: s.name for code, s in load_catalog(paths.topics_dir()).services.items()}


def agency_name(code: str) -> str:
    """Return the full name of a service, for the schemeAgencyName attributes."""
    return _agencies().get(code, code)


def is_service(code: str) -> bool:
    """Return whether *code* names one of the hub's services (a DocumentID agency)."""
    return code in _agencies()


def list_attributes(name: str) -> dict[str, str]:
    """Return listName/listVersionID/listURI of a coded element (BR-COM-55)."""
    return dict(tables()["lists"][name])


def isco(code: str | None) -> str | None:
    """Return an ISCO-08 unit group (4 digits, leading zeros kept) or None (BR-COM-29)."""
    text = (code or "").strip()
    match = _ISCO_URI.match(text)
    text = match.group(1) if match else text
    return text if len(text) == 4 and text.isdigit() else None


def esco_occupation(uri: str | None) -> str | None:
    """Return an ESCO occupation URI or None (BR-COM-29)."""
    text = (uri or "").strip()
    match = _ESCO.match(text)
    return text if match and match.group(1) == "occupation" else None


def esco_skill(uri: str | None) -> str | None:
    """Return an ESCO skill URI or None: only genuine ESCO codes are exported."""
    text = (uri or "").strip()
    match = _ESCO.match(text)
    return text if match and match.group(1) == "skill" else None


def country(code: str | None) -> str | None:
    """Return an EURES member country (EU + EFTA, ISO alpha-2) or None (BR-COM-52)."""
    text = (code or "").strip().upper()
    return text if text in tables()["eures_countries"] else None


def nuts3(code: str | None, country_code: str | None) -> str | None:
    """Return a NUTS level-3 code of *country_code*, else None (BR-COM-21/53)."""
    text = (code or "").strip().upper()
    if not _NUTS3.match(text) or not country_code:
        return None
    prefix = tables()["nuts_country_prefix"].get(country_code, country_code)
    return text if text.startswith(prefix) else None


def currency(code: str | None) -> str | None:
    """Return an ISO 4217 currency code or None (remuneration code lists)."""
    text = (code or "").strip().upper()
    return text if len(text) == 3 and text.isalpha() else None


def country_of_nuts(code: str | None) -> str | None:
    """Return the ISO country a NUTS code belongs to (its prefix; Greece writes EL)."""
    prefix = (code or "").strip().upper()[:2]
    if len(prefix) < 2:
        return None
    return {v: k for k, v in tables()["nuts_country_prefix"].items()}.get(prefix, prefix)


def nace(code: str | None) -> str | None:
    """Return a NACE Rev. 2 code; a French NAF code gives the NACE class it refines (BR-COM-20)."""
    match = _NACE.match((code or "").strip())
    return match.group(1) if match else None


def organization_size(size: str | None) -> str | None:
    """Return the EURES organisation size class of a size text, or None (BR-COM-26)."""
    text = re.sub(r"\s+", "", (size or "").lower())
    return tables()["organization_size"].get(text)


def education_level(level: str | None) -> str | None:
    """Return an ISCED 2011 level '0'..'8' or None (BR-COM-13)."""
    text = (level or "").strip()
    return text if text in tables()["isced_levels"] else None


def driving_licence(code: str | None) -> str | None:
    """Return a Directive 2006/126/EC category or None (BR-COM-41)."""
    text = (code or "").strip().upper()
    return text if text in tables()["driving_licences"] else None


def language(code: str | None) -> str | None:
    """Return an ISO 639-1 code in lower case or None (BR-COM-46)."""
    text = (code or "").strip().lower()
    return text if text in tables()["iso639_1"] else None


def proficiency(level: str | None) -> str | None:
    """Return a CEFR level A1..C2 or None (BR-COM-47)."""
    text = (level or "").strip().upper()
    return text if text in tables()["cefr_levels"] else None


def xml_date(ms: int | None) -> str | None:
    """Write epoch milliseconds as the UTC date YYYY-MM-DD."""
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC).date().isoformat()


def read_date(text: str | None, *, field: str) -> int | None:
    """Read YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss (UTC) into epoch ms."""
    if not text:
        return None
    value = text.strip()
    if not _DATE.match(value):
        raise MappingError(f"{field}: {value!r} is not an EURES date")
    parts = value.split("-")
    if len(parts) < 3:
        value = "-".join([parts[0], parts[1] if len(parts) > 1 else "01", "01"])
    try:
        moment = datetime.fromisoformat(value.replace("Z", ""))
    except ValueError as exc:
        raise MappingError(f"{field}: {value!r} is not an EURES date") from exc
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)


def close_date(valid_until: int | None) -> str | None:
    """ApplicationCloseDate: the day of the last open moment in Brussels (valid_until excluded)."""
    if valid_until is None:
        return None
    return datetime.fromtimestamp((valid_until - 1) / 1000, _BRUSSELS).date().isoformat()


def from_close_date(text: str | None) -> int | None:
    """Read ApplicationCloseDate into valid_until: 00:00 Brussels of the day after."""
    day = read_date(text, field="ApplicationCloseDate")
    if day is None:
        return None
    last = datetime.fromtimestamp(day / 1000, UTC).date() + timedelta(days=1)
    start = datetime.combine(last, datetime.min.time(), _BRUSSELS)
    return int(start.timestamp() * 1000)
