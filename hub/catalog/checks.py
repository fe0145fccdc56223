"""Consistency checks on the topic catalogue, run by ``hub topics check`` and in CI."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from hub.catalog.model import Catalog
from hub.codec import SchemaNotFoundError, SchemaStore

__all__ = ["Finding", "check_catalog"]

_HISTORY_TYPES = ("consent", "registration")


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the catalogue, and where."""

    topic: str
    problem: str


def check_catalog(catalog: Catalog, schemas: SchemaStore) -> list[Finding]:
    """Return every problem found; an empty list means the catalogue is sound."""
    return [
        *_schemas_exist(catalog, schemas),
        *_every_service_has_its_set(catalog),
        *_subject_topics_co_partitioned(catalog),
        *_history_is_kept(catalog),
        *_access_stays_within_service(catalog),
        *_someone_writes_and_reads(catalog),
    ]


def _schemas_exist(catalog: Catalog, schemas: SchemaStore) -> list[Finding]:
    findings = []
    for topic in catalog.topics.values():
        try:
            schemas.current(topic.schema)
        except SchemaNotFoundError:
            findings.append(Finding(topic.name, f"value schema {topic.schema!r} does not exist"))
    return findings


def _every_service_has_its_set(catalog: Catalog) -> list[Finding]:
    kinds: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for topic in catalog.topics.values():
        if topic.service and topic.direction and topic.event_type:
            kinds[topic.service].add((topic.direction, topic.event_type))
    expected = set().union(*kinds.values()) if kinds else set()
    findings = []
    for code in catalog.services:
        for direction, event_type in sorted(expected - kinds.get(code, set())):
            findings.append(
                Finding(f"pes.{code.lower()}.{direction}.{event_type}", f"{code} lacks this topic")
            )
    return findings


def _subject_topics_co_partitioned(catalog: Catalog) -> list[Finding]:
    """Consent, registrations and personal data about a person must share partitioning."""
    subject_topics = [t for t in catalog.topics.values() if t.key == "subject"]
    history = [t for t in subject_topics if t.event_type in _HISTORY_TYPES]
    if not history:
        return [Finding("pes.*.out.consent", "no consent or registration topic keyed by subject")]
    reference = history[0]
    return [
        Finding(
            topic.name,
            f"{topic.partitions} partitions, but {reference.name} has {reference.partitions}: "
            "subject-keyed topics must be co-partitioned with consent and registrations",
        )
        for topic in subject_topics
        if topic.partitions != reference.partitions
    ]


def _history_is_kept(catalog: Catalog) -> list[Finding]:
    """Verification replays consent, registration and audit history: never drop or compact it."""
    findings = []
    for topic in catalog.topics.values():
        keeps_history = topic.name == "hub.audit" or (
            topic.direction == "out" and topic.event_type in _HISTORY_TYPES
        )
        if not keeps_history:
            continue
        if topic.retention_ms != -1:
            findings.append(
                Finding(topic.name, "history topic must keep records (retention_ms -1)")
            )
        if "delete" not in topic.cleanup_policy or "compact" in topic.cleanup_policy:
            findings.append(Finding(topic.name, "history topic must not be compacted"))
    return findings


def _access_stays_within_service(catalog: Catalog) -> list[Finding]:
    """A service's connector touches only its own service topics."""
    findings = []
    for topic in catalog.topics.values():
        if topic.service is None:
            continue
        own = catalog.services[topic.service].principal
        for other in catalog.services.values():
            if other.principal == own:
                continue
            if other.principal in topic.readers:
                findings.append(Finding(topic.name, f"{other.principal} may read it"))
            if other.principal in topic.writers:
                findings.append(Finding(topic.name, f"{other.principal} may write it"))
        if topic.direction == "out" and own in topic.readers:
            findings.append(Finding(topic.name, "a service should not read its own out topic"))
        if topic.direction == "in" and own in topic.writers:
            findings.append(Finding(topic.name, "a service must not write its own inbox"))
    return findings


def _someone_writes_and_reads(catalog: Catalog) -> list[Finding]:
    findings = []
    for topic in catalog.topics.values():
        if not topic.writers:
            findings.append(Finding(topic.name, "nobody may write it"))
        if not topic.readers:
            findings.append(Finding(topic.name, "nobody may read it"))
    return findings
