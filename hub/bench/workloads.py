"""Benchmark workloads: canonical events as the services publish them, encoded once.

Values are encoded once per workload; the headers carry the run's trace id in
``traceparent``, so the outputs of one run can be told apart from anything else on the
broker without decoding them.
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from connectors.base.fakedata import FakeData
from hub.catalog import Catalog
from hub.codec import AvroCodec, CloudEvent, Headers

__all__ = [
    "DATA_TYPES",
    "Message",
    "Workload",
    "consent_state",
    "decision_inboxes",
    "new_trace_id",
    "personal",
    "subject_key",
    "vacancies",
]

DATA_TYPES = ("vacancy", "jobseeker", "feedback")
_SCHEMAS = {
    "vacancy": "Vacancy",
    "jobseeker": "JobseekerProfile",
    "feedback": "ApplicationFeedback",
    "consent": "ConsentChange",
}
_DAY_MS = 86_400_000
_SECTIONS = ["IDENTITY", "RESIDENCE", "OCCUPATIONS", "LANGUAGES", "LICENCES"]
# padding that brings a generated vacancy to about 1 KB, the size the figures are quoted for
_DESCRIPTION = (
    "Responsibilities include planning, preparation and follow-up of the daily work, in a "
    "team of twelve, with training on the job and a permanent contract after six months. "
) * 3


def new_trace_id() -> str:
    """Return a fresh W3C trace id (32 hex digits); one per benchmark run."""
    return os.urandom(16).hex()


def subject_key(index: int, services: list[str]) -> tuple[str, str, str]:
    """Return (home service, jobseeker id, key) of benchmark subject number *index*."""
    home = services[index % len(services)]
    jobseeker_id = f"{home}-B{index:08d}"
    return home, jobseeker_id, f"{home}:{jobseeker_id}"


@dataclass(frozen=True, slots=True)
class Message:
    """One record to produce: topic, key, encoded value, event type and id."""

    topic: str
    key: bytes
    value: bytes
    event_type: str
    event_id: str
    source: str

    def headers(self, trace_id: str, at_ms: int) -> Headers:
        """Return the CloudEvents headers with the run's trace id and the event time."""
        return CloudEvent(
            source=f"/pes/{self.source.lower()}",
            type=f"be.pes.hub.{_SCHEMAS[self.event_type]}",
            id=self.event_id,
            subject=self.key.decode(),
            time=datetime.fromtimestamp(at_ms / 1000, UTC),
            traceparent=f"00-{trace_id}-{os.urandom(8).hex()}-01",
        ).to_headers()


@dataclass(frozen=True)
class Workload:
    """The events of one workload, and how many of them are routed data events."""

    name: str
    messages: list[Message]

    @property
    def data_events(self) -> int:
        """Return how many events get decisions (vacancies, profiles, feedback)."""
        return sum(1 for m in self.messages if m.event_type in DATA_TYPES)


def decision_inboxes(catalog: Catalog, workload: Workload) -> list[str]:
    """Return the decision inboxes of the services that sent *workload*: where the router
    writes the notices about its events, and all a reader of them needs to read."""
    senders = sorted({message.source for message in workload.messages})
    return [catalog.service_topic(sender, "in", "decision").name for sender in senders]


def _message(
    codec: AvroCodec, catalog: Catalog, event_type: str, source: str, key: str, record: Any
) -> Message:
    topic = catalog.service_topic(source, "out", event_type).name
    return Message(
        topic=topic,
        key=key.encode(),
        value=codec.encode(_SCHEMAS[event_type], record),
        event_type=event_type,
        event_id=os.urandom(12).hex(),
        source=source,
    )


def vacancies(
    codec: AvroCodec,
    catalog: Catalog,
    count: int,
    now_ms: int,
    sources: Sequence[str] | None = None,
) -> Workload:
    """Return *count* vacancies of about 1 KB, spread over *sources* (every service)."""
    services = list(sources or catalog.services)
    fakes = {code: FakeData(code, seed=11) for code in services}
    messages = []
    for index in range(count):
        source = services[index % len(services)]
        record = fakes[source].vacancy(now_ms)
        record["vacancy_id"] = f"B{index:08d}"
        record["texts"][0]["description"] += " " + _DESCRIPTION
        key = f"{source}:{record['vacancy_id']}"
        messages.append(_message(codec, catalog, "vacancy", source, key, record))
    return Workload("vacancies", messages)


def _consent(
    index: int, services: list[str], rng: random.Random, at_ms: int, action: str = "GRANTED"
) -> tuple[str, str, dict[str, Any]]:
    home, jobseeker_id, key = subject_key(index, services)
    others = [s for s in services if s != home]
    record = {
        "consent_id": f"{jobseeker_id}-c{at_ms}",
        "subject": {"home_pes": home, "jobseeker_id": jobseeker_id},
        "action": action,
        "destinations": rng.sample(others, 2) if action == "GRANTED" else [],
        "purposes": ["MEDIATION"] if action == "GRANTED" else [],
        "data_sections": _SECTIONS,
        "valid_from": at_ms if action == "GRANTED" else None,
        "valid_until": None,
        "evidence_reference": f"{home.lower()}://consents",
        "recorded_at": at_ms,
    }
    return home, key, record


def consent_state(codec: AvroCodec, catalog: Catalog, subjects: int, now_ms: int) -> Workload:
    """Return one consent to mediation at two services for each of *subjects* people."""
    services = list(catalog.services)
    rng = random.Random(5)
    at_ms = now_ms - 30 * _DAY_MS
    messages = []
    for index in range(subjects):
        home, key, record = _consent(index, services, rng, at_ms)
        messages.append(_message(codec, catalog, "consent", home, key, record))
    return Workload("consent-state", messages)


def personal(
    codec: AvroCodec, catalog: Catalog, count: int, subjects: int, now_ms: int
) -> Workload:
    """Return *count* events about known subjects: 60% profiles, 25% feedback, 15% consents."""
    services = list(catalog.services)
    fakes = {code: FakeData(code, seed=13) for code in services}
    rng = random.Random(17)
    messages = []
    for _ in range(count):
        index = rng.randrange(subjects)
        home, jobseeker_id, key = subject_key(index, services)
        draw = rng.random()
        if draw < 0.60:
            record = fakes[home].jobseeker(now_ms)
            record["subject"] = {"home_pes": home, "jobseeker_id": jobseeker_id}
            messages.append(_message(codec, catalog, "jobseeker", home, key, record))
        elif draw < 0.85:
            reporter = rng.choice([s for s in services if s != home])
            record = {
                "feedback_id": f"F{rng.randrange(10**9)}",
                "vacancy": {"source_pes": reporter, "vacancy_id": f"V{rng.randrange(10**6)}"},
                "subject": {"home_pes": home, "jobseeker_id": jobseeker_id},
                "reporting_pes": reporter,
                "outcome": rng.choice(["HIRED", "REJECTED", "NO_SHOW"]),
                "reason": None,
                "sanction_relevant": rng.random() < 0.2,
                "note": None,
                "applied_on": now_ms // _DAY_MS - 3,
                "reported_at": now_ms,
            }
            messages.append(_message(codec, catalog, "feedback", reporter, key, record))
        else:
            home, key, record = _consent(index, services, rng, now_ms - 1000)
            messages.append(_message(codec, catalog, "consent", home, key, record))
    return Workload("personal", messages)
