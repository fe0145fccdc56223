"""``hub connector PES`` and ``hub simulator PES``: one service's connector, or its simulated API."""

from __future__ import annotations

import asyncio

import httpx
import typer
import uvloop
from aiohttp import web

from hub.cli._common import console, fail_on_hub_error, settings, stop_on_signals
from hub.codec import AvroCodec, SchemaStore
from hub.exceptions import ConfigurationError
from hub.settings import KafkaSettings

__all__ = ["connector", "simulator"]


def _code(pes: str) -> str:
    from connectors.registry import SERVICES

    code = pes.upper()
    if code not in SERVICES:
        raise ConfigurationError(f"unknown service {pes!r}; one of {', '.join(SERVICES)}")
    return code


def connector(
    pes: str = typer.Argument(..., help="Service code: VDAB, FOREM, ACTIRIS, BF, ADG or FT."),
    api_url: str = typer.Option(
        ..., "--api-url", envvar="HUB_CONNECTOR_API_URL", help="Base URL of the service's API."
    ),
    health_port: int = typer.Option(
        None,
        "--health-port",
        min=1,
        max=65535,
        envvar="HUB_CONNECTOR_HEALTH_PORT",
        help="Serve GET /health and /metrics on HOST:PORT.",
    ),
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        envvar="HUB_CONNECTOR_HOST",
        help="Address the health server listens on (0.0.0.0 in a container).",
    ),
    poll_interval: float = typer.Option(
        1.0, "--poll-interval", min=0.001, help="Seconds between API reads."
    ),
) -> None:
    """Run one service's connector until Ctrl-C or SIGTERM."""
    from connectors.base.service import ConnectorService

    async def run() -> None:
        kafka = KafkaSettings()
        service = ConnectorService(
            code=_code(pes),
            api_url=api_url,
            codec=AvroCodec(SchemaStore.from_directory(settings().schema_dir)),
            client_options=kafka.client_options(),
            fetch_max_wait_ms=kafka.fetch_max_wait_ms,
            session_timeout_ms=kafka.session_timeout_ms,
            poll_interval_s=poll_interval,
            health_port=health_port,
            health_host=host,
        )
        async with service:
            stopped = asyncio.create_task(stop_on_signals().wait())
            crashed = asyncio.create_task(service.wait())
            done, pending = await asyncio.wait(
                {stopped, crashed}, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()
            for task in done:
                task.result()

    with fail_on_hub_error():
        uvloop.run(run())  # as the router: its socket calls cost the connector less CPU


def simulator(
    pes: str = typer.Argument(..., help="Service code: VDAB, FOREM, ACTIRIS, BF, ADG or FT."),
    port: int = typer.Option(..., "--port", min=1, max=65535, help="Listen on 127.0.0.1:PORT."),
    generate: int = typer.Option(0, "--generate", min=0, help="Records to create at start."),
) -> None:
    """Serve a simulated service API on loopback until Ctrl-C or SIGTERM."""
    from connectors.registry import simulator_app

    async def run() -> None:
        code = _code(pes)
        app = simulator_app(code)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        if generate:
            async with httpx.AsyncClient() as client:
                await client.post(
                    f"http://127.0.0.1:{port}/admin/generate", params={"count": generate}
                )
        console.print(f"{code} simulator on http://127.0.0.1:{port}")
        try:
            await stop_on_signals().wait()
        finally:
            await runner.cleanup()

    with fail_on_hub_error():
        asyncio.run(run())
