"""``hub up``: the whole hub on this machine, until Ctrl-C.

Starts the durable embedded broker in the data folder (unless HUB_BOOTSTRAP_SERVERS
names a cluster), applies the topic catalogue, then runs every service as a supervised
process and shows a live summary of flows. A second ``hub up`` resumes where the first
stopped: the broker's data, committed offsets and the router's state are in the folder.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import typer
from rich.live import Live
from rich.table import Table

from hub.broker import EmbeddedBroker
from hub.catalog import apply_catalog, load_catalog
from hub.cli._common import console, fail_on_hub_error, settings
from hub.codec import AvroCodec, SchemaStore
from hub.flows import FlowCounter
from hub.router.build import ensure_pseudonym_keys
from hub.settings import KafkaSettings, RouterSettings
from hub.supervisor import ServiceSpec, Supervisor

__all__ = ["up"]


def _summary(supervisor: Supervisor, flows: FlowCounter, bootstrap: str) -> Table:
    table = Table(title=f"hub up  ·  Kafka at {bootstrap}  ·  Ctrl-C stops everything")
    table.add_column("service")
    table.add_column("pid")
    table.add_column("restarts")
    for name, (pid, restarts) in supervisor.status().items():
        table.add_row(name, str(pid or "-"), str(restarts))
    table.add_section()
    table.add_row("[bold]flow[/]", "[bold]outcome[/]", "[bold]decisions[/]")
    for (source, destination, event_type, outcome), count in sorted(flows.flows.items()):
        table.add_row(f"{source} → {destination} {event_type}", outcome, str(count))
    table.add_row("dead letters", "", str(flows.dead_letters))
    return table


async def _run(data_dir: Path, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    hub_settings = settings()
    kafka = KafkaSettings()
    broker = None
    if not kafka.bootstrap_servers:
        broker = EmbeddedBroker(mode="durable", data_dir=data_dir / "broker", port=port)
        await broker.start()
        kafka = kafka.model_copy(update={"bootstrap_servers": broker.bootstrap_servers})
    try:
        catalog = load_catalog(hub_settings.topics_dir)
        changes = await apply_catalog(catalog, kafka.client_options())
        created = sum(1 for change in changes if change.action == "created")
        console.print(f"topics: {len(changes)} in the catalogue, {created} created")
        keys = RouterSettings().pseudonym_keys_file or ensure_pseudonym_keys(
            data_dir / "pseudonym-keys.json", list(catalog.services)
        )
        env = {
            "HUB_BOOTSTRAP_SERVERS": str(kafka.bootstrap_servers),
            "HUB_ROUTER_PSEUDONYM_KEYS_FILE": str(keys),
            "HUB_LOG_FORMAT": "json",
        }
        supervisor = Supervisor(
            [ServiceSpec("router", [sys.executable, "-m", "hub", "router"], env)],
            log_dir=data_dir / "logs",
        )
        flows = FlowCounter(
            AvroCodec(SchemaStore.from_directory(hub_settings.schema_dir)), kafka.client_options()
        )
        await supervisor.start()
        await flows.start()
        try:
            with Live(
                _summary(supervisor, flows, str(kafka.bootstrap_servers)),
                console=console,
                refresh_per_second=1,
                transient=False,
            ) as live:
                while not stop.is_set():
                    live.update(_summary(supervisor, flows, str(kafka.bootstrap_servers)))
                    try:
                        await asyncio.wait_for(stop.wait(), timeout=1.0)
                    except TimeoutError:
                        pass
        finally:
            console.print("stopping services ...")
            await flows.stop()
            await supervisor.stop()
    finally:
        if broker is not None:
            console.print("stopping the broker ...")
            await broker.stop()
    console.print(f"stopped; data kept in {data_dir.resolve()}")


def up(
    port: int = typer.Option(9092, "--port", help="Kafka port of the embedded broker."),
    data_dir: Path = typer.Option(None, "--data-dir", help="Override HUB_DATA_DIR."),
) -> None:
    """Start broker, topics and services; show live flows; Ctrl-C stops it all cleanly."""
    with fail_on_hub_error():
        asyncio.run(_run((data_dir or settings().data_dir).resolve(), port))
