"""``hub broker start``: the embedded broker in the foreground, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from hub.broker import EmbeddedBroker
from hub.cli._common import console, err_console, fail_on_hub_error, stop_on_signals
from hub.settings import KafkaSettings

__all__ = ["app", "serve_until_stopped"]

app = typer.Typer(help="The embedded Kafka-protocol broker (Tansu).", no_args_is_help=True)


async def serve_until_stopped(broker: EmbeddedBroker) -> None:
    """Start *broker*, say where it is, and stop it cleanly on SIGINT or SIGTERM."""
    stop = stop_on_signals()
    async with broker:
        console.print(f"bootstrap servers: [bold]{broker.bootstrap_servers}[/]  ({broker.mode})")
        console.print("Ctrl-C stops the broker.")
        await stop.wait()
    console.print("broker stopped")


@app.command()
def start(
    memory: bool = typer.Option(False, "--memory", help="Keep everything in memory."),
    durable: Path = typer.Option(
        None, "--durable", help="Keep data in DIR (SeaweedFS as S3 store); survives restarts."
    ),
    port: int = typer.Option(
        9092, "--port", min=1, max=65535, help="Kafka listener port on 127.0.0.1."
    ),
) -> None:
    """Start the embedded broker: --memory, or --durable DIR."""
    if KafkaSettings().bootstrap_servers:
        err_console.print(
            "HUB_BOOTSTRAP_SERVERS is set: an external cluster is configured, so no embedded "
            "broker is started. Unset it to run the embedded one."
        )
        raise typer.Exit(code=2)
    if memory == (durable is not None):
        err_console.print("choose exactly one of --memory or --durable DIR")
        raise typer.Exit(code=2)
    broker = EmbeddedBroker(
        mode="durable" if durable else "memory",
        data_dir=durable.resolve() if durable else None,
        port=port,
    )
    with fail_on_hub_error():
        asyncio.run(serve_until_stopped(broker))
