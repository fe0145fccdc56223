"""Avro binary writers compiled once per schema into nested closures.

fastavro's generic writer picks a union branch by validating the value against each
branch, which for ``["null", record]`` means walking the whole record twice; the hub's
records are mostly such unions, and encoding cost about twice decoding. A compiled
writer knows each field's type up front, so a nullable field costs one ``is None``.
The bytes are the same as fastavro's (one block per array or map, then 0).

Unions whose branches cannot be told apart by the Python type of the value (two
records, two arrays...) are not compiled; :func:`compile_writer` returns None for a
schema holding one, and the codec keeps using fastavro for it.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Writer", "compile_field_writers", "compile_writer"]

Writer = Callable[[bytearray, Any], None]
_Field = tuple[str, Writer, bool, Any]  # name, writer, has a default, the default

_INT_RANGE = (-(2**31), 2**31 - 1)
_LONG_RANGE = (-(2**63), 2**63 - 1)
_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "null": (type(None),),
    "boolean": (bool,),
    "int": (int,),
    "long": (int,),
    "float": (float, int),
    "double": (float, int),
    "string": (str,),
    "bytes": (bytes,),
    "fixed": (bytes,),
    "enum": (str,),
    "record": (dict,),
    "map": (dict,),
    "array": (list, tuple),
}
_FLOAT = struct.Struct("<f").pack
_DOUBLE = struct.Struct("<d").pack


class _NotCompilable(Exception):
    """Raised while compiling a schema the compiled writers do not cover."""


def _write_long(out: bytearray, value: int) -> None:
    if -64 <= value < 64:  # most lengths, indexes and counts: one byte
        out.append((value << 1) ^ (value >> 63))
        return
    if not _LONG_RANGE[0] <= value <= _LONG_RANGE[1]:
        raise OverflowError(f"{value} does not fit an Avro long")
    n = (value << 1) ^ (value >> 63)
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _write_int(out: bytearray, value: int) -> None:
    if not _INT_RANGE[0] <= value <= _INT_RANGE[1]:
        raise OverflowError(f"{value} does not fit an Avro int")
    _write_long(out, value)


def _write_string(out: bytearray, value: str) -> None:
    data = value.encode("utf-8")
    size = len(data)
    if size < 64:
        out.append(size << 1)
    else:
        _write_long(out, size)
    out += data


def _write_bytes(out: bytearray, value: bytes) -> None:
    _write_long(out, len(value))
    out += value


def _write_boolean(out: bytearray, value: bool) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{value!r} is not a boolean")
    out.append(1 if value else 0)


def _write_null(out: bytearray, value: None) -> None:
    if value is not None:
        raise TypeError(f"{value!r} is not null")


_PRIMITIVES: dict[str, Writer] = {
    "null": _write_null,
    "boolean": _write_boolean,
    "int": _write_int,
    "long": _write_long,
    "float": lambda out, value: out.extend(_FLOAT(value)),
    "double": lambda out, value: out.extend(_DOUBLE(value)),
    "string": _write_string,
    "bytes": _write_bytes,
}


def _kind(schema: Any, named: Mapping[str, Any]) -> str:
    if isinstance(schema, str):
        return schema if schema in _PRIMITIVES else str(named[schema]["type"])
    if isinstance(schema, list):
        return "union"
    return str(schema["type"])


class _Compiler:
    def __init__(self) -> None:
        self.named: dict[str, Any] = {}
        self.writers: dict[str, Writer] = {}

    def compile(self, schema: Any) -> Writer:
        if isinstance(schema, str):
            if schema in _PRIMITIVES:
                return _PRIMITIVES[schema]
            return lambda out, value, name=schema: self.writers[name](out, value)
        if isinstance(schema, list):
            return self._union(schema)
        kind = schema["type"]
        if isinstance(kind, (dict, list)) or (kind in _PRIMITIVES and "name" not in schema):
            return self.compile(kind)
        if kind in ("record", "error"):
            return self._record(schema)
        if kind == "enum":
            return self._named(schema, self._enum(schema))
        if kind == "fixed":
            return self._named(schema, self._fixed(schema))
        if kind == "array":
            return self._array(self.compile(schema["items"]))
        if kind == "map":
            return self._map(self.compile(schema["values"]))
        raise _NotCompilable(f"unknown type {kind!r}")

    def _named(self, schema: Mapping[str, Any], writer: Writer) -> Writer:
        self.named[schema["name"]] = schema
        self.writers[schema["name"]] = writer
        return writer

    def fields(self, schema: Mapping[str, Any]) -> tuple[_Field, ...]:
        """Return the writer of each field of a record schema, in schema order."""
        self.named[schema["name"]] = schema
        return tuple(
            (field["name"], self.compile(field["type"]), "default" in field, field.get("default"))
            for field in schema["fields"]
        )

    def _record(self, schema: Mapping[str, Any]) -> Writer:
        write = _fields_writer(self.fields(schema))
        self.writers[schema["name"]] = write
        return write

    @staticmethod
    def _enum(schema: Mapping[str, Any]) -> Writer:
        index = {symbol: i for i, symbol in enumerate(schema["symbols"])}
        return lambda out, value: _write_long(out, index[value])

    @staticmethod
    def _fixed(schema: Mapping[str, Any]) -> Writer:
        size = schema["size"]

        def write(out: bytearray, value: bytes) -> None:
            if len(value) != size:
                raise ValueError(f"{len(value)} bytes for a fixed of {size}")
            out += value

        return write

    @staticmethod
    def _array(item: Writer) -> Writer:
        def write(out: bytearray, value: list[Any]) -> None:
            if not isinstance(value, (list, tuple)):
                raise TypeError(f"{type(value).__name__} is not an array")
            if value:
                _write_long(out, len(value))
                for element in value:
                    item(out, element)
            out.append(0)

        return write

    @staticmethod
    def _map(values: Writer) -> Writer:
        def write(out: bytearray, value: Mapping[str, Any]) -> None:
            if value:
                _write_long(out, len(value))
                for key, element in value.items():
                    _write_string(out, key)
                    values(out, element)
            out.append(0)

        return write

    def _union(self, branches: list[Any]) -> Writer:
        kinds = [_kind(branch, self.named) for branch in branches]
        if "null" in kinds and len(branches) == 2:
            null_index = kinds.index("null")
            other_index = 1 - null_index
            other = self.compile(branches[other_index])

            null_byte, other_byte = null_index << 1, other_index << 1  # zigzag of 0 or 1

            def write_nullable(out: bytearray, value: Any) -> None:
                if value is None:
                    out.append(null_byte)
                else:
                    out.append(other_byte)
                    other(out, value)

            return write_nullable
        types = [_PYTHON_TYPES[kind] for kind in kinds]
        for i, left in enumerate(types):
            for right in types[i + 1 :]:
                if set(left) & set(right):
                    raise _NotCompilable(f"union {kinds} is ambiguous by Python type")
        choices = [(t, i, self.compile(b)) for i, (t, b) in enumerate(zip(types, branches))]

        def write_union(out: bytearray, value: Any) -> None:
            for python_types, index, writer in choices:
                if isinstance(value, python_types) and not (
                    isinstance(value, bool) and bool not in python_types
                ):
                    _write_long(out, index)
                    writer(out, value)
                    return
            raise TypeError(f"{type(value).__name__} fits no branch of union {kinds}")

        return write_union


def _fields_writer(fields: tuple[_Field, ...]) -> Writer:
    def write(out: bytearray, value: Mapping[str, Any]) -> None:
        get = value.get
        for name, writer, has_default, default in fields:
            writer(out, get(name, default) if has_default else value[name])

    return write


def compile_field_writers(expanded: Mapping[str, Any]) -> dict[str, Writer] | None:
    """Return a writer per top-level field of a record schema (None: not compilable).

    A record's Avro encoding is its fields' encodings one after the other, so a caller
    may encode the parts that several records share once and join the bytes.
    """
    try:
        compiler = _Compiler()
        return {field[0]: _fields_writer((field,)) for field in compiler.fields(dict(expanded))}
    except _NotCompilable:
        return None


def compile_writer(expanded: Mapping[str, Any]) -> Writer | None:
    """Return a writer for a fully expanded schema, or None if it holds an ambiguous union."""
    try:
        return _Compiler().compile(dict(expanded))
    except _NotCompilable:
        return None
