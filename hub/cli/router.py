"""``hub router``: run the router worker until Ctrl-C or SIGTERM."""

from __future__ import annotations

import faust

from hub.cli._common import fail_on_hub_error, settings
from hub.settings import KafkaSettings, RouterSettings

__all__ = ["run"]


def run() -> None:
    """Route every service's out topics into the inboxes, with audit and notices."""
    with fail_on_hub_error():
        from hub.router.worker import create_app

        app = create_app(settings(), KafkaSettings(), RouterSettings())
    worker = faust.Worker(app, loglevel="WARNING", quiet=True, override_logging=False)
    worker.execute_from_commandline()
