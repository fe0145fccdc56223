"""CloudEvents binary-mode headers: built, parsed, and rejected when incomplete."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from hub.codec import CloudEvent, HeaderError, new_traceparent


def test_headers_round_trip() -> None:
    """Every attribute survives to_headers and from_headers."""
    event = CloudEvent(
        source="/pes/vdab",
        type="be.pes.hub.Vacancy",
        subject="VDAB:123",
        time=datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
        traceparent=new_traceparent(),
    )
    assert CloudEvent.from_headers(event.to_headers()) == event


def test_headers_use_binary_mode_names() -> None:
    """The header names are those of the CloudEvents Kafka binding."""
    names = [
        key
        for key, _ in CloudEvent(
            source="s", type="t", subject="x", time=datetime.now(UTC)
        ).to_headers()
    ]
    assert set(names) == {
        "ce_specversion",
        "ce_id",
        "ce_source",
        "ce_type",
        "content-type",
        "ce_time",
        "ce_subject",
    }


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ([("ce_source", b"s"), ("ce_type", b"t"), ("ce_specversion", b"1.0")], "ce_id"),
        (
            [("ce_id", b"1"), ("ce_source", b"s"), ("ce_type", b"t"), ("ce_specversion", b"0.3")],
            "specversion",
        ),
        (
            [
                ("ce_id", b"1"),
                ("ce_id", b"2"),
                ("ce_source", b"s"),
                ("ce_type", b"t"),
                ("ce_specversion", b"1.0"),
            ],
            "more than once",
        ),
        (
            [
                ("ce_id", b"1"),
                ("ce_source", b"s"),
                ("ce_type", b"t"),
                ("ce_specversion", b"1.0"),
                ("ce_time", b"yesterday"),
            ],
            "RFC 3339",
        ),
        (
            [
                ("ce_id", b"1"),
                ("ce_source", b"s"),
                ("ce_type", b"t"),
                ("ce_specversion", b"1.0"),
                ("traceparent", b"abc"),
            ],
            "traceparent",
        ),
        (
            [
                ("ce_id", b"\xff"),
                ("ce_source", b"s"),
                ("ce_type", b"t"),
                ("ce_specversion", b"1.0"),
            ],
            "UTF-8",
        ),
    ],
)
def test_bad_headers_say_what_is_wrong(headers: list[tuple[str, bytes]], message: str) -> None:
    """Missing, duplicated or malformed attributes raise HeaderError naming the problem."""
    with pytest.raises(HeaderError, match=message):
        CloudEvent.from_headers(headers)


@pytest.mark.parametrize(
    ("sent", "carried"),
    [
        ("2026-03-01T08:30:00.125Z", "2026-03-01T08:30:00.125Z"),
        ("2026-03-01T09:30:00.125+01:00", "2026-03-01T08:30:00.125Z"),
        ("2026-03-01T08:30:00Z", "2026-03-01T08:30:00.000Z"),
        ("2026-03-01T08:30:00.125999Z", "2026-03-01T08:30:00.125Z"),
    ],
)
def test_an_events_time_is_carried_over_in_utc_to_the_millisecond(sent: str, carried: str) -> None:
    """What hub records about an event carry is its time in one form, however it came."""
    headers = [
        ("ce_id", b"1"),
        ("ce_source", b"/pes/vdab"),
        ("ce_type", b"t"),
        ("ce_specversion", b"1.0"),
        ("ce_time", sent.encode()),
    ]
    event = CloudEvent.from_headers(headers)
    assert dict(event.context_headers())["ce_time"] == carried.encode()


def test_an_envelope_copied_with_another_time_carries_that_time() -> None:
    """The time text kept from the headers never outlives the time it was read with."""
    read = CloudEvent.from_headers(
        [
            ("ce_id", b"1"),
            ("ce_source", b"/pes/vdab"),
            ("ce_type", b"t"),
            ("ce_specversion", b"1.0"),
            ("ce_time", b"2026-03-01T08:30:00.125Z"),
        ]
    )
    moved = dataclasses.replace(read, time=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    assert dict(moved.context_headers())["ce_time"] == b"2026-03-02T09:00:00.000Z"
