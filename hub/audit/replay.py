"""Turn replayed records into readable rows: where they are, their headers, their content."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from aiokafka import ConsumerRecord

from hub.codec import AvroCodec, CodecError
from hub.codec.jsonform import to_json

__all__ = ["matches", "readable"]


def readable(codec: AvroCodec, record: ConsumerRecord) -> dict[str, Any]:
    """Return a JSON-ready view of a record: position, key, headers, schema and content."""
    headers = {k: (v or b"").decode("utf-8", errors="replace") for k, v in record.headers or ()}
    row: dict[str, Any] = {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "timestamp": datetime.fromtimestamp(record.timestamp / 1000, UTC).isoformat(),
        "key": (record.key or b"").decode("utf-8", errors="replace"),
        "headers": headers,
    }
    try:
        decoded = codec.decode(record.value or b"")
    except CodecError as exc:
        row["error"] = str(exc)
        row["value_base64"] = base64.b64encode(record.value or b"").decode()
        return row
    row["schema"] = decoded.name
    row["record"] = to_json(codec.store.current(decoded.name).expanded, decoded.record)
    return row


def matches(row: dict[str, Any], *, subject: str | None, record_type: str | None) -> bool:
    """Return whether a row is about *subject* and of *record_type* (either may be None)."""
    if subject and subject not in (row["key"], row["headers"].get("ce_subject")):
        return False
    if record_type:
        wanted = record_type.lower()
        names = (row.get("schema") or "", row["headers"].get("ce_type", ""))
        if not any(name.lower().endswith(wanted) for name in names):
            return False
    return True
