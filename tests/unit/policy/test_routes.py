"""The route index: the rules it finds per destination are those a direct reading finds."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.policy import Event, PolicyContext, RecordRef
from hub.policy.agreements import Agreements, Rule

from .conftest import DAY, T0, make_context

SERVICES = ("ACTIRIS", "ADG", "BF", "FOREM", "FT", "VDAB")
NOT_A_SERVICE = "NOWHERE"


def _windowed(agreements: Agreements) -> Agreements:
    """The shipped rules, some given a start or an end near T0, so that rules come into and
    go out of force around the times the test draws."""
    rules = [
        dataclasses.replace(
            rule,
            valid_from_ms=T0 + (index % 3) * DAY if index % 2 else rule.valid_from_ms,
            valid_until_ms=T0 + (index % 4 + 1) * DAY if index % 3 == 0 else None,
        )
        for index, rule in enumerate(agreements.rules)
    ]
    return dataclasses.replace(agreements, rules=tuple(rules))


CONTEXT = make_context()
WINDOWED = dataclasses.replace(CONTEXT, agreements=_windowed(CONTEXT.agreements))
BOUNDARIES = sorted(
    {
        moment
        for rule in WINDOWED.agreements.rules
        for moment in (rule.valid_from_ms, rule.valid_until_ms)
        if moment is not None
    }
)


def _matches(parties: tuple[str, ...], service: str, event: Event, owner: Any) -> bool:
    return (
        service in parties
        or "ANY" in parties
        or ("HOME" in parties and event.home == service)
        or ("VACANCY_OWNER" in parties and owner == service)
    )


def _direct(context: PolicyContext, event: Event) -> list[tuple[str, tuple[Rule, ...]]]:
    """Every rule checked against the event and each destination, one by one."""
    owner = (event.record.get("vacancy") or {}).get("source_pes")
    return [
        (
            destination,
            tuple(
                rule
                for rule in context.agreements.rules_for(event.event_type)
                if rule.valid_at(event.time_ms)
                and _matches(rule.sources, event.source, event, owner)
                and _matches(rule.destinations, destination, event, owner)
            ),
        )
        for destination in sorted(context.services)
        if destination != event.source
    ]


moments = st.one_of(
    st.sampled_from(BOUNDARIES).flatmap(
        lambda moment: st.sampled_from([moment - 1, moment, moment + 1])
    ),
    st.integers(min_value=T0 - 10 * DAY, max_value=T0 + 10 * DAY),
)
parties = st.sampled_from([*SERVICES, NOT_A_SERVICE])


@settings(max_examples=400, deadline=None)
@given(
    event_type=st.sampled_from(["vacancy", "jobseeker", "feedback"]),
    source=st.sampled_from(SERVICES),
    home=parties,
    owner=parties,
    time_ms=moments,
    windowed=st.booleans(),
)
def test_index_finds_the_rules_a_direct_reading_finds(
    event_type: str, source: str, home: str, owner: str, time_ms: int, windowed: bool
) -> None:
    context = WINDOWED if windowed else CONTEXT
    record = {"subject": {"home_pes": home}, "vacancy": {"source_pes": owner}}
    event = Event(event_type, source, "k", time_ms, record, RecordRef("t", 0, 0))
    assert list(context.routes(event)) == _direct(context, event)


def test_index_keeps_one_entry_per_kind_of_event() -> None:
    """Homes and owners that are no service share an entry: the index cannot grow with
    what events carry."""
    context = dataclasses.replace(CONTEXT)
    for number in range(50):
        record = {"subject": {"home_pes": f"X{number}"}, "vacancy": {"source_pes": f"Y{number}"}}
        event = Event("feedback", "VDAB", "k", T0, record, RecordRef("t", 0, number))
        context.routes(event)
    assert len(context.routes._routes) == 1
