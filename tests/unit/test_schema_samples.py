"""The canonical Avro schemas: one documented named type per file, and a valid sample per event.

Both fastavro and the official ``avro`` package must accept every file, with references
between files resolved by loading dependencies first; every top-level record has a
realistic sample that validates, names every field, and survives a binary round trip
unchanged (fastavro to fastavro, and fastavro to avro).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

import avro.io
import avro.name
import avro.schema
import fastavro
import fastavro.schema
import fastavro.validation
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "schemas" / "avro"
SAMPLE_DIR = ROOT / "tests" / "data" / "samples"
NAMESPACE = "be.pes.hub"

TOP_LEVEL = (
    "Vacancy",
    "JobseekerProfile",
    "ConsentChange",
    "Registration",
    "ApplicationFeedback",
    "RoutingDecision",
    "DecisionNotice",
    "ErasureNotice",
    "DeadLetter",
    "DeliveryReceipt",
    "ConnectorCursor",
)

_PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
_NAMED = frozenset({"record", "error", "enum", "fixed"})
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# Fields that hold an instant, and fields that hold a calendar day ("relied_on" is a list).
_TIMESTAMP_NAMES = re.compile(r"^(.*_at|event_time|valid_from|valid_until|source_timestamp)$")
_DATE_NAMES = re.compile(r"^(?!relied_on$)(.*_on|birth_date|available_from)$")
_TIMESTAMP = "long"  # UTC epoch milliseconds; no logical type (see the README)
_DATE = "int"  # days since 1970-01-01


# --- loading --------------------------------------------------------------------------------


def _files() -> dict[str, dict[str, Any]]:
    """Every ``.avsc`` directly in the schema folder, by full name."""
    return {
        f"{NAMESPACE}.{path.stem}": json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(SCHEMA_DIR.glob("*.avsc"))
    }


def _types_in(node: Any) -> Iterator[Any]:
    """Yield every type node used by the fields of a record (unions and arrays opened)."""
    if isinstance(node, list):
        for branch in node:
            yield from _types_in(branch)
        return
    yield node
    if isinstance(node, dict):
        if node.get("type") in ("array", "map"):
            yield from _types_in(node.get("items", node.get("values")))
        elif isinstance(node.get("type"), (dict, list)):
            yield from _types_in(node["type"])


def _field_types(schema: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for field in schema.get("fields", []):
        for node in _types_in(field["type"]):
            yield field["name"], node


def _references(schema: dict[str, Any]) -> set[str]:
    return {
        node
        for _, node in _field_types(schema)
        if isinstance(node, str) and node not in _PRIMITIVES
    }


def _dependency_order(files: dict[str, dict[str, Any]]) -> list[str]:
    """Full names ordered so that every type comes after the types it refers to."""
    graph = {name: _references(schema) for name, schema in files.items()}
    return list(TopologicalSorter(graph).static_order())


FILES = _files()


@pytest.fixture(scope="module")
def fastavro_schemas() -> dict[str, Any]:
    """Every named type parsed by fastavro, dependencies first, sharing one named_schemas."""
    named: dict[str, Any] = {}
    parsed = {}
    for name in _dependency_order(FILES):
        parsed[name] = fastavro.schema.parse_schema(FILES[name], named_schemas=named)
    return parsed


@pytest.fixture(scope="module")
def avro_schemas() -> dict[str, avro.schema.Schema]:
    """Every named type parsed by the official avro package, dependencies first, sharing Names."""
    names = avro.name.Names()
    return {
        name: avro.schema.make_avsc_object(FILES[name], names) for name in _dependency_order(FILES)
    }


def _sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLE_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _wire(value: Any) -> Any:
    """Undo fastavro's and avro's logical-type conversion: instants to epoch ms, days to ints."""
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return (aware - _EPOCH) // dt.timedelta(milliseconds=1)
    if isinstance(value, dt.date):
        return (value - _EPOCH.date()).days
    if isinstance(value, dict):
        return {key: _wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_wire(item) for item in value]
    return value


# --- the files ------------------------------------------------------------------------------


def test_the_schema_folder_holds_every_top_level_record() -> None:
    """Each event and hub record named in the architecture has its own file."""
    missing = [name for name in TOP_LEVEL if f"{NAMESPACE}.{name}" not in FILES]
    assert missing == []


@pytest.mark.parametrize("full_name", sorted(FILES))
def test_each_file_holds_one_named_type_named_like_the_file(full_name: str) -> None:
    """Vacancy.avsc holds the record be.pes.hub.Vacancy, named simply, in our namespace."""
    schema = FILES[full_name]
    assert schema.get("type") in ("record", "enum")
    assert schema.get("namespace") == NAMESPACE
    assert f"{NAMESPACE}.{schema.get('name')}" == full_name


@pytest.mark.parametrize("full_name", sorted(FILES))
def test_other_types_are_referenced_by_full_name_never_defined_inline(full_name: str) -> None:
    """A field's type is a primitive, an array/union of those, or the full name of another file."""
    for field, node in _field_types(FILES[full_name]):
        if isinstance(node, dict):
            assert node.get("type") not in _NAMED, f"{field}: named type defined inline"
        elif isinstance(node, str) and node not in _PRIMITIVES:
            assert node.startswith(f"{NAMESPACE}."), f"{field}: {node} is not a full name"
            assert node in FILES, f"{field}: no file defines {node}"


def test_references_between_files_have_no_cycle() -> None:
    """Types can be loaded dependencies first."""
    try:
        _dependency_order(FILES)
    except CycleError as exc:
        pytest.fail(f"schema references form a cycle: {exc.args[1]}")


def test_every_type_is_used_by_some_record() -> None:
    """No orphan file: every enum and nested record is reachable from some other type."""
    used = set().union(*(_references(schema) for schema in FILES.values()))
    top = {f"{NAMESPACE}.{name}" for name in TOP_LEVEL}
    assert sorted(set(FILES) - used - top) == []


@pytest.mark.parametrize("full_name", sorted(FILES))
def test_every_type_and_field_has_a_doc(full_name: str) -> None:
    """Records, enums and every field say what they are (and whether they are personal)."""
    schema = FILES[full_name]
    assert str(schema.get("doc", "")).strip(), f"{full_name} has no doc"
    undocumented = [
        f["name"] for f in schema.get("fields", []) if not str(f.get("doc", "")).strip()
    ]
    assert undocumented == [], f"{full_name}: fields without doc"
    for field, node in _field_types(schema):
        if isinstance(node, dict) and "fields" in node:
            pytest.fail(f"{full_name}.{field}: nested record (must be its own documented file)")


@pytest.mark.parametrize("full_name", sorted(FILES))
def test_fields_are_snake_case_and_unique(full_name: str) -> None:
    """Field names follow one convention, so dotted paths in agreements stay predictable."""
    names = [f["name"] for f in FILES[full_name].get("fields", [])]
    assert [n for n in names if not _SNAKE.match(n)] == []
    assert len(names) == len(set(names))


@pytest.mark.parametrize("full_name", sorted(FILES))
def test_optional_fields_default_to_null_and_arrays_to_empty(full_name: str) -> None:
    """Optional means ["null", T] with default null; a missing list reads as empty."""
    for field in FILES[full_name].get("fields", []):
        kind = field["type"]
        if isinstance(kind, list):
            assert kind[0] == "null" and len(kind) == 2, f"{field['name']}: {kind}"
            assert "default" in field and field["default"] is None, field["name"]
        elif isinstance(kind, dict) and kind.get("type") == "array":
            assert field.get("default") == [], field["name"]


@pytest.mark.parametrize("full_name", sorted(n for n, s in FILES.items() if s["type"] == "enum"))
def test_enum_defaults_are_symbols(full_name: str) -> None:
    """A reader meeting a future symbol falls back to a symbol the enum really has."""
    schema = FILES[full_name]
    if "default" in schema:
        assert schema["default"] in schema["symbols"]
    assert all(re.match(r"^[A-Z][A-Z0-9_]*$", s) for s in schema["symbols"])


@pytest.mark.parametrize("full_name", sorted(FILES))
def test_instants_are_epoch_millis_and_days_are_epoch_days(full_name: str) -> None:
    """*_at and validity bounds are long epoch ms; *_on and birth dates int days; no logical types."""
    for field in FILES[full_name].get("fields", []):
        kind = field["type"]
        inner = kind[1] if isinstance(kind, list) else kind
        if _TIMESTAMP_NAMES.match(field["name"]):
            assert inner == _TIMESTAMP, f"{field['name']}: {inner}"
        elif _DATE_NAMES.match(field["name"]):
            assert inner == _DATE, f"{field['name']}: {inner}"
        else:
            assert "logicalType" not in json.dumps(kind), field["name"]


# --- both libraries accept them -------------------------------------------------------------


def test_fastavro_parses_every_type(fastavro_schemas: dict[str, Any]) -> None:
    """fastavro resolves every cross-file reference when dependencies are loaded first."""
    assert set(fastavro_schemas) == set(FILES)


def test_official_avro_parses_every_type(avro_schemas: dict[str, avro.schema.Schema]) -> None:
    """The official avro package accepts the same files, with the same full names."""
    assert {schema.fullname for schema in avro_schemas.values()} == set(FILES)


# --- samples --------------------------------------------------------------------------------


def test_every_top_level_record_has_a_sample_and_no_sample_is_stray() -> None:
    """One sample per event and hub record, named after it."""
    samples = {path.stem for path in SAMPLE_DIR.glob("*.json")}
    assert sorted(set(TOP_LEVEL) - samples) == []
    assert sorted(samples - set(TOP_LEVEL)) == []


def _missing_fields(schema: Any, value: Any, path: str) -> Iterator[str]:
    """Yield dotted paths of record fields a sample leaves out (it should show them all)."""
    if isinstance(schema, str) and schema in FILES:
        schema = FILES[schema]
    if isinstance(schema, list):
        if value is not None:
            for branch in schema:
                if branch != "null":
                    yield from _missing_fields(branch, value, path)
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "record" and isinstance(value, dict):
        for field in schema["fields"]:
            where = f"{path}.{field['name']}" if path else field["name"]
            if field["name"] not in value:
                yield where
            else:
                yield from _missing_fields(field["type"], value[field["name"]], where)
    elif schema.get("type") == "array" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _missing_fields(schema["items"], item, f"{path}[{index}]")


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_sample_shows_every_field(name: str) -> None:
    """Samples document the whole shape: every field present, nulls and empty lists included."""
    assert list(_missing_fields(f"{NAMESPACE}.{name}", _sample(name), "")) == []


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_sample_validates(name: str, fastavro_schemas: dict[str, Any]) -> None:
    """fastavro's validator accepts the sample as it is stored."""
    assert fastavro.validation.validate(
        _sample(name), fastavro_schemas[f"{NAMESPACE}.{name}"], raise_errors=True
    )


def _fastavro_bytes(name: str, fastavro_schemas: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, fastavro_schemas[f"{NAMESPACE}.{name}"], _sample(name))
    return buffer.getvalue()


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_sample_round_trips_through_fastavro_unchanged(
    name: str, fastavro_schemas: dict[str, Any]
) -> None:
    """schemaless_writer then schemaless_reader gives the sample back (instants as epoch ms)."""
    schema = fastavro_schemas[f"{NAMESPACE}.{name}"]
    decoded = fastavro.schemaless_reader(
        io.BytesIO(_fastavro_bytes(name, fastavro_schemas)), schema
    )
    assert _wire(decoded) == _sample(name)


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_sample_written_by_fastavro_is_read_by_avro(
    name: str, fastavro_schemas: dict[str, Any], avro_schemas: dict[str, avro.schema.Schema]
) -> None:
    """The official avro package reads fastavro's bytes into the same record."""
    data = _fastavro_bytes(name, fastavro_schemas)
    reader = avro.io.DatumReader(avro_schemas[f"{NAMESPACE}.{name}"])
    assert _wire(reader.read(avro.io.BinaryDecoder(io.BytesIO(data)))) == _sample(name)
