"""Realistic synthetic records for the simulators: places, occupations, people, consents.

Places come from ``data/towns.json`` (postal code, municipality, NUTS3 per service's
region); occupations from the hub's crosswalk, with the cooperation zones' bottleneck
flags; about a third of the jobseekers consent to mediation elsewhere; people of other
services are registered here as trainees for a training of a few months.
"""

from __future__ import annotations

import csv
import json
import random
from functools import cache
from pathlib import Path
from typing import Any

from hub import paths

__all__ = ["FakeData"]

_TOWNS = Path(__file__).with_name("data") / "towns.json"
_DAY_MS = 86_400_000
_SCHEME = {"VDAB": "COMPETENT", "ACTIRIS": "COMPETENT", "FT": "ROME_V4"}
_GIVEN = {
    "nl": ["Jan", "An", "Pieter", "Lien", "Tom", "Els"],
    "fr": ["Julie", "Marc", "Sophie", "Karim", "Léa", "Luc"],
    "de": ["Jonas", "Anna", "Lukas", "Marie"],
}
_FAMILY = {
    "nl": ["Peeters", "Janssens", "Maes", "Claes"],
    "fr": ["Lambert", "Dubois", "Martin", "Leroy"],
    "de": ["Schmitz", "Müller", "Kessler", "Weber"],
}
_LANGUAGE = {"VDAB": "nl", "FOREM": "fr", "ACTIRIS": "fr", "BF": "fr", "ADG": "de", "FT": "fr"}


@cache
def _towns() -> dict[str, list[dict[str, Any]]]:
    return json.loads(_TOWNS.read_text(encoding="utf-8"))


@cache
def _occupations() -> list[dict[str, str]]:
    with (paths.topics_dir() / "occupations.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class FakeData:
    """Deterministic generator of canonical records for one service."""

    def __init__(self, code: str, seed: int = 7) -> None:
        self.code = code
        self.language = _LANGUAGE[code]
        self._rng = random.Random(f"{code}-{seed}")
        self._serial = 0

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def _occupation(self) -> dict[str, Any]:
        row = self._rng.choice(_occupations())
        scheme = _SCHEME.get(self.code, "ROME_V3")
        code = (
            row.get({"COMPETENT": "competent", "ROME_V4": "rome_v4"}.get(scheme, "rome_v3"))
            or row["rome_v3"]
        )
        label = row.get(f"label_{self.language}") or row["label_fr"]
        return {
            "scheme": scheme,
            "code": code,
            "label": label,
            "unmapped": False,
            "_zones": row.get("bottleneck_zones") or "",
        }

    def vacancy(self, now_ms: int) -> dict[str, Any]:
        """Return a canonical Vacancy published by this service."""
        occupation = self._occupation()
        zones = occupation.pop("_zones")
        town = dict(self._rng.choice(_towns()[self.code]), insee_commune=None, label=None)
        number = self._next()
        # France Travail's search filters by creation date: its new offers are created now
        published = now_ms if self.code == "FT" else now_ms - self._rng.randint(0, 60) * _DAY_MS
        title = occupation["label"]
        return {
            "source_pes": self.code,
            "vacancy_id": f"{self.code[:2]}{now_ms % 10**7:07d}{number:04d}",
            "status": "OPEN",
            "texts": [
                {
                    "language": self.language,
                    "title": title,
                    "description": f"{title} — {town['municipality']}",
                }
            ],
            "occupations": [occupation],
            "workplace": town,
            "other_workplaces": [],
            "contract_type": self._rng.choice(["PERMANENT", "FIXED_TERM", "TEMPORARY_AGENCY"]),
            "native_contract_code": None,
            "native_contract_label": None,
            "working_time": self._rng.choice(["FULL_TIME", "FULL_TIME", "PART_TIME"]),
            "positions": self._rng.randint(1, 3),
            "languages": [
                {"language": self.language, "level": "B2", "required": True, "native_label": None}
            ],
            "driving_licences": self._rng.choice([[], ["B"], ["B", "C"]]),
            "education": None,
            "experience_months": self._rng.choice([None, 12, 24]),
            "experience_label": None,
            "skills": [],
            "salary": None,
            "employer": {
                "name": f"{town['municipality']} Works {number}",
                "enterprise_number": None,
                "nace": None,
                "size": None,
            },
            "recruiter_contact": {
                "name": "Recruiter",
                "email": f"jobs{number}@employer.example",
                "phone": None,
            },
            "contact_public": self._rng.random() < 0.3,
            "application": {
                "url": f"https://jobs.example/{self.code.lower()}/{number}",
                "email": None,
                "instructions": None,
            },
            "bottleneck": bool(zones) or self._rng.random() < 0.3,
            "interregional_assistance": self._rng.random() < 0.2,
            "origin": None,
            "published_at": published,
            "updated_at": published,
            "valid_until": None,
        }

    def jobseeker(self, now_ms: int) -> dict[str, Any]:
        """Return a canonical JobseekerProfile of a person registered here."""
        number = self._next()
        town = dict(self._rng.choice(_towns()[self.code]), insee_commune=None, label=None)
        occupation = self._occupation()
        occupation.pop("_zones")
        language = self.language if self.language in _GIVEN else "fr"
        born = self._rng.randint(70, 99)
        nrn_base = f"{born:02d}{self._rng.randint(1, 12):02d}{self._rng.randint(1, 28):02d}{self._rng.randint(1, 997):03d}"
        nrn = nrn_base + f"{97 - int(nrn_base) % 97:02d}"
        return {
            "subject": {"home_pes": self.code, "jobseeker_id": f"{self.code}-{number:06d}"},
            "national_register_number": nrn,
            "national_register_pseudonym": None,
            "given_name": self._rng.choice(_GIVEN[language]),
            "family_name": self._rng.choice(_FAMILY[language]),
            "birth_date": (born - 70) * 365,
            "contact": {"email": f"js{number}@mail.example", "phone": None, "address_lines": []},
            "residence": town,
            "max_commute_km": 60,
            "driving_licences": ["B"],
            "desired_occupations": [occupation],
            "competences": [],
            "languages": [
                {"language": self.language, "level": "C2", "required": False, "native_label": None}
            ],
            "education": None,
            "availability": None,
            "updated_at": now_ms,
        }

    def consent(
        self, profile: dict[str, Any], now_ms: int, destinations: list[str]
    ) -> dict[str, Any]:
        """Return a consent to mediation at *destinations* for a jobseeker."""
        return {
            "consent_id": f"{profile['subject']['jobseeker_id']}-c{self._next()}",
            "subject": profile["subject"],
            "action": "GRANTED",
            "destinations": destinations,
            "purposes": ["MEDIATION"],
            "data_sections": ["IDENTITY", "RESIDENCE", "OCCUPATIONS", "LANGUAGES", "LICENCES"],
            "valid_from": now_ms,
            "valid_until": None,
            "evidence_reference": f"{self.code.lower()}://consents",
            "recorded_at": now_ms,
        }

    def registration(self, home_pes: str, now_ms: int) -> dict[str, Any]:
        """Return a definitive TRAINEE Registration here of a person whose home is *home_pes*.

        The training starts in one to eight weeks, on a day boundary as a training does,
        and lasts three to nine months.
        """
        start = (now_ms // _DAY_MS + self._rng.randint(7, 56)) * _DAY_MS
        return {
            "registration_id": f"{self.code}-R{self._next():06d}",
            "subject": {
                "home_pes": home_pes,
                "jobseeker_id": f"{home_pes}-{self._rng.randint(1, 999_999):06d}",
            },
            "pes": self.code,
            "capacity": "TRAINEE",
            "capacity_code": "000",
            "vacancy": None,
            "valid_from": start,
            "valid_until": start + self._rng.randint(3, 9) * 30 * _DAY_MS,
            "recorded_at": now_ms,
        }

    def wants_consent(self) -> bool:
        """About a third of jobseekers consent."""
        return self._rng.random() < 1 / 3

    def pick(self, options: list[str], count: int = 1) -> list[str]:
        """Return *count* distinct options."""
        return self._rng.sample(options, min(count, len(options)))
