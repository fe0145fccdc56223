"""Hypothesis strategies that generate records valid for any expanded Avro schema."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

_INT = st.integers(min_value=-(2**31), max_value=2**31 - 1)
_LONG = st.integers(min_value=-(2**63), max_value=2**63 - 1)
_PRIMITIVES: dict[str, st.SearchStrategy[Any]] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "int": _INT,
    "long": _LONG,
    "float": st.floats(width=32, allow_nan=False),
    "double": st.floats(allow_nan=False),
    "bytes": st.binary(max_size=64),
    "string": st.text(max_size=24),
}


def records(schema: Any, named: dict[str, Any] | None = None) -> st.SearchStrategy[Any]:
    """Return a strategy for values of *schema* (expanded: named types inlined at first use)."""
    named = {} if named is None else named
    if isinstance(schema, str):
        if schema in _PRIMITIVES:
            return _PRIMITIVES[schema]
        return st.deferred(lambda: records(named[schema], named))
    if isinstance(schema, list):
        return st.one_of([records(branch, named) for branch in schema])
    kind = schema["type"]
    if kind == "record":
        named[schema["name"]] = schema
        return st.fixed_dictionaries(
            {field["name"]: records(field["type"], named) for field in schema["fields"]}
        )
    if kind == "enum":
        named[schema["name"]] = schema
        return st.sampled_from(schema["symbols"])
    if kind == "fixed":
        named[schema["name"]] = schema
        return st.binary(min_size=schema["size"], max_size=schema["size"])
    if kind == "array":
        return st.lists(records(schema["items"], named), max_size=3)
    if kind == "map":
        return st.dictionaries(st.text(max_size=8), records(schema["values"], named), max_size=3)
    return records(kind, named)
