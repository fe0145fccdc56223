"""Bruxelles Formation's training offers, as this hub assumes them.

Bruxelles Formation trains; it does not place. Its offers (qualifying training, on-the-job
training FPI, basic training) travel as a Vacancy because the canonical model has no
training record yet: the training type is kept as the native contract, the places as
positions, the registration deadline as ``valid_until``, and the training centre as the
employer. The JSON shape is the hub's assumption (no public API description).
"""

from __future__ import annotations

from typing import Any

from connectors.base.canonical import (
    read_tables,
    belgian_place,
    occupation,
    empty_vacancy,
    iso_date,
    occupation_code,
    to_epoch_ms,
)
from connectors.base.exceptions import MappingError
from connectors.base.mapping import VacancyMapping

__all__ = ["BruxellesFormationMapping"]

_TABLES = read_tables(__file__)


class BruxellesFormationMapping(VacancyMapping):
    """Bruxelles Formation training offers."""

    code = "BF"
    language = "fr"

    def native_id(self, native: dict[str, Any]) -> str:
        return str(native["idFormation"])

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        try:
            vacancy = empty_vacancy("BF", str(native["idFormation"]))
            title = native["intitule"]
        except KeyError as exc:
            raise MappingError(f"training offer without {exc.args[0]}") from exc
        vacancy["texts"] = [
            {
                "language": native.get("langueFormation") or "fr",
                "title": title,
                "description": native.get("description"),
            }
        ]
        target = native.get("metierVise") or {}
        if target.get("codeRome"):
            vacancy["occupations"] = [
                occupation("ROME_V3", target["codeRome"], target.get("libelle"))
            ]
        place = native.get("lieu") or {}
        if place:
            vacancy["workplace"] = belgian_place(
                place.get("codePostal"), place.get("centre"), label=place.get("centre")
            )
            vacancy["employer"] = {
                "name": place.get("centre") or "Bruxelles Formation",
                "enterprise_number": None,
                "nace": "85.32",
                "size": None,
            }
        kind = native.get("type")
        vacancy["native_contract_label"] = kind
        vacancy["contract_type"] = _TABLES["training_type"].get((kind or "").lower(), "OTHER")
        vacancy["positions"] = int(native.get("places") or 1)
        required = native.get("prerequis") or {}
        vacancy["languages"] = [
            {"language": code, "level": "UNKNOWN", "required": True, "native_label": None}
            for code in required.get("langues") or []
        ]
        if required.get("niveauEtudes"):
            vacancy["education"] = {
                "isced_level": None,
                "label": required["niveauEtudes"],
                "field": None,
            }
        if native.get("contact"):
            vacancy["application"] = {
                "url": native["contact"].get("url"),
                "email": native["contact"].get("email"),
                "instructions": None,
            }
        start = to_epoch_ms(native.get("debut"), field="debut") or 0
        vacancy["published_at"] = vacancy["updated_at"] = (
            to_epoch_ms(native.get("publieLe"), field="publieLe") or start
        )
        vacancy["valid_until"] = to_epoch_ms(
            native.get("inscriptionJusque"), field="inscriptionJusque"
        )
        return vacancy

    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        code, label = occupation_code(vacancy, "ROME_V3", "ROME_V4", "COMPETENT")
        text = (vacancy.get("texts") or [{"title": "", "description": None, "language": "fr"}])[0]
        place = vacancy.get("workplace") or {}
        application = vacancy.get("application") or {}
        return {
            "idFormation": vacancy["vacancy_id"],
            "origine": vacancy.get("source_pes"),
            "intitule": text["title"],
            "description": text.get("description"),
            "metierVise": {"codeRome": code, "libelle": label} if code else None,
            "lieu": {"codePostal": place.get("postal_code"), "centre": place.get("municipality")}
            if place
            else None,
            "type": vacancy.get("native_contract_label") or "offre d'emploi partenaire",
            "places": vacancy.get("positions", 1),
            "langueFormation": text.get("language"),
            "prerequis": {
                "niveauEtudes": (vacancy.get("education") or {}).get("label"),
                "langues": [lang["language"] for lang in vacancy.get("languages") or []],
            },
            "publieLe": iso_date(vacancy.get("published_at")),
            "inscriptionJusque": iso_date(vacancy.get("valid_until")),
            "contact": {"url": application.get("url"), "email": application.get("email")},
        }
