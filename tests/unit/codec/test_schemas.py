"""Expansion and fingerprints of the canonical schemas, checked against the official avro package."""

from __future__ import annotations

import json
from pathlib import Path

import avro.schema
import pytest

from hub.codec import SchemaNotFoundError, SchemaParseError, SchemaStore, expand_schema
from hub.codec.schemas import load_named_types, parsing_canonical_form
from tests.unit.codec.conftest import KIND, PLACE, TRIP, write_schemas


class TestExpansion:
    def test_named_types_are_inlined_at_first_use_and_referenced_after(
        self, tmp_path: Path
    ) -> None:
        """The first use of Place is its definition; later uses are its full name."""
        named = load_named_types(write_schemas(tmp_path, PLACE, KIND, TRIP))
        expanded = expand_schema("t.ns.Trip", named)
        start, end, kind, stops = (field["type"] for field in expanded["fields"])
        assert start["type"] == "record" and start["name"] == "t.ns.Place"
        assert end == ["null", "t.ns.Place"]
        assert kind["type"] == "enum"
        assert stops["items"] == "t.ns.Place"

    def test_unknown_reference_is_named_in_the_error(self, tmp_path: Path) -> None:
        """A reference to a type no file defines says which type is missing."""
        named = load_named_types(write_schemas(tmp_path, TRIP))
        with pytest.raises(SchemaNotFoundError, match="t.ns.Place"):
            expand_schema("t.ns.Trip", named)

    def test_invalid_json_file_is_a_parse_error(self, tmp_path: Path) -> None:
        """A broken .avsc file is reported with its path."""
        (tmp_path / "Broken.avsc").write_text("{not json")
        with pytest.raises(SchemaParseError, match="Broken.avsc"):
            load_named_types(tmp_path)


class TestFingerprints:
    def test_every_canonical_record_has_avros_fingerprint(self, store: SchemaStore) -> None:
        """Our fingerprint equals the official avro package's for every expanded record."""
        assert store.names(), "no schemas loaded"
        for name in store.names():
            version = store.current(name)
            official = avro.schema.parse(json.dumps(version.expanded))
            assert version.fingerprint == official.fingerprint("CRC-64-AVRO"), name
            assert parsing_canonical_form(version.expanded) == official.canonical_form, name

    def test_canonical_schemas_use_no_logical_types(self, store: SchemaStore) -> None:
        """Implementations disagree on the canonical form of logical types, so we use none."""
        for name in store.names():
            assert "logicalType" not in json.dumps(store.current(name).expanded), name

    def test_nested_type_change_changes_the_parent_fingerprint(self, tmp_path: Path) -> None:
        """Because nested types are inlined, editing Place changes Trip's fingerprint."""
        before = SchemaStore.from_directory(write_schemas(tmp_path / "a", PLACE, KIND, TRIP))
        place_v2 = dict(
            PLACE,
            fields=[
                *PLACE["fields"],
                {"name": "nuts3", "type": ["null", "string"], "default": None, "doc": "d"},
            ],
        )
        after = SchemaStore.from_directory(write_schemas(tmp_path / "b", place_v2, KIND, TRIP))
        assert before.current("Trip").fingerprint != after.current("Trip").fingerprint
