"""``--from`` / ``--to`` of the audit commands: an offset or a time with a zone."""

from __future__ import annotations

import pytest

from hub.audit.reader import Position, parse_position


def test_a_whole_number_is_an_offset_and_a_zoned_time_a_time() -> None:
    assert parse_position("42") == Position(offset=42)
    assert parse_position("2026-03-01T00:00Z") == Position(time_ms=1_772_323_200_000)
    assert parse_position(None) is None


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("-5", "neither an offset (0 or more) nor an ISO 8601 time"),
        ("yesterday", "neither an offset (0 or more) nor an ISO 8601 time"),
        ("2026-03-01T00:00", "has no time zone"),
    ],
)
def test_anything_else_says_what_is_expected(text: str, said: str) -> None:
    with pytest.raises(ValueError, match=said.replace("(", r"\(").replace(")", r"\)")):
        parse_position(text)
