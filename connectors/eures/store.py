"""The Input API's reference store: a pure projection of the published vacancies.

Per reference (the vacancy key ``<PES>:<id>``) it keeps what EURES asks for (pes-formats
§5.2): creation, last modification and closing times, source and status, plus the
PositionOpening document. Times come from the records applied, not from the clock, so a
store rebuilt from the topics after a restart answers ``getChanges`` as before.
``lastModificationTimestamp`` moves only when the generated document really changes
(a checksum of it). A filled, withdrawn or expired vacancy, or one whose ``valid_until``
has passed, is CLOSED with empty content. No I/O here: callers pass ``now_ms``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from connectors.eures.mapping import CONTENT_FORMAT_VERSION, reference_of

__all__ = ["CLOSING_STATUSES", "Reference", "ReferenceStore"]

CLOSING_STATUSES = frozenset({"FILLED", "WITHDRAWN", "EXPIRED"})


@dataclass
class Reference:
    """One vacancy as the Input API shows it."""

    reference: str
    source: str
    creation: int
    last_modification: int
    closed_at: int | None
    valid_until: int | None
    checksum: str
    content: str

    def closing(self, now_ms: int) -> int | None:
        """Return when it closed: explicitly, or when valid_until passed; None while active."""
        expired = (
            self.valid_until
            if self.valid_until is not None and self.valid_until <= now_ms
            else None
        )
        moments = [m for m in (self.closed_at, expired) if m is not None]
        return min(moments) if moments else None

    def status(self, now_ms: int) -> str:
        """Return ACTIVE or CLOSED as of *now_ms*."""
        return "CLOSED" if self.closing(now_ms) is not None else "ACTIVE"

    def summary(self, now_ms: int) -> dict[str, Any]:
        """Return the reference object of getDetails (without content)."""
        return {
            "creationTimestamp": self.creation,
            "lastModificationTimestamp": self.last_modification,
            "closingTimestamp": self.closing(now_ms),
            "reference": self.reference,
            "source": self.source,
            "status": self.status(now_ms),
        }


class ReferenceStore:
    """Every vacancy seen, by reference; ``apply`` folds one published record in."""

    def __init__(self, render: Callable[[dict[str, Any]], str]) -> None:
        self._render = render
        self._references: dict[str, Reference] = {}

    def __len__(self) -> int:
        return len(self._references)

    def apply(self, vacancy: dict[str, Any], at_ms: int) -> str:
        """Fold in a vacancy published at *at_ms* and say what that did.

        Returns created, modified, closed, reopened or unchanged; raises MappingError
        (before changing anything) when the document cannot be made.
        """
        reference = reference_of(vacancy)
        closes = vacancy.get("status") in CLOSING_STATUSES
        content = "" if closes else self._render(vacancy)
        checksum = hashlib.sha256(content.encode()).hexdigest()
        known = self._references.get(reference)
        if known is None:
            self._references[reference] = Reference(
                reference=reference,
                source=str(vacancy["source_pes"]),
                creation=at_ms,
                last_modification=at_ms,
                closed_at=at_ms if closes else None,
                valid_until=vacancy.get("valid_until"),
                checksum=checksum,
                content=content,
            )
            return "closed" if closes else "created"
        at_ms = max(at_ms, known.last_modification)
        if closes:
            if known.closed_at is not None:
                return "unchanged"
            known.closed_at, known.content, known.checksum = at_ms, "", checksum
            return "closed"
        reopened = known.closed_at is not None
        known.valid_until = vacancy.get("valid_until")
        if checksum == known.checksum and not reopened:
            return "unchanged"
        known.closed_at, known.content, known.checksum = None, content, checksum
        known.last_modification = at_ms
        return "reopened" if reopened else "modified"

    def all_references(self, now_ms: int) -> list[str]:
        """Return the references of every active vacancy (getAll)."""
        return sorted(
            r.reference for r in self._references.values() if r.status(now_ms) == "ACTIVE"
        )

    def changes(self, since_ms: int, now_ms: int) -> dict[str, list[str]]:
        """Return what was created, modified or closed at or after *since_ms* (getChanges)."""
        created, modified, closed = [], [], []
        for item in self._references.values():
            closing = item.closing(now_ms)
            if closing is not None:
                if closing >= since_ms:
                    closed.append(item.reference)
            elif item.creation >= since_ms:
                created.append(item.reference)
            elif item.last_modification >= since_ms:
                modified.append(item.reference)
        return {
            "createdReferences": sorted(created),
            "modifiedReferences": sorted(modified),
            "closedReferences": sorted(closed),
        }

    def details(self, references: Iterable[str], now_ms: int) -> dict[str, dict[str, Any]]:
        """Return the detail of each known reference (getDetails); a closed one has no content."""
        found: dict[str, dict[str, Any]] = {}
        for name in references:
            item = self._references.get(name)
            if item is None:
                continue
            active = item.status(now_ms) == "ACTIVE"
            found[name] = item.summary(now_ms) | {
                "content": item.content if active else "",
                "contentFormatVersion": CONTENT_FORMAT_VERSION,
            }
        return found
