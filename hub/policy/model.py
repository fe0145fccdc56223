"""The values the policy reads and returns: events, a subject's state, decisions."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

__all__ = ["Decision", "Event", "Outcome", "RecordRef", "StateRecord", "SubjectState"]


class Outcome(StrEnum):
    """What happens to one event for one destination."""

    ALLOW = "ALLOW"
    ALLOW_MINIMISED = "ALLOW_MINIMISED"
    DENY = "DENY"


@dataclass(frozen=True, slots=True, order=True)
class RecordRef:
    """Where a record lives: enough for an auditor to fetch it again."""

    topic: str
    partition: int
    offset: int

    def as_record(self) -> dict[str, Any]:
        """Return the Avro ``RecordRef`` form."""
        return {"topic": self.topic, "partition": self.partition, "offset": self.offset}


@dataclass(frozen=True, slots=True)
class StateRecord:
    """A consent change or registration, and where the router read it."""

    ref: RecordRef
    record: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SubjectState:
    """Everything the hub knows about one person's consents and registrations."""

    consents: tuple[StateRecord, ...] = ()
    registrations: tuple[StateRecord, ...] = ()

    @property
    def known(self) -> bool:
        """Return whether the hub holds any consent or registration for the person."""
        return bool(self.consents or self.registrations)


class Event(NamedTuple):
    """One input event as the policy sees it (a named tuple: one is made per event)."""

    event_type: str
    source: str
    key: str
    time_ms: int
    record: dict[str, Any]
    ref: RecordRef

    @property
    def home(self) -> str | None:
        """Return the subject's home service, for events about a person."""
        subject = self.record.get("subject")
        return subject.get("home_pes") if isinstance(subject, dict) else None


class Decision(NamedTuple):
    """The policy's answer for one event and one destination (a named tuple: five are made
    per event, and a frozen dataclass sets each of its fourteen fields one by one)."""

    destination: str
    outcome: Outcome
    reason_code: str
    reason: str
    purpose: str | None = None
    rule_id: str | None = None
    basis_kind: str = "NONE"
    basis_reference: str | None = None
    basis_version: str | None = None
    relied_on: tuple[RecordRef, ...] = ()
    payload: dict[str, Any] | None = None
    fields_removed: tuple[str, ...] = ()
    fields_pseudonymised: tuple[str, ...] = ()
    codes_added: tuple[str, ...] = ()

    def __repr__(self) -> str:
        """Name the decision without its payload, which may hold personal data."""
        return (
            f"Decision(destination={self.destination!r}, outcome={self.outcome.value}, "
            f"reason_code={self.reason_code!r}, rule_id={self.rule_id!r})"
        )
