"""ADG's vacancy format (German-speaking Community), as this hub assumes it.

ADG publishes no API description; this German JSON shape is the hub's assumption.
Workplaces in the German-speaking Community (Eupen 4700 ... Burg-Reuland 4790) are NUTS3
BE336; occupations are ROME v3 codes, shared with Le Forem.
"""

from __future__ import annotations

from typing import Any

from connectors.base.canonical import (
    belgian_place,
    cefr_level,
    education,
    language_skill,
    nuts_for_postal_code,
    read_tables,
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

__all__ = ["AdgMapping"]

_TABLES = read_tables(__file__)
_OCCUPATION = OccupationKeys("ROME_V3", code="romeCode", label="bezeichnung")
_EMPLOYER = EmployerKeys(name="name", number="unternehmensnummer", digits=True)
_CONTACT = ContactKeys(name="name", phone="telefon", public="oeffentlich")
_TIMES = TimeKeys(published="veroeffentlichtAm", updated="geaendertAm", valid_until="gueltigBis")


def _nuts(postal_code: str | None) -> str | None:
    return (
        "BE336"
        if postal_code in _TABLES["german_speaking_postal_codes"]
        else nuts_for_postal_code(postal_code)
    )


class AdgMapping(NativeRecordMapping):
    """ADG vacancies (German)."""

    code = "ADG"
    language = "de"
    id_key = "stellenangebotNr"
    title_key = "titel"
    record_name = "ADG vacancy"

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        vacancy, title = self.new_vacancy(native)
        vacancy["texts"] = [text(self.language, title, native.get("beschreibung"))]
        vacancy["occupations"] = _OCCUPATION.read(native.get("beruf") or {})
        place = native.get("arbeitsort") or {}
        if place:
            vacancy["workplace"] = belgian_place(
                place.get("plz"), place.get("ort"), nuts3=_nuts(place.get("plz"))
            )
        vacancy["native_contract_label"] = native.get("vertragsart")
        vacancy["contract_type"] = coded(_TABLES["contract"], native.get("vertragsart"), "OTHER")
        vacancy["working_time"] = coded(
            _TABLES["working_time"], native.get("arbeitszeit"), "UNKNOWN"
        )
        vacancy["positions"] = int(native.get("anzahlStellen") or 1)
        vacancy["languages"] = [
            language_skill(
                language_code(_TABLES, s["sprache"]),
                cefr_level(s.get("niveau")),
                required=bool(s.get("erforderlich", True)),
                native_label=s["sprache"],
            )
            for s in native.get("sprachen") or []
        ]
        vacancy["driving_licences"] = list(native.get("fuehrerscheine") or [])
        if native.get("ausbildung"):
            vacancy["education"] = education(native["ausbildung"])
        vacancy["experience_months"] = native.get("berufserfahrungMonate")
        vacancy["employer"] = _EMPLOYER.read(native.get("arbeitgeber"))
        vacancy["recruiter_contact"], vacancy["contact_public"] = _CONTACT.read(
            native.get("kontakt")
        )
        vacancy["application"] = read_application(native.get("bewerbung"))
        vacancy["bottleneck"] = bool(native.get("mangelberuf"))
        vacancy.update(_TIMES.read(native))
        return vacancy

    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        main = main_text(vacancy, "de", "fr")
        place = vacancy.get("workplace") or {}
        return {
            "stellenangebotNr": vacancy["vacancy_id"],
            "herkunft": vacancy.get("source_pes"),
            "titel": main["title"],
            "beschreibung": main.get("description"),
            "beruf": _OCCUPATION.write(vacancy),
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
                    "sprache": language_name(_TABLES, lang),
                    "niveau": lang.get("level"),
                    "erforderlich": lang.get("required", True),
                }
                for lang in vacancy.get("languages") or []
            ],
            "fuehrerscheine": list(vacancy.get("driving_licences") or []),
            "ausbildung": (vacancy.get("education") or {}).get("label"),
            "berufserfahrungMonate": vacancy.get("experience_months"),
            "arbeitgeber": _EMPLOYER.write(vacancy.get("employer")),
            "kontakt": _CONTACT.write(vacancy),
            "bewerbung": write_application(vacancy.get("application")),
            "mangelberuf": vacancy.get("bottleneck", False),
            **_TIMES.write(vacancy),
        }
