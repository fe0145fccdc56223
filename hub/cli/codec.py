"""``hub codec``: look inside a message, or write one by hand."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from hub.cli._common import fail_on_hub_error, settings
from hub.codec import AvroCodec, EncodeError, SchemaStore
from hub.codec.jsonform import from_json, to_json
from hub.exceptions import ConfigurationError

__all__ = ["app"]

app = typer.Typer(help="Encode and decode Avro single-object messages.", no_args_is_help=True)


def _codec() -> AvroCodec:
    return AvroCodec(SchemaStore.from_directory(settings().schema_dir))


@app.command()
def encode(
    record: str = typer.Argument(..., help="Record name, e.g. Vacancy or be.pes.hub.Vacancy."),
    input_file: Path = typer.Option(None, "--input", "-i", help="JSON file; default stdin."),
) -> None:
    """Read one record as JSON, write its single-object encoding to stdout."""
    with fail_on_hub_error():
        if sys.stdout.isatty():
            raise ConfigurationError(
                "the encoding is binary: redirect it to a file or a pipe, e.g. > message.bin"
            )
        codec = _codec()
        raw = input_file.read_bytes() if input_file else sys.stdin.buffer.read()
        try:
            value = json.loads(raw.decode("utf-8"))
        except ValueError as exc:  # UnicodeDecodeError is one
            raise EncodeError(f"input is not UTF-8 JSON: {exc}") from exc
        if not isinstance(value, dict):
            raise EncodeError("input must be one JSON object")
        schema = codec.store.current(record)
        data = codec.encode(schema.name, from_json(schema.expanded, value))
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


@app.command()
def decode(
    input_file: Path = typer.Option(None, "--input", "-i", help="Message file; default stdin."),
    expect: str = typer.Option(None, "--expect", help="Fail unless the message is this record."),
    envelope: bool = typer.Option(
        False, "--envelope", help="Wrap the record with its schema name and fingerprint."
    ),
) -> None:
    """Read one single-object-encoded message, print the record as JSON."""
    with fail_on_hub_error():
        codec = _codec()
        data = input_file.read_bytes() if input_file else sys.stdin.buffer.read()
        decoded = codec.decode(data, expected=expect)
        record = to_json(codec.store.current(decoded.name).expanded, decoded.record)
        output = (
            {"schema": decoded.name, "fingerprint": decoded.fingerprint.hex(), "record": record}
            if envelope
            else record
        )
        typer.echo(json.dumps(output, indent=2, ensure_ascii=False))
