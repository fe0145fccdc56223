"""The audit hash chain: every RoutingDecision names the hash of the one before it.

Per audit partition, ``hash = SHA-256(Avro body of the decision with hash="")``, and the
decision carries ``prev_hash``, so changing, removing, inserting or reordering a record
breaks the chain at that place. Everything hashed comes from the inputs, never the clock.
"""

from __future__ import annotations

import hashlib
from typing import Any

from hub.codec import AvroCodec

__all__ = ["DECISION_RECORD", "GENESIS_HASH", "AuditChain", "decision_hash"]

DECISION_RECORD = "be.pes.hub.RoutingDecision"
GENESIS_HASH = "0" * 64


def decision_hash(codec: AvroCodec, decision: dict[str, Any]) -> str:
    """Return the hash a decision must carry, given its ``prev_hash``."""
    unsealed = dict(decision, hash="")
    return hashlib.sha256(codec.encode(DECISION_RECORD, unsealed)).hexdigest()


class AuditChain:
    """The head of the chain of each audit partition this router writes."""

    def __init__(self, codec: AvroCodec, heads: dict[int, str] | None = None) -> None:
        self._codec = codec
        self._heads: dict[int, str] = dict(heads or {})

    def head(self, partition: int) -> str:
        """Return the hash of the last decision in *partition*."""
        return self._heads.get(partition, GENESIS_HASH)

    def set_head(self, partition: int, head: str) -> None:
        """Adopt the head read back from the topic (after a restart or rebalance)."""
        self._heads[partition] = head

    def seal(self, partition: int, decision: dict[str, Any]) -> bytes:
        """Chain *decision* onto *partition*; return its encoded bytes, ready to produce."""
        sealed = dict(decision, prev_hash=self.head(partition))
        sealed["hash"] = decision_hash(self._codec, sealed)
        self._heads[partition] = sealed["hash"]
        return self._codec.encode(DECISION_RECORD, sealed)
