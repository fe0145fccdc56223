"""``hub audit subject``: everything the hub did with one person's data.

Like Estonia's Data Tracker: every event about the person, every destination and the
decision with its basis and time, the consent and registration history, and erasures.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from hub.audit.reader import TopicReader
from hub.catalog import Catalog
from hub.codec import AvroCodec, CodecError

__all__ = ["subject_report"]


def _time(ms: int | None) -> str | None:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat() if ms is not None else None


async def subject_report(
    reader: TopicReader, codec: AvroCodec, catalog: Catalog, subject: str
) -> dict[str, Any]:
    """Return the report as plain data (printed as JSON or as tables)."""
    history = sorted(
        t.name
        for t in catalog.topics.values()
        if t.direction == "out" and t.event_type in ("consent", "registration")
    )
    erasure_inboxes = sorted(t.name for t in catalog.topics.values() if t.event_type == "erasure")
    events: dict[str, dict[str, Any]] = {}
    destinations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    consents, registrations, erasures = [], [], []
    async for record in reader.read(["hub.audit", *erasure_inboxes, *history]):
        if (record.key or b"").decode(errors="replace") != subject:
            continue
        try:
            decoded = codec.decode(record.value or b"")
        except CodecError:
            continue
        value = decoded.record
        if decoded.name.endswith("RoutingDecision"):
            events.setdefault(
                value["event_id"],
                {
                    "event_id": value["event_id"],
                    "event_type": value["event_type"],
                    "source": value["source_pes"],
                    "time": _time(value["event_time"]),
                },
            )
            destinations[value["event_id"]].append(
                {
                    "destination": value["destination_pes"],
                    "outcome": value["outcome"],
                    "basis": value["basis"]["kind"],
                    "reference": value["basis"]["reference"],
                    "rule": value["rule_id"],
                    "purpose": value["purpose"],
                    "reason": value["reason"],
                    "fields_removed": value["fields_removed"] + value["fields_pseudonymised"],
                }
            )
        elif decoded.name.endswith("ErasureNotice"):
            erasures.append(
                {
                    "destination": value["destination"],
                    "consent_id": value["consent_id"],
                    "event_ids": value["event_ids"],
                    "time": _time(value["event_time"]),
                }
            )
        elif decoded.name.endswith("ConsentChange"):
            consents.append(
                {
                    "consent_id": value["consent_id"],
                    "action": value["action"],
                    "destinations": value["destinations"],
                    "purposes": value["purposes"],
                    "sections": value["data_sections"],
                    "recorded_at": _time(value["recorded_at"]),
                }
            )
        elif decoded.name.endswith("Registration"):
            registrations.append(
                {
                    "pes": value["pes"],
                    "capacity": value["capacity"],
                    "from": _time(value["valid_from"]),
                    "until": _time(value["valid_until"]),
                    "recorded_at": _time(value["recorded_at"]),
                }
            )
    report_events = [
        events[e] | {"destinations": sorted(destinations[e], key=lambda d: d["destination"])}
        for e in sorted(events, key=lambda e: events[e]["time"] or "")
    ]
    return {
        "subject": subject,
        "events": report_events,
        "consents": consents,
        "registrations": registrations,
        "erasures": erasures,
        "transfers": sum(
            1 for e in report_events for d in e["destinations"] if d["outcome"] != "DENY"
        ),
    }
