"""The audit chain check names each kind of tampering and where it happened."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hub import paths
from hub.audit import AuditChain, check_partition, decision_hash
from hub.codec import AvroCodec, SchemaStore
from tests.unit.audit.sealing import seal_record

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
SAMPLE = json.loads(
    (Path(__file__).resolve().parents[2] / "data" / "samples" / "RoutingDecision.json").read_text()
)


def _chain(count: int) -> list[tuple[int, dict[str, Any]]]:
    chain = AuditChain(CODEC)
    records = []
    for number in range(count):
        decision = SAMPLE | {"decision_id": f"d{number}", "event_id": f"e{number}"}
        records.append((number, CODEC.decode(seal_record(chain, 0, decision)).record))
    return records


def _renumber(records: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    return list(enumerate(records))


def test_untouched_chain_has_no_findings() -> None:
    """A chain written by the router checks clean."""
    assert check_partition(CODEC, 0, _chain(6)) == []


def test_modified_record_is_located() -> None:
    """Changing a decision's outcome without re-hashing breaks its own hash."""
    records = [d for _, d in _chain(6)]
    records[3] = records[3] | {"outcome": "ALLOW"}
    findings = check_partition(CODEC, 0, _renumber(records))
    assert [(f.kind, f.offset) for f in findings] == [("MODIFIED", 3)]


def test_deleted_record_is_located() -> None:
    """Removing a decision leaves its successor chaining to a hash that is gone."""
    records = [d for _, d in _chain(6)]
    del records[2]
    findings = check_partition(CODEC, 0, _renumber(records))
    assert [(f.kind, f.offset) for f in findings] == [("REMOVED", 2)]


def test_inserted_record_is_located_even_when_well_hashed() -> None:
    """A forged decision chained to its predecessor and re-hashed is still found."""
    records = [d for _, d in _chain(6)]
    forged = records[1] | {"decision_id": "forged", "prev_hash": records[1]["hash"], "hash": ""}
    forged["hash"] = decision_hash(CODEC, forged)
    records.insert(2, forged)
    findings = check_partition(CODEC, 0, _renumber(records))
    assert [(f.kind, f.offset) for f in findings] == [("INSERTED", 2)]


def test_swapped_records_are_reported() -> None:
    """Two decisions in swapped order break the chain where they stand."""
    records = [d for _, d in _chain(6)]
    records[2], records[3] = records[3], records[2]
    kinds = {(f.kind, f.offset) for f in check_partition(CODEC, 0, _renumber(records))}
    assert ("REORDERED", 2) in kinds


@pytest.mark.parametrize("start", [None])
def test_check_from_the_middle_skips_the_first_link(start: None) -> None:
    """Verifying from an offset does not flag the first record's link to unseen history."""
    assert check_partition(CODEC, 0, _chain(6)[3:], start_hash=start) == []
