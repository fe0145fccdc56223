"""``hub audit verify``: check the chain of every audit partition, then re-derive every decision.

Reads the audit topic, the source events and state records the decisions name, and the
consent and registration history, all without a consumer group.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hub.audit.chain import GENESIS_HASH, ChainFinding, check_partition
from hub.audit.reader import Position, TopicReader
from hub.audit.rederive import Finding, Rederiver, ref_of
from hub.codec import CodecError
from hub.policy import RecordRef, StateRecord
from hub.router.events import read_event
from hub.router.exceptions import RoutingError
from hub.router.records import InputRecord
from hub.router.state import state_record

__all__ = ["VerifyReport", "verify_audit"]

_HISTORY_TYPES = ("consent", "registration")


@dataclass
class VerifyReport:
    """What verification found, per check."""

    records: dict[int, int] = field(default_factory=dict)
    chain: list[ChainFinding] = field(default_factory=list)
    rederived: int = 0
    findings: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        """Return whether nothing serious was found."""
        return not self.chain and not self.findings


async def verify_audit(
    reader: TopicReader,
    rederiver: Rederiver,
    *,
    audit_topic: str = "hub.audit",
    start: Position | None = None,
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Check the chain, then re-derive each decision; *progress* gets a count per record read."""
    began = time.monotonic()
    report = VerifyReport()
    partitions: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    async for record in reader.read([audit_topic], start=start):
        try:
            decision = rederiver.codec.decode(
                record.value or b"", expected="RoutingDecision"
            ).record
        except CodecError as exc:
            report.chain.append(
                ChainFinding(record.partition, record.offset, "UNREADABLE", str(exc))
            )
            continue
        partitions[record.partition].append((record.offset, decision))
        if progress:
            progress(1)
    for partition, decisions in sorted(partitions.items()):
        report.records[partition] = len(decisions)
        report.chain += check_partition(
            rederiver.codec,
            partition,
            decisions,
            start_hash=GENESIS_HASH if start is None else None,
        )
    needed = {
        ref_of(raw)
        for decisions in partitions.values()
        for _, d in decisions
        for raw in (d["source_ref"], *(d.get("state_refs") or []))
    }
    records, history = await _read_sources(reader, rederiver, needed, progress)
    earliest = await reader.earliest({ref.topic for ref in needed})
    for partition, decisions in sorted(partitions.items()):
        for offset, decision in decisions:
            source = ref_of(decision["source_ref"])
            if source not in records and source.offset < earliest.get(
                (source.topic, source.partition), 0
            ):
                report.notes.append(
                    Finding(
                        partition,
                        offset,
                        decision["decision_id"],
                        "SOURCE_EXPIRED",
                        f"source event {source.topic}@{source.partition}:{source.offset} is past its "
                        "topic's retention; the decision can no longer be re-derived",
                        serious=False,
                    )
                )
                continue
            for finding in rederiver.check(
                partition, offset, decision, records, history.get(decision["key"], [])
            ):
                (report.findings if finding.serious else report.notes).append(finding)
            report.rederived += 1
    report.seconds = time.monotonic() - began
    return report


async def _read_sources(
    reader: TopicReader,
    rederiver: Rederiver,
    needed: set[RecordRef],
    progress: Callable[[int], None] | None,
) -> tuple[dict[RecordRef, InputRecord], dict[str, list[StateRecord]]]:
    """Read the named records and every subject's consent and registration history."""
    catalog = rederiver.catalog
    history_topics = {
        t.name
        for t in catalog.topics.values()
        if t.direction == "out" and t.event_type in _HISTORY_TYPES
    }
    topics = sorted({ref.topic for ref in needed} | history_topics)
    records: dict[RecordRef, InputRecord] = {}
    history: dict[str, list[StateRecord]] = defaultdict(list)
    async for consumed in reader.read(topics):
        record = InputRecord.from_consumer_record(consumed)
        ref = RecordRef(record.topic, record.partition, record.offset)
        if ref in needed:
            records[ref] = record
        if record.topic in history_topics:
            try:
                event = read_event(rederiver.codec, catalog, record).event
            except (CodecError, RoutingError):
                continue  # the router dead-lettered it too; it was never state
            history[event.key].append(state_record(event.event_type, event.ref, event.record))
        if progress:
            progress(1)
    return records, history
