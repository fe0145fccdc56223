"""Notices joined from remembered outcomes are byte for byte the whole record's encoding."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub import paths
from hub.codec import AvroCodec, SchemaStore
from hub.exceptions import ConfigurationError
from hub.policy import Decision, Outcome
from hub.router.notices import NOTICE_RECORD, NoticeWriter

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
SERVICES = ["VDAB", "FOREM", "ACTIRIS", "BF", "ADG", "FT"]
text = st.text(max_size=80)
fields = st.fixed_dictionaries(
    {
        "notice_id": text,
        "event_id": text,
        "event_type": text,
        "key": text,
        "source_pes": st.sampled_from(SERVICES),
        "source_ref": st.fixed_dictionaries(
            {
                "topic": text,
                "partition": st.integers(0, 2**31 - 1),
                "offset": st.integers(0, 2**63 - 1),
            }
        ),
        "event_time": st.integers(-(2**63), 2**63 - 1),
    }
)
decisions = st.tuples(
    st.sampled_from(SERVICES),
    st.sampled_from(list(Outcome)),
    st.sampled_from(["ALLOWED", "NO_AGREEMENT", "FILTER_NOT_MET", ""]),
    st.text(max_size=300),  # lengths past one varint byte
    st.none() | text,
).map(lambda parts: Decision(*parts[:4], rule_id=parts[4]))


def _whole(notice: dict[str, Any], outcomes: list[Decision]) -> bytes:
    return CODEC.encode(
        NOTICE_RECORD,
        dict(
            notice,
            outcomes=[
                {
                    "destination": d.destination,
                    "outcome": d.outcome.value,
                    "reason_code": d.reason_code,
                    "reason": d.reason,
                    "rule_id": d.rule_id,
                }
                for d in outcomes
            ],
        ),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(fields, st.lists(decisions, max_size=70)), min_size=1, max_size=4))
def test_notices_encode_like_the_whole_record(notices: list[tuple[dict, list[Decision]]]) -> None:
    """Outcomes fresh or remembered (one writer for all), up to 70 of them (a two-byte
    count), none at all: the same bytes as encoding the complete notice."""
    writer = NoticeWriter(CODEC)
    for notice, outcomes in notices * 2:
        assert writer.encode(notice, outcomes) == _whole(notice, outcomes)


def test_a_remembered_outcome_is_the_same_outcome() -> None:
    """Outcomes alike but for one part are remembered apart."""
    writer = NoticeWriter(CODEC)
    notice = {
        "notice_id": "n1",
        "event_id": "e1",
        "event_type": "be.pes.Vacancy",
        "key": "VDAB:1",
        "source_pes": "VDAB",
        "source_ref": {"topic": "pes.vdab.out.vacancy", "partition": 0, "offset": 7},
        "event_time": 1,
    }
    base = Decision("FOREM", Outcome.DENY, "NO_AGREEMENT", "No agreement.", rule_id=None)
    variants = [
        base,
        Decision("BF", Outcome.DENY, "NO_AGREEMENT", "No agreement.", rule_id=None),
        Decision("FOREM", Outcome.ALLOW, "NO_AGREEMENT", "No agreement.", rule_id=None),
        Decision("FOREM", Outcome.DENY, "FILTER_NOT_MET", "No agreement.", rule_id=None),
        Decision("FOREM", Outcome.DENY, "NO_AGREEMENT", "Another reason.", rule_id=None),
        Decision("FOREM", Outcome.DENY, "NO_AGREEMENT", "No agreement.", rule_id="r1"),
    ]
    for outcomes in ([base], variants, variants[::-1]):
        assert writer.encode(notice, outcomes) == _whole(notice, outcomes)


def test_a_schema_the_writer_does_not_know_is_refused() -> None:
    """A notice record with fields in another order fails at start-up, not silently."""
    codec = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
    codec.field_writers = lambda name: {"outcomes": None, "notice_id": None}  # type: ignore[method-assign]
    with pytest.raises(ConfigurationError, match="notice writer encodes"):
        NoticeWriter(codec)
