"""Helpers the service mappings share: an empty canonical Vacancy, its records, times, places.

The record constructors (``text``, ``occupation``, ``language_skill`` ...) hold each
canonical record's shape in one place, so a mapping says only where its values come from.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from connectors.base.exceptions import MappingError

__all__ = [
    "CEFR_LEVELS",
    "application",
    "belgian_place",
    "cefr_level",
    "education",
    "empty_vacancy",
    "from_epoch_ms",
    "iso_date",
    "language_skill",
    "nuts_for_postal_code",
    "occupation",
    "occupation_code",
    "read_tables",
    "salary_range",
    "text",
    "to_epoch_ms",
]

_DATA = Path(__file__).with_name("data")
CEFR_LEVELS = frozenset({"A1", "A2", "B1", "B2", "C1", "C2"})
# Belgian postal code ranges -> province (NUTS2), pes-formats §6.4
_BE_PROVINCES = (
    (1000, 1299, "BE10"),
    (1300, 1499, "BE31"),
    (1500, 1999, "BE24"),
    (2000, 2999, "BE21"),
    (3000, 3499, "BE24"),
    (3500, 3999, "BE22"),
    (4000, 4999, "BE33"),
    (5000, 5999, "BE35"),
    (6000, 6599, "BE32"),
    (6600, 6999, "BE34"),
    (7000, 7999, "BE32"),
    (8000, 8999, "BE25"),
    (9000, 9999, "BE23"),
)


def empty_vacancy(source: str, vacancy_id: str) -> dict[str, Any]:
    """Return a Vacancy with every field at its default, to fill in."""
    return {
        "source_pes": source,
        "vacancy_id": vacancy_id,
        "status": "OPEN",
        "texts": [],
        "occupations": [],
        "workplace": None,
        "other_workplaces": [],
        "contract_type": "OTHER",
        "native_contract_code": None,
        "native_contract_label": None,
        "working_time": "UNKNOWN",
        "positions": 1,
        "languages": [],
        "driving_licences": [],
        "education": None,
        "experience_months": None,
        "experience_label": None,
        "skills": [],
        "salary": None,
        "employer": None,
        "recruiter_contact": None,
        "contact_public": False,
        "application": None,
        "bottleneck": False,
        "interregional_assistance": False,
        "origin": None,
        "published_at": 0,
        "updated_at": 0,
        "valid_until": None,
    }


def to_epoch_ms(text: str | None, *, field: str) -> int | None:
    """Read an ISO date or date-time (naive = UTC) into epoch milliseconds."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError as exc:
        raise MappingError(f"{field}: {text!r} is not an ISO date") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def from_epoch_ms(ms: int | None) -> str | None:
    """Write epoch milliseconds as an ISO date-time in UTC."""
    return (
        None
        if ms is None
        else datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")
    )


def iso_date(ms: int | None) -> str | None:
    """Write epoch milliseconds as an ISO date."""
    return None if ms is None else date.fromtimestamp(ms / 1000).isoformat()


@cache
def _towns() -> dict[str, str]:
    towns = json.loads((_DATA / "towns.json").read_text(encoding="utf-8"))
    return {t["postal_code"]: t["nuts3"] for places in towns.values() for t in places}


def nuts_for_postal_code(postal_code: str | None, country: str = "BE") -> str | None:
    """Return the NUTS3 of a known town, else the Belgian province (NUTS2), else None."""
    if not postal_code:
        return None
    if postal_code in _towns():
        return _towns()[postal_code]
    if country == "BE" and postal_code.isdigit() and len(postal_code) == 4:
        number = int(postal_code)
        return next((nuts for low, high, nuts in _BE_PROVINCES if low <= number <= high), None)
    return None


def occupation_code(vacancy: dict[str, Any], *schemes: str) -> tuple[str | None, str | None]:
    """Return (code, label) of the first occupation in one of *schemes*, in that order."""
    for scheme in schemes:
        for occupation in vacancy.get("occupations") or []:
            if occupation.get("scheme") == scheme:
                return occupation.get("code"), occupation.get("label")
    return None, None


def occupation(scheme: str, code: str, label: str | None) -> dict[str, Any]:
    """Return a canonical Occupation."""
    return {"scheme": scheme, "code": code, "label": label, "unmapped": False}


def text(language: str, title: Any, description: str | None = None) -> dict[str, Any]:
    """Return a canonical LocalizedText."""
    return {"language": language, "title": title, "description": description}


def cefr_level(level: Any) -> str:
    """Return *level* if it is a CEFR level, else UNKNOWN: a word like 'goed' is not guessed."""
    return level if level in CEFR_LEVELS else "UNKNOWN"


def language_skill(
    language: str,
    level: str = "UNKNOWN",
    *,
    required: bool = True,
    native_label: str | None = None,
) -> dict[str, Any]:
    """Return a canonical LanguageSkill; most services give no level, hence UNKNOWN."""
    return {
        "language": language,
        "level": level,
        "required": required,
        "native_label": native_label,
    }


def education(
    label: str | None, *, isced_level: str | None = None, field: str | None = None
) -> dict[str, Any]:
    """Return a canonical Education; the ISCED level only where the service's level has one."""
    return {"isced_level": isced_level, "label": label, "field": field}


def salary_range(
    minimum: float | None,
    maximum: float | None,
    period: str,
    native_label: str | None = None,
) -> dict[str, Any]:
    """Return a canonical SalaryRange in euros, the only currency the six services pay in."""
    return {
        "minimum": minimum,
        "maximum": maximum,
        "currency": "EUR",
        "period": period,
        "native_label": native_label,
    }


def application(
    url: str | None, email: str | None = None, instructions: str | None = None
) -> dict[str, Any]:
    """Return a canonical ApplicationMethod."""
    return {"url": url, "email": email, "instructions": instructions}


def belgian_place(
    postal_code: str | None,
    municipality: str | None,
    *,
    nuts3: str | None = None,
    label: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> dict[str, Any]:
    """Return a canonical Location in Belgium; NUTS3 from the postal code unless given."""
    return {
        "postal_code": postal_code,
        "municipality": municipality,
        "nuts3": nuts3 or nuts_for_postal_code(postal_code),
        "country": "BE",
        "insee_commune": None,
        "label": label,
        "latitude": latitude,
        "longitude": longitude,
    }


@cache
def read_tables(package_file: str) -> dict[str, Any]:
    """Return a service package's ``data/tables.json`` (call with the mapping's ``__file__``)."""
    return json.loads(
        (Path(package_file).with_name("data") / "tables.json").read_text(encoding="utf-8")
    )
