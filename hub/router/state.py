"""What the router remembers per person: consent and registration history, and who got what.

Stored as one compact Avro value per subject in any ``MutableMapping[str, bytes]``: a
plain dict in tests, the changelogged table in the running router. The layout is a
record derived from the canonical ConsentChange and Registration schemas (enums stay
one byte, times varints), about 80 bytes for a person with one consent, so a million
people's state fits in well under 300 MB. Each value starts with 4 bytes of the
layout's fingerprint, so a value written by another layout is refused, never misread.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

from hub.codec import SchemaStore, fingerprint_of
from hub.codec.compiled import compile_reader, compile_writer
from hub.exceptions import ConfigurationError
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
_REF_FIELDS = ("topic", "partition", "offset")


def state_record(event_type: str, ref: RecordRef, record: dict[str, Any]) -> StateRecord:
    """Return the part of a consent or registration record the policy reads."""
    fields = CONSENT_FIELDS if event_type == "consent" else REGISTRATION_FIELDS
    return StateRecord(ref, {k: record.get(k) for k in fields})


def _named_types(node: Any, found: dict[str, Any]) -> dict[str, Any]:
    """Collect every named type defined anywhere in an expanded schema."""
    if isinstance(node, list):
        for branch in node:
            _named_types(branch, found)
    elif isinstance(node, dict):
        if node.get("type") in ("enum", "record", "fixed"):
            found.setdefault(node["name"], node)
        for child in (
            node.get("items"),
            node.get("values"),
            *(f["type"] for f in node.get("fields", ())),
        ):
            if child is not None:
                _named_types(child, found)
    return found


def _inlined(node: Any, named: dict[str, Any], defined: set[str]) -> Any:
    """Return *node* with each named type defined at its first use, referenced after."""
    if isinstance(node, str):
        if node not in named or node in defined:
            return node
        return _inlined(named[node], named, defined)
    if isinstance(node, list):
        return [_inlined(branch, named, defined) for branch in node]
    kind = node.get("type")
    if kind in ("enum", "record", "fixed"):
        if node["name"] in defined:
            return node["name"]
        defined.add(node["name"])
    if kind == "array":
        return dict(node, items=_inlined(node["items"], named, defined))
    if kind == "record":
        fields = [dict(f, type=_inlined(f["type"], named, defined)) for f in node["fields"]]
        return dict(node, fields=fields)
    return node


def _layout(store: SchemaStore) -> dict[str, Any]:
    """Return the packed-state schema: a subject's items with the canonical field types."""
    defined: set[str] = set()
    named: dict[str, Any] = {}
    for record in ("ConsentChange", "Registration"):
        _named_types(store.current(record).expanded, named)

    def item(name: str, record: str, fields: tuple[str, ...]) -> dict[str, Any]:
        types = {f["name"]: f["type"] for f in store.current(record).expanded["fields"]}
        return {
            "type": "record",
            "name": f"be.pes.hub.router.{name}",
            "fields": [
                {"name": "topic", "type": "string"},
                {"name": "partition", "type": "int"},
                {"name": "offset", "type": "long"},
                *({"name": k, "type": _inlined(types[k], named, defined)} for k in fields),
            ],
        }

    delivery = {
        "type": "record",
        "name": "be.pes.hub.router.Delivery",
        "fields": [{"name": "e", "type": "string"}, {"name": "p", "type": "string"}],
    }
    consents = item("Consent", "ConsentChange", CONSENT_FIELDS)
    registrations = item("Registration", "Registration", REGISTRATION_FIELDS)
    return {
        "type": "record",
        "name": "be.pes.hub.router.SubjectState",
        "fields": [
            {"name": "c", "type": {"type": "array", "items": consents}},
            {"name": "r", "type": {"type": "array", "items": registrations}},
            {"name": "to", "type": {"type": "map", "values": {"type": "array", "items": delivery}}},
        ],
    }


def _ref(item: dict[str, Any]) -> RecordRef:
    return RecordRef(item["topic"], item["partition"], item["offset"])


class SubjectStore:
    """Per-subject state over a bytes mapping; the only place that knows its layout."""

    def __init__(self, table: MutableMapping[str, bytes], store: SchemaStore) -> None:
        self._table = table
        layout = _layout(store)
        reader, writer = compile_reader(layout), compile_writer(layout)
        if reader is None or writer is None:
            raise ConfigurationError(
                "the subject state layout holds a type the codec cannot compile"
            )
        self._read, self._write = reader, writer
        self._mark = fingerprint_of(layout)[:4]
        # the last value loaded or saved, decoded: (subject, its bytes, the decoded value)
        self._last: tuple[str, bytes | None, dict[str, Any]] = ("", None, {})

    def _load(self, subject: str) -> dict[str, Any]:
        raw = self._table.get(subject)
        if raw is not None and subject == self._last[0] and raw == self._last[1]:
            return self._last[2]  # an event reads, then records its deliveries: decode once
        if not raw:
            return {"c": [], "r": [], "to": {}}
        if raw[:4] != self._mark:
            raise ConfigurationError(
                f"state of {subject} was written in another layout ({raw[:4].hex()}); "
                "start the router with a new state topic to rebuild it"
            )
        data, _ = self._read(raw, 4)
        self._last = (subject, raw, data)
        return data

    def _save(self, subject: str, data: dict[str, Any]) -> None:
        """Store *data*; every change to a loaded value is saved, so the last one stays true."""
        out = bytearray(self._mark)
        self._write(out, data)
        raw = bytes(out)
        self._table[subject] = raw
        self._last = (subject, raw, data)

    def state(self, subject: str) -> SubjectState:
        """Return the person's consent and registration history."""
        data = self._load(subject)
        return SubjectState(
            consents=tuple(
                StateRecord(_ref(c), {k: c[k] for k in CONSENT_FIELDS}) for c in data["c"]
            ),
            registrations=tuple(
                StateRecord(_ref(r), {k: r[k] for k in REGISTRATION_FIELDS}) for r in data["r"]
            ),
        )

    def add_consent(self, subject: str, ref: RecordRef, record: dict[str, Any]) -> bool:
        """Append a consent change; return False if that record was applied before."""
        return self._append(subject, "c", state_record("consent", ref, record))

    def add_registration(self, subject: str, ref: RecordRef, record: dict[str, Any]) -> bool:
        """Append a registration record; return False if that record was applied before."""
        return self._append(subject, "r", state_record("registration", ref, record))

    def _append(self, subject: str, kind: str, item: StateRecord) -> bool:
        data = self._load(subject)
        if any(_ref(existing) == item.ref for existing in data[kind]):
            return False  # redelivered after a restart: at-least-once, applied once
        ref = item.ref
        data[kind].append(
            {"topic": ref.topic, "partition": ref.partition, "offset": ref.offset, **item.record}
        )
        self._save(subject, data)
        return True

    def record_deliveries(
        self, subject: str, event_id: str, deliveries: Iterable[tuple[str, str]]
    ) -> None:
        """Remember which destinations received an event's personal data about *subject*,
        and for which purpose: (destination, purpose) pairs."""
        data = self._load(subject)
        changed = False
        for destination, purpose in deliveries:
            delivered = data["to"].setdefault(destination, [])
            if {"e": event_id, "p": purpose} not in delivered:
                delivered.append({"e": event_id, "p": purpose})
                changed = True
        if changed:
            self._save(subject, data)

    def recipients(self, subject: str) -> dict[str, list[tuple[str, str]]]:
        """Return {destination: [(event id, purpose)]} of every delivery of the person's data."""
        return {k: [(d["e"], d["p"]) for d in v] for k, v in self._load(subject)["to"].items()}

    def forget_deliveries(self, subject: str, destination: str, event_ids: set[str]) -> None:
        """Drop deliveries once the destination has been told to erase them."""
        data = self._load(subject)
        kept = [d for d in data["to"].get(destination, []) if d["e"] not in event_ids]
        if kept:
            data["to"][destination] = kept
        else:
            data["to"].pop(destination, None)
        self._save(subject, data)
