"""The EURES export as one long-lived service: the topic feed and the Input API together.

Starts and stops like every hub component (``start()``/``stop()`` or ``async with``).
Export only: EURES polls this national connection point; nothing is sent to EURES.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from typing import Any

from aiohttp import web
from aiokafka import AIOKafkaProducer

from connectors.eures.api import create_api
from connectors.eures.feed import VacancyFeed
from connectors.eures.store import ReferenceStore
from connectors.eures.writer import write_position_opening
from hub.codec import AvroCodec
from hub.lifecycle import Lifecycle
from hub.logging import get_logger

__all__ = ["EuresExport"]

log = get_logger(__name__)


class EuresExport(Lifecycle):
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
        self._codec = codec
        self._options = client_options
        self._topics = list(topics)
        self._token = token
        self.host, self.port = host, port
        self._fetch_max_wait_ms = fetch_max_wait_ms
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._resources: contextlib.AsyncExitStack | None = None
        self.store = ReferenceStore(write_position_opening)
        self.feed: VacancyFeed | None = None

    async def start(self) -> None:
        """Connect to Kafka, start reading the topics, then serve the Input API."""
        stack = contextlib.AsyncExitStack()
        self._resources = stack
        try:
            producer = AIOKafkaProducer(enable_idempotence=False, linger_ms=5, **self._options)
            await producer.start()
            stack.push_async_callback(producer.stop)
            feed = VacancyFeed(
                store=self.store,
                codec=self._codec,
                producer=producer,
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
        except BaseException:
            await stack.aclose()
            raise
        self._task = asyncio.create_task(feed.run(self._stop))
        log.info("eures_export_started", url=f"http://{self.host}:{self.port}", topics=self._topics)

    @property
    def running(self) -> bool:
        """Return whether the feed is still reading (it never stops for a bad record)."""
        return self._task is not None and not self._task.done()

    async def serve_until(self, stop: asyncio.Event) -> None:
        """Return when *stop* is set; raise if the feed failed (the supervisor restarts us)."""
        assert self._task is not None
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({stopped, self._task}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if self._task.done():
            self._task.result()

    async def stop(self) -> None:
        """Stop reading, stop serving, close everything."""
        self._stop.set()
        if self._task is not None:
            await asyncio.wait({self._task}, timeout=5)
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._resources is not None:
            await self._resources.aclose()
        log.info("eures_export_stopped", references=len(self.store))
