"""Generated writers give exactly fastavro's bytes and refuse what they cannot tell apart;
generated readers give exactly fastavro's records and refuse bytes that are not one."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import fastavro
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub import paths
from hub.codec import SchemaStore
from hub.codec.compiled import Reader, compile_reader, compile_writer
from tests.strategies import records

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
    schema = {
        "type": "record",
        "name": "R",
        "fields": [{"name": "f", "type": [record_a, record_b]}],
    }
    assert compile_writer(schema) is None


def _reader_of(schema: Any) -> Reader:
    reader = compile_reader(schema)
    assert reader is not None
    return reader


def _fastavro_bytes(parsed: object, record: object) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, parsed, record)
    return buffer.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_reader_returns_what_fastavro_returns_for_any_record_of_any_schema(
    data: st.DataObject,
) -> None:
    version = STORE.current(data.draw(st.sampled_from(STORE.names())))
    body = _fastavro_bytes(version.parsed, data.draw(records(version.expanded)))
    record, end = _reader_of(version.expanded)(body, 0)
    assert end == len(body)
    assert record == fastavro.schemaless_reader(io.BytesIO(body), version.parsed, None)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_reader_reads_every_sample_and_refuses_every_cut_of_it(sample: Path) -> None:
    version = STORE.current(sample.stem)
    record = json.loads(sample.read_text())
    body = _fastavro_bytes(version.parsed, record)
    read = _reader_of(version.expanded)
    assert read(body, 0) == (record, len(body))
    for cut in range(len(body)):
        with pytest.raises((EOFError, IndexError)):
            read(body[:cut], 0)


@pytest.mark.parametrize(
    ("field_type", "body", "message"),
    [
        ({"type": "enum", "name": "E", "symbols": ["A", "B"]}, b"\x04", "enum index 4"),
        ({"type": "enum", "name": "E", "symbols": ["A", "B"]}, b"\x01", "enum index 1"),
        (["null", "string"], b"\x04", "union index 4"),
        ("string", b"\x03", "negative length"),
        ("long", b"\xff" * 11, "longer than ten bytes"),
    ],
)
def test_reader_names_what_is_impossible(field_type: object, body: bytes, message: str) -> None:
    schema = {"type": "record", "name": "R", "fields": [{"name": "f", "type": field_type}]}
    with pytest.raises(ValueError, match=message):
        _reader_of(schema)(body, 0)


def test_reader_handles_a_recursive_record_and_multi_block_arrays() -> None:
    node = {
        "type": "record",
        "name": "Node",
        "fields": [
            {"name": "label", "type": "string"},
            {"name": "children", "type": {"type": "array", "items": "Node"}},
        ],
    }
    tree = {"label": "a", "children": [{"label": "b", "children": []}] * 3}
    body = _fastavro_bytes(fastavro.parse_schema(node), tree)
    assert _reader_of(node)(body, 0) == (tree, len(body))
    # a block with a negative count carries its size in bytes; fastavro never writes one
    blocked = b"\x02a" + b"\x01\x08" + b"\x02b\x00" + b"\x00"
    assert _reader_of(node)(blocked, 0) == (
        {"label": "a", "children": [{"label": "b", "children": []}]},
        len(blocked),
    )


def test_logical_types_are_left_to_fastavro() -> None:
    timestamp = {"type": "long", "logicalType": "timestamp-millis"}
    schema = {"type": "record", "name": "R", "fields": [{"name": "at", "type": timestamp}]}
    assert compile_reader(schema) is None
    assert compile_writer(schema) is None
