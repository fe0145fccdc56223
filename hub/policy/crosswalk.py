"""The occupation crosswalk: Competent / ROME v3 / ROME v4 <-> ISCO-08 (and ESCO where known).

Matching across services only works when both sides speak the same occupation language,
so every vacancy that crosses gets the destination's scheme added. A code the crosswalk
does not know is kept and flagged ``unmapped``; nothing is guessed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub.policy.exceptions import CrosswalkError

__all__ = ["CROSSWALK_FILE", "SCHEME_COLUMNS", "Crosswalk", "Occupation"]

CROSSWALK_FILE = "occupations.csv"

# Avro ClassificationScheme symbol -> crosswalk column.
SCHEME_COLUMNS = {
    "COMPETENT": "competent",
    "ROME_V3": "rome_v3",
    "ROME_V4": "rome_v4",
    "ISCO_08": "isco08",
    "ESCO": "esco_uri",
}
_LABEL_COLUMN = {"nl": "label_nl", "fr": "label_fr", "de": "label_de", "en": "label_en"}


@dataclass(frozen=True)
class Occupation:
    """One crosswalk row: the same occupation in every scheme we know."""

    codes: dict[str, str]
    labels: dict[str, str]
    zones: frozenset[str]

    def label(self, language: str) -> str:
        """Return the label in *language*, falling back to French (ROME's language)."""
        return self.labels.get(language) or self.labels.get("fr", "")


class Crosswalk:
    """Look up occupations by (scheme, code) and translate between schemes."""

    def __init__(self, occupations: Iterable[Occupation]) -> None:
        self._index: dict[tuple[str, str], Occupation] = {}
        self._zones: dict[str, set[tuple[str, str]]] = {}
        for occupation in occupations:
            for scheme, code in occupation.codes.items():
                # ISCO is coarser than ROME: keep the first (most common) occupation per ISCO code
                self._index.setdefault((scheme, code), occupation)
            for zone in occupation.zones:
                self._zones.setdefault(zone, set()).update(occupation.codes.items())

    @classmethod
    def from_directory(cls, topics_dir: Path) -> Crosswalk:
        """Read ``topics/occupations.csv``."""
        path = topics_dir / CROSSWALK_FILE
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
        except OSError as exc:
            raise CrosswalkError(f"cannot read the occupation crosswalk {path}: {exc}") from exc
        missing = set(SCHEME_COLUMNS.values()) - set(rows[0] if rows else ())
        if missing:
            raise CrosswalkError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        return cls(
            Occupation(
                codes={s: row[c].strip() for s, c in SCHEME_COLUMNS.items() if row[c].strip()},
                labels={
                    lang: row[c].strip()
                    for lang, c in _LABEL_COLUMN.items()
                    if row.get(c, "").strip()
                },
                zones=frozenset(z for z in (row.get("bottleneck_zones") or "").split(";") if z),
            )
            for row in rows
        )

    def find(self, scheme: str, code: str) -> Occupation | None:
        """Return the occupation with this code in this scheme, or None."""
        return self._index.get((scheme, code))

    def in_zone(self, zone: str, occupations: Iterable[dict[str, Any]]) -> bool:
        """Return whether any of the occupations is on the zone's list."""
        listed = self._zones.get(zone, set())
        return any((o.get("scheme"), o.get("code")) in listed for o in occupations)

    def zone_has_list(self, zone: str) -> bool:
        """Return whether the zone restricts occupations at all."""
        return bool(self._zones.get(zone))

    def add_scheme(
        self, occupations: list[dict[str, Any]], scheme: str, language: str
    ) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
        """Return the occupations with *scheme* codes added, and the codes added.

        Occupations whose code the crosswalk does not know are flagged ``unmapped``.
        """
        result = [dict(o) for o in occupations]
        have = {(o.get("scheme"), o.get("code")) for o in result}
        added: list[str] = []
        for occupation in list(result):
            found = self.find(occupation.get("scheme", ""), occupation.get("code", ""))
            if found is None:
                occupation["unmapped"] = True
                continue
            code = found.codes.get(scheme)
            if code is None or (scheme, code) in have:
                continue
            result.append(
                {"scheme": scheme, "code": code, "label": found.label(language), "unmapped": False}
            )
            have.add((scheme, code))
            added.append(f"{scheme}:{code}")
        return result, tuple(added)
