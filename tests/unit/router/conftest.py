"""A RouterCore over an in-memory table, and builders for input records."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest

from hub import paths
from hub.audit import AuditChain
from hub.catalog import load_catalog
from hub.codec import AvroCodec, CloudEvent, SchemaStore
from hub.router import InputRecord, RouterCore, SubjectStore
from tests.unit.policy.conftest import make_context

SCHEMAS = {
    "vacancy": "Vacancy",
    "jobseeker": "JobseekerProfile",
    "consent": "ConsentChange",
    "registration": "Registration",
    "feedback": "ApplicationFeedback",
}


def make_core() -> RouterCore:
    store = SchemaStore.from_directory(paths.schema_dir())
    codec = AvroCodec(store)
    return RouterCore(
        codec=codec,
        catalog=load_catalog(paths.topics_dir()),
        policy=make_context(),
        subjects=SubjectStore({}, store),
        chain=AuditChain(codec),
        clock_ms=lambda: 0,
    )


@pytest.fixture
def core() -> RouterCore:
    return make_core()


class Inputs:
    """Builds input records the way a service's connector publishes them."""

    def __init__(self, codec: AvroCodec) -> None:
        self.codec = codec
        self._offsets = itertools.count()
        self._ids = itertools.count()

    def record(
        self,
        event_type: str,
        source: str,
        value: dict[str, Any],
        *,
        key: str,
        time_ms: int,
        event_id: str | None = None,
        partition: int = 0,
    ) -> InputRecord:
        event = CloudEvent(
            source=f"/pes/{source.lower()}",
            type=f"be.pes.hub.{SCHEMAS[event_type]}",
            id=event_id or f"e{next(self._ids)}",
            subject=key,
            time=datetime.fromtimestamp(time_ms / 1000, UTC),
        )
        return InputRecord(
            topic=f"pes.{source.lower()}.out.{event_type}",
            partition=partition,
            offset=next(self._offsets),
            timestamp_ms=time_ms,
            key=key.encode(),
            value=self.codec.encode(SCHEMAS[event_type], value),
            headers=tuple(event.to_headers()),
        )


@pytest.fixture
def inputs(core: RouterCore) -> Inputs:
    return Inputs(core.codec)
