"""Le Forem's open-data vacancy record (dataset ``offres-d-emploi-forem``), pes-formats §2.

Flat lower-case fields; workplaces as parallel arrays (``lieuxtravaillocalite``,
``lieuxtravailcodepostal``, ``lieuxtravailregionnuts``, ``lieuxtravailgeo``); occupation
as a ROME code in ``metiercodedimeco``; no description and no employer number in the
dataset. Labels are mapped through ``data/tables.json``; an unknown label is kept as the
native label, never guessed.
"""

from __future__ import annotations

from typing import Any

from connectors.base.canonical import (
    application,
    education,
    language_skill,
    nuts_for_postal_code,
    read_tables,
    text,
)
from connectors.base.native import (
    NativeRecordMapping,
    OccupationKeys,
    TimeKeys,
    coded,
    language_code,
    language_name,
)

__all__ = ["ForemMapping"]

_OCCUPATION = OccupationKeys("ROME_V3", code="metiercodedimeco", label="metier")
_TIMES = TimeKeys(published="datedebutdiffusion", valid_until="datefindiffusion", days=True)


def _tables() -> dict[str, Any]:
    return read_tables(__file__)


def _workplaces(native: dict[str, Any]) -> list[dict[str, Any]]:
    towns = native.get("lieuxtravaillocalite") or []
    codes = native.get("lieuxtravailcodepostal") or []
    nuts = native.get("lieuxtravailregionnuts") or []
    geo = native.get("lieuxtravailgeo") or []
    places = []
    for index in range(max(len(towns), len(codes))):
        postal = codes[index] if index < len(codes) else None
        given = nuts[index] if index < len(nuts) else None
        point = geo[index] if index < len(geo) else {}
        places.append(
            {
                "postal_code": postal,
                "municipality": (
                    towns[index].title() if index < len(towns) and towns[index] else None
                ),
                "nuts3": nuts_for_postal_code(postal) if postal else given,
                "country": "BE",
                "insee_commune": None,
                "label": None,
                "latitude": point.get("lat"),
                "longitude": point.get("lon"),
            }
        )
    return places


class ForemMapping(NativeRecordMapping):
    """Le Forem open-data records."""

    code = "FOREM"
    language = "fr"
    id_key = "numerooffreforem"
    title_key = "titreoffre"
    record_name = "Le Forem record"

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        tables = _tables()
        vacancy, title = self.new_vacancy(native)
        vacancy["texts"] = [text(self.language, title)]
        vacancy["occupations"] = _OCCUPATION.read(native)
        rome = native.get("metiercodedimeco")
        if rome:
            vacancy["bottleneck"] = rome in tables["shortage_rome"]
        places = _workplaces(native)
        vacancy["workplace"], vacancy["other_workplaces"] = (
            (places[0], places[1:]) if places else (None, [])
        )
        contract = native.get("typecontrat")
        vacancy["native_contract_label"] = contract
        vacancy["contract_type"] = coded(tables["contract"], (contract or "").strip(), "OTHER")
        vacancy["working_time"] = coded(
            tables["working_time"], native.get("regimetravail"), "UNKNOWN"
        )
        vacancy["positions"] = int(native.get("nombrepostes") or 1)
        names = native.get("langues") or []
        isos = [c.lower() for c in native.get("languescodeiso2") or []]
        vacancy["languages"] = [
            language_skill(
                isos[i] if i < len(isos) else language_code(tables, name), native_label=name
            )
            for i, name in enumerate(names)
        ]
        vacancy["driving_licences"] = [
            p.split(" ")[0] for p in native.get("permisdeconduire") or []
        ]
        studies = native.get("niveauxetudes") or []
        vacancy["education"] = education("; ".join(studies)) if studies else None
        vacancy["experience_label"] = native.get("experiencerequise")
        if native.get("nomemployeur"):
            vacancy["employer"] = {
                "name": native["nomemployeur"],
                "enterprise_number": None,
                "nace": None,
                "size": None,
            }
        if native.get("url"):
            vacancy["application"] = application(native["url"])
        if native.get("source") or native.get("referenceexterne"):
            vacancy["origin"] = {
                "channel": native.get("source"),
                "external_reference": native.get("referenceexterne"),
                "url": native.get("url"),
            }
        vacancy.update(_TIMES.read(native))
        return vacancy

    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        tables = _tables()
        rome, label = _OCCUPATION.best(vacancy)
        titles = {t["language"]: t["title"] for t in vacancy.get("texts") or []}
        places = [
            p for p in [vacancy.get("workplace"), *(vacancy.get("other_workplaces") or [])] if p
        ]
        employer = vacancy.get("employer") or {}
        origin = vacancy.get("origin") or {}
        application = vacancy.get("application") or {}
        return {
            "numerooffreforem": vacancy["vacancy_id"],
            "titreoffre": titles.get("fr") or next(iter(titles.values()), ""),
            "nomemployeur": employer.get("name"),
            "lieuxtravaillocalite": [p.get("municipality") for p in places],
            "lieuxtravailcodepostal": [p.get("postal_code") for p in places],
            "lieuxtravailregion": [],
            "lieuxtravailregionnuts": [p.get("nuts3") for p in places],
            "lieuxtravailgeo": [
                {"lat": p.get("latitude"), "lon": p.get("longitude")} for p in places
            ],
            "typecontrat": vacancy.get("native_contract_label")
            if vacancy.get("source_pes") == "FOREM"
            else tables["contract_label"].get(
                vacancy.get("contract_type"), vacancy.get("native_contract_label")
            ),
            "regimetravail": tables["working_time_label"].get(vacancy.get("working_time")),
            "nombrepostes": vacancy.get("positions", 1),
            "niveauxetudes": [(vacancy.get("education") or {}).get("label")]
            if vacancy.get("education")
            else [],
            "langues": [language_name(tables, lang) for lang in vacancy.get("languages") or []],
            "languescodeiso2": [
                lang["language"].upper() for lang in vacancy.get("languages") or []
            ],
            "experiencerequise": vacancy.get("experience_label"),
            "permisdeconduire": list(vacancy.get("driving_licences") or []),
            "secteurs": [],
            "metier": label,
            "metiercodedimeco": rome,
            "source": origin.get("channel") or vacancy.get("source_pes"),
            "referenceexterne": origin.get("external_reference") or vacancy["vacancy_id"],
            "url": application.get("url") or origin.get("url"),
            **_TIMES.write(vacancy),
        }
