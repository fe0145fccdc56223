"""Avro binary writers and readers, generated once per schema as Python source.

fastavro's generic writer picks a union branch by validating the value against each
branch, which for ``["null", record]`` means walking the whole record twice, and its
generic reader walks the parsed schema for every value. The hub's records are mostly
such unions, and routing one vacancy decodes one record and encodes several. A function
generated for one schema knows each field's type up front: a nullable field costs one
``is None``, a string a length and a slice, and no call is made per field. That makes
encoding about three times and decoding about twice as fast as fastavro.

The bytes written are fastavro's (one block per array or map, then 0); what is read is
what fastavro returns (dicts, lists, str, bytes). Readers read data written with this
exact schema; data written with another version is resolved by fastavro.

Unions whose branches cannot be told apart by the Python type of the value (two
records, two arrays...) cannot be written by type, and logical types (dates, decimals)
are converted by fastavro: the compile functions return None for a schema holding one,
and the codec keeps using fastavro for it.

Only schemas from the hub's own schema store are compiled. Names from the schema reach
the generated source as string literals (``repr``), never as code.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

__all__ = [
    "Reader",
    "SpannedReader",
    "Writer",
    "compile_field_writers",
    "compile_reader",
    "compile_spanned_reader",
    "compile_writer",
    "write_long",
]

Writer = Callable[[bytearray, Any], None]
Reader = Callable[[bytes, int], tuple[Any, int]]
SpannedReader = Callable[[bytes, int], tuple[Any, int, tuple[int, ...]]]

_PRIMITIVE_NAMES = ("null", "boolean", "int", "long", "float", "double", "string", "bytes")
_COMPLEX_NAMES = ("record", "error", "enum", "fixed", "array", "map")
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


class _NotCompilable(Exception):
    """Raised while compiling a schema the generated writers do not cover."""


# --- helpers the generated code calls ------------------------------------------------------


def write_long(out: bytearray, value: int) -> None:
    """Append *value* zig-zag and varint encoded (the generated code inlines one-byte values;
    callers joining encoded parts use it for array counts)."""
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
    write_long(out, value)


def _read_varint(data: bytes, pos: int, first: int) -> tuple[int, int]:
    """Return the rest of a varint whose *first* byte had its high bit set, and the new position."""
    value, shift = first & 0x7F, 7
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ValueError("a varint longer than ten bytes")


_HELPERS: dict[str, Any] = {
    "_write_long": write_long,
    "_write_int": _write_int,
    "_read_varint": _read_varint,
    "_pack_float": struct.Struct("<f").pack,
    "_pack_double": struct.Struct("<d").pack,
    "_unpack_float": struct.Struct("<f").unpack_from,
    "_unpack_double": struct.Struct("<d").unpack_from,
}


def _kind(resolved: Any) -> str:
    """Return the Avro type name of a resolved schema ("union" for a list)."""
    if isinstance(resolved, str):
        return resolved
    return "union" if isinstance(resolved, list) else str(resolved["type"])


# --- source generation ---------------------------------------------------------------------


class _Source:
    """Lines of Python being generated, with indentation, fresh names and constants."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self._depth = 0
        self._counter = 0

    def line(self, text: str) -> None:
        self.lines.append("    " * self._depth + text)

    @contextmanager
    def block(self, header: str) -> Iterator[None]:
        self.line(header)
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1

    def name(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter}"

    def constant(self, value: Any, prefix: str = "_c") -> str:
        name = self.name(prefix)
        self.constants[name] = value
        return name

    def build(self) -> dict[str, Any]:
        namespace = dict(_HELPERS, **self.constants)
        exec(compile("\n".join(self.lines), "<avro compiled>", "exec"), namespace)  # noqa: S102
        return namespace


class _Generator:
    """Generates one function per named record, each writing or reading its fields inline."""

    def __init__(self) -> None:
        self.source = _Source()
        self.named: dict[str, Any] = {}
        self._writers: dict[str, str] = {}
        self._readers: dict[str, str] = {}
        self._pending: list[tuple[str, Mapping[str, Any], bool]] = []

    def collect(self, schema: Any) -> None:
        """Note every named type defined in *schema*, so a name is known before its use."""
        if isinstance(schema, list):
            for branch in schema:
                self.collect(branch)
        elif isinstance(schema, dict):
            if "name" in schema and schema.get("type") in ("record", "error", "enum", "fixed"):
                self.named[schema["name"]] = schema
            for field in schema.get("fields", ()):
                self.collect(field["type"])
            for key in ("type", "items", "values"):
                if isinstance(schema.get(key), (dict, list)):
                    self.collect(schema[key])

    def _resolve(self, schema: Any) -> Any:
        """Return the definition behind a name or a ``{"type": ...}`` wrapper.

        A logical type (a date, a decimal...) is left to fastavro, which converts it.
        """
        while True:
            if isinstance(schema, str):
                return schema if schema in _PRIMITIVE_NAMES else self.named[schema]
            if isinstance(schema, dict):
                if "logicalType" in schema:
                    raise _NotCompilable(f"logical type {schema['logicalType']!r}")
                if schema["type"] not in _COMPLEX_NAMES:
                    schema = schema["type"]
                    continue
            return schema

    def function_for(self, record: Mapping[str, Any], *, writer: bool) -> str:
        """Return the name of the function for *record*; generate it once, after the current one."""
        table = self._writers if writer else self._readers
        name = table.get(record["name"])
        if name is None:
            name = table[record["name"]] = self.source.name("_write_" if writer else "_read_")
            self._pending.append((name, record, writer))
        return name

    def finish(self) -> dict[str, Any]:
        """Generate every function asked for (which may ask for more), then run the source."""
        while self._pending:
            name, record, writer = self._pending.pop(0)
            if writer:
                self._write_record_function(name, record["fields"])
            else:
                self._read_record_function(name, record["fields"])
        return self.source.build()

    # --- writing -------------------------------------------------------------------------

    def _write_record_function(self, name: str, fields: list[Mapping[str, Any]]) -> None:
        src = self.source
        with src.block(f"def {name}(out, value):"):
            if not fields:
                src.line("return None")
            if any("default" in field for field in fields):
                src.line("get = value.get")
            for field in fields:
                var = src.name("v")
                if "default" in field:
                    default = src.constant(field["default"])
                    src.line(f"{var} = get({field['name']!r}, {default})")
                else:
                    src.line(f"{var} = value[{field['name']!r}]")
                self.write(field["type"], var)

    def write(self, schema: Any, var: str) -> None:
        """Emit statements that append the encoding of the value in *var*."""
        src = self.source
        schema = self._resolve(schema)
        kind = _kind(schema)
        if kind == "union":
            self._write_union(schema, var)
        elif kind == "null":
            with src.block(f"if {var} is not None:"):
                src.line(f"raise TypeError(f'{{{var}!r}} is not null')")
        elif kind == "boolean":
            with src.block(f"if {var} is True:"):
                src.line("out.append(1)")
            with src.block(f"elif {var} is False:"):
                src.line("out.append(0)")
            with src.block("else:"):
                src.line(f"raise TypeError(f'{{{var}!r}} is not a boolean')")
        elif kind in ("int", "long"):
            with src.block(f"if -64 <= {var} < 64:"):  # most values of most fields: one byte
                src.line(f"out.append(({var} << 1) ^ ({var} >> 63))")
            with src.block("else:"):
                src.line(f"_write_{kind}(out, {var})")
        elif kind in ("float", "double"):
            src.line(f"out += _pack_{kind}({var})")
        elif kind == "string":
            data = src.name("d")
            src.line(f"{data} = {var}.encode()")
            self._write_size(f"len({data})")
            src.line(f"out += {data}")
        elif kind == "bytes":
            self._write_size(f"len({var})")
            src.line(f"out += {var}")
        elif kind in ("record", "error"):
            src.line(f"{self.function_for(schema, writer=True)}(out, {var})")
        elif kind == "enum":
            # the index is stored doubled (its zig-zag), one byte for up to 64 symbols
            doubled = {symbol: i << 1 for i, symbol in enumerate(schema["symbols"])}
            index = src.constant(doubled, "_index")
            if len(doubled) <= 64:
                src.line(f"out.append({index}[{var}])")
            else:
                src.line(f"_write_long(out, {index}[{var}] >> 1)")
        elif kind == "fixed":
            with src.block(f"if len({var}) != {int(schema['size'])}:"):
                src.line(
                    f"raise ValueError(f'{{len({var})}} bytes for a fixed of {schema['size']}')"
                )
            src.line(f"out += {var}")
        elif kind == "array":
            self._write_array(schema["items"], var)
        elif kind == "map":
            self._write_map(schema["values"], var)
        else:
            raise _NotCompilable(f"unknown type {kind!r}")

    def _write_size(self, expression: str) -> None:
        """Emit appending a length or count, which is never negative."""
        src = self.source
        size = src.name("n")
        src.line(f"{size} = {expression}")
        with src.block(f"if {size} < 64:"):
            src.line(f"out.append({size} << 1)")
        with src.block("else:"):
            src.line(f"_write_long(out, {size})")

    def _write_array(self, items: Any, var: str) -> None:
        src = self.source
        with src.block(f"if not isinstance({var}, (list, tuple)):"):
            src.line(f"raise TypeError(f'{{type({var}).__name__}} is not an array')")
        with src.block(f"if {var}:"):
            self._write_size(f"len({var})")
            item = src.name("i")
            with src.block(f"for {item} in {var}:"):
                self.write(items, item)
        src.line("out.append(0)")

    def _write_map(self, values: Any, var: str) -> None:
        src = self.source
        with src.block(f"if {var}:"):
            self._write_size(f"len({var})")
            key, item = src.name("k"), src.name("i")
            with src.block(f"for {key}, {item} in {var}.items():"):
                self.write("string", key)
                self.write(values, item)
        src.line("out.append(0)")

    def _write_union(self, branches: list[Any], var: str) -> None:
        src = self.source
        kinds = [_kind(self._resolve(branch)) for branch in branches]
        if "null" in kinds and len(branches) == 2:
            null_index = kinds.index("null")
            with src.block(f"if {var} is None:"):
                src.line(f"out.append({null_index << 1})")  # zigzag of 0 or 1
            with src.block("else:"):
                src.line(f"out.append({(1 - null_index) << 1})")
                self.write(branches[1 - null_index], var)
            return
        types = [_PYTHON_TYPES[kind] for kind in kinds]
        for i, left in enumerate(types):
            for right in types[i + 1 :]:
                if set(left) & set(right):
                    raise _NotCompilable(f"union {kinds} is ambiguous by Python type")
        keyword = "if"
        for index, (python_types, branch) in enumerate(zip(types, branches, strict=True)):
            checked = src.constant(python_types, "_types")
            condition = f"isinstance({var}, {checked})"
            if bool not in python_types:  # a bool is an int to isinstance, not to Avro
                condition += f" and not isinstance({var}, bool)"
            with src.block(f"{keyword} {condition}:"):
                src.line(f"out.append({index << 1})")
                self.write(branch, var)
            keyword = "elif"
        with src.block("else:"):
            src.line(
                f"raise TypeError(f'{{type({var}).__name__}} fits no branch of union {kinds}')"
            )

    # --- reading -------------------------------------------------------------------------

    def _read_record_function(
        self, name: str, fields: list[Mapping[str, Any]], *, spans: bool = False
    ) -> None:
        """Emit a reader of one record; with *spans* it also returns where each field
        starts, and the record's end."""
        src = self.source
        with src.block(f"def {name}(data, pos):"):
            src.line("end = len(data)")
            values, starts = [], []
            for field in fields:
                var = src.name("f")
                if spans:
                    starts.append(src.name("s"))
                    src.line(f"{starts[-1]} = pos")
                self.read(field["type"], var)
                values.append(f"{field['name']!r}: {var}")
            record = f"{{{', '.join(values)}}}"
            if spans:
                src.line(f"return {record}, pos, ({''.join(s + ', ' for s in starts)}pos)")
            else:
                src.line(f"return {record}, pos")

    def _read_varint(self, var: str) -> None:
        """Emit reading a raw varint (before zig-zag) into *var*."""
        src = self.source
        src.line(f"{var} = data[pos]")
        src.line("pos += 1")
        with src.block(f"if {var} & 0x80:"):
            src.line(f"{var}, pos = _read_varint(data, pos, {var})")

    def _read_long(self, var: str) -> None:
        self._read_varint(var)
        self.source.line(f"{var} = ({var} >> 1) ^ -({var} & 1)")

    def _read_size(self, var: str) -> None:
        """Emit reading a length into *var*; a negative one is refused before any zig-zag."""
        self._read_varint(var)
        with self.source.block(f"if {var} & 1:"):
            self.source.line("raise ValueError('a negative length')")
        self.source.line(f"{var} >>= 1")

    def _read_slice(self, size: str, var: str) -> None:
        """Emit reading *size* bytes into *var* as bytes."""
        src = self.source
        stop = src.name("e")
        src.line(f"{stop} = pos + {size}")
        with src.block(f"if {stop} > end:"):
            src.line("raise EOFError")
        src.line(f"{var} = data[pos:{stop}]")
        src.line(f"pos = {stop}")

    def _read_small_index(self, var: str, count: int, what: str) -> None:
        """Emit reading an index below *count* (at most 64): one byte, twice the index."""
        src = self.source
        src.line(f"{var} = data[pos]")
        src.line("pos += 1")
        with src.block(f"if {var} & 0x81 or {var} >= {2 * count}:"):
            src.line(f"raise ValueError(f'{what} index {{{var}}} is out of range')")
        src.line(f"{var} >>= 1")

    def read(self, schema: Any, var: str) -> None:
        """Emit statements that read one value into *var*, advancing ``pos``."""
        src = self.source
        schema = self._resolve(schema)
        kind = _kind(schema)
        if kind == "union":
            self._read_union(schema, var)
        elif kind == "null":
            src.line(f"{var} = None")
        elif kind == "boolean":
            src.line(f"{var} = data[pos] != 0")
            src.line("pos += 1")
        elif kind in ("int", "long"):
            self._read_long(var)
        elif kind in ("float", "double"):
            width = 4 if kind == "float" else 8
            with src.block(f"if pos + {width} > end:"):
                src.line("raise EOFError")
            src.line(f"{var} = _unpack_{kind}(data, pos)[0]")
            src.line(f"pos += {width}")
        elif kind == "string":
            size = src.name("n")
            self._read_size(size)
            self._read_slice(size, var)
            src.line(f"{var} = {var}.decode()")
        elif kind == "bytes":
            size = src.name("n")
            self._read_size(size)
            self._read_slice(size, var)
        elif kind in ("record", "error"):
            src.line(f"{var}, pos = {self.function_for(schema, writer=False)}(data, pos)")
        elif kind == "enum":
            symbols = src.constant(tuple(schema["symbols"]), "_symbols")
            if len(schema["symbols"]) <= 64:
                self._read_small_index(var, len(schema["symbols"]), "enum")
            else:
                self._read_long(var)
                with src.block(f"if not 0 <= {var} < {len(schema['symbols'])}:"):
                    src.line(f"raise ValueError(f'enum index {{{var}}} is out of range')")
            src.line(f"{var} = {symbols}[{var}]")
        elif kind == "fixed":
            self._read_slice(str(int(schema["size"])), var)
        elif kind == "array":
            self._read_blocks(var, schema["items"], keyed=False)
        elif kind == "map":
            self._read_blocks(var, schema["values"], keyed=True)
        else:
            raise _NotCompilable(f"unknown type {kind!r}")

    def _read_blocks(self, var: str, items: Any, *, keyed: bool) -> None:
        """Emit reading an array (or, *keyed*, a map): blocks of items, each block's count
        first; a negative count is followed by the block's size in bytes."""
        src = self.source
        count, item = src.name("c"), src.name("i")
        src.line(f"{var} = {{}}" if keyed else f"{var} = []")
        self._read_long(count)
        with src.block(f"while {count}:"):
            with src.block(f"if {count} < 0:"):
                src.line(f"{count} = -{count}")
                self._read_long(src.name("size"))
            with src.block(f"for _ in range({count}):"):
                if keyed:
                    key = src.name("k")
                    self.read("string", key)
                    self.read(items, item)
                    src.line(f"{var}[{key}] = {item}")
                else:
                    self.read(items, item)
                    src.line(f"{var}.append({item})")
            self._read_long(count)

    def _read_union(self, branches: list[Any], var: str) -> None:
        src = self.source
        index = src.name("u")
        if len(branches) <= 64:
            self._read_small_index(index, len(branches), "union")
        else:
            self._read_long(index)
        keyword = "if"
        for position, branch in enumerate(branches):
            with src.block(f"{keyword} {index} == {position}:"):
                self.read(branch, var)
            keyword = "elif"
        if len(branches) > 64:  # a one-byte index was checked on reading
            with src.block("else:"):
                src.line(f"raise ValueError(f'union index {{{index}}} is out of range')")


def _top_record(generator: _Generator, expanded: Mapping[str, Any]) -> dict[str, Any]:
    schema = dict(expanded)
    if schema.get("type") not in ("record", "error"):
        raise _NotCompilable("only records are compiled")
    generator.collect(schema)
    return schema


def compile_writer(expanded: Mapping[str, Any]) -> Writer | None:
    """Return a writer for a fully expanded record schema (None: an ambiguous union or a
    logical type)."""
    try:
        generator = _Generator()
        name = generator.function_for(_top_record(generator, expanded), writer=True)
        return generator.finish()[name]  # type: ignore[no-any-return]
    except _NotCompilable:
        return None


def compile_field_writers(expanded: Mapping[str, Any]) -> dict[str, Writer] | None:
    """Return a writer per top-level field of a record schema (None: not compilable).

    A record's Avro encoding is its fields' encodings one after the other, so a caller
    may encode the parts that several records share once and join the bytes.
    """
    try:
        generator = _Generator()
        record = _top_record(generator, expanded)
        names = {}
        for field in record["fields"]:
            name = names[field["name"]] = generator.source.name("_field_")
            generator._write_record_function(name, [field])
        namespace = generator.finish()
        return {field: namespace[name] for field, name in names.items()}
    except _NotCompilable:
        return None


def compile_spanned_reader(expanded: Mapping[str, Any]) -> SpannedReader | None:
    """Return a reader like ``compile_reader``'s that also returns the position where each
    top-level field starts, and the end: ``reader(data, pos)`` gives (record, end,
    starts). A caller re-encoding the record with a few fields changed copies the others'
    bytes (``AvroCodec.encode_changed``)."""
    try:
        generator = _Generator()
        record = _top_record(generator, expanded)
        name = generator.source.name("_read_spans_")
        generator._read_record_function(name, record["fields"], spans=True)
        return generator.finish()[name]  # type: ignore[no-any-return]
    except _NotCompilable:
        return None


def compile_reader(expanded: Mapping[str, Any]) -> Reader | None:
    """Return a reader for data written with exactly this fully expanded record schema,
    or None if the schema holds a logical type.

    ``reader(data, pos)`` returns the record and the position after it. It raises
    IndexError or EOFError when the data ends early, ValueError on an impossible
    length, index or varint, and UnicodeDecodeError on a string that is not UTF-8.
    """
    try:
        generator = _Generator()
        name = generator.function_for(_top_record(generator, expanded), writer=False)
        return generator.finish()[name]  # type: ignore[no-any-return]
    except _NotCompilable:
        return None
