"""Helpers for tests that talk to simulated service APIs over real loopback HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from aiohttp import web

from connectors.base.mapping import VacancyMapping
from hub.broker.process import free_port

__all__ = ["PassThrough", "serving", "until", "until_faults"]


class PassThrough(VacancyMapping):
    """Canonical JSON as the native format: keeps a test on the runtime, not a format."""

    code = "TEST"
    language = "fr"

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        return dict(native)

    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        return dict(vacancy)

    def native_id(self, native: dict[str, Any]) -> str:
        return str(native["vacancy_id"])


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """Serve *app* on a free loopback port; yield its base URL and clean up after."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    try:
        await web.TCPSite(runner, "127.0.0.1", port).start()
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def until(condition: Callable[[], bool], timeout_s: float = 30) -> None:
    """Wait until *condition()* holds; fail the test when it still does not after *timeout_s*."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.2)


async def until_faults(url: str, count: int, timeout_s: float = 60) -> None:
    """Wait until the simulator has failed *count* requests on purpose."""
    async with httpx.AsyncClient(base_url=url) as client:
        deadline = time.monotonic() + timeout_s
        while (await client.get("/health")).json()["faults_injected"] < count:
            assert time.monotonic() < deadline, "the connector never tried to deliver"
            await asyncio.sleep(0.2)
