"""``hub schemas check``: changed records must read everything written before them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from hub.codec import SchemaStore
from hub.codec.compatibility import GitSchemaSource, backward_problems, check_store
from hub.codec.schemas import expand_schema, load_named_types
from tests.unit.codec.conftest import KIND, PLACE, TRIP, write_schemas


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


def _repo_with(tmp_path: Path, *schemas: dict) -> tuple[Path, Path]:
    repo = tmp_path / "repo"
    folder = write_schemas(repo / "schemas" / "avro", *schemas)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "v1")
    return repo, folder


def _with_field(schema: dict, field: dict) -> dict:
    return dict(schema, fields=[*schema["fields"], field])


def _check_place_with(tmp_path: Path, field: dict) -> list:
    """Commit Place, Kind and Trip, add *field* to Place, and check against the commit."""
    repo, folder = _repo_with(tmp_path, PLACE, KIND, TRIP)
    write_schemas(folder, _with_field(PLACE, field))
    store = SchemaStore.from_directory(folder)
    return check_store(store, GitSchemaSource(repo, "HEAD", "schemas/avro"))


OPTIONAL_NUTS3 = {"name": "nuts3", "type": ["null", "string"], "default": None, "doc": "d"}


def test_added_field_with_default_is_compatible(tmp_path: Path) -> None:
    """Adding an optional field keeps old data readable."""
    findings = _check_place_with(tmp_path, OPTIONAL_NUTS3)
    problems = [f.problem for f in findings if "not archived" not in f.problem]
    assert problems == []


def test_added_field_without_default_is_named(tmp_path: Path) -> None:
    """A required new field cannot be filled from old data; the finding says where."""
    findings = _check_place_with(tmp_path, {"name": "nuts3", "type": "string", "doc": "d"})
    assert any(f.record == "t.ns.Place" and "nuts3" in f.problem for f in findings)
    assert any(f.record == "t.ns.Trip" for f in findings), "the parent embeds Place"


def test_changed_record_without_archive_is_reported(tmp_path: Path) -> None:
    """A record whose old version is not archived would leave old messages undecodable."""
    findings = _check_place_with(tmp_path, OPTIONAL_NUTS3)
    assert {f.record for f in findings if "not archived" in f.problem} == {
        "t.ns.Place",
        "t.ns.Trip",
    }


def test_unchanged_schemas_have_no_findings(tmp_path: Path) -> None:
    """Nothing changed since the ref: nothing to report."""
    repo, folder = _repo_with(tmp_path, PLACE, KIND, TRIP)
    assert (
        check_store(
            SchemaStore.from_directory(folder), GitSchemaSource(repo, "HEAD", "schemas/avro")
        )
        == []
    )


def test_removed_enum_symbol_is_incompatible(tmp_path: Path) -> None:
    """Old data may hold a symbol the new reader lacks, unless the enum has a default."""
    old_kind = {k: v for k, v in KIND.items() if k != "default"} | {"symbols": ["A", "B"]}
    old = expand_schema(
        "t.ns.Trip", load_named_types(write_schemas(tmp_path, PLACE, old_kind, TRIP))
    )
    new_kind = dict(old_kind, symbols=["A"])
    new = expand_schema(
        "t.ns.Trip", load_named_types(write_schemas(tmp_path / "n", PLACE, new_kind, TRIP))
    )
    assert backward_problems(new, old)
