"""Records as plain JSON for people and other tools: Avro ``bytes`` travel as base64 text.

Everything else in the canonical schemas is already JSON-shaped (no logical types; see
the README), so only bytes need converting, guided by the schema.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from hub.codec.exceptions import EncodeError

__all__ = ["from_json", "to_json"]


def _named_lookup(schema: Any, named: dict[str, Any]) -> Any:
    if isinstance(schema, str):
        return named.get(schema, schema)
    if isinstance(schema, dict) and schema.get("type") in ("record", "enum", "fixed"):
        named[schema["name"]] = schema
    return schema


def _convert(schema: Any, value: Any, named: dict[str, Any], *, to_text: bool) -> Any:
    schema = _named_lookup(schema, named)
    if isinstance(schema, list):
        if value is None:
            return None
        branches = [_named_lookup(branch, named) for branch in schema]
        for branch in branches:
            kind = branch.get("type") if isinstance(branch, dict) else branch
            if kind == "bytes" and isinstance(value, (bytes, str)):
                return _convert(branch, value, named, to_text=to_text)
            if kind == "record" and isinstance(value, dict):
                return _convert(branch, value, named, to_text=to_text)
            if kind in ("array", "map") and isinstance(value, (list, dict)):
                return _convert(branch, value, named, to_text=to_text)
        return value
    kind = schema.get("type") if isinstance(schema, dict) else schema
    if kind == "bytes":
        if to_text:
            return base64.b64encode(value).decode("ascii")
        if isinstance(value, str):
            try:
                return base64.b64decode(value, validate=True)
            except binascii.Error as exc:
                raise EncodeError(f"bytes value is not base64: {value[:40]!r}") from exc
        return value
    if kind == "record" and isinstance(value, dict):
        if not to_text:
            _check_field_names(schema, value)
        out = dict(value)
        for field in schema["fields"]:
            if field["name"] in value:
                out[field["name"]] = _convert(
                    field["type"], value[field["name"]], named, to_text=to_text
                )
        return out
    if kind == "array" and isinstance(value, list):
        return [_convert(schema["items"], item, named, to_text=to_text) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _convert(schema["values"], v, named, to_text=to_text) for k, v in value.items()}
    if isinstance(kind, (dict, list)):
        return _convert(kind, value, named, to_text=to_text)
    return value


def _check_field_names(schema: dict[str, Any], value: dict[str, Any]) -> None:
    """Name a field the record lacks (and has no default for), or one its schema lacks:
    Avro would drop the second without a word, and report the first with the schema."""
    fields = schema["fields"]
    unknown = sorted(set(value) - {field["name"] for field in fields})
    if unknown:
        raise EncodeError(f"{schema['name']} has no field(s) {', '.join(unknown)}")
    missing = [f["name"] for f in fields if f["name"] not in value and "default" not in f]
    if missing:
        raise EncodeError(f"{schema['name']} needs field(s) {', '.join(missing)}")


def to_json(expanded_schema: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """Return *record* with bytes replaced by base64 text, ready for ``json.dumps``."""
    return _convert(expanded_schema, record, {}, to_text=True)


def from_json(expanded_schema: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """Return *record* read from JSON with base64 text turned back into bytes.

    Raises:
        EncodeError: a record holds a field its schema lacks, or bytes that are not base64.
    """
    return _convert(expanded_schema, record, {}, to_text=False)
