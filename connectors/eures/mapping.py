"""EURES's native vacancy: an Input API detail record whose ``content`` is a PositionOpening.

The contract's native record is a dict, so this mapping takes and returns the detail
object EURES reads from ``getDetails`` (pes-formats §5.2): ``reference``, ``content``
(the HR-Open 3.2 XML) and ``contentFormatVersion``. The XML work is in ``reader`` and
``writer``; the reference is the hub's vacancy key ``<PES>:<vacancy id>``.
"""

from __future__ import annotations

from typing import Any

from connectors.base.exceptions import MappingError
from connectors.base.mapping import VacancyMapping
from connectors.eures.reader import parse_document, read_position_opening
from connectors.eures.writer import write_position_opening

__all__ = ["CONTENT_FORMAT_VERSION", "EuresMapping", "reference_of"]

CONTENT_FORMAT_VERSION = "1.3"


def reference_of(vacancy: dict[str, Any]) -> str:
    """Return the Input API reference of a vacancy: its hub key."""
    return f"{vacancy['source_pes']}:{vacancy['vacancy_id']}"


class EuresMapping(VacancyMapping):
    """HR-Open 3.2 PositionOpening documents, as the EURES Input API carries them."""

    code = "EURES"
    language = "en"

    def native_id(self, native: dict[str, Any]) -> str:
        if native.get("reference"):
            return str(native["reference"])
        root = parse_document(self._content(native))
        document = root.find("{http://www.hr-xml.org/3}DocumentID")
        return (document.text or "").strip() if document is not None else ""

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        return read_position_opening(self._content(native))

    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        return {
            "reference": reference_of(vacancy),
            "content": write_position_opening(vacancy),
            "contentFormatVersion": CONTENT_FORMAT_VERSION,
        }

    @staticmethod
    def _content(native: dict[str, Any]) -> str:
        content = native.get("content")
        if not isinstance(content, str | bytes) or not content:
            raise MappingError("content: the record carries no PositionOpening document")
        return content
