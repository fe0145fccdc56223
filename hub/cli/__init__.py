"""The ``hub`` command: one entry point, one sub-command group per responsibility."""

from __future__ import annotations

import typer

from hub.cli._common import fail_on_hub_error, setup

__all__ = ["app", "main"]

app = typer.Typer(
    name="hub",
    help="Integration hub between public employment services (VDAB, Le Forem, Actiris, "
    "Bruxelles Formation, ADG, France Travail).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    log_level: str = typer.Option(None, "--log-level", help="Override HUB_LOG_LEVEL."),
) -> None:
    """Configure logging once for whichever sub-command runs."""
    setup(log_level)


def _register() -> None:
    """Attach the sub-command groups; each lives in its own module."""
    from hub.cli import (
        audit,
        bench,
        broker,
        codec,
        connector,
        deploy,
        eures,
        lag,
        router,
        schemas,
        topics,
        up,
    )

    app.add_typer(codec.app, name="codec")
    app.add_typer(schemas.app, name="schemas")
    app.add_typer(topics.app, name="topics")
    app.add_typer(broker.app, name="broker")
    app.add_typer(audit.app, name="audit")
    app.add_typer(eures.app, name="eures")
    app.add_typer(lag.app, name="lag")
    app.add_typer(deploy.app, name="deploy")
    app.command("router")(router.run)
    app.command("up")(up.up)
    app.command("connector")(connector.connector)
    app.command("simulator")(connector.simulator)
    app.command("bench")(bench.bench)


_register()


def main() -> None:
    """Console-script entry point; what no command turned into a clear error becomes one."""
    with fail_on_hub_error():
        app()
