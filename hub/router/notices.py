"""Encoding DecisionNotices with each destination's outcome encoded once.

A notice tells the sender what became of its event at every destination. An outcome
(destination, outcome, reason, rule) repeats across thousands of events, so its Avro
encoding is remembered, and a notice is the event's own fields followed by the array of
remembered outcomes. The bytes are exactly those of encoding the whole notice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hub.codec import AvroCodec
from hub.codec.compiled import write_long
from hub.policy import Decision

__all__ = ["NOTICE_RECORD", "NoticeWriter"]

NOTICE_RECORD = "be.pes.hub.DecisionNotice"
_HEAD = ("notice_id", "event_id", "event_type", "key", "source_pes", "source_ref", "event_time")
LAYOUT = (*_HEAD, "outcomes")
_OutcomeKey = tuple[str, str, str, str, str | None]
_MEMORY = 4_096  # outcomes remembered; real traffic has a few hundred


class NoticeWriter:
    """Encodes DecisionNotices (single-object encoding, header included)."""

    def __init__(self, codec: AvroCodec) -> None:
        writers = codec.field_writers_in(NOTICE_RECORD, LAYOUT, "notice writer")
        self._head = [writers[name] for name in _HEAD]
        self._outcomes_writer = writers["outcomes"]
        self._header = codec.header(NOTICE_RECORD)
        self._outcomes: dict[_OutcomeKey, bytes] = {}

    def encode(self, fields: Mapping[str, Any], decisions: Sequence[Decision]) -> bytes:
        """Return the notice with *fields* (every field but ``outcomes``) and one outcome
        per decision, in order."""
        out = bytearray(self._header)
        for write in self._head:
            write(out, fields)
        if decisions:
            write_long(out, len(decisions))
            for decision in decisions:
                key = (
                    decision.destination,
                    decision.outcome.value,
                    decision.reason_code,
                    decision.reason,
                    decision.rule_id,
                )
                out += self._outcomes.get(key) or self._outcome(key)
        out.append(0)  # the end of the array
        return bytes(out)

    def _outcome(self, key: _OutcomeKey) -> bytes:
        """Encode one outcome and remember it: written as a one-item array (count 1, the
        item, the closing 0), of which the item is kept."""
        destination, outcome, reason_code, reason, rule_id = key
        item = {
            "destination": destination,
            "outcome": outcome,
            "reason_code": reason_code,
            "reason": reason,
            "rule_id": rule_id,
        }
        array = bytearray()
        self._outcomes_writer(array, {"outcomes": [item]})
        if len(self._outcomes) >= _MEMORY:
            self._outcomes.clear()
        encoded = self._outcomes[key] = bytes(array[1:-1])
        return encoded
