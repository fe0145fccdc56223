"""``hub audit``: replay topics, verify the audit chain and decisions, report on one person."""

from __future__ import annotations

import asyncio
import csv
import json
import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hub.audit.reader import TopicReader, parse_position
from hub.audit.rederive import Rederiver
from hub.audit.replay import matches, readable
from hub.audit.subject import subject_report
from hub.audit.verify import verify_audit
from hub.catalog import load_catalog
from hub.cli._common import console, err_console, fail_on_hub_error, settings
from hub.codec import AvroCodec, SchemaStore
from hub.exceptions import ConfigurationError
from hub.policy import AgreementsLibrary, Crosswalk
from hub.router.build import load_pseudonym_keys
from hub.settings import KafkaSettings

__all__ = ["app"]

app = typer.Typer(
    help="Replay topics and verify every transfer, from the topics alone.", no_args_is_help=True
)


def _reader() -> TopicReader:
    return TopicReader(KafkaSettings().client_options())


def _progress() -> Progress:
    """A progress bar on a terminal; off a terminal (a pipe, a log file) nothing at all."""
    console = Console(stderr=True)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def _position(text: str | None, option: str):
    try:
        return parse_position(text)
    except ValueError as exc:
        raise ConfigurationError(f"{option}: {exc}") from exc


@app.command()
def replay(
    topic: str = typer.Argument(None, help="Topic to replay (or use --inboxes)."),
    inboxes: bool = typer.Option(False, "--inboxes", help="Replay every service inbox."),
    start: str = typer.Option(None, "--from", help="Offset, or ISO time (2026-03-01T00:00Z)."),
    stop: str = typer.Option(None, "--to", help="Offset, or ISO time; default: the end now."),
    subject: str = typer.Option(None, "--subject", help="Only records about this key/subject."),
    record_type: str = typer.Option(None, "--type", help="Only this record type, e.g. Vacancy."),
    fmt: str = typer.Option("table", "--format", help="table, jsonl or csv."),
) -> None:
    """Print records with their headers, decoded by fingerprint; never joins a group."""
    with fail_on_hub_error():
        if fmt not in ("table", "jsonl", "csv"):
            raise ConfigurationError("--format is table, jsonl or csv")
        topics = _replay_topics(topic, inboxes)
        codec = AvroCodec(SchemaStore.from_directory(settings().schema_dir))
        rows, count, seconds = asyncio.run(
            _replay(
                topics,
                _position(start, "--from"),
                _position(stop, "--to"),
                subject,
                record_type,
                codec,
                fmt,
            )
        )
    if fmt == "table":
        table = Table("topic", "p", "offset", "time", "key", "type", "content")
        for row in rows:
            content = json.dumps(row.get("record", row.get("error")), ensure_ascii=False)
            table.add_row(
                row["topic"],
                str(row["partition"]),
                str(row["offset"]),
                row["timestamp"],
                row["key"],
                row.get("schema", "?").rpartition(".")[2],
                content[:80] + ("…" if len(content) > 80 else ""),
            )
        console.print(table)
    rate = count / seconds if seconds else 0.0
    err_console.print(
        f"{count} records read in {seconds:.2f} s ({rate:,.0f} records/s); "
        f"{len(rows) if fmt == 'table' else 'all matching'} shown"
    )


def _replay_topics(topic: str | None, inboxes: bool) -> list[str]:
    catalog = load_catalog(settings().topics_dir)
    if inboxes:
        return sorted(t.name for t in catalog.topics.values() if t.direction == "in")
    if not topic:
        raise ConfigurationError("name a topic, or use --inboxes")
    return [topic]


async def _replay(topics, start, stop, subject, record_type, codec, fmt):
    rows: list[dict] = []
    writer = csv.writer(sys.stdout) if fmt == "csv" else None
    if writer:
        writer.writerow(
            [
                "topic",
                "partition",
                "offset",
                "timestamp",
                "key",
                "ce_type",
                "ce_id",
                "schema",
                "record",
            ]
        )
    count = 0
    began = time.monotonic()
    with _progress() as progress:
        task = progress.add_task("replay", total=None)
        async for record in _reader().read(
            topics, start=start, stop=stop, on_total=lambda n: progress.update(task, total=n)
        ):
            count += 1
            progress.advance(task)
            row = readable(codec, record)
            if not matches(row, subject=subject, record_type=record_type):
                continue
            if fmt == "jsonl":
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            elif writer:
                writer.writerow(
                    [
                        row["topic"],
                        row["partition"],
                        row["offset"],
                        row["timestamp"],
                        row["key"],
                        row["headers"].get("ce_type"),
                        row["headers"].get("ce_id"),
                        row.get("schema"),
                        json.dumps(row.get("record", row.get("error")), ensure_ascii=False),
                    ]
                )
            else:
                rows.append(row)
    return rows, count, time.monotonic() - began


@app.command()
def verify(
    start: str = typer.Option(None, "--from", help="Offset or ISO time to start the check at."),
    topic: str = typer.Option("hub.audit", "--topic", help="Audit topic (or a copy of it)."),
    keys: Path = typer.Option(None, "--keys", help="Pseudonym keys file, to check payload hashes."),
) -> None:
    """Check the hash chain and re-derive every decision; exit 1 on any finding."""
    with fail_on_hub_error():
        current = settings()
        store = SchemaStore.from_directory(current.schema_dir)
        rederiver = Rederiver(
            codec=AvroCodec(store),
            store=store,
            catalog=load_catalog(current.topics_dir),
            library=AgreementsLibrary.from_directory(current.topics_dir),
            crosswalk=Crosswalk.from_directory(current.topics_dir),
            keys=load_pseudonym_keys(keys) if keys else None,
        )
        with _progress() as progress:
            task = progress.add_task("verify", total=None)
            report = asyncio.run(
                verify_audit(
                    _reader(),
                    rederiver,
                    audit_topic=topic,
                    start=_position(start, "--from"),
                    progress=lambda n: progress.advance(task, n),
                )
            )
    summary = Table("check", "result", title=f"audit verification of {topic}")
    summary.add_row(
        "partitions / decisions", f"{len(report.records)} / {sum(report.records.values())}"
    )
    summary.add_row("hash chain breaks", str(len(report.chain)))
    summary.add_row("decisions re-derived", str(report.rederived))
    summary.add_row("decisions that differ", str(len(report.findings)))
    summary.add_row("notes (denied on incomplete state)", str(len(report.notes)))
    summary.add_row("payload hashes", "checked" if keys else "not checked (no --keys)")
    summary.add_row("time", f"{report.seconds:.1f} s")
    console.print(summary)
    for item in report.chain:
        console.print(
            f"[red]{item.kind}[/] {topic} partition {item.partition} offset "
            f"{item.offset}: {item.detail}"
        )
    for finding in report.findings:
        console.print(
            f"[red]{finding.kind}[/] partition {finding.partition} offset "
            f"{finding.offset} ({finding.decision_id}): {finding.detail}"
        )
    for note in report.notes:
        console.print(
            f"[yellow]note[/] partition {note.partition} offset {note.offset}: {note.detail}"
        )
    if not report.clean:
        raise typer.Exit(code=1)


@app.command("subject")
def subject_command(
    subject: str = typer.Argument(..., help="Subject key, e.g. FOREM:FO-2219387."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Everything the hub did with one person's data: events, destinations, bases, erasures."""
    with fail_on_hub_error():
        current = settings()
        report = asyncio.run(
            subject_report(
                _reader(),
                AvroCodec(SchemaStore.from_directory(current.schema_dir)),
                load_catalog(current.topics_dir),
                subject,
            )
        )
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    console.print(
        f"[bold]{subject}[/]: {len(report['events'])} events, "
        f"{report['transfers']} transfers, {len(report['erasures'])} erasures"
    )
    table = Table("time", "event", "from", "to", "outcome", "basis", "rule / reference")
    for event in report["events"]:
        for d in event["destinations"]:
            table.add_row(
                event["time"],
                event["event_type"].rpartition(".")[2],
                event["source"],
                d["destination"],
                d["outcome"],
                d["basis"],
                f"{d['rule'] or '-'} / {d['reference'] or '-'}",
            )
    console.print(table)
    history = Table("recorded", "consent", "action", "to", "purposes")
    for c in report["consents"]:
        history.add_row(
            c["recorded_at"],
            c["consent_id"],
            c["action"],
            ", ".join(c["destinations"]) or "all",
            ", ".join(c["purposes"]) or "all",
        )
    console.print(history)
    for erasure in report["erasures"]:
        console.print(
            f"erasure sent to {erasure['destination']} at {erasure['time']} for "
            f"{len(erasure['event_ids'])} event(s) (consent {erasure['consent_id']})"
        )
