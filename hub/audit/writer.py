"""Encoding RoutingDecisions part by part, so an event's decisions share their common bytes.

An event gets one decision per destination. The decisions repeat the event's identity,
the state they were taken on and the event time; a destination's ruling (rule, outcome,
reason, basis) repeats across thousands of events. A record's Avro body is its fields'
encodings one after the other, so each part is encoded once (rulings and field changes
are remembered) and the parts are joined. The bytes are exactly those of encoding the
whole record; the chain fields (``prev_hash``, ``hash``) are left to the AuditChain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from hub.codec import AvroCodec
from hub.codec.compiled import write_long

__all__ = ["GENESIS_HASH", "HASH_LENGTH_PREFIX", "DecisionWriter", "EventPart", "Ruling"]

DECISION_RECORD = "be.pes.hub.RoutingDecision"
GENESIS_HASH = "0" * 64  # the prev_hash of a partition's first decision
HASH_LENGTH_PREFIX = b"\x80\x01"  # Avro length of a 64-character string: zigzag varint of 64
_HEX_DIGEST_LENGTH = 64
_EMPTY = b"\x00"  # an empty string, an empty array, or a union's first branch (null)
_STRING_BRANCH = b"\x02"  # the second branch of ["null", "string"]

_EVENT = ("event_id", "event_source", "event_type", "key", "source_ref")
_RULING = (
    "source_pes",
    "destination_pes",
    "purpose",
    "outcome",
    "reason_code",
    "reason",
    "rule_id",
    "agreements_version",
    "basis",
)
_CHANGES = ("fields_removed", "fields_pseudonymised", "codes_added")
_CHAIN = ("prev_hash", "hash")
LAYOUT = (
    "decision_id",
    *_EVENT,
    *_RULING,
    "relied_on",
    "state_refs",
    *_CHANGES,
    "payload_sha256",
    "event_time",
    *_CHAIN,
)
_MEMORY = 4_096  # rulings and change sets remembered; real traffic has a few dozen


class Ruling(NamedTuple):
    """What the policy decided for one destination, independent of the event."""

    source_pes: str
    destination_pes: str
    purpose: str | None
    outcome: str
    reason_code: str
    reason: str
    rule_id: str | None
    agreements_version: str
    basis_kind: str
    basis_reference: str | None
    basis_version: str | None

    def basis(self) -> dict[str, Any]:
        """Return the ruling's basis as the RoutingDecision's ``basis`` record."""
        return {
            "kind": self.basis_kind,
            "reference": self.basis_reference,
            "version": self.basis_version,
        }

    def fields(self) -> dict[str, Any]:
        """Return the ruling as RoutingDecision fields."""
        values = self._asdict()
        for name in ("basis_kind", "basis_reference", "basis_version"):
            del values[name]
        return values | {"basis": self.basis()}


class EventPart(NamedTuple):
    """The encoded parts every decision about one event shares."""

    identity: bytes
    state_refs: bytes
    event_time: bytes


class DecisionWriter:
    """Encodes RoutingDecision bodies (everything before the chain fields)."""

    def __init__(self, codec: AvroCodec) -> None:
        self._writers = codec.field_writers_in(DECISION_RECORD, LAYOUT, "decision writer")
        self._header = codec.header(DECISION_RECORD)
        self._rulings: dict[Ruling, bytes] = {}
        # a consent's id is the person's own: for consent rulings, everything before the basis
        self._consent_heads: dict[Ruling, bytes] = {}
        self._changes: dict[tuple[tuple[str, ...], ...], bytes] = {}

    def _encode(self, names: Sequence[str], values: Mapping[str, Any]) -> bytes:
        out = bytearray()
        for name in names:
            self._writers[name](out, values)
        return bytes(out)

    def event(self, fields: Mapping[str, Any]) -> EventPart:
        """Encode the parts shared by an event's decisions: identity, state refs, time."""
        return EventPart(
            self._encode(_EVENT, fields),
            self._encode(("state_refs",), fields),
            self._encode(("event_time",), fields),
        )

    def body(
        self,
        event: EventPart,
        decision_id: str,
        ruling: Ruling,
        relied_on: Sequence[Mapping[str, Any]],
        changes: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]],
        payload_sha256: str | None,
    ) -> bytes:
        """Return the header and every field of one decision up to its chain fields."""
        ruled = self._rulings.get(ruling) or self._ruling(ruling)
        changed = self._changes.get(changes)
        if changed is None:
            fields = dict(zip(_CHANGES, (list(c) for c in changes), strict=True))
            changed = self._remember(self._changes, changes, self._encode(_CHANGES, fields))
        # the per-decision fields are written here, not through their field writers (a
        # dict and a call each, fifteen times per vacancy)
        out = bytearray(self._header)
        encoded_id = decision_id.encode()
        write_long(out, len(encoded_id))
        out += encoded_id
        out += event.identity
        out += ruled
        if relied_on:
            self._writers["relied_on"](out, {"relied_on": relied_on})
        else:
            out += _EMPTY  # an empty array
        out += event.state_refs
        out += changed
        if payload_sha256 is None:
            out += _EMPTY  # the union's null branch
        elif len(payload_sha256) == _HEX_DIGEST_LENGTH and payload_sha256.isascii():
            out += _STRING_BRANCH + HASH_LENGTH_PREFIX
            out += payload_sha256.encode("ascii")
        else:
            self._writers["payload_sha256"](out, {"payload_sha256": payload_sha256})
        out += event.event_time
        return bytes(out)

    def _ruling(self, ruling: Ruling) -> bytes:
        """Encode a ruling not in memory; remember it, or for a consent everything but its
        basis, whose reference (the consent id) is one person's and would crowd out the
        rest of the memory."""
        if ruling.basis_kind != "CONSENT":
            return self._remember(self._rulings, ruling, self._encode(_RULING, ruling.fields()))
        head_key = ruling._replace(basis_reference=None)
        head = self._consent_heads.get(head_key)
        if head is None:
            head = self._encode(_RULING[:-1], ruling.fields())
            self._remember(self._consent_heads, head_key, head)
        return head + self._encode(("basis",), {"basis": ruling.basis()})

    def chain_fields(self, prev_hash: str) -> bytes:
        """Return the encoded chain fields with *prev_hash* and an empty ``hash``."""
        # a hex digest (every head the chain makes): one per decision, so written directly
        if len(prev_hash) == _HEX_DIGEST_LENGTH and prev_hash.isascii():
            return HASH_LENGTH_PREFIX + prev_hash.encode("ascii") + _EMPTY
        return self._encode(_CHAIN, {"prev_hash": prev_hash, "hash": ""})

    @staticmethod
    def _remember(memory: dict[Any, bytes], key: Any, value: bytes) -> bytes:
        if len(memory) >= _MEMORY:
            memory.clear()
        memory[key] = value
        return value
