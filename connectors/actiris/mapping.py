"""Actiris's vacancy format (Brussels, French and Dutch), as this hub assumes it.

Actiris publishes no API description; this bilingual shape is the hub's assumption:
titles and descriptions per language (``{"fr": ..., "nl": ...}``), Competent codes
(Actiris uses VDAB's matching engine), Brussels postal codes (NUTS3 BE100).
"""

from __future__ import annotations

from typing import Any

from connectors.base.canonical import (
    belgian_place,
    cefr_level,
    language_skill,
    read_tables,
    text,
)
from connectors.base.exceptions import MappingError
from connectors.base.native import (
    ContactKeys,
    EmployerKeys,
    NativeRecordMapping,
    OccupationKeys,
    TimeKeys,
    coded,
    read_application,
    write_application,
)

__all__ = ["ActirisMapping"]

_TABLES = read_tables(__file__)
_OCCUPATION = OccupationKeys("COMPETENT", code="fonctionCompetent")
_EMPLOYER = EmployerKeys(name="nom", number="numeroBCE")
_CONTACT = ContactKeys(name="nom", phone="telephone", public="public")
_TIMES = TimeKeys(published="datePublication", updated="dateModification", valid_until="dateFin")


class ActirisMapping(NativeRecordMapping):
    """Actiris vacancies (bilingual)."""

    code = "ACTIRIS"
    language = "fr"
    id_key = "reference"
    title_key = "titre"
    record_name = "Actiris vacancy"

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        vacancy, titles = self.new_vacancy(native)
        if not isinstance(titles, dict) or not titles:
            raise MappingError("titre must give at least one language, e.g. {'fr': ...}")
        descriptions = native.get("description") or {}
        vacancy["texts"] = [
            text(lang, title, descriptions.get(lang)) for lang, title in titles.items()
        ]
        vacancy["occupations"] = _OCCUPATION.read(native)
        place = native.get("lieu") or {}
        if place:
            town = place.get("commune") or {}
            names = " / ".join(dict.fromkeys(v for v in town.values() if v)) or None
            vacancy["workplace"] = belgian_place(place.get("codePostal"), names)
        vacancy["native_contract_code"] = native.get("typeContrat")
        vacancy["contract_type"] = _TABLES["contract"].get(native.get("typeContrat") or "", "OTHER")
        vacancy["working_time"] = coded(_TABLES["regime"], native.get("regime"), "UNKNOWN")
        vacancy["positions"] = int(native.get("postes") or 1)
        vacancy["languages"] = [
            language_skill(
                lang["code"],
                cefr_level(lang.get("niveau")),
                required=bool(lang.get("requis", True)),
                native_label=lang.get("niveau"),
            )
            for lang in native.get("langues") or []
        ]
        vacancy["driving_licences"] = list(native.get("permis") or [])
        vacancy["experience_months"] = native.get("experienceMois")
        vacancy["employer"] = _EMPLOYER.read(native.get("employeur"))
        vacancy["recruiter_contact"], vacancy["contact_public"] = _CONTACT.read(
            native.get("contact")
        )
        vacancy["application"] = read_application(native.get("postuler"))
        vacancy["bottleneck"] = bool(native.get("penurie"))
        vacancy.update(_TIMES.read(native))
        return vacancy

    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        code, _ = _OCCUPATION.best(vacancy)
        texts = vacancy.get("texts") or []
        place = vacancy.get("workplace") or {}
        return {
            "reference": vacancy["vacancy_id"],
            "origine": vacancy.get("source_pes"),
            "titre": {t["language"]: t["title"] for t in texts},
            "description": {t["language"]: t["description"] for t in texts if t.get("description")},
            "fonctionCompetent": code,
            "lieu": {
                "codePostal": place.get("postal_code"),
                "commune": {"fr": place.get("municipality")},
            }
            if place
            else None,
            "typeContrat": _TABLES["contract_label"].get(vacancy.get("contract_type")),
            "regime": _TABLES["regime_label"].get(vacancy.get("working_time")),
            "postes": vacancy.get("positions", 1),
            "langues": [
                {
                    "code": lang["language"],
                    "niveau": lang.get("level"),
                    "requis": lang.get("required", True),
                }
                for lang in vacancy.get("languages") or []
            ],
            "permis": list(vacancy.get("driving_licences") or []),
            "experienceMois": vacancy.get("experience_months"),
            "employeur": _EMPLOYER.write(vacancy.get("employer")),
            "contact": _CONTACT.write(vacancy),
            "postuler": write_application(vacancy.get("application")),
            "penurie": vacancy.get("bottleneck", False),
            **_TIMES.write(vacancy),
        }
