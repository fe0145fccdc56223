"""Bruxelles Formation's trainee referrals, as this hub assumes them.

When a jobseeker of another service is referred to, or enrolled in, one of its trainings,
Bruxelles Formation records a referral ("orientation"). The hub carries it as a canonical
Registration at BF in the TRAINEE capacity, keyed by the person's home-service subject:
it is what lets the router send that person's data to BF on the REGISTRATION basis.

Bruxelles Formation publishes no description of such an API; the hub assumes this shape::

    {
      "idOrientation": "OR-2026-004512",        # string or number
      "statut": "inscrit",                      # referral status label
      "stagiaire": {
        "organismeReferent": "Le Forem",        # home service, by code or by name
        "identifiantReferent": "FOREM-000123"   # id at the home service, string or number
      },
      "formation": {
        "idFormation": "BF-WEB-2026-03",
        "type": "formation qualifiante",        # training type label
        "intitule": "Développeur·euse web",
        "debut": "2026-09-07",                  # first day
        "fin": "2027-02-26"                     # last day, may be missing or null
      },
      "enregistreLe": "2026-08-20T10:15:00+02:00"
    }

The labels are read through ``data/tables.json``: the status gives the KSZ-style capacity
code (``000`` enrolled, ``902`` referred but not yet enrolled), the training type the
capacity, the home service's code or name its PesCode. An unknown label is never guessed:
it raises MappingError naming the field. ``fin`` is the last day of the training, so the
canonical ``valid_until`` (exclusive) is the day after it. The training itself has no
place in a Registration and is not kept.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from connectors.base.canonical import from_epoch_ms, read_tables, to_epoch_ms
from connectors.base.exceptions import MappingError
from connectors.base.native import coded

__all__ = ["ReferralMapping"]

_TABLES = read_tables(__file__)
_DAY_MS = 86_400_000


def _label(table: str, value: Any, field: str) -> str:
    """Return the table's code for a native label; raise MappingError naming *field* if unknown."""
    code = coded(_TABLES[table], str(value or "").strip(), None)
    if code is None:
        raise MappingError(f"{field}: unknown value {value!r}")
    return code


def _first_label(table: str, code: str | None, field: str) -> str:
    """Return the first native label the table gives *code* (the tables list it first)."""
    label = next((name for name, value in _TABLES[table].items() if value == code), None)
    if label is None:
        raise MappingError(f"{field}: no Bruxelles Formation label for {code!r}")
    return label


def _day(ms: int | None) -> str | None:
    """Write epoch milliseconds as the ISO date of that moment in UTC."""
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC).date().isoformat()


class ReferralMapping:
    """Bruxelles Formation's referrals of trainees <-> canonical Registration."""

    code = "BF"

    def native_id(self, native: dict[str, Any]) -> str:
        """Return the referral's id, always a string."""
        if native.get("idOrientation") in (None, ""):
            raise MappingError("idOrientation: missing")
        return str(native["idOrientation"])

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        """Return the canonical Registration of a referral; raise MappingError if impossible."""
        trainee = native.get("stagiaire") or {}
        training = native.get("formation") or {}
        person = trainee.get("identifiantReferent")
        if person in (None, ""):
            raise MappingError("stagiaire.identifiantReferent: missing")
        recorded = to_epoch_ms(native.get("enregistreLe"), field="enregistreLe")
        if recorded is None:
            raise MappingError("enregistreLe: missing")
        end = to_epoch_ms(training.get("fin"), field="formation.fin")
        return {
            "registration_id": self.native_id(native),
            "subject": {
                "home_pes": _label(
                    "home_service", trainee.get("organismeReferent"), "stagiaire.organismeReferent"
                ),
                "jobseeker_id": str(person),
            },
            "pes": self.code,
            "capacity": _label("referral_type", training.get("type"), "formation.type"),
            "capacity_code": _label("referral_status", native.get("statut"), "statut"),
            "vacancy": None,
            "valid_from": to_epoch_ms(training.get("debut"), field="formation.debut"),
            "valid_until": None if end is None else end + _DAY_MS,
            "recorded_at": recorded,
        }

    def from_canonical(self, registration: dict[str, Any]) -> dict[str, Any]:
        """Return the referral Bruxelles Formation would record for a canonical Registration."""
        until = registration.get("valid_until")
        return {
            "idOrientation": registration["registration_id"],
            "statut": _first_label("referral_status", registration.get("capacity_code"), "statut"),
            "stagiaire": {
                "organismeReferent": registration["subject"]["home_pes"],
                "identifiantReferent": registration["subject"]["jobseeker_id"],
            },
            "formation": {
                "type": _first_label("referral_type", registration.get("capacity"), "type"),
                "debut": _day(registration.get("valid_from")),
                "fin": None if until is None else _day(until - _DAY_MS),
            },
            "enregistreLe": from_epoch_ms(registration["recorded_at"]),
        }
