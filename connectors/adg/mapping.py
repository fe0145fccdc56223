"""ADG's vacancy format (German-speaking Community), as this hub assumes it.

ADG publishes no API description; this German JSON shape is the hub's assumption.
Workplaces in the German-speaking Community (Eupen 4700 ... Burg-Reuland 4790) are NUTS3
BE336; occupations are ROME v3 codes, shared with Le Forem.
"""

from __future__ import annotations

import re
from typing import Any

from connectors.base.canonical import (
    CEFR_LEVELS,
    read_tables,
    belgian_place,
    occupation,
    empty_vacancy,
    from_epoch_ms,
    iso_date,
    nuts_for_postal_code,
    occupation_code,
    to_epoch_ms,
)
from connectors.base.exceptions import MappingError
from connectors.base.mapping import VacancyMapping

__all__ = ["AdgMapping"]

_TABLES = read_tables(__file__)


def _nuts(postal_code: str | None) -> str | None:
    return (
        "BE336"
        if postal_code in _TABLES["german_speaking_postal_codes"]
        else nuts_for_postal_code(postal_code)
    )


class AdgMapping(VacancyMapping):
    """ADG vacancies (German)."""

    code = "ADG"
    language = "de"

    def native_id(self, native: dict[str, Any]) -> str:
        return str(native["stellenangebotNr"])

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        try:
            vacancy = empty_vacancy("ADG", str(native["stellenangebotNr"]))
            title = native["titel"]
        except KeyError as exc:
            raise MappingError(f"ADG vacancy without {exc.args[0]}") from exc
        vacancy["texts"] = [
            {"language": "de", "title": title, "description": native.get("beschreibung")}
        ]
        job = native.get("beruf") or {}
        if job.get("romeCode"):
            vacancy["occupations"] = [
                occupation("ROME_V3", job["romeCode"], job.get("bezeichnung"))
            ]
        place = native.get("arbeitsort") or {}
        if place:
            vacancy["workplace"] = belgian_place(
                place.get("plz"), place.get("ort"), nuts3=_nuts(place.get("plz"))
            )
        vacancy["native_contract_label"] = native.get("vertragsart")
        vacancy["contract_type"] = _TABLES["contract"].get(
            (native.get("vertragsart") or "").lower(), "OTHER"
        )
        vacancy["working_time"] = _TABLES["working_time"].get(
            (native.get("arbeitszeit") or "").lower(), "UNKNOWN"
        )
        vacancy["positions"] = int(native.get("anzahlStellen") or 1)
        vacancy["languages"] = [
            {
                "language": _TABLES["languages"].get(s["sprache"].lower(), "und"),
                "level": s.get("niveau") if s.get("niveau") in CEFR_LEVELS else "UNKNOWN",
                "required": bool(s.get("erforderlich", True)),
                "native_label": s["sprache"],
            }
            for s in native.get("sprachen") or []
        ]
        vacancy["driving_licences"] = list(native.get("fuehrerscheine") or [])
        if native.get("ausbildung"):
            vacancy["education"] = {
                "isced_level": None,
                "label": native["ausbildung"],
                "field": None,
            }
        vacancy["experience_months"] = native.get("berufserfahrungMonate")
        employer = native.get("arbeitgeber")
        if employer:
            number = employer.get("unternehmensnummer")
            vacancy["employer"] = {
                "name": employer["name"],
                "nace": employer.get("nace"),
                "size": None,
                "enterprise_number": re.sub(r"\D", "", number) if number else None,
            }
        contact = native.get("kontakt")
        if contact:
            vacancy["recruiter_contact"] = {
                "name": contact.get("name"),
                "email": contact.get("email"),
                "phone": contact.get("telefon"),
            }
            vacancy["contact_public"] = bool(contact.get("oeffentlich"))
        if native.get("bewerbung"):
            vacancy["application"] = {
                "url": native["bewerbung"].get("url"),
                "email": native["bewerbung"].get("email"),
                "instructions": None,
            }
        vacancy["bottleneck"] = bool(native.get("mangelberuf"))
        vacancy["published_at"] = (
            to_epoch_ms(native.get("veroeffentlichtAm"), field="veroeffentlichtAm") or 0
        )
        vacancy["updated_at"] = (
            to_epoch_ms(native.get("geaendertAm"), field="geaendertAm") or vacancy["published_at"]
        )
        vacancy["valid_until"] = to_epoch_ms(native.get("gueltigBis"), field="gueltigBis")
        return vacancy

    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        code, label = occupation_code(vacancy, "ROME_V3", "ROME_V4", "COMPETENT")
        texts = {t["language"]: t for t in vacancy.get("texts") or []}
        text = texts.get("de") or texts.get("fr") or next(iter(texts.values()), {"title": ""})
        place = vacancy.get("workplace") or {}
        employer = vacancy.get("employer")
        contact = vacancy.get("recruiter_contact")
        application = vacancy.get("application")
        return {
            "stellenangebotNr": vacancy["vacancy_id"],
            "herkunft": vacancy.get("source_pes"),
            "titel": text["title"],
            "beschreibung": text.get("description"),
            "beruf": {"romeCode": code, "bezeichnung": label} if code else None,
            "arbeitsort": {"plz": place.get("postal_code"), "ort": place.get("municipality")}
            if place
            else None,
            "vertragsart": _TABLES["contract_label"].get(
                vacancy.get("contract_type"), vacancy.get("native_contract_label")
            ),
            "arbeitszeit": _TABLES["working_time_label"].get(vacancy.get("working_time")),
            "anzahlStellen": vacancy.get("positions", 1),
            "sprachen": [
                {
                    "sprache": _TABLES["language_label"].get(
                        lang["language"], lang.get("native_label") or lang["language"]
                    ),
                    "niveau": lang.get("level"),
                    "erforderlich": lang.get("required", True),
                }
                for lang in vacancy.get("languages") or []
            ],
            "fuehrerscheine": list(vacancy.get("driving_licences") or []),
            "ausbildung": (vacancy.get("education") or {}).get("label"),
            "berufserfahrungMonate": vacancy.get("experience_months"),
            "arbeitgeber": {
                "name": employer["name"],
                "unternehmensnummer": employer.get("enterprise_number"),
                "nace": employer.get("nace"),
            }
            if employer
            else None,
            "kontakt": {
                "name": contact.get("name"),
                "email": contact.get("email"),
                "telefon": contact.get("phone"),
                "oeffentlich": vacancy.get("contact_public", False),
            }
            if contact
            else None,
            "bewerbung": {"url": application.get("url"), "email": application.get("email")}
            if application
            else None,
            "mangelberuf": vacancy.get("bottleneck", False),
            "veroeffentlichtAm": from_epoch_ms(vacancy.get("published_at")),
            "geaendertAm": from_epoch_ms(vacancy.get("updated_at")),
            "gueltigBis": iso_date(vacancy.get("valid_until")),
        }
