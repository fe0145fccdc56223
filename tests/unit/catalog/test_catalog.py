"""The topic catalogue: it loads, it is consistent, and the checks catch what they should."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
import yaml

from hub import paths
from hub.catalog import Catalog, CatalogueError, check_catalog, load_catalog
from hub.codec import SchemaStore


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(paths.topics_dir())


@pytest.fixture(scope="module")
def schemas() -> SchemaStore:
    return SchemaStore.from_directory(paths.schema_dir())


def _replace_topic(catalog: Catalog, name: str, **changes: object) -> Catalog:
    topics = dict(catalog.topics)
    topics[name] = dataclasses.replace(topics[name], **changes)
    return dataclasses.replace(catalog, topics=topics)


def test_shipped_catalogue_is_consistent(catalog: Catalog, schemas: SchemaStore) -> None:
    """The catalogue in topics/ passes every check."""
    assert check_catalog(catalog, schemas) == []


def test_every_service_has_in_and_out_topics(catalog: Catalog) -> None:
    """Each of the six services has its out and in topics, named pes.<pes>.<dir>.<type>."""
    assert set(catalog.services) == {"VDAB", "FOREM", "ACTIRIS", "BF", "ADG", "FT"}
    for code in catalog.services:
        for kind in ("vacancy", "jobseeker", "consent", "registration", "feedback"):
            assert catalog.service_topic(code, "out", kind).writers == (
                f"connector-{code.lower()}",
            )
        for kind in ("vacancy", "jobseeker", "feedback", "decision", "erasure"):
            assert catalog.service_topic(code, "in", kind).readers[0] == f"connector-{code.lower()}"


def test_unknown_schema_is_found(catalog: Catalog, schemas: SchemaStore) -> None:
    """A topic naming a schema that does not exist is reported."""
    broken = _replace_topic(catalog, "hub.audit", schema="NoSuchRecord")
    assert [f.topic for f in check_catalog(broken, schemas)] == ["hub.audit"]


def test_personal_topic_with_other_partitioning_is_found(
    catalog: Catalog, schemas: SchemaStore
) -> None:
    """A subject-keyed topic with another partition count breaks co-partitioning."""
    broken = _replace_topic(catalog, "pes.vdab.out.jobseeker", partitions=12)
    findings = check_catalog(broken, schemas)
    assert any(
        f.topic == "pes.vdab.out.jobseeker" and "co-partitioned" in f.problem for f in findings
    )


def test_compacted_consent_history_is_found(catalog: Catalog, schemas: SchemaStore) -> None:
    """Consent history must not live only in a compacted topic."""
    broken = _replace_topic(catalog, "pes.forem.out.consent", cleanup_policy="compact")
    assert any("compacted" in f.problem for f in check_catalog(broken, schemas))


def test_other_service_reading_an_inbox_is_found(catalog: Catalog, schemas: SchemaStore) -> None:
    """One service's connector may never read another service's inbox."""
    topic = catalog.topic("pes.vdab.in.jobseeker")
    broken = _replace_topic(catalog, topic.name, readers=(*topic.readers, "connector-forem"))
    assert any("connector-forem may read" in f.problem for f in check_catalog(broken, schemas))


def test_missing_service_topic_is_found(catalog: Catalog, schemas: SchemaStore) -> None:
    """A service without one of the topics every other service has is reported."""
    topics = {n: t for n, t in catalog.topics.items() if n != "pes.adg.in.erasure"}
    broken = dataclasses.replace(catalog, topics=topics)
    assert [f.topic for f in check_catalog(broken, schemas)] == ["pes.adg.in.erasure"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda raw: raw["pes_topics"][0].update(key="person"), "key 'person'"),
        (lambda raw: raw["pes_topics"][0].update(readers=["nobody"]), "unknown role 'nobody'"),
        (lambda raw: raw["pes_topics"][0].update(colour="blue"), "unknown field"),
        (lambda raw: raw["hub_topics"].append(dict(raw["hub_topics"][0])), "defined twice"),
        (lambda raw: raw["pes_topics"][0].update(partitions="six"), "partitions 'six' is not a"),
        (lambda raw: raw["hub_topics"][0].update(retention_ms="2y"), "retention_ms '2y' is not"),
        (lambda raw: raw["hub_topics"].append("hub.extra"), "expected a mapping of fields"),
    ],
)
def test_malformed_catalogue_is_a_clear_error(tmp_path: Path, edit, message: str) -> None:
    """Loading a broken catalogue raises CatalogueError saying what is wrong."""
    shutil.copytree(paths.topics_dir(), tmp_path / "topics")
    path = tmp_path / "topics" / "catalog.yaml"
    raw = yaml.safe_load(path.read_text())
    edit(raw)
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(CatalogueError, match=message):
        load_catalog(tmp_path / "topics")
