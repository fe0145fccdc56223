"""Dead letters: what could not be read, routed, mapped or delivered, kept whole.

One builder for the router and the connectors, so every dead letter carries the same
things: the stage, a reason code and sentence, the original key, value and headers, and
where the record came from.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

__all__ = ["DEADLETTER_TOPIC", "dead_letter", "dead_letter_for"]

DEADLETTER_TOPIC = "hub.deadletter"


def dead_letter(
    *,
    stage: str,
    reason_code: str,
    reason: str,
    error_type: str,
    key: bytes | None,
    value: bytes | None,
    headers: tuple[tuple[str, bytes], ...] | list = (),
    topic: str,
    partition: int = -1,
    offset: int = -1,
    timestamp_ms: int = 0,
    upstream: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return a DeadLetter record; its id derives from where the record came from."""
    origin = f"{topic}|{partition}|{offset}|{hashlib.sha256(value or b'').hexdigest()}"
    return {
        "dead_letter_id": hashlib.sha256(origin.encode()).hexdigest()[:32],
        "stage": stage,
        "reason_code": reason_code,
        "reason": reason,
        "error_type": error_type,
        "original_key": key,
        "original_value": value,
        "original_headers": [{"key": k, "value": v} for k, v in headers],
        "source_topic": topic,
        "source_partition": partition,
        "source_offset": offset,
        "source_timestamp": timestamp_ms,
        "failed_at": int(time.time() * 1000),
        "upstream": upstream,
    }


def dead_letter_for(
    record: Any,
    *,
    stage: str,
    reason_code: str,
    reason: str,
    upstream: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the DeadLetter of a consumed Kafka record (aiokafka ConsumerRecord), kept whole."""
    return dead_letter(
        stage=stage,
        reason_code=reason_code,
        reason=reason,
        error_type=reason_code,
        key=record.key,
        value=record.value,
        headers=tuple(record.headers or ()),
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        timestamp_ms=record.timestamp,
        upstream=upstream,
    )
