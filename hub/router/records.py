"""Kafka records as plain values, so the router core can be tested without a broker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.codec import Headers

__all__ = ["InputRecord", "OutputRecord"]


@dataclass(frozen=True, slots=True)
class InputRecord:
    """One consumed record: where it came from and its raw bytes."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()

    @classmethod
    def from_consumer_record(cls, record: Any) -> InputRecord:
        """Return the InputRecord of an aiokafka ConsumerRecord."""
        return cls(
            record.topic,
            record.partition,
            record.offset,
            record.timestamp,
            record.key,
            record.value,
            tuple(record.headers or ()),
        )


@dataclass(frozen=True, slots=True)
class OutputRecord:
    """One record to produce; ``partition`` None lets the key decide."""

    topic: str
    key: bytes | None
    value: bytes
    headers: Headers
    partition: int | None = None
