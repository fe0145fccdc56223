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
    read_tables,
    occupation,
    empty_vacancy,
    iso_date,
    nuts_for_postal_code,
    occupation_code,
    to_epoch_ms,
)
from connectors.base.exceptions import MappingError
from connectors.base.mapping import VacancyMapping

__all__ = ["ForemMapping"]


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


class ForemMapping(VacancyMapping):
    """Le Forem open-data records."""

    code = "FOREM"
    language = "fr"

    def native_id(self, native: dict[str, Any]) -> str:
        return str(native["numerooffreforem"])

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        tables = _tables()
        try:
            vacancy = empty_vacancy("FOREM", str(native["numerooffreforem"]))
            title = native["titreoffre"]
        except KeyError as exc:
            raise MappingError(f"Le Forem record without {exc.args[0]}") from exc
        vacancy["texts"] = [{"language": "fr", "title": title, "description": None}]
        rome = native.get("metiercodedimeco")
        if rome:
            vacancy["occupations"] = [occupation("ROME_V3", rome, native.get("metier"))]
            vacancy["bottleneck"] = rome in tables["shortage_rome"]
        places = _workplaces(native)
        vacancy["workplace"], vacancy["other_workplaces"] = (
            (places[0], places[1:]) if places else (None, [])
        )
        contract = native.get("typecontrat")
        vacancy["native_contract_label"] = contract
        vacancy["contract_type"] = tables["contract"].get((contract or "").strip().lower(), "OTHER")
        vacancy["working_time"] = tables["working_time"].get(
            (native.get("regimetravail") or "").lower(), "UNKNOWN"
        )
        vacancy["positions"] = int(native.get("nombrepostes") or 1)
        names = native.get("langues") or []
        isos = [c.lower() for c in native.get("languescodeiso2") or []]
        vacancy["languages"] = [
            {
                "language": isos[i]
                if i < len(isos)
                else tables["languages"].get(name.lower(), "und"),  # und: ISO 639 "undetermined"
                "level": "UNKNOWN",
                "required": True,
                "native_label": name,
            }
            for i, name in enumerate(names)
        ]
        vacancy["driving_licences"] = [
            p.split(" ")[0] for p in native.get("permisdeconduire") or []
        ]
        studies = native.get("niveauxetudes") or []
        vacancy["education"] = (
            {"isced_level": None, "label": "; ".join(studies), "field": None} if studies else None
        )
        vacancy["experience_label"] = native.get("experiencerequise")
        if native.get("nomemployeur"):
            vacancy["employer"] = {
                "name": native["nomemployeur"],
                "enterprise_number": None,
                "nace": None,
                "size": None,
            }
        if native.get("url"):
            vacancy["application"] = {"url": native["url"], "email": None, "instructions": None}
        if native.get("source") or native.get("referenceexterne"):
            vacancy["origin"] = {
                "channel": native.get("source"),
                "external_reference": native.get("referenceexterne"),
                "url": native.get("url"),
            }
        published = to_epoch_ms(native.get("datedebutdiffusion"), field="datedebutdiffusion") or 0
        vacancy["published_at"] = vacancy["updated_at"] = published
        vacancy["valid_until"] = to_epoch_ms(
            native.get("datefindiffusion"), field="datefindiffusion"
        )
        return vacancy

    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        tables = _tables()
        rome, label = occupation_code(vacancy, "ROME_V3", "ROME_V4", "COMPETENT")
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
            "langues": [
                tables["language_label"].get(
                    lang["language"], lang.get("native_label") or lang["language"]
                )
                for lang in vacancy.get("languages") or []
            ],
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
            "datedebutdiffusion": iso_date(vacancy.get("published_at")),
            "datefindiffusion": iso_date(vacancy.get("valid_until")),
        }
