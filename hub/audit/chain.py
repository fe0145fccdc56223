"""The audit hash chain: every RoutingDecision names the hash of the one before it.

Per audit partition, ``hash = SHA-256(Avro body of the decision with hash="")``, and the
decision carries ``prev_hash``, so changing, removing, inserting or reordering a record
breaks the chain at that place. Everything hashed comes from the inputs, never the clock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hub.audit.writer import DECISION_RECORD, GENESIS_HASH, HASH_LENGTH_PREFIX, DecisionWriter
from hub.codec import AvroCodec

__all__ = [
    "DECISION_RECORD",
    "GENESIS_HASH",
    "AuditChain",
    "ChainFinding",
    "check_partition",
    "decision_hash",
]


def decision_hash(codec: AvroCodec, decision: dict[str, Any]) -> str:
    """Return the hash a decision must carry, given its ``prev_hash``."""
    unsealed = dict(decision, hash="")
    return hashlib.sha256(codec.encode(DECISION_RECORD, unsealed)).hexdigest()


class AuditChain:
    """The head of the chain of each audit partition this router writes.

    ``hash`` is the last field of a decision, a string: the sealed encoding is the
    unsealed one with its final empty string (one zero byte) replaced by the hash, so a
    decision is encoded once, not twice.
    """

    def __init__(self, codec: AvroCodec, heads: dict[int, str] | None = None) -> None:
        self.writer = DecisionWriter(codec)
        self._heads: dict[int, str] = dict(heads or {})

    def head(self, partition: int) -> str:
        """Return the hash of the last decision in *partition*."""
        return self._heads.get(partition, GENESIS_HASH)

    def set_head(self, partition: int, head: str) -> None:
        """Adopt the head read back from the topic (after a restart or rebalance)."""
        self._heads[partition] = head

    def seal(self, partition: int, body: bytes) -> bytes:
        """Chain a decision onto *partition*; return its encoded bytes, ready to produce.

        *body* is the decision encoded up to its chain fields (``DecisionWriter.body``).
        """
        unsealed = body + self.writer.chain_fields(self.head(partition))
        digest = hashlib.sha256(unsealed).hexdigest()
        self._heads[partition] = digest
        return unsealed[:-1] + HASH_LENGTH_PREFIX + digest.encode("ascii")


@dataclass(frozen=True)
class ChainFinding:
    """One break in a partition's chain, located by offset."""

    partition: int
    offset: int
    kind: str
    detail: str


def check_partition(
    codec: AvroCodec,
    partition: int,
    records: Sequence[tuple[int, dict[str, Any]]],
    start_hash: str | None = GENESIS_HASH,
) -> list[ChainFinding]:
    """Check one partition's decisions, in offset order; return every break found.

    Kinds: MODIFIED (a record's content does not match its own hash), INSERTED (a record
    the next one does not chain to, while it chains to the one before), REORDERED (a record
    chains to one that comes later), REMOVED (a record chains to a hash the partition does
    not hold: records were removed before it, or the one before it was replaced).
    *start_hash* None skips the first link, for a check that starts mid-partition.
    """
    offset_of = {decision["hash"]: offset for offset, decision in records}
    position_of = {offset: index for index, (offset, _) in enumerate(records)}
    findings: list[ChainFinding] = []
    previous_hash = start_hash
    for index, (offset, decision) in enumerate(records):
        if decision["hash"] != decision_hash(codec, decision):
            findings.append(
                ChainFinding(
                    partition,
                    offset,
                    "MODIFIED",
                    "the record's content does not match its own hash",
                )
            )
        named = decision["prev_hash"]
        if previous_hash is not None and named != previous_hash:
            target = offset_of.get(named)
            if target is not None and position_of[target] == index - 2:
                inserted = records[index - 1][0]
                findings.append(
                    ChainFinding(
                        partition,
                        inserted,
                        "INSERTED",
                        f"offset {offset} chains past it to offset {target}",
                    )
                )
            elif target is not None and position_of[target] > index:
                findings.append(
                    ChainFinding(
                        partition,
                        offset,
                        "REORDERED",
                        f"it chains to offset {target}, which comes later",
                    )
                )
            elif target is not None:
                findings.append(
                    ChainFinding(
                        partition,
                        offset,
                        "REMOVED",
                        f"it chains to offset {target}; the records between were not chained",
                    )
                )
            else:
                findings.append(
                    ChainFinding(
                        partition,
                        offset,
                        "REMOVED",
                        f"it chains to {named[:16]}..., which is not in the partition: records were "
                        "removed before it, or the one before it was replaced",
                    )
                )
        previous_hash = decision["hash"]
    return findings
