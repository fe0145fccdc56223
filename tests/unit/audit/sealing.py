"""Sealing a complete decision record the way the router does: part by part."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub.audit import AuditChain
from hub.audit.writer import Ruling


def seal_record(chain: AuditChain, partition: int, record: Mapping[str, Any]) -> bytes:
    """Encode *record* through the DecisionWriter and chain it onto *partition*."""
    writer = chain.writer
    basis = record["basis"]
    ruling = Ruling(
        record["source_pes"],
        record["destination_pes"],
        record["purpose"],
        record["outcome"],
        record["reason_code"],
        record["reason"],
        record["rule_id"],
        record["agreements_version"],
        basis["kind"],
        basis["reference"],
        basis["version"],
    )
    body = writer.body(
        writer.event(record),
        record["decision_id"],
        ruling,
        record["relied_on"],
        (
            tuple(record["fields_removed"]),
            tuple(record["fields_pseudonymised"]),
            tuple(record["codes_added"]),
        ),
        record["payload_sha256"],
    )
    return chain.seal(partition, body)
