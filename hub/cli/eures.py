"""``hub eures serve``: the EURES Input API, serving every service's published vacancies."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import typer

from hub.cli._common import console, fail_on_hub_error, settings, stop_on_signals
from hub.codec import AvroCodec, SchemaStore
from hub.exceptions import ConfigurationError
from hub.settings import KafkaSettings

__all__ = ["app", "ensure_token", "serve"]

app = typer.Typer(
    help="EURES: the national Input API that EURES polls for vacancies (export only).",
    no_args_is_help=True,
)


def ensure_token(path: Path) -> str:
    """Return HUB_EURES_TOKEN when set, else the token kept in *path* (created owner-only)."""
    from connectors.eures.config import EuresSettings

    configured = EuresSettings().token
    if configured is not None and configured.get_secret_value():
        return configured.get_secret_value()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


@app.command()
def serve(
    port: int = typer.Option(..., "--port", min=1, max=65535, help="Listen on HOST:PORT."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
) -> None:
    """Serve /input/api/jv/v0.1 (ping, getAll, getChanges, getDetails) until Ctrl-C or SIGTERM."""
    from connectors.eures.config import EuresSettings
    from connectors.eures.feed import vacancy_topics
    from connectors.eures.service import EuresExport
    from hub.catalog import load_catalog

    async def run() -> None:
        token = EuresSettings().token
        if token is None or not token.get_secret_value():
            raise ConfigurationError("set HUB_EURES_TOKEN: the Input API never runs without one")
        kafka = KafkaSettings()
        service = EuresExport(
            codec=AvroCodec(SchemaStore.from_directory(settings().schema_dir)),
            client_options=kafka.client_options(),
            topics=vacancy_topics(load_catalog(settings().topics_dir)),
            token=token.get_secret_value(),
            port=port,
            host=host,
            fetch_max_wait_ms=kafka.fetch_max_wait_ms,
        )
        stop = stop_on_signals()
        async with service:
            console.print(f"EURES Input API on http://{host}:{port}/input/api/jv/v0.1")
            await service.serve_until(stop)

    with fail_on_hub_error():
        asyncio.run(run())
