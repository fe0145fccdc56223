"""VDAB's vacancy format, as this hub assumes it.

VDAB's Vacatures API field names are not public (pes-formats §3.1). This JSON shape is
the hub's assumption, built from VDAB's public vocabulary: Dutch field names, Competent
occupation codes (a ROME v3 fiche code as reference), the Referentie API's contract
types and durations (gewoon contract, vervangcontract, bepaalde/onbepaalde duur),
work regimes (voltijds/deeltijds) and driving-licence codes. Example in ``samples/``.
"""

from __future__ import annotations

import re
from typing import Any

from connectors.base.canonical import (
    read_tables,
    belgian_place,
    empty_vacancy,
    from_epoch_ms,
    iso_date,
    occupation,
    occupation_code,
    to_epoch_ms,
)
from connectors.base.exceptions import MappingError
from connectors.base.mapping import VacancyMapping

__all__ = ["VdabMapping"]


def _tables() -> dict[str, Any]:
    return read_tables(__file__)


def _digits(number: str | None) -> str | None:
    """Normalise an enterprise number ('0412.345.614') to its ten digits."""
    return re.sub(r"\D", "", number) if number else None


class VdabMapping(VacancyMapping):
    """VDAB vacancies (Dutch, Competent)."""

    code = "VDAB"
    language = "nl"

    def native_id(self, native: dict[str, Any]) -> str:
        return str(native["vacatureId"])

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        tables = _tables()
        try:
            vacancy = empty_vacancy("VDAB", str(native["vacatureId"]))
            title = native["functietitel"]
        except KeyError as exc:
            raise MappingError(f"VDAB vacancy without {exc.args[0]}") from exc
        vacancy["texts"] = [
            {"language": "nl", "title": title, "description": native.get("omschrijving")}
        ]
        job = native.get("beroep") or {}
        if job.get("competentCode"):
            vacancy["occupations"] = [
                occupation("COMPETENT", job["competentCode"], job.get("omschrijving"))
            ]
        place = native.get("werkplaats") or {}
        if place:
            vacancy["workplace"] = belgian_place(place.get("postcode"), place.get("gemeente"))
        contract = native.get("contract") or {}
        duration = contract.get("duur")
        vacancy["native_contract_code"] = contract.get("type")
        vacancy["native_contract_label"] = duration
        vacancy["contract_type"] = tables["contract"].get(
            (contract.get("type") or "").lower()
        ) or tables["contract"].get((duration or "").lower(), "OTHER")
        vacancy["working_time"] = tables["regime"].get(
            (native.get("arbeidsregime") or "").lower(), "UNKNOWN"
        )
        vacancy["positions"] = int(native.get("aantalPlaatsen") or 1)
        vacancy["languages"] = [
            {
                "language": tables["languages"].get(t["taal"].lower(), "und"),
                "level": tables["levels"].get((t.get("niveau") or "").lower(), "UNKNOWN"),
                "required": bool(t.get("vereist", True)),
                "native_label": f"{t['taal']} - {t.get('niveau')}",
            }
            for t in native.get("talen") or []
        ]
        vacancy["driving_licences"] = list(native.get("rijbewijzen") or [])
        if native.get("studieniveau"):
            vacancy["education"] = {
                "isced_level": None,
                "label": native["studieniveau"],
                "field": None,
            }
        vacancy["experience_label"] = native.get("ervaring")
        months = re.match(r"(\d+)\s*jaar", native.get("ervaring") or "")
        vacancy["experience_months"] = int(months.group(1)) * 12 if months else None
        vacancy["skills"] = [
            {"scheme": "OTHER", "code": None, "label": s, "required": False}
            for s in native.get("vaardigheden") or []
        ]
        pay = native.get("loon")
        if pay:
            vacancy["salary"] = {
                "minimum": pay.get("min"),
                "maximum": pay.get("max"),
                "currency": "EUR",
                "period": tables["salary_period"].get(pay.get("periode") or "", "OTHER"),
                "native_label": None,
            }
        employer = native.get("werkgever")
        if employer:
            vacancy["employer"] = {
                "name": employer["naam"],
                "enterprise_number": _digits(employer.get("ondernemingsnummer")),
                "nace": employer.get("nace"),
                "size": None,
            }
        contact = native.get("contactpersoon")
        if contact:
            vacancy["recruiter_contact"] = {
                "name": contact.get("naam"),
                "email": contact.get("email"),
                "phone": contact.get("telefoon"),
            }
            vacancy["contact_public"] = bool(contact.get("publiek"))
        apply = native.get("solliciteren")
        if apply:
            vacancy["application"] = {
                "url": apply.get("url"),
                "email": apply.get("email"),
                "instructions": None,
            }
        vacancy["bottleneck"] = bool(native.get("knelpuntberoep"))
        vacancy["interregional_assistance"] = bool(native.get("irmBijstand"))
        published = to_epoch_ms(native.get("publicatiedatum"), field="publicatiedatum") or 0
        vacancy["published_at"] = published
        vacancy["updated_at"] = (
            to_epoch_ms(native.get("laatstGewijzigd"), field="laatstGewijzigd") or published
        )
        vacancy["valid_until"] = to_epoch_ms(native.get("eindePublicatie"), field="eindePublicatie")
        return vacancy

    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        tables = _tables()
        code, label = occupation_code(vacancy, "COMPETENT", "ROME_V3", "ROME_V4")
        texts = {t["language"]: t for t in vacancy.get("texts") or []}
        text = texts.get("nl") or next(iter(texts.values()), {"title": "", "description": None})
        place = vacancy.get("workplace") or {}
        employer = vacancy.get("employer")
        contact = vacancy.get("recruiter_contact")
        salary = vacancy.get("salary")
        application = vacancy.get("application")
        months = vacancy.get("experience_months")
        return {
            "vacatureId": vacancy["vacancy_id"],
            "bron": vacancy.get("source_pes"),
            "functietitel": text["title"],
            "omschrijving": text.get("description"),
            "beroep": {"competentCode": code, "omschrijving": label} if code else None,
            "werkplaats": {
                "postcode": place.get("postal_code"),
                "gemeente": place.get("municipality"),
            }
            if place
            else None,
            "contract": {
                "type": tables["contract_label"].get(vacancy.get("contract_type")),
                "duur": tables["contract_label"].get(vacancy.get("contract_type")),
            },
            "arbeidsregime": tables["regime_label"].get(vacancy.get("working_time")),
            "aantalPlaatsen": vacancy.get("positions", 1),
            "talen": [
                {
                    "taal": tables["language_label"].get(
                        lang["language"], lang.get("native_label") or lang["language"]
                    ),
                    "niveau": tables["level_label"].get(lang.get("level")),
                    "vereist": lang.get("required", True),
                }
                for lang in vacancy.get("languages") or []
            ],
            "rijbewijzen": list(vacancy.get("driving_licences") or []),
            "studieniveau": (vacancy.get("education") or {}).get("label"),
            "ervaring": f"{months // 12} jaar"
            if months and months % 12 == 0
            else vacancy.get("experience_label"),
            "vaardigheden": [s["label"] for s in vacancy.get("skills") or []],
            "loon": {
                "min": salary.get("minimum"),
                "max": salary.get("maximum"),
                "periode": tables["salary_period_label"].get(salary.get("period")),
            }
            if salary
            else None,
            "werkgever": {
                "naam": employer["name"],
                "ondernemingsnummer": employer.get("enterprise_number"),
                "nace": employer.get("nace"),
            }
            if employer
            else None,
            "contactpersoon": {
                "naam": contact.get("name"),
                "email": contact.get("email"),
                "telefoon": contact.get("phone"),
                "publiek": vacancy.get("contact_public", False),
            }
            if contact
            else None,
            "solliciteren": {"url": application.get("url"), "email": application.get("email")}
            if application
            else None,
            "knelpuntberoep": vacancy.get("bottleneck", False),
            "irmBijstand": vacancy.get("interregional_assistance", False),
            "publicatiedatum": from_epoch_ms(vacancy.get("published_at")),
            "laatstGewijzigd": from_epoch_ms(vacancy.get("updated_at")),
            "eindePublicatie": iso_date(vacancy.get("valid_until")),
        }
