"""France Travail's offer as the Offres d'emploi v2 API returns it (pes-formats §1.7).

Ids are strings ("048KLTP"); many nested objects are optional (``salaire`` may be ``{}``,
``lieuTravail`` may hold only a ``libelle``, ``entreprise`` is absent for anonymous
offers); ``natureContrat``, ``langues`` and ``permis`` carry labels, mapped through
``data/tables.json`` and kept when unknown. Occupations are ROME 4.0 codes.
"""

from __future__ import annotations

import re
from typing import Any

from connectors.base.canonical import (
    application,
    education,
    language_skill,
    read_tables,
    salary_range,
    text,
)
from connectors.base.native import (
    ContactKeys,
    NativeRecordMapping,
    OccupationKeys,
    TimeKeys,
    language_code,
    language_name,
    main_text,
)

__all__ = ["FranceTravailMapping"]

_SALARY = re.compile(r"(Mensuel|Annuel|Horaire) de ([\d.]+) Euros(?: à ([\d.]+) Euros)?")
_PERIOD = {"Mensuel": "MONTH", "Annuel": "YEAR", "Horaire": "HOUR"}
_PERIOD_LABEL = {value: key for key, value in _PERIOD.items()}
_EXPERIENCE = re.compile(r"(\d+) (An|Mois)")
_OCCUPATION = OccupationKeys("ROME_V4", code="romeCode", label="romeLibelle")
_CONTACT = ContactKeys(name="nom", email="courriel", phone="telephone")
_TIMES = TimeKeys(published="dateCreation", updated="dateActualisation")


def _tables() -> dict[str, Any]:
    return read_tables(__file__)


def _department(place: dict[str, Any]) -> str | None:
    if place.get("codePostal"):
        return str(place["codePostal"])[:2]
    match = re.match(r"(\d{2}|2A|2B) - ", place.get("libelle") or "")
    return match.group(1) if match else None


def _workplace(place: dict[str, Any]) -> dict[str, Any] | None:
    if not place:
        return None
    label = place.get("libelle")
    town = label.split(" - ", 1)[1].title() if label and " - " in label else None
    return {
        "postal_code": place.get("codePostal"),
        "municipality": town,
        "nuts3": _tables()["departement_nuts3"].get(_department(place) or ""),
        "country": "FR",
        "insee_commune": place.get("commune"),
        "label": label,
        "latitude": place.get("latitude"),
        "longitude": place.get("longitude"),
    }


def _salary(salary: dict[str, Any]) -> dict[str, Any] | None:
    label = (salary or {}).get("libelle")
    if not label:
        return None
    match = _SALARY.match(label)
    return salary_range(
        float(match.group(2)) if match else None,
        float(match.group(3)) if match and match.group(3) else None,
        _PERIOD.get(match.group(1), "OTHER") if match else "OTHER",
        native_label=label,
    )


class FranceTravailMapping(NativeRecordMapping):
    """France Travail offers (Offres d'emploi v2)."""

    code = "FT"
    language = "fr"
    id_key = "id"
    title_key = "intitule"
    record_name = "France Travail offer"

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        tables = _tables()
        vacancy, title = self.new_vacancy(native)
        vacancy["texts"] = [text(self.language, title, native.get("description"))]
        vacancy["occupations"] = _OCCUPATION.read(native)
        vacancy["workplace"] = _workplace(native.get("lieuTravail") or {})
        code = native.get("typeContrat")
        vacancy["native_contract_code"] = code
        vacancy["native_contract_label"] = native.get("natureContrat") or native.get(
            "typeContratLibelle"
        )
        vacancy["contract_type"] = (
            "APPRENTICESHIP"
            if native.get("natureContrat") in tables["nature_apprenticeship"]
            else tables["contract"].get(code or "", "OTHER")
        )
        vacancy["working_time"] = {"Temps plein": "FULL_TIME", "Temps partiel": "PART_TIME"}.get(
            native.get("dureeTravailLibelleConverti") or "", "UNKNOWN"
        )
        vacancy["positions"] = int(native.get("nombrePostes") or 1)
        vacancy["languages"] = [
            language_skill(
                language_code(tables, lang["libelle"]),
                required=lang.get("exigence") == "E",
                native_label=lang["libelle"],
            )
            for lang in native.get("langues") or []
        ]
        vacancy["driving_licences"] = [
            p["libelle"].split(" - ")[0] for p in native.get("permis") or []
        ]
        trainings = native.get("formations") or []
        if trainings:
            level = trainings[0].get("niveauLibelle")
            vacancy["education"] = education(
                level,
                isced_level=tables["education_isced"].get(level or ""),
                field=trainings[0].get("domaineLibelle"),
            )
        vacancy["experience_label"] = native.get("experienceLibelle")
        match = _EXPERIENCE.search(native.get("experienceLibelle") or "")
        if match:
            vacancy["experience_months"] = int(match.group(1)) * (
                12 if match.group(2) == "An" else 1
            )
        vacancy["skills"] = [
            {
                "scheme": "OTHER",
                "code": c.get("code"),
                "label": c["libelle"],
                "required": c.get("exigence") == "E",
            }
            for c in native.get("competences") or []
        ]
        vacancy["salary"] = _salary(native.get("salaire") or {})
        company = native.get("entreprise") or {}
        if company.get("nom"):
            vacancy["employer"] = {
                "name": company["nom"],
                "enterprise_number": company.get("siret"),
                "nace": native.get("codeNAF"),
                "size": native.get("trancheEffectifEtab"),
            }
        contact = native.get("contact") or {}
        if contact.get("nom") or contact.get("courriel"):  # else the contact names no one
            vacancy["recruiter_contact"], vacancy["contact_public"] = _CONTACT.read(contact)
        origin = native.get("origineOffre") or {}
        partners = origin.get("partenaires") or []
        apply_url = contact.get("urlPostulation") or origin.get("urlOrigine")
        if apply_url:
            vacancy["application"] = application(apply_url, instructions=contact.get("commentaire"))
        if partners or origin.get("urlOrigine"):
            vacancy["origin"] = {
                "channel": partners[0].get("nom") if partners else "France Travail",
                "external_reference": None,
                "url": origin.get("urlOrigine"),
            }
        vacancy["bottleneck"] = bool(native.get("offresManqueCandidats"))
        vacancy.update(_TIMES.read(native))
        return vacancy

    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        tables = _tables()
        main = main_text(vacancy, self.language)
        place = vacancy.get("workplace") or {}
        employer = vacancy.get("employer")
        contact = _CONTACT.write(vacancy)
        salary = vacancy.get("salary")
        months = vacancy.get("experience_months")
        offer: dict[str, Any] = {
            "id": vacancy["vacancy_id"],
            "intitule": main["title"],
            "description": main.get("description"),
            **_TIMES.write(vacancy),
            "lieuTravail": {
                "libelle": place.get("label") or place.get("municipality"),
                "codePostal": place.get("postal_code"),
                "commune": place.get("insee_commune"),
                "latitude": place.get("latitude"),
                "longitude": place.get("longitude"),
            },
            "typeContrat": tables["contract_code"].get(vacancy.get("contract_type"), "CDD"),
            "natureContrat": "Contrat apprentissage"
            if vacancy.get("contract_type") == "APPRENTICESHIP"
            else "Contrat travail",
            "nombrePostes": vacancy.get("positions", 1),
            "langues": [
                {
                    "libelle": language_name(tables, lang),
                    "exigence": "E" if lang.get("required") else "S",
                }
                for lang in vacancy.get("languages") or []
            ],
            "permis": [
                {"libelle": code, "exigence": "E"} for code in vacancy.get("driving_licences") or []
            ],
            "experienceLibelle": (
                f"{months // 12} An(s)"
                if months and months % 12 == 0
                else f"{months} Mois"
                if months
                else vacancy.get("experience_label")
            ),
            "dureeTravailLibelleConverti": {
                "FULL_TIME": "Temps plein",
                "PART_TIME": "Temps partiel",
            }.get(vacancy.get("working_time")),
            "offresManqueCandidats": vacancy.get("bottleneck", False),
            "origineOffre": {
                "origine": "2",
                "urlOrigine": (vacancy.get("application") or {}).get("url"),
                "partenaires": [{"nom": vacancy.get("source_pes")}],
            },
            "salaire": {
                "libelle": f"{_PERIOD_LABEL[salary['period']]} de {salary['minimum']} Euros"
            }
            if salary and salary.get("minimum") and salary.get("period") in _PERIOD_LABEL
            else {},
        }
        offer.update(_OCCUPATION.write(vacancy) or {})
        if employer:
            offer["entreprise"] = {
                "nom": employer["name"],
                "siret": employer.get("enterprise_number"),
            }
            offer["codeNAF"] = employer.get("nace")
        if contact:
            offer["contact"] = contact
        return offer
