"""``hub lag``: consumer-group lag and Burrow status, once, live, or as a service.

    hub lag [--group G] [--watch] [--json] [--all-partitions]
    hub lag serve --port P          # lag monitor: Prometheus /metrics and the dashboard

One-shot mode still needs a trend for a status, so it takes a few samples over a short
window first and says so. Without HUB_BOOTSTRAP_SERVERS it reads the embedded broker of
``hub up`` on 127.0.0.1:9092.
"""

from __future__ import annotations

import asyncio
import json

import typer
from rich.console import Group
from rich.live import Live
from rich.table import Table

from hub.catalog import load_catalog
from hub.cli._common import console, fail_on_hub_error, settings, stop_on_signals
from hub.lag import (
    GroupLag,
    LagMonitor,
    MonitorSettings,
    OffsetReader,
    Status,
    hub_groups,
)
from hub.logging import get_logger
from hub.settings import KafkaSettings, RouterSettings
from hub.web.state import READS_SHORT_NOTE

__all__ = ["app"]

log = get_logger(__name__)

app = typer.Typer(help="Consumer-group lag, Burrow status, metrics and the dashboard.")

#: where ``hub up`` starts the embedded broker by default
_HUB_UP_BOOTSTRAP = "127.0.0.1:9092"
_STYLE = {Status.OK: "green", Status.WARN: "yellow", Status.NOTFOUND: "dim"}


def _client_options() -> dict[str, object]:
    kafka = KafkaSettings()
    if not kafka.bootstrap_servers:
        kafka = kafka.model_copy(update={"bootstrap_servers": _HUB_UP_BOOTSTRAP})
    return kafka.client_options()


async def _groups(reader: OffsetReader, wanted: list[str]) -> dict[str, list[str]]:
    """The hub's groups from the catalogue; others by what they committed."""
    known = hub_groups(load_catalog(settings().topics_dir), RouterSettings().app_id)
    if not wanted:
        return known
    return {
        group: known[group] if group in known else await reader.group_topics(group)
        for group in wanted
    }


def _status(status: Status) -> str:
    return f"[{_STYLE.get(status, 'bold red')}]{status.name}[/]"


def _table(report: list[GroupLag], caption: str, all_partitions: bool) -> Table:
    table = Table(
        "group",
        "topic",
        "partition",
        "committed",
        "log end",
        "lag",
        "lag (s)",
        "status",
        title="consumer-group lag",
        caption=caption,
    )
    for group in report:
        table.add_row(
            f"[bold]{group.group}[/]",
            f"{len(group.partitions)} partitions",
            "",
            "",
            "",
            str(group.lag),
            _seconds(group.max_lag_seconds),
            f"{_status(group.status)} (worst {group.worst.name})",
        )
        for p in group.partitions:
            if all_partitions or p.lag or p.status is not Status.OK:
                table.add_row(
                    "",
                    p.topic,
                    str(p.partition),
                    "-" if p.committed is None else str(p.committed),
                    str(p.end),
                    str(p.lag),
                    _seconds(p.lag_seconds),
                    _status(p.status),
                )
    return table


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _caption(reads_short: bool, how: str) -> str:
    return f"{how}" + (f"\n{READS_SHORT_NOTE}" if reads_short else "")


async def _once(
    wanted: list[str], samples: int, over_s: float, as_json: bool, all_partitions: bool
) -> None:
    interval = over_s / max(1, samples - 1)
    async with OffsetReader(_client_options()) as reader:
        reads_short = await reader.is_embedded_broker()
        monitor = LagMonitor(
            reader,
            await _groups(reader, wanted),
            # a partition with lag and no commit in the second half of the samples is STOP
            MonitorSettings(interval_s=interval, window=samples, min_span_s=over_s / 2),
        )
        for number in range(samples):
            report = await monitor.sample()
            if number < samples - 1:
                await asyncio.sleep(interval)
    how = f"status from {samples} samples over {over_s:g} s (Burrow's rules on that window)"
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "groups": [g.to_dict(partitions=all_partitions) for g in report],
                    "samples": samples,
                    "window_s": over_s,
                    "reads_short": reads_short,
                    "note": READS_SHORT_NOTE if reads_short else None,
                }
            )
        )
    else:
        console.print(_table(report, _caption(reads_short, how), all_partitions))


async def _watch(wanted: list[str], interval_s: float, window: int, all_partitions: bool) -> None:
    stop = stop_on_signals()
    async with OffsetReader(_client_options()) as reader:
        reads_short = await reader.is_embedded_broker()
        monitor = LagMonitor(
            reader,
            await _groups(reader, wanted),
            MonitorSettings(interval_s=interval_s, window=window),
        )
        with Live(console=console, refresh_per_second=2, transient=False) as live:

            def show(report: list[GroupLag]) -> None:
                how = (
                    f"sample {monitor.samples}, every {interval_s:g} s, window of {window} "
                    "commits  ·  Ctrl-C stops"
                )
                live.update(Group(_table(report, _caption(reads_short, how), all_partitions)))

            log.info("lag_watch_started", groups=list(monitor.groups), interval_s=interval_s)
            await monitor.run(stop, show)


@app.callback(invoke_without_command=True)
def lag(
    ctx: typer.Context,
    group: list[str] = typer.Option(
        [], "--group", "-g", help="Only this group (repeatable); default: router and connectors."
    ),
    watch: bool = typer.Option(False, "--watch", help="A live table until Ctrl-C."),
    as_json: bool = typer.Option(False, "--json", help="One-shot report as JSON."),
    all_partitions: bool = typer.Option(
        False, "--all-partitions", help="Every partition, not only those behind or not OK."
    ),
    samples: int = typer.Option(4, "--samples", help="One-shot: samples to judge status on."),
    over: float = typer.Option(3.0, "--over", min=0.1, help="One-shot: seconds the samples span."),
    interval: float = typer.Option(
        2.0, "--interval", min=0.1, help="--watch: seconds between samples."
    ),
    window: int = typer.Option(10, "--window", min=2, help="--watch: commits in Burrow's window."),
) -> None:
    """Committed offset, log end, lag in messages and seconds, Burrow status per partition."""
    if ctx.invoked_subcommand is not None:
        return
    with fail_on_hub_error():
        if watch:
            asyncio.run(_watch(group, interval, window, all_partitions))
        else:
            asyncio.run(_once(group, max(2, samples), over, as_json, all_partitions))


@app.command("serve")
def serve(
    port: int = typer.Option(
        18300, "--port", min=1, max=65535, help="Dashboard and /metrics port."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    interval: float = typer.Option(5.0, "--interval", min=0.1, help="Seconds between samples."),
    window: int = typer.Option(10, "--window", min=2, help="Commits in Burrow's window."),
    embedded: bool = typer.Option(
        None,
        "--embedded/--not-embedded",
        help="Say lag reads short (embedded broker); default: detect by the cluster id.",
    ),
) -> None:
    """Sample lag continuously; serve Prometheus /metrics and the web dashboard."""
    with fail_on_hub_error():
        asyncio.run(
            _serve(host, port, MonitorSettings(interval_s=interval, window=window), embedded)
        )


async def _serve(host: str, port: int, monitor: MonitorSettings, embedded: bool | None) -> None:
    from hub.codec import AvroCodec, SchemaStore
    from hub.web import MonitorService

    stop = stop_on_signals()
    catalog = load_catalog(settings().topics_dir)
    service = MonitorService(
        client_options=_client_options(),
        codec=AvroCodec(SchemaStore.from_directory(settings().schema_dir)),
        groups=hub_groups(catalog, RouterSettings().app_id),
        services=list(catalog.services),
        settings=monitor,
        embedded=embedded,
        host=host,
        port=port,
    )
    async with service:
        console.print(
            f"dashboard on {service.server.url}  ·  metrics on {service.server.url}metrics"
        )
        await stop.wait()
