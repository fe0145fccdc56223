"""The EURES export as one long-lived service: the topic feed and the Input API together.

Starts and stops like every hub component (``start()``/``stop()`` or ``async with``).
Export only: EURES polls this national connection point; nothing is sent to EURES.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine, Iterable
from typing import Any

from aiohttp import web

from connectors.base.service import start_producer
from connectors.eures.api import create_api
from connectors.eures.feed import VacancyFeed
from connectors.eures.store import ReferenceStore
from connectors.eures.writer import write_position_opening
from hub.codec import AvroCodec
from hub.lifecycle import BackgroundService
from hub.logging import get_logger

__all__ = ["EuresExport"]

log = get_logger(__name__)


class EuresExport(BackgroundService):
    """Serves the published vacancies of every service to EURES."""

    def __init__(
        self,
        *,
        codec: AvroCodec,
        client_options: dict[str, Any],
        topics: Iterable[str],
        token: str,
        port: int,
        host: str = "127.0.0.1",
        fetch_max_wait_ms: int = 50,
    ) -> None:
        super().__init__()
        self._codec = codec
        self._options = client_options
        self._topics = list(topics)
        self._token = token
        self.host, self.port = host, port
        self._fetch_max_wait_ms = fetch_max_wait_ms
        self.store = ReferenceStore(write_position_opening)
        self.feed: VacancyFeed | None = None

    async def start(self) -> None:
        """Connect to Kafka, start reading the topics, then serve the Input API."""
        await super().start()
        log.info("eures_export_started", url=f"http://{self.host}:{self.port}", topics=self._topics)

    async def _open(self, stack: contextlib.AsyncExitStack) -> None:
        feed = VacancyFeed(
            store=self.store,
            codec=self._codec,
            producer=await start_producer(stack, self._options),
            topics=self._topics,
            client_options=self._options,
            fetch_max_wait_ms=self._fetch_max_wait_ms,
        )
        await feed.start()
        stack.push_async_callback(feed.stop)
        self.feed = feed
        runner = web.AppRunner(
            create_api(self.store, self._token, feed.ready.is_set), access_log=None
        )
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        await web.TCPSite(runner, self.host, self.port).start()

    def _loops(self) -> list[Coroutine[Any, Any, None]]:
        assert self.feed is not None
        return [self.feed.run(self._stop)]

    @property
    def running(self) -> bool:
        """Return whether the feed is still reading (it never stops for a bad record)."""
        return bool(self._tasks) and not self._tasks[0].done()

    async def serve_until(self, stop: asyncio.Event) -> None:
        """Return when *stop* is set; raise if the feed failed (the supervisor restarts us)."""
        assert self._tasks
        (feed,) = self._tasks
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({stopped, feed}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if feed.done():
            feed.result()

    async def stop(self) -> None:
        """Stop reading, stop serving, close everything."""
        await super().stop()
        log.info("eures_export_stopped", references=len(self.store))
