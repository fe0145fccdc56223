"""What the router remembers per person: consent and registration history, and who got what.

Stored as compact JSON bytes in any ``MutableMapping[str, bytes]``: a plain dict in tests,
a faust Table (changelogged, co-partitioned by subject) in the running router.
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from typing import Any

from hub.policy.model import RecordRef, StateRecord, SubjectState

__all__ = ["CONSENT_FIELDS", "REGISTRATION_FIELDS", "SubjectStore", "state_record"]

CONSENT_FIELDS = (
    "consent_id",
    "action",
    "destinations",
    "purposes",
    "data_sections",
    "valid_from",
    "valid_until",
    "recorded_at",
)
REGISTRATION_FIELDS = (
    "registration_id",
    "pes",
    "capacity",
    "capacity_code",
    "valid_from",
    "valid_until",
    "recorded_at",
)


def state_record(event_type: str, ref: RecordRef, record: dict[str, Any]) -> StateRecord:
    """Return the part of a consent or registration record the policy reads."""
    fields = CONSENT_FIELDS if event_type == "consent" else REGISTRATION_FIELDS
    return StateRecord(ref, {k: record.get(k) for k in fields})


def _ref(raw: list[Any]) -> RecordRef:
    return RecordRef(str(raw[0]), int(raw[1]), int(raw[2]))


def _pack(item: StateRecord) -> list[Any]:
    return [[item.ref.topic, item.ref.partition, item.ref.offset], item.record]


class SubjectStore:
    """Per-subject state over a bytes mapping; the only place that knows its layout."""

    def __init__(self, table: MutableMapping[str, bytes]) -> None:
        self._table = table

    def _load(self, subject: str) -> dict[str, Any]:
        raw = self._table.get(subject)
        return json.loads(raw) if raw else {"c": [], "r": [], "to": {}}

    def _save(self, subject: str, data: dict[str, Any]) -> None:
        self._table[subject] = json.dumps(data, separators=(",", ":")).encode()

    def state(self, subject: str) -> SubjectState:
        """Return the person's consent and registration history."""
        data = self._load(subject)
        return SubjectState(
            consents=tuple(StateRecord(_ref(r), rec) for r, rec in data["c"]),
            registrations=tuple(StateRecord(_ref(r), rec) for r, rec in data["r"]),
        )

    def add_consent(self, subject: str, ref: RecordRef, record: dict[str, Any]) -> bool:
        """Append a consent change; return False if that record was applied before."""
        return self._append(subject, "c", state_record("consent", ref, record))

    def add_registration(self, subject: str, ref: RecordRef, record: dict[str, Any]) -> bool:
        """Append a registration record; return False if that record was applied before."""
        return self._append(subject, "r", state_record("registration", ref, record))

    def _append(self, subject: str, kind: str, item: StateRecord) -> bool:
        data = self._load(subject)
        packed = _pack(item)
        if any(existing[0] == packed[0] for existing in data[kind]):
            return False  # redelivered after a restart: at-least-once, applied once
        data[kind].append(packed)
        self._save(subject, data)
        return True

    def record_delivery(self, subject: str, destination: str, event_id: str, purpose: str) -> None:
        """Remember that *destination* received personal data about *subject*, and why."""
        data = self._load(subject)
        delivered = data["to"].setdefault(destination, [])
        if [event_id, purpose] not in delivered:
            delivered.append([event_id, purpose])
            self._save(subject, data)

    def recipients(self, subject: str) -> dict[str, list[tuple[str, str]]]:
        """Return {destination: [(event id, purpose)]} of every delivery of the person's data."""
        return {k: [(e, p) for e, p in v] for k, v in self._load(subject)["to"].items()}

    def forget_deliveries(self, subject: str, destination: str, event_ids: set[str]) -> None:
        """Drop deliveries once the destination has been told to erase them."""
        data = self._load(subject)
        kept = [d for d in data["to"].get(destination, []) if d[0] not in event_ids]
        if kept:
            data["to"][destination] = kept
        else:
            data["to"].pop(destination, None)
        self._save(subject, data)
