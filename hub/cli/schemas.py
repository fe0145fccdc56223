"""``hub schemas``: are the canonical schemas valid, and can they read all older data?"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from hub.cli._common import console, fail_on_hub_error, settings
from hub.codec import SchemaStore, fingerprint_of
from hub.codec.compatibility import GitSchemaSource, check_store, default_ref, is_commit
from hub.codec.schemas import ARCHIVE_DIR_NAME
from hub.exceptions import ConfigurationError

__all__ = ["app"]

app = typer.Typer(help="Check and archive the canonical Avro schemas.", no_args_is_help=True)


def _earlier(against: str | None) -> GitSchemaSource | None:
    """Return the schemas at *against* (default: the merge base with main), or None when
    there is no checkout to compare with and no ref was asked for."""
    schema_dir = settings().schema_dir.resolve()
    repo = schema_dir.parents[1] if len(schema_dir.parents) > 1 else schema_dir
    if against is not None and not is_commit(repo, against):
        raise ConfigurationError(f"--against {against}: no such commit in a git checkout at {repo}")
    ref = against or default_ref(repo)
    if ref is None:
        return None
    return GitSchemaSource(repo=repo, ref=ref, folder=str(schema_dir.relative_to(repo)))


@app.command()
def check(
    against: str = typer.Option(
        None, "--against", help="Git ref to compare with (default: merge base with main)."
    ),
) -> None:
    """Every schema parses; every changed record is BACKWARD_TRANSITIVE compatible."""
    with fail_on_hub_error():
        store = SchemaStore.from_directory(settings().schema_dir)
        earlier = _earlier(against)
        findings = check_store(store, earlier)
    table = Table("record", "fingerprint", "versions", title="canonical schemas")
    for name in store.names():
        versions = [v for v in store.versions() if v.name == name]
        table.add_row(name, store.current(name).fingerprint.hex(), str(len(versions)))
    console.print(table)
    compared = f"git {earlier.ref[:12]} and the archive" if earlier else "the archive (no git ref)"
    if not findings:
        console.print(
            f"[green]ok[/]: {len(store.names())} records parse; compatible with {compared}"
        )
        return
    for finding in findings:
        console.print(
            f"[red]incompatible[/] {finding.record} vs {finding.against}: {finding.problem}"
        )
    raise typer.Exit(code=1)


@app.command()
def archive(
    against: str = typer.Option(
        None, "--against", help="Git ref whose versions to keep (default: merge base with main)."
    ),
) -> None:
    """Keep the versions at a git ref that changed since, so their messages stay readable."""
    with fail_on_hub_error():
        schema_dir: Path = settings().schema_dir
        store = SchemaStore.from_directory(schema_dir)
        earlier = _earlier(against)
        if earlier is None:
            console.print("not a git checkout: nothing to compare with")
            return
        folder = schema_dir / ARCHIVE_DIR_NAME
        written = 0
        for name, expanded in earlier.expanded_records().items():
            fingerprint = fingerprint_of(expanded)
            if store.by_fingerprint(fingerprint) is not None:
                continue
            folder.mkdir(exist_ok=True)
            path = folder / f"{name.rpartition('.')[2]}.{fingerprint.hex()}.avsc"
            path.write_text(json.dumps(expanded, indent=2, ensure_ascii=False) + "\n")
            console.print(f"archived {name} {fingerprint.hex()} -> {path}")
            written += 1
        console.print(f"{written} version(s) archived")
