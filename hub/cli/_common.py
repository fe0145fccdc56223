"""Helpers shared by the CLI modules: settings, logging, signals, hub errors as exit codes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Iterator

from aiokafka.errors import KafkaConnectionError
from rich.console import Console

from hub.exceptions import HubError
from hub.logging import configure_logging
from hub.settings import HubSettings

__all__ = ["console", "err_console", "fail_on_hub_error", "settings", "setup", "stop_on_signals"]

console = Console()
err_console = Console(stderr=True)
_settings: HubSettings | None = None


def settings() -> HubSettings:
    """Return the settings read once from the environment."""
    global _settings
    if _settings is None:
        _settings = HubSettings()
    return _settings


def setup(log_level: str | None) -> None:
    """Read settings and configure logging; called by the root callback."""
    current = settings()
    configure_logging(log_level or current.log_level, current.log_format)


@contextlib.contextmanager
def fail_on_hub_error() -> Iterator[None]:
    """Print an error the user can act on as one readable line, and exit with a status a
    supervisor can tell apart: 75 (EX_TEMPFAIL, "try again") for a retriable hub error or
    an unreachable cluster, 2 for any other hub error (a bad setting among them), 1 for a
    file or socket the system refused."""
    try:
        yield
    except HubError as exc:
        _fail(str(exc), os.EX_TEMPFAIL if exc.retriable else 2, exc)
    except KafkaConnectionError as exc:
        _fail(f"cannot reach the Kafka cluster ({exc}); check HUB_BOOTSTRAP_SERVERS", 75, exc)
    except OSError as exc:
        _fail(str(exc), 1, exc)


def _fail(message: str, code: int, exc: BaseException) -> None:
    err_console.print(f"[bold red]error:[/] {message}", markup=True, highlight=False)
    raise SystemExit(code) from exc


def stop_on_signals() -> asyncio.Event:
    """Return an event that SIGINT or SIGTERM sets, so a foreground command stops cleanly.

    Call it inside the running event loop; the handlers replace Python's KeyboardInterrupt,
    so components are stopped by their own ``stop()`` rather than interrupted mid-batch.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop
