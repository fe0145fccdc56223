"""Kafka records as plain values, so the router core can be tested without a broker.

Named tuples rather than frozen dataclasses: the router makes about eight of these per
event, and a frozen dataclass sets each field through ``object.__setattr__``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from hub.codec import Headers

__all__ = ["InputRecord", "OutputRecord"]


class InputRecord(NamedTuple):
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


class OutputRecord(NamedTuple):
    """One record to produce; ``partition`` None lets the key decide."""

    topic: str
    key: bytes | None
    value: bytes
    headers: Headers
    partition: int | None = None
