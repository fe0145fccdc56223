"""The mapping contract every service package fulfils: native vacancy <-> canonical Vacancy.

Mappings are pure (no I/O) and table-driven: code lists live in the package's ``data/``.
``to_canonical`` returns a dict valid for ``schemas/avro/Vacancy.avsc`` (every field
present; times as UTC epoch milliseconds); ``from_canonical`` returns the service's own
JSON shape. Unknown codes are kept as labels or flagged, never guessed; a record that
cannot be mapped raises MappingError saying which field is wrong.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

__all__ = ["VacancyMapping"]


class VacancyMapping(ABC):
    """Native vacancy format of one service."""

    #: the service code (PesCode symbol), e.g. "VDAB"
    code: ClassVar[str]
    #: main language of the service's texts (ISO 639-1)
    language: ClassVar[str]

    @abstractmethod
    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        """Return the canonical Vacancy of a native record; raise MappingError if impossible."""

    @abstractmethod
    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        """Return the native record for a canonical Vacancy (what the service's API accepts)."""

    @abstractmethod
    def native_id(self, native: dict[str, Any]) -> str:
        """Return the service's id of a native record."""
