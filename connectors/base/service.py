"""One connector as a long-lived service: inbound and outbound loops, a health endpoint.

Starts and stops like every hub component (``start()``/``stop()`` or ``async with``);
stopping lets the current batch finish, commits what was delivered and closes cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Coroutine
from typing import Any

import httpx
from aiohttp import web
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from connectors.base.cursors import CursorStore
from connectors.base.exceptions import UpstreamUnavailableError
from connectors.base.inbound import Inbound
from connectors.base.link import ServiceLink
from connectors.base.outbound import Outbound
from connectors.registry import api_client, vacancy_mapping
from hub.codec import AvroCodec
from hub.fetch_hold import hold_fetches_while_buffered
from hub.lifecycle import BackgroundService
from hub.logging import get_logger
from hub.metrics import CONNECTOR_API_SECONDS
from hub.web.server import metrics_response

__all__ = ["ConnectorService", "start_producer"]

log = get_logger(__name__)


async def start_producer(
    stack: contextlib.AsyncExitStack, client_options: dict[str, Any]
) -> AIOKafkaProducer:
    """Start the producer a connector publishes with, stopped when *stack* closes.

    No idempotence (the embedded broker does not grant producer ids) and a short linger,
    so a batch of API changes goes out together without delaying a single one.
    """
    producer = AIOKafkaProducer(enable_idempotence=False, linger_ms=5, **client_options)
    stack.push_async_callback(producer.stop)  # stopped even when it never started
    await producer.start()
    return producer


class ConnectorService(BackgroundService):
    """The connector of one service, between its API and its topics."""

    def __init__(
        self,
        *,
        code: str,
        api_url: str,
        codec: AvroCodec,
        client_options: dict[str, Any],
        fetch_max_wait_ms: int = 50,
        session_timeout_ms: int = 10_000,
        poll_interval_s: float = 1.0,
        http_timeout_s: float = 10.0,
        retry_for_s: float = 60.0,
        health_port: int | None = None,
        health_host: str = "127.0.0.1",
    ) -> None:
        super().__init__()
        self.code = code
        self.name = f"connector-{code.lower()}"
        self._api_url = api_url
        self._codec = codec
        self._options = client_options
        self._fetch_max_wait_ms = fetch_max_wait_ms
        self._session_timeout_ms = session_timeout_ms
        self._poll_interval_s = poll_interval_s
        self._http_timeout_s = http_timeout_s
        self._retry_for_s = retry_for_s
        self._health_port = health_port
        self._health_host = health_host  # 0.0.0.0 in a container: probes and Prometheus
        self._cursors: CursorStore | None = None
        self.inbound: Inbound | None = None
        self.outbound: Outbound | None = None

    async def start(self) -> None:
        """Connect to Kafka and the API, load cursors, start both loops and the health server."""
        await super().start()
        assert self._cursors is not None
        log.info(
            "connector_started",
            connector=self.name,
            api=self._api_url,
            cursors=self._cursors.cursors,
        )

    async def _open(self, stack: contextlib.AsyncExitStack) -> None:
        producer = await start_producer(stack, self._options)
        consumer = AIOKafkaConsumer(
            *Outbound.topics(self.code),
            group_id=self.name,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=self._fetch_max_wait_ms,
            session_timeout_ms=self._session_timeout_ms,
            max_poll_interval_ms=int(max(300, self._retry_for_s * 3) * 1000),
            **self._options,
        )
        await consumer.start()
        stack.push_async_callback(consumer.stop)
        hold_fetches_while_buffered(consumer)  # deliveries wait on the API: a backlog is usual
        http = httpx.AsyncClient(
            base_url=self._api_url,
            timeout=self._http_timeout_s,
            event_hooks={"request": [_started], "response": [self._timed]},
        )
        stack.push_async_callback(http.aclose)
        link = ServiceLink(
            code=self.code,
            client=api_client(self.code, http, retry_for_s=self._retry_for_s),
            mapping=vacancy_mapping(self.code),
            codec=self._codec,
            producer=producer,
        )
        self._cursors = CursorStore(self._codec, producer, self._options, self.name)
        await self._cursors.load()
        self.inbound = Inbound(link, cursors=self._cursors)
        self.outbound = Outbound(link, consumer=consumer)
        if self._health_port is not None:
            await self._serve_health(stack)

    def _loops(self) -> list[Coroutine[Any, Any, None]]:
        return [self._inbound_loop(), self._outbound_loop()]

    async def _inbound_loop(self) -> None:
        assert self.inbound is not None
        while not self._stop.is_set():
            try:
                await self.inbound.poll()
            except UpstreamUnavailableError as exc:
                log.warning("inbound_waiting", connector=self.name, error=str(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._poll_interval_s)

    async def _outbound_loop(self) -> None:
        assert self.outbound is not None
        while not self._stop.is_set():
            await self.outbound.deliver_batch()

    async def _serve_health(self, stack: contextlib.AsyncExitStack) -> None:
        app = web.Application()
        app.add_routes([web.get("/health", self._health), web.get("/metrics", metrics_response)])
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        await web.TCPSite(runner, self._health_host, self._health_port).start()

    async def _timed(self, response: httpx.Response) -> None:
        """Observe the API's latency to the response headers (every attempt, retries too)."""
        started = response.request.extensions.get("hub_started")
        if started is not None:
            CONNECTOR_API_SECONDS.labels(
                self.code, response.request.method, str(response.status_code)
            ).observe(time.perf_counter() - started)

    async def _health(self, _: web.Request) -> web.Response:
        return web.json_response(self.health())

    def health(self) -> dict[str, Any]:
        """Return liveness and counters."""
        running = bool(self._tasks) and not any(t.done() for t in self._tasks)
        inbound, outbound = self.inbound, self.outbound
        return {
            "status": "ok" if running else "stopped",
            "connector": self.name,
            "published": inbound.published if inbound else 0,
            "map_failures": inbound.dead_letters if inbound else 0,
            "delivered": outbound.delivered if outbound else 0,
            "rejected": outbound.rejected if outbound else 0,
            "duplicates": outbound.duplicates if outbound else 0,
        }

    async def wait(self) -> None:
        """Return when a loop ends (it raised): the supervisor then restarts the process."""
        done, _ = await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()

    async def stop(self) -> None:
        """Let the current batch finish, then close everything.

        A delivery still being retried after the grace period is abandoned: its offset is
        not committed, so it is delivered again after a restart.
        """
        await super().stop()
        log.info("connector_stopped", connector=self.name)


async def _started(request: httpx.Request) -> None:
    """Stamp the request, so the response hook can time it."""
    request.extensions["hub_started"] = time.perf_counter()
