"""The latency probe reads the decision inboxes of its workload's senders, and no others."""

from __future__ import annotations

import time

import pytest

from hub import paths
from hub.bench.workloads import decision_inboxes, vacancies
from hub.catalog import Catalog, load_catalog
from hub.codec import AvroCodec, SchemaStore


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(paths.topics_dir())


@pytest.fixture(scope="module")
def codec() -> AvroCodec:
    return AvroCodec(SchemaStore.from_directory(paths.schema_dir()))


def test_vacancies_come_from_the_senders_asked_for(catalog: Catalog, codec: AvroCodec) -> None:
    workload = vacancies(codec, catalog, 12, int(time.time() * 1000), ["FOREM"])

    assert len(workload.messages) == 12
    assert {m.source for m in workload.messages} == {"FOREM"}
    assert {m.topic for m in workload.messages} == {"pes.forem.out.vacancy"}
    assert len({m.key for m in workload.messages}) == 12


def test_one_senders_probe_reads_that_senders_decision_inbox_only(
    catalog: Catalog, codec: AvroCodec
) -> None:
    workload = vacancies(codec, catalog, 12, int(time.time() * 1000), ["FOREM"])

    assert decision_inboxes(catalog, workload) == ["pes.forem.in.decision"]


def test_a_workload_from_every_service_is_read_in_every_decision_inbox(
    catalog: Catalog, codec: AvroCodec
) -> None:
    workload = vacancies(codec, catalog, 12, int(time.time() * 1000))

    assert decision_inboxes(catalog, workload) == sorted(
        catalog.service_topic(service, "in", "decision").name for service in catalog.services
    )
