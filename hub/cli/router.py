"""``hub router``: run the router worker until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import signal

import uvloop

from hub.cli._common import fail_on_hub_error, settings
from hub.settings import KafkaSettings, RouterSettings

__all__ = ["run"]


async def _serve() -> None:
    from hub.router.worker import create_worker

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with create_worker(settings(), KafkaSettings(), RouterSettings()) as worker:
        await worker.run(stop)


def run() -> None:
    """Route every service's out topics into the inboxes, with audit and notices."""
    with fail_on_hub_error():
        uvloop.run(_serve())
