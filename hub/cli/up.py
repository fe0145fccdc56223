"""``hub up``: the whole hub on this machine, until Ctrl-C.

Starts the durable embedded broker in the data folder (unless HUB_BOOTSTRAP_SERVERS
names a cluster), applies the topic catalogue, then runs every service as a supervised
process and shows a live summary of flows. A second ``hub up`` resumes where the first
stopped: the broker's data, committed offsets and the router's state are in the folder.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import os
import sys
from pathlib import Path

import httpx
import typer
from rich.console import Group
from rich.live import Live
from rich.table import Table

from hub.broker import EmbeddedBroker
from hub.catalog import apply_catalog, load_catalog
from hub.cli._common import console, fail_on_hub_error, settings, stop_on_signals
from hub.cli.eures import ensure_token
from hub.codec import AvroCodec, SchemaStore
from hub.exceptions import ConfigurationError
from hub.flows import FlowCounter
from hub.logging import get_logger
from hub.router.build import ensure_pseudonym_keys
from hub.settings import KafkaSettings, RouterSettings
from hub.supervisor import ServiceSpec, Supervisor

__all__ = ["up"]

log = get_logger(__name__)

#: offsets from --port-base: the lag monitor's dashboard and /metrics, the router's /metrics
_DASHBOARD = 200
_ROUTER_METRICS = 201
#: offset from --port-base of the EURES Input API
_EURES = 7


def _services_table(supervisor: Supervisor, bootstrap: str) -> Table:
    """Every supervised service with its pid and restarts, two to a row to fit a terminal."""
    table = Table(
        *("service", "pid", "restarts") * 2,
        title=f"hub up  ·  Kafka at {bootstrap}  ·  Ctrl-C stops everything",
    )
    cells = [
        (name, str(pid or "-"), str(restarts))
        for name, (pid, restarts) in supervisor.status().items()
    ]
    half = (len(cells) + 1) // 2
    for left, right in itertools.zip_longest(cells[:half], cells[half:], fillvalue=("", "", "")):
        table.add_row(*left, *right)
    return table


def _flow_matrix(flows: FlowCounter) -> Table:
    """Decisions per source × destination, as allowed / minimised / denied."""
    from connectors.registry import SERVICES

    totals: dict[tuple[str, str], collections.Counter[str]] = {}
    for (source, destination, _event_type, outcome), count in flows.flows.items():
        totals.setdefault((source, destination), collections.Counter())[outcome] += count
    table = Table(
        "from \\ to",
        *SERVICES,
        title=(
            "routing decisions: allowed / minimised / denied  ·  "
            f"dead letters: {flows.dead_letters}"
        ),
    )
    for source in SERVICES:
        row = [source]
        for destination in SERVICES:
            outcomes = totals.get((source, destination))
            row.append(
                f"{outcomes['ALLOW']}/{outcomes['ALLOW_MINIMISED']}/{outcomes['DENY']}"
                if outcomes
                else "·"
            )
        table.add_row(*row)
    return table


def _summary(
    supervisor: Supervisor, flows: FlowCounter, bootstrap: str, lags: list[dict] | None = None
) -> Group:
    """Services, the flow matrix and consumer-group lag, in about 35 lines."""
    parts: list[Table] = [_services_table(supervisor, bootstrap), _flow_matrix(flows)]
    if lags:
        lag_table = Table(
            "consumer group",
            "lag (messages)",
            "lag (s)",
            "status",
            title="lag  ·  on the embedded broker it may read short by one batch",
        )
        for lag in lags:
            seconds = lag["max_lag_seconds"]
            lag_table.add_row(
                lag["group"],
                str(lag["lag"]),
                "-" if seconds is None else f"{seconds:.1f}",
                f"{lag['status']} (worst {lag['worst_partition_status']})",
            )
        parts.append(lag_table)
    return Group(*parts)


async def _refresh_lag(url: str, into: list[dict], stop: asyncio.Event) -> None:
    """Read the lag monitor's report every few seconds for the summary."""
    async with httpx.AsyncClient(timeout=5) as client:
        while not stop.is_set():
            try:
                response = await client.get(url)
                response.raise_for_status()
                into[:] = response.json()
            except httpx.HTTPError as exc:  # the monitor may still be starting
                log.debug("lag_not_read", error=f"{type(exc).__name__}: {exc}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 3.0)


def _service_specs(
    *,
    bootstrap: str,
    keys: Path,
    port_base: int,
    simulators: bool,
    embedded: bool,
    eures_token: str,
) -> list[ServiceSpec]:
    """Router, lag monitor, EURES Input API, and per service its simulator and connector."""
    from connectors.registry import SERVICES

    hub_cmd = [sys.executable, "-m", "hub"]
    common = {"HUB_BOOTSTRAP_SERVERS": bootstrap, "HUB_LOG_FORMAT": "json"}
    specs = [
        ServiceSpec(
            "router",
            [*hub_cmd, "router"],
            common
            | {
                "HUB_ROUTER_PSEUDONYM_KEYS_FILE": str(keys),
                "HUB_ROUTER_METRICS_PORT": str(port_base + _ROUTER_METRICS),
            },
            tier=1,
        ),
        ServiceSpec(
            "lag-monitor",
            [
                *hub_cmd,
                "lag",
                "serve",
                "--port",
                str(port_base + _DASHBOARD),
                "--embedded" if embedded else "--not-embedded",
            ],
            common,
        ),
        ServiceSpec(
            "eures-export",
            [*hub_cmd, "eures", "serve", "--port", str(port_base + _EURES)],
            common | {"HUB_EURES_TOKEN": eures_token},
            tier=2,
        ),
    ]
    for number, code in enumerate(SERVICES, start=1):
        api_url = os.environ.get(f"HUB_{code}_API_URL")
        if simulators:
            api_url = f"http://127.0.0.1:{port_base + number}"
            specs.append(
                ServiceSpec(
                    f"simulator-{code.lower()}",
                    [
                        *hub_cmd,
                        "simulator",
                        code,
                        "--port",
                        str(port_base + number),
                        "--generate",
                        "5",
                    ],
                    common,
                )
            )
        elif not api_url:
            raise ConfigurationError(f"--no-simulators needs HUB_{code}_API_URL")
        specs.append(
            ServiceSpec(
                f"connector-{code.lower()}",
                [
                    *hub_cmd,
                    "connector",
                    code,
                    "--api-url",
                    str(api_url),
                    "--health-port",
                    str(port_base + 100 + number),
                ],
                common,
                tier=2,
            )
        )
    return specs


async def _traffic(port_base: int, interval_s: float, stop: asyncio.Event) -> None:
    """Post a little new data at every simulator now and then, so flows keep moving."""
    from connectors.registry import SERVICES

    async with httpx.AsyncClient(timeout=5) as client:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval_s)
            for number, _code in enumerate(SERVICES, start=1):
                with contextlib.suppress(httpx.HTTPError):
                    await client.post(
                        f"http://127.0.0.1:{port_base + number}/admin/generate", params={"count": 1}
                    )


async def _run(
    data_dir: Path, port: int, port_base: int, simulators: bool, traffic_s: float
) -> None:
    stop = stop_on_signals()
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
        supervisor = Supervisor(
            _service_specs(
                bootstrap=str(kafka.bootstrap_servers),
                keys=Path(keys),
                port_base=port_base,
                simulators=simulators,
                embedded=broker is not None,
                eures_token=ensure_token(data_dir / "eures-token"),
            ),
            log_dir=data_dir / "logs",
        )
        flows = FlowCounter(
            AvroCodec(SchemaStore.from_directory(hub_settings.schema_dir)), kafka.client_options()
        )
        await supervisor.start()
        await flows.start()
        traffic = (
            asyncio.create_task(_traffic(port_base, traffic_s, stop))
            if (simulators and traffic_s > 0)
            else None
        )
        lags: list[dict] = []
        dashboard = f"http://127.0.0.1:{port_base + _DASHBOARD}/"
        lag_task = asyncio.create_task(_refresh_lag(f"{dashboard}api/lag", lags, stop))
        console.print(
            f"dashboard on {dashboard}  ·  Prometheus metrics: lag monitor {dashboard}metrics, "
            f"router http://127.0.0.1:{port_base + _ROUTER_METRICS}/metrics, "
            "connectors /metrics on their health ports"
        )
        console.print(
            f"EURES Input API on http://127.0.0.1:{port_base + _EURES}/input/api/jv/v0.1 "
            f"(bearer token: HUB_EURES_TOKEN, else the one in {data_dir / 'eures-token'})"
        )
        if simulators:
            console.print(
                f"simulated service APIs on http://127.0.0.1:{port_base + 1}..."
                f"{port_base + 6} (VDAB, FOREM, ACTIRIS, BF, ADG, FT); "
                f"connector health on {port_base + 101}...{port_base + 106}"
            )
        try:
            with Live(
                _summary(supervisor, flows, str(kafka.bootstrap_servers), lags),
                console=console,
                refresh_per_second=1,
                transient=False,
            ) as live:
                while not stop.is_set():
                    live.update(_summary(supervisor, flows, str(kafka.bootstrap_servers), lags))
                    try:
                        await asyncio.wait_for(stop.wait(), timeout=1.0)
                    except TimeoutError:
                        pass
        finally:
            console.print("stopping services ...")
            for task in (traffic, lag_task):
                if task is not None:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
            await flows.stop()
            await supervisor.stop()
    finally:
        if broker is not None:
            console.print("stopping the broker ...")
            await broker.stop()
    console.print(f"stopped; data kept in {data_dir.resolve()}")


def up(
    port: int = typer.Option(
        9092, "--port", min=1, max=65535, help="Kafka port of the embedded broker."
    ),
    data_dir: Path = typer.Option(None, "--data-dir", help="Override HUB_DATA_DIR."),
    port_base: int = typer.Option(
        18100,
        "--port-base",
        help="Simulators listen on BASE+1..BASE+6, connector health and /metrics on "
        "BASE+101.., the dashboard on BASE+200, the router's /metrics on BASE+201.",
    ),
    simulators: bool = typer.Option(
        True,
        "--simulators/--no-simulators",
        help="Simulated service APIs, or the real ones from HUB_<PES>_API_URL.",
    ),
    traffic: float = typer.Option(
        5.0, "--traffic", help="Seconds between generated records per simulator (0: none)."
    ),
) -> None:
    """Start broker, topics and services; show live flows; Ctrl-C stops it all cleanly."""
    with fail_on_hub_error():
        asyncio.run(
            _run((data_dir or settings().data_dir).resolve(), port, port_base, simulators, traffic)
        )
