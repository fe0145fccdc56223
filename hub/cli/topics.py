"""``hub topics``: list, check and apply the topic catalogue."""

from __future__ import annotations

import asyncio

import typer
from rich.table import Table

from hub.catalog import apply_catalog, check_catalog, load_catalog
from hub.cli._common import console, fail_on_hub_error, settings
from hub.codec import SchemaStore
from hub.settings import KafkaSettings

__all__ = ["app"]

app = typer.Typer(help="The topic catalogue in topics/catalog.yaml.", no_args_is_help=True)


@app.command("list")
def list_topics() -> None:
    """Show every topic with its key, schema, data class and principals."""
    with fail_on_hub_error():
        catalog = load_catalog(settings().topics_dir)
    table = Table("topic", "key", "schema", "class", "parts", "retention", "writers", "readers")
    for topic in catalog.topics.values():
        retention = "forever" if topic.retention_ms < 0 else f"{topic.retention_ms // 86_400_000} d"
        table.add_row(
            topic.name,
            topic.key,
            topic.schema,
            topic.data_class,
            str(topic.partitions),
            retention,
            ", ".join(topic.writers),
            ", ".join(topic.readers),
        )
    console.print(table)


@app.command()
def check() -> None:
    """Schemas exist, every service has its set, subject topics are co-partitioned, ..."""
    with fail_on_hub_error():
        current = settings()
        catalog = load_catalog(current.topics_dir)
        findings = check_catalog(catalog, SchemaStore.from_directory(current.schema_dir))
    if not findings:
        console.print(
            f"[green]ok[/]: {len(catalog.topics)} topics, {len(catalog.services)} "
            "services, catalogue is consistent"
        )
        return
    for finding in findings:
        console.print(f"[red]problem[/] {finding.topic}: {finding.problem}")
    raise typer.Exit(code=1)


@app.command()
def apply(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Report what would change; change nothing."
    ),
    bootstrap_servers: str = typer.Option(
        None, "--bootstrap-servers", help="Override HUB_BOOTSTRAP_SERVERS."
    ),
) -> None:
    """Create or update the catalogue's topics on a Kafka cluster, idempotently."""
    with fail_on_hub_error():
        catalog = load_catalog(settings().topics_dir)
        kafka = KafkaSettings()
        if bootstrap_servers:
            kafka = kafka.model_copy(update={"bootstrap_servers": bootstrap_servers})
        changes = asyncio.run(apply_catalog(catalog, kafka.client_options(), dry_run=dry_run))
    table = Table("topic", "action", "detail", title="dry run" if dry_run else "applied")
    for change in changes:
        colour = {"failed": "red", "drift": "yellow", "unchanged": "dim"}.get(
            change.action, "green"
        )
        table.add_row(change.topic, f"[{colour}]{change.action}[/]", change.detail)
    console.print(table)
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.action] = counts.get(change.action, 0) + 1
    console.print(", ".join(f"{n} {action}" for action, n in sorted(counts.items())))
    if counts.get("failed"):
        raise typer.Exit(code=1)
