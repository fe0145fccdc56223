"""Reading one input record into an event the policy understands, with every check.

Shared by the router and by the auditor re-deriving its decisions, so both read a
record in exactly the same way.
"""

from __future__ import annotations

from typing import NamedTuple

from hub.catalog import Catalog, Topic
from hub.codec import AvroCodec, CloudEvent, Decoded
from hub.policy import Event, RecordRef
from hub.router.exceptions import RoutingError
from hub.router.records import InputRecord

__all__ = ["InputEvent", "check_identity", "read_event"]


class InputEvent(NamedTuple):
    """A record read from a service's out topic."""

    topic: Topic
    event: Event
    envelope: CloudEvent
    decoded: Decoded  # its bytes, which the fields a destination gets unchanged are copied from


# the record field naming the service that owns an event; consents and profiles are the
# home service's (the first part of the subject)
_OWNER_FIELDS = {"registration": "pes", "feedback": "reporting_pes", "vacancy": "source_pes"}


def read_event(codec: AvroCodec, catalog: Catalog, record: InputRecord) -> InputEvent:
    """Decode and check a record from a service's out topic.

    Raises:
        CodecError: the value or headers cannot be read.
        RoutingError: the topic, key or sender is not what the catalogue allows.
    """
    topic = catalog.topics.get(record.topic)
    if topic is None or topic.direction != "out" or topic.service is None:
        raise RoutingError("UNKNOWN_TOPIC", f"{record.topic} is not a service out topic")
    if record.value is None:
        raise RoutingError("EMPTY_VALUE", "the record has no value (a tombstone?)")
    decoded = codec.decode(record.value, expected=topic.schema)
    envelope = CloudEvent.from_headers(record.headers)
    event = Event(
        event_type=str(topic.event_type),
        source=topic.service,
        key=(record.key or b"").decode("utf-8", errors="replace"),
        time_ms=int(envelope.time.timestamp() * 1000) if envelope.time else record.timestamp_ms,
        record=decoded.record,
        ref=RecordRef(record.topic, record.partition, record.offset),
    )
    check_identity(catalog, topic, event)
    return InputEvent(topic, event, envelope, decoded)


def check_identity(catalog: Catalog, topic: Topic, event: Event) -> None:
    """Keys, subjects and senders must agree; a mismatch is never guessed around."""
    if topic.key == "subject":
        subject = event.record.get("subject") or {}
        expected = f"{subject.get('home_pes')}:{subject.get('jobseeker_id')}"
        if event.key != expected:
            raise RoutingError("KEY_MISMATCH", f"key {event.key!r} is not the subject {expected!r}")
        if subject.get("home_pes") not in catalog.services:
            raise RoutingError(
                "UNKNOWN_HOME", f"home service {subject.get('home_pes')!r} is unknown"
            )
    elif topic.key == "vacancy":
        expected = f"{event.record.get('source_pes')}:{event.record.get('vacancy_id')}"
        if event.key != expected:
            raise RoutingError("KEY_MISMATCH", f"key {event.key!r} is not the vacancy {expected!r}")
    field = _OWNER_FIELDS.get(event.event_type)
    owner = event.home if field is None else event.record.get(field)
    if owner != event.source:
        raise RoutingError(
            "WRONG_SENDER",
            f"a {event.event_type} of {owner} may not be published by {event.source}",
        )
