"""CloudEvents 1.0 binary-mode Kafka headers, plus the W3C ``traceparent`` that travels along.

The value carries the data (Avro single-object encoding); the headers carry the
envelope, so a consumer can route or de-duplicate without decoding the body.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from hub.codec.exceptions import HeaderError

__all__ = [
    "CONTENT_TYPE",
    "SPEC_VERSION",
    "CloudEvent",
    "Headers",
    "new_traceparent",
]

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/avro"

Headers = list[tuple[str, bytes]]

_REQUIRED = ("ce_id", "ce_source", "ce_type", "ce_specversion")
_TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
# the form _format_time writes: a ce_time read in this form is written back as it came
_CANONICAL_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def new_traceparent() -> str:
    """Return a fresh W3C trace context for an event that starts a trace."""
    return f"00-{os.urandom(16).hex()}-{os.urandom(8).hex()}-01"


def _format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class CloudEvent:
    """The envelope of one event: who sent it, what it is, about whom, and when."""

    source: str
    type: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    subject: str | None = None
    time: datetime | None = None
    content_type: str = CONTENT_TYPE
    traceparent: str | None = None
    specversion: str = SPEC_VERSION
    # ``time`` as _format_time writes it, when the header came that way: set by
    # from_headers only, so an envelope made or copied with another time never carries it
    time_text: str | None = field(default=None, init=False, repr=False, compare=False)

    def to_headers(self) -> Headers:
        """Return Kafka headers in CloudEvents binary mode."""
        headers: Headers = [
            ("ce_specversion", self.specversion.encode()),
            ("ce_id", self.id.encode()),
            ("ce_source", self.source.encode()),
            ("ce_type", self.type.encode()),
            ("content-type", self.content_type.encode()),
        ]
        headers += self.context_headers()
        return headers

    def context_headers(self) -> Headers:
        """Return the headers an event derived from this one carries over: its time,
        subject and trace (the router's decisions and notices about it)."""
        headers: Headers = []
        if self.time is not None:
            headers.append(("ce_time", (self.time_text or _format_time(self.time)).encode()))
        if self.subject is not None:
            headers.append(("ce_subject", self.subject.encode()))
        if self.traceparent is not None:
            headers.append(("traceparent", self.traceparent.encode()))
        return headers

    @classmethod
    def from_headers(cls, headers: Iterable[tuple[str, bytes | None]]) -> CloudEvent:
        """Parse binary-mode headers; raise HeaderError naming what is missing or malformed."""
        values: dict[str, str] = {}
        for key, raw in headers:
            if key in values:
                raise HeaderError(f"header {key!r} appears more than once")
            try:
                values[key] = (raw or b"").decode("utf-8")
            except UnicodeDecodeError as exc:
                raise HeaderError(f"header {key!r} is not UTF-8") from exc
        missing = [key for key in _REQUIRED if not values.get(key)]
        if missing:
            raise HeaderError(f"missing CloudEvents header(s): {', '.join(missing)}")
        if values["ce_specversion"] != SPEC_VERSION:
            raise HeaderError(f"ce_specversion {values['ce_specversion']!r} is not {SPEC_VERSION}")
        time = None
        time_text = values.get("ce_time")
        if time_text:
            try:
                time = datetime.fromisoformat(time_text)
            except ValueError as exc:
                raise HeaderError(f"ce_time {time_text!r} is not RFC 3339") from exc
            if time.tzinfo is None:
                raise HeaderError(f"ce_time {time_text!r} has no time zone")
        traceparent = values.get("traceparent")
        if traceparent is not None and not _TRACEPARENT.match(traceparent):
            raise HeaderError(f"traceparent {traceparent!r} is not W3C trace context")
        event = cls(
            id=values["ce_id"],
            source=values["ce_source"],
            type=values["ce_type"],
            subject=values.get("ce_subject"),
            time=time,
            content_type=values.get("content-type", CONTENT_TYPE),
            traceparent=traceparent,
            specversion=values["ce_specversion"],
        )
        if time_text and _CANONICAL_TIME.fullmatch(time_text):
            object.__setattr__(event, "time_text", time_text)  # frozen: set once, here
        return event
