"""Actiris's vacancy format (Brussels, French and Dutch), as this hub assumes it.

Actiris publishes no API description; this bilingual shape is the hub's assumption:
titles and descriptions per language (``{"fr": ..., "nl": ...}``), Competent codes
(Actiris uses VDAB's matching engine), Brussels postal codes (NUTS3 BE100).
"""

from __future__ import annotations

from typing import Any

from connectors.base.canonical import (
    CEFR_LEVELS,
    read_tables,
    belgian_place,
    occupation,
    empty_vacancy,
    from_epoch_ms,
    iso_date,
    occupation_code,
    to_epoch_ms,
)
from connectors.base.exceptions import MappingError
from connectors.base.mapping import VacancyMapping

__all__ = ["ActirisMapping"]

_TABLES = read_tables(__file__)


class ActirisMapping(VacancyMapping):
    """Actiris vacancies (bilingual)."""

    code = "ACTIRIS"
    language = "fr"

    def native_id(self, native: dict[str, Any]) -> str:
        return str(native["reference"])

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        try:
            vacancy = empty_vacancy("ACTIRIS", str(native["reference"]))
            titles = native["titre"]
        except KeyError as exc:
            raise MappingError(f"Actiris vacancy without {exc.args[0]}") from exc
        if not isinstance(titles, dict) or not titles:
            raise MappingError("titre must give at least one language, e.g. {'fr': ...}")
        descriptions = native.get("description") or {}
        vacancy["texts"] = [
            {"language": lang, "title": title, "description": descriptions.get(lang)}
            for lang, title in titles.items()
        ]
        if native.get("fonctionCompetent"):
            vacancy["occupations"] = [occupation("COMPETENT", native["fonctionCompetent"], None)]
        place = native.get("lieu") or {}
        if place:
            town = place.get("commune") or {}
            names = " / ".join(dict.fromkeys(v for v in town.values() if v)) or None
            vacancy["workplace"] = belgian_place(place.get("codePostal"), names)
        vacancy["native_contract_code"] = native.get("typeContrat")
        vacancy["contract_type"] = _TABLES["contract"].get(native.get("typeContrat") or "", "OTHER")
        vacancy["working_time"] = _TABLES["regime"].get(
            (native.get("regime") or "").lower(), "UNKNOWN"
        )
        vacancy["positions"] = int(native.get("postes") or 1)
        vacancy["languages"] = [
            {
                "language": lang["code"],
                "level": lang.get("niveau") if lang.get("niveau") in CEFR_LEVELS else "UNKNOWN",
                "required": bool(lang.get("requis", True)),
                "native_label": lang.get("niveau"),
            }
            for lang in native.get("langues") or []
        ]
        vacancy["driving_licences"] = list(native.get("permis") or [])
        vacancy["experience_months"] = native.get("experienceMois")
        employer = native.get("employeur")
        if employer:
            vacancy["employer"] = {
                "name": employer["nom"],
                "enterprise_number": employer.get("numeroBCE"),
                "nace": employer.get("nace"),
                "size": None,
            }
        contact = native.get("contact")
        if contact:
            vacancy["recruiter_contact"] = {
                "name": contact.get("nom"),
                "email": contact.get("email"),
                "phone": contact.get("telephone"),
            }
            vacancy["contact_public"] = bool(contact.get("public"))
        if native.get("postuler"):
            vacancy["application"] = {
                "url": native["postuler"].get("url"),
                "email": native["postuler"].get("email"),
                "instructions": None,
            }
        vacancy["bottleneck"] = bool(native.get("penurie"))
        vacancy["published_at"] = (
            to_epoch_ms(native.get("datePublication"), field="datePublication") or 0
        )
        vacancy["updated_at"] = (
            to_epoch_ms(native.get("dateModification"), field="dateModification")
            or vacancy["published_at"]
        )
        vacancy["valid_until"] = to_epoch_ms(native.get("dateFin"), field="dateFin")
        return vacancy

    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        code, _ = occupation_code(vacancy, "COMPETENT", "ROME_V3", "ROME_V4")
        texts = vacancy.get("texts") or []
        place = vacancy.get("workplace") or {}
        employer = vacancy.get("employer")
        contact = vacancy.get("recruiter_contact")
        application = vacancy.get("application")
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
            "employeur": {
                "nom": employer["name"],
                "numeroBCE": employer.get("enterprise_number"),
                "nace": employer.get("nace"),
            }
            if employer
            else None,
            "contact": {
                "nom": contact.get("name"),
                "email": contact.get("email"),
                "telephone": contact.get("phone"),
                "public": vacancy.get("contact_public", False),
            }
            if contact
            else None,
            "postuler": {"url": application.get("url"), "email": application.get("email")}
            if application
            else None,
            "penurie": vacancy.get("bottleneck", False),
            "datePublication": from_epoch_ms(vacancy.get("published_at")),
            "dateModification": from_epoch_ms(vacancy.get("updated_at")),
            "dateFin": iso_date(vacancy.get("valid_until")),
        }
