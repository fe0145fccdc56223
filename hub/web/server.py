"""The dashboard's HTTP server (aiohttp): the page, its JSON and Prometheus ``/metrics``."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

__all__ = ["DashboardServer", "metrics_response"]


def metrics_response(_: web.Request | None = None) -> web.Response:
    """Return the process's Prometheus metrics (also mounted by the connectors)."""
    response = web.Response(body=generate_latest())
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


class DashboardServer:
    """Serves ``/`` (the page), ``/api/state``, ``/api/lag``, ``/metrics`` and ``/health``."""

    def __init__(
        self,
        *,
        state: Callable[[], dict[str, Any]],
        lag: Callable[[], list[dict[str, Any]]],
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._state = state
        self._lag = lag
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._page = (resources.files("hub.web") / "static" / "dashboard.html").read_bytes()

    @property
    def url(self) -> str:
        """Return the page's address."""
        return f"http://{self.host}:{self.port}/"

    async def start(self) -> None:
        """Listen; with port 0 a free port is taken and ``port`` tells which."""
        app = web.Application()
        app.add_routes(
            [
                web.get("/", self._index),
                web.get("/api/state", self._api_state),
                web.get("/api/lag", self._api_lag),
                web.get("/metrics", metrics_response),
                web.get("/health", self._health),
            ]
        )
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _index(self, _: web.Request) -> web.Response:
        return web.Response(body=self._page, content_type="text/html", charset="utf-8")

    async def _api_state(self, _: web.Request) -> web.Response:
        return web.json_response(self._state())

    async def _api_lag(self, _: web.Request) -> web.Response:
        return web.json_response(self._lag())

    async def _health(self, _: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})
