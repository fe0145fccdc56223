"""The schema store: every canonical ``.avsc`` file, expanded and fingerprinted once.

Each file under ``schemas/avro/`` holds one named type and refers to others by full
name. A message names its writer schema by the CRC-64-AVRO fingerprint of the Parsing
Canonical Form of the *fully expanded* schema (every named type inlined at its first
use), which is what Java Avro and the official Python ``avro`` compute. Older versions
kept after an evolution live in ``schemas/avro/archive/`` as self-contained schemas, so
messages written with them stay readable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastavro
import fastavro.schema

from hub.codec.exceptions import SchemaNotFoundError, SchemaParseError

__all__ = [
    "ARCHIVE_DIR_NAME",
    "SchemaStore",
    "SchemaVersion",
    "expand_schema",
    "fingerprint_of",
    "load_named_types",
    "parsing_canonical_form",
]

ARCHIVE_DIR_NAME = "archive"

_PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
_NAMED = frozenset({"record", "error", "enum", "fixed"})


def _full_name(node: Mapping[str, Any], namespace: str | None) -> str:
    name = node["name"]
    if "." in name:
        return name
    ns = node.get("namespace", namespace)
    return f"{ns}.{name}" if ns else name


def _namespace_of(full_name: str) -> str | None:
    return full_name.rpartition(".")[0] or None


def load_named_types(directory: Path) -> dict[str, dict[str, Any]]:
    """Read every ``*.avsc`` directly in *directory*; return them by full name."""
    types: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.avsc")):
        try:
            node = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SchemaParseError(f"{path}: not readable JSON: {exc}") from exc
        if not isinstance(node, dict) or node.get("type") not in _NAMED or "name" not in node:
            raise SchemaParseError(f"{path}: must hold one named record, enum or fixed type")
        full = _full_name(node, None)
        if full in types:
            raise SchemaParseError(f"{path}: {full} is defined twice")
        types[full] = node
    return types


def expand_schema(full_name: str, named_types: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Return *full_name*'s schema with every referenced named type inlined at first use."""
    defined: set[str] = set()

    def resolve(ref: str, namespace: str | None) -> str:
        if ref in named_types or "." in ref:
            return ref
        qualified = f"{namespace}.{ref}" if namespace else ref
        return qualified

    def walk(node: Any, namespace: str | None) -> Any:
        if isinstance(node, str):
            if node in _PRIMITIVES:
                return node
            ref = resolve(node, namespace)
            if ref in defined:
                return ref
            if ref not in named_types:
                raise SchemaNotFoundError(f"{full_name} refers to unknown type {node!r}")
            return walk(named_types[ref], _namespace_of(ref))
        if isinstance(node, list):
            return [walk(branch, namespace) for branch in node]
        kind = node.get("type")
        if kind in _NAMED:
            full = _full_name(node, namespace)
            defined.add(full)
            expanded = dict(node, name=full)
            expanded.pop("namespace", None)
            if kind in ("record", "error"):
                inner_ns = _namespace_of(full)
                expanded["fields"] = [
                    dict(f, type=walk(f["type"], inner_ns)) for f in node.get("fields", [])
                ]
            return expanded
        if kind == "array":
            return dict(node, items=walk(node["items"], namespace))
        if kind == "map":
            return dict(node, values=walk(node["values"], namespace))
        if isinstance(kind, (dict, list)) or (isinstance(kind, str) and kind not in _PRIMITIVES):
            return walk(kind, namespace)
        return node

    if full_name not in named_types:
        raise SchemaNotFoundError(f"no schema named {full_name!r}")
    return walk(named_types[full_name], _namespace_of(full_name))


def parsing_canonical_form(expanded: Mapping[str, Any]) -> str:
    """Return the Parsing Canonical Form of a fully expanded schema."""
    try:
        return fastavro.schema.to_parsing_canonical_form(dict(expanded))
    except (ValueError, TypeError, KeyError, fastavro.schema.SchemaParseException) as exc:
        raise SchemaParseError(f"{expanded.get('name')}: {exc}") from exc


def fingerprint_of(expanded: Mapping[str, Any]) -> bytes:
    """Return the 8-byte CRC-64-AVRO fingerprint, little-endian as single-object encoding wants."""
    hex_digest = fastavro.schema.fingerprint(parsing_canonical_form(expanded), "CRC-64-AVRO")
    return bytes.fromhex(hex_digest)


@dataclass(frozen=True)
class SchemaVersion:
    """One writer schema: a record name, its expanded form, parsed schema and fingerprint."""

    name: str
    expanded: dict[str, Any] = field(repr=False)
    parsed: Any = field(repr=False)
    fingerprint: bytes
    current: bool
    source: Path | None = None


def _parse(expanded: dict[str, Any], where: str) -> Any:
    # the write hint marks the result as parsed: without it fastavro parses the whole schema
    # again on every schemaless read and write, which doubles the cost of each record
    try:
        return fastavro.parse_schema(expanded)
    except (ValueError, TypeError, KeyError, fastavro.schema.SchemaParseException) as exc:
        raise SchemaParseError(f"{where}: {exc}") from exc


class SchemaStore:
    """All writer schemas the hub can read, by record name and by fingerprint.

    Build it once at start-up (parsing is the slow part); lookups are dict reads.
    """

    def __init__(self, versions: Iterable[SchemaVersion]) -> None:
        self._by_fingerprint: dict[bytes, SchemaVersion] = {}
        self._current: dict[str, SchemaVersion] = {}
        for version in versions:
            clash = self._by_fingerprint.get(version.fingerprint)
            if clash is not None and clash.name != version.name:
                raise SchemaParseError(
                    f"{version.name} and {clash.name} share fingerprint {version.fingerprint.hex()}"
                )
            self._by_fingerprint.setdefault(version.fingerprint, version)
            if version.current:
                self._current[version.name] = version
        # simple names too, when unambiguous: encoders look records up by name per record
        simple: dict[str, list[SchemaVersion]] = {}
        for full, version in self._current.items():
            simple.setdefault(full.rpartition(".")[2], []).append(version)
        self._by_simple_name = {name: found[0] for name, found in simple.items() if len(found) == 1}

    @classmethod
    def from_directory(cls, directory: Path) -> SchemaStore:
        """Load current schemas from *directory* and archived ones from its ``archive/``."""
        if not directory.is_dir():
            raise SchemaNotFoundError(f"schema folder {directory} does not exist")
        named = load_named_types(directory)
        if not named:
            raise SchemaNotFoundError(f"schema folder {directory} holds no .avsc files")
        versions: list[SchemaVersion] = []
        for name, node in named.items():
            if node["type"] not in ("record", "error"):
                continue
            expanded = expand_schema(name, named)
            versions.append(
                SchemaVersion(
                    name=name,
                    expanded=expanded,
                    parsed=_parse(expanded, name),
                    fingerprint=fingerprint_of(expanded),
                    current=True,
                    source=directory / f"{name.rpartition('.')[2]}.avsc",
                )
            )
        archive = directory / ARCHIVE_DIR_NAME
        for path in sorted(archive.glob("*.avsc")) if archive.is_dir() else []:
            try:
                expanded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise SchemaParseError(f"{path}: not readable JSON: {exc}") from exc
            versions.append(
                SchemaVersion(
                    name=_full_name(expanded, None),
                    expanded=expanded,
                    parsed=_parse(expanded, str(path)),
                    fingerprint=fingerprint_of(expanded),
                    current=False,
                    source=path,
                )
            )
        return cls(versions)

    def current(self, name: str) -> SchemaVersion:
        """Return the current version of a record, by full or simple name."""
        version = self._current.get(name) or self._by_simple_name.get(name)
        if version is None:
            known = ", ".join(sorted(n.rpartition(".")[2] for n in self._current))
            raise SchemaNotFoundError(f"no record named {name!r}; known records: {known}")
        return version

    def by_fingerprint(self, fingerprint: bytes) -> SchemaVersion | None:
        """Return the writer schema with this fingerprint, or None."""
        return self._by_fingerprint.get(fingerprint)

    def names(self) -> list[str]:
        """Return the full names of all current records."""
        return sorted(self._current)

    def versions(self) -> list[SchemaVersion]:
        """Return every known version, current and archived."""
        return list(self._by_fingerprint.values())
