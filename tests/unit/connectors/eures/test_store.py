"""The Input API's reference store: created, modified and closed references over time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connectors.base.exceptions import MappingError
from connectors.eures import read_position_opening, write_position_opening
from connectors.eures.store import ReferenceStore

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "samples" / "Vacancy.json"
T0 = 1_767_225_600_000  # 2026-01-01T00:00Z
HOUR = 3_600_000


def _vacancy(vacancy_id: str = "70123456", **changes: Any) -> dict[str, Any]:
    return (
        json.loads(SAMPLE.read_text()) | {"vacancy_id": vacancy_id, "valid_until": None} | changes
    )


@pytest.fixture
def store() -> ReferenceStore:
    return ReferenceStore(write_position_opening)


def test_new_vacancy_is_created_active_with_its_document(store: ReferenceStore) -> None:
    """A first record creates an active reference whose content maps back to the vacancy."""
    assert store.apply(_vacancy(), T0) == "created"
    assert store.all_references(T0) == ["VDAB:70123456"]
    detail = store.details(["VDAB:70123456", "VDAB:unknown"], T0)
    assert list(detail) == ["VDAB:70123456"]
    item = detail["VDAB:70123456"]
    assert item["status"] == "ACTIVE" and item["source"] == "VDAB"
    assert item["creationTimestamp"] == item["lastModificationTimestamp"] == T0
    assert item["closingTimestamp"] is None and item["contentFormatVersion"] == "1.3"
    assert read_position_opening(item["content"])["vacancy_id"] == "70123456"


def test_same_document_again_does_not_bump_the_modification_time(store: ReferenceStore) -> None:
    """A re-published vacancy whose XML is the same keeps its lastModificationTimestamp."""
    store.apply(_vacancy(), T0)
    assert store.apply(_vacancy(updated_at=T0 + HOUR), T0 + HOUR) == "unchanged"
    assert (
        store.details(["VDAB:70123456"], T0 + HOUR)["VDAB:70123456"]["lastModificationTimestamp"]
        == T0
    )
    assert store.changes(T0 + 1, T0 + HOUR)["modifiedReferences"] == []


def test_real_change_is_listed_as_modified_after_the_poll(store: ReferenceStore) -> None:
    """A new title changes the document: modified since the last poll, not created."""
    store.apply(_vacancy(), T0)
    vacancy = _vacancy()
    vacancy["texts"][0]["title"] = "Heftruckchauffeur (nachtploeg)"
    assert store.apply(vacancy, T0 + HOUR) == "modified"
    assert store.changes(T0 + 1, T0 + HOUR) == {
        "createdReferences": [],
        "modifiedReferences": ["VDAB:70123456"],
        "closedReferences": [],
    }
    assert store.changes(T0, T0 + HOUR)["createdReferences"] == ["VDAB:70123456"]


@pytest.mark.parametrize("status", ["FILLED", "WITHDRAWN", "EXPIRED"])
def test_closing_status_closes_with_empty_content(store: ReferenceStore, status: str) -> None:
    """Filled, withdrawn or expired: CLOSED, empty content, not in getAll, in closedReferences."""
    store.apply(_vacancy(), T0)
    assert store.apply(_vacancy(status=status), T0 + HOUR) == "closed"
    assert store.all_references(T0 + HOUR) == []
    assert store.changes(T0 + 1, T0 + HOUR)["closedReferences"] == ["VDAB:70123456"]
    item = store.details(["VDAB:70123456"], T0 + HOUR)["VDAB:70123456"]
    assert (item["status"], item["content"], item["closingTimestamp"]) == ("CLOSED", "", T0 + HOUR)
    assert store.apply(_vacancy(status=status), T0 + 2 * HOUR) == "unchanged"


def test_valid_until_in_the_past_closes_at_that_moment(store: ReferenceStore) -> None:
    """No record needed: once valid_until passes, the vacancy is CLOSED as of valid_until."""
    store.apply(_vacancy(valid_until=T0 + HOUR), T0)
    assert store.all_references(T0 + HOUR - 1) == ["VDAB:70123456"]
    assert store.all_references(T0 + HOUR) == []
    item = store.details(["VDAB:70123456"], T0 + 2 * HOUR)["VDAB:70123456"]
    assert (item["status"], item["content"], item["closingTimestamp"]) == ("CLOSED", "", T0 + HOUR)
    assert store.changes(T0 + 30 * 60_000, T0 + 2 * HOUR)["closedReferences"] == ["VDAB:70123456"]


def test_reopened_vacancy_is_active_and_modified(store: ReferenceStore) -> None:
    """A withdrawn vacancy published again is active again, listed as modified."""
    store.apply(_vacancy(), T0)
    store.apply(_vacancy(status="WITHDRAWN"), T0 + HOUR)
    assert store.apply(_vacancy(status="UPDATED"), T0 + 2 * HOUR) == "reopened"
    assert store.changes(T0 + 1, T0 + 2 * HOUR)["modifiedReferences"] == ["VDAB:70123456"]
    assert store.all_references(T0 + 2 * HOUR) == ["VDAB:70123456"]


def test_same_id_at_two_services_are_two_references(store: ReferenceStore) -> None:
    """References are the hub keys, so equal ids at VDAB and Le Forem do not collide."""
    store.apply(_vacancy("42"), T0)
    store.apply(_vacancy("42", source_pes="FOREM"), T0)
    assert store.all_references(T0) == ["FOREM:42", "VDAB:42"]


def test_a_record_out_of_order_never_moves_time_backwards(store: ReferenceStore) -> None:
    """An older record timestamp after a newer one still counts as a later change."""
    store.apply(_vacancy(), T0 + HOUR)
    vacancy = _vacancy(positions=5)
    store.apply(vacancy, T0)
    item = store.details(["VDAB:70123456"], T0 + HOUR)["VDAB:70123456"]
    assert item["lastModificationTimestamp"] == T0 + HOUR


def test_unmappable_vacancy_raises_and_leaves_the_store_as_it_was(store: ReferenceStore) -> None:
    """A vacancy EURES cannot take raises MappingError; what was there stays."""
    store.apply(_vacancy(), T0)
    with pytest.raises(MappingError):
        store.apply(_vacancy(texts=[]), T0 + HOUR)
    assert store.all_references(T0 + HOUR) == ["VDAB:70123456"]
    assert len(store) == 1
