"""The audit trail: the hash chain the router writes and auditors verify."""

from hub.audit.chain import (
    DECISION_RECORD,
    GENESIS_HASH,
    AuditChain,
    ChainFinding,
    check_partition,
    decision_hash,
)

__all__ = [
    "DECISION_RECORD",
    "GENESIS_HASH",
    "AuditChain",
    "ChainFinding",
    "check_partition",
    "decision_hash",
]
