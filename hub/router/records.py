"""Kafka records as plain values, so the router core can be tested without a broker."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class OutputRecord:
    """One record to produce; ``partition`` None lets the key decide."""

    topic: str
    key: bytes | None
    value: bytes
    headers: Headers
    partition: int | None = None
