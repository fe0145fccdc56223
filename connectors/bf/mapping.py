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
    belgian_place,
    education,
    language_skill,
    read_tables,
    text,
    to_epoch_ms,
)
from connectors.base.native import (
    NativeRecordMapping,
    OccupationKeys,
    TimeKeys,
    coded,
    read_application,
)

__all__ = ["BruxellesFormationMapping"]

_TABLES = read_tables(__file__)
_OCCUPATION = OccupationKeys("ROME_V3", code="codeRome", label="libelle")
_TIMES = TimeKeys(published="publieLe", valid_until="inscriptionJusque", days=True)


class BruxellesFormationMapping(NativeRecordMapping):
    """Bruxelles Formation training offers."""

    code = "BF"
    language = "fr"
    id_key = "idFormation"
    title_key = "intitule"
    record_name = "training offer"

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        vacancy, title = self.new_vacancy(native)
        vacancy["texts"] = [
            text(native.get("langueFormation") or self.language, title, native.get("description"))
        ]
        vacancy["occupations"] = _OCCUPATION.read(native.get("metierVise") or {})
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
        vacancy["contract_type"] = coded(_TABLES["training_type"], kind, "OTHER")
        vacancy["positions"] = int(native.get("places") or 1)
        required = native.get("prerequis") or {}
        vacancy["languages"] = [language_skill(code) for code in required.get("langues") or []]
        if required.get("niveauEtudes"):
            vacancy["education"] = education(required["niveauEtudes"])
        vacancy["application"] = read_application(native.get("contact"))
        # an offer not yet published is dated by its start
        start = to_epoch_ms(native.get("debut"), field="debut") or 0
        vacancy.update(_TIMES.read(native, published_or=start))
        return vacancy

    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        first = (vacancy.get("texts") or [{"title": "", "description": None, "language": "fr"}])[0]
        place = vacancy.get("workplace") or {}
        application = vacancy.get("application") or {}
        return {
            "idFormation": vacancy["vacancy_id"],
            "origine": vacancy.get("source_pes"),
            "intitule": first["title"],
            "description": first.get("description"),
            "metierVise": _OCCUPATION.write(vacancy),
            "lieu": {"codePostal": place.get("postal_code"), "centre": place.get("municipality")}
            if place
            else None,
            "type": vacancy.get("native_contract_label") or "offre d'emploi partenaire",
            "places": vacancy.get("positions", 1),
            "langueFormation": first.get("language"),
            "prerequis": {
                "niveauEtudes": (vacancy.get("education") or {}).get("label"),
                "langues": [lang["language"] for lang in vacancy.get("languages") or []],
            },
            **_TIMES.write(vacancy),
            "contact": {"url": application.get("url"), "email": application.get("email")},
        }
