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
    belgian_place,
    education,
    language_skill,
    read_tables,
    salary_range,
    text,
)
from connectors.base.native import (
    ContactKeys,
    EmployerKeys,
    NativeRecordMapping,
    OccupationKeys,
    TimeKeys,
    coded,
    language_code,
    language_name,
    main_text,
    read_application,
    write_application,
)

__all__ = ["VdabMapping"]

_OCCUPATION = OccupationKeys("COMPETENT", code="competentCode", label="omschrijving")
_EMPLOYER = EmployerKeys(name="naam", number="ondernemingsnummer", digits=True)
_CONTACT = ContactKeys(name="naam", phone="telefoon", public="publiek")
_TIMES = TimeKeys(
    published="publicatiedatum", updated="laatstGewijzigd", valid_until="eindePublicatie"
)


def _tables() -> dict[str, Any]:
    return read_tables(__file__)


class VdabMapping(NativeRecordMapping):
    """VDAB vacancies (Dutch, Competent)."""

    code = "VDAB"
    language = "nl"
    id_key = "vacatureId"
    title_key = "functietitel"
    record_name = "VDAB vacancy"

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        tables = _tables()
        vacancy, title = self.new_vacancy(native)
        vacancy["texts"] = [text(self.language, title, native.get("omschrijving"))]
        vacancy["occupations"] = _OCCUPATION.read(native.get("beroep") or {})
        place = native.get("werkplaats") or {}
        if place:
            vacancy["workplace"] = belgian_place(place.get("postcode"), place.get("gemeente"))
        contract = native.get("contract") or {}
        duration = contract.get("duur")
        vacancy["native_contract_code"] = contract.get("type")
        vacancy["native_contract_label"] = duration
        by_type = coded(tables["contract"], contract.get("type"), None)
        vacancy["contract_type"] = by_type or coded(tables["contract"], duration, "OTHER")
        vacancy["working_time"] = coded(tables["regime"], native.get("arbeidsregime"), "UNKNOWN")
        vacancy["positions"] = int(native.get("aantalPlaatsen") or 1)
        vacancy["languages"] = [
            language_skill(
                language_code(tables, t["taal"]),
                coded(tables["levels"], t.get("niveau"), "UNKNOWN"),
                required=bool(t.get("vereist", True)),
                native_label=f"{t['taal']} - {t.get('niveau')}",
            )
            for t in native.get("talen") or []
        ]
        vacancy["driving_licences"] = list(native.get("rijbewijzen") or [])
        if native.get("studieniveau"):
            vacancy["education"] = education(native["studieniveau"])
        vacancy["experience_label"] = native.get("ervaring")
        months = re.match(r"(\d+)\s*jaar", native.get("ervaring") or "")
        vacancy["experience_months"] = int(months.group(1)) * 12 if months else None
        vacancy["skills"] = [
            {"scheme": "OTHER", "code": None, "label": s, "required": False}
            for s in native.get("vaardigheden") or []
        ]
        pay = native.get("loon")
        if pay:
            vacancy["salary"] = salary_range(
                pay.get("min"),
                pay.get("max"),
                tables["salary_period"].get(pay.get("periode") or "", "OTHER"),
            )
        vacancy["employer"] = _EMPLOYER.read(native.get("werkgever"))
        vacancy["recruiter_contact"], vacancy["contact_public"] = _CONTACT.read(
            native.get("contactpersoon")
        )
        vacancy["application"] = read_application(native.get("solliciteren"))
        vacancy["bottleneck"] = bool(native.get("knelpuntberoep"))
        vacancy["interregional_assistance"] = bool(native.get("irmBijstand"))
        vacancy.update(_TIMES.read(native))
        return vacancy

    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        tables = _tables()
        main = main_text(vacancy, self.language)
        place = vacancy.get("workplace") or {}
        salary = vacancy.get("salary")
        months = vacancy.get("experience_months")
        return {
            "vacatureId": vacancy["vacancy_id"],
            "bron": vacancy.get("source_pes"),
            "functietitel": main["title"],
            "omschrijving": main.get("description"),
            "beroep": _OCCUPATION.write(vacancy),
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
                    "taal": language_name(tables, lang),
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
            "werkgever": _EMPLOYER.write(vacancy.get("employer")),
            "contactpersoon": _CONTACT.write(vacancy),
            "solliciteren": write_application(vacancy.get("application")),
            "knelpuntberoep": vacancy.get("bottleneck", False),
            "irmBijstand": vacancy.get("interregional_assistance", False),
            **_TIMES.write(vacancy),
        }
