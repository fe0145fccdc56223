"""Compiled writers give exactly fastavro's bytes, and refuse what they cannot tell apart."""

from __future__ import annotations

import io
import json
from pathlib import Path

import fastavro
import pytest

from hub import paths
from hub.codec import SchemaStore
from hub.codec.compiled import compile_writer

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "data" / "samples").glob("*.json"))
STORE = SchemaStore.from_directory(paths.schema_dir())


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_compiled_writer_matches_fastavro_byte_for_byte(sample: Path) -> None:
    version = STORE.current(sample.stem)
    record = json.loads(sample.read_text())
    writer = compile_writer(version.expanded)
    assert writer is not None
    compiled = bytearray()
    writer(compiled, record)
    expected = io.BytesIO()
    fastavro.schemaless_writer(expected, version.parsed, record)
    assert bytes(compiled) == expected.getvalue()


@pytest.mark.parametrize(
    ("field_type", "value", "error"),
    [
        ("long", 2**63, OverflowError),
        ("int", 2**31, OverflowError),
        ("string", b"bytes", AttributeError),
        (["null", "long"], "text", TypeError),
        ({"type": "enum", "name": "E", "symbols": ["A"]}, "B", KeyError),
    ],
)
def test_values_that_do_not_fit_raise(field_type: object, value: object, error: type) -> None:
    schema = {"type": "record", "name": "R", "fields": [{"name": "f", "type": field_type}]}
    writer = compile_writer(schema)
    assert writer is not None
    with pytest.raises(error):
        writer(bytearray(), {"f": value})


def test_union_of_two_records_is_left_to_fastavro() -> None:
    record_a = {"type": "record", "name": "A", "fields": [{"name": "x", "type": "long"}]}
    record_b = {"type": "record", "name": "B", "fields": [{"name": "y", "type": "long"}]}
    schema = {"type": "record", "name": "R", "fields": [{"name": "f", "type": [record_a, record_b]}]}
    assert compile_writer(schema) is None
