"""Fixtures for codec tests: the real schema store, and small throw-away schema folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hub import paths
from hub.codec import AvroCodec, SchemaStore


@pytest.fixture(scope="session")
def store() -> SchemaStore:
    return SchemaStore.from_directory(paths.schema_dir())


@pytest.fixture(scope="session")
def codec(store: SchemaStore) -> AvroCodec:
    return AvroCodec(store)


def write_schemas(folder: Path, *schemas: dict[str, Any]) -> Path:
    """Write one ``.avsc`` per named type, as the canonical folder is laid out."""
    folder.mkdir(parents=True, exist_ok=True)
    for schema in schemas:
        (folder / f"{schema['name']}.avsc").write_text(json.dumps(schema))
    return folder


PLACE = {
    "type": "record",
    "name": "Place",
    "namespace": "t.ns",
    "doc": "d",
    "fields": [{"name": "postal_code", "type": "string", "doc": "d"}],
}
KIND = {
    "type": "enum",
    "name": "Kind",
    "namespace": "t.ns",
    "doc": "d",
    "symbols": ["A", "B", "OTHER"],
    "default": "OTHER",
}
TRIP = {
    "type": "record",
    "name": "Trip",
    "namespace": "t.ns",
    "doc": "d",
    "fields": [
        {"name": "start", "type": "t.ns.Place", "doc": "d"},
        {"name": "end", "type": ["null", "t.ns.Place"], "default": None, "doc": "d"},
        {"name": "kind", "type": "t.ns.Kind", "doc": "d"},
        {
            "name": "stops",
            "type": {"type": "array", "items": "t.ns.Place"},
            "default": [],
            "doc": "d",
        },
    ],
}
