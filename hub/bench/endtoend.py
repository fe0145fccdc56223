"""End-to-end latency: a vacancy posted at VDAB's simulated API until Le Forem's API has it.

Both simulators, both connectors and the router run as ``hub`` processes, as ``hub up``
runs them; the path is API -> connector -> out topic -> router -> inbox -> connector ->
API. Latency is the receiving simulator's ``received_at`` minus the time of the post.
"""

from __future__ import annotations

import asyncio
import re
import time
from contextlib import AsyncExitStack
from typing import Self

import httpx

from connectors.base.fakedata import FakeData
from hub.bench.environment import BenchEnv
from hub.bench.exceptions import BenchTimeoutError
from hub.bench.latency import Latency, percentiles
from hub.broker.process import free_port

__all__ = ["EndToEnd"]

_SENDER, _RECEIVER = "VDAB", "FOREM"
_POLL_S = 0.02


class EndToEnd:
    """Simulators, connectors and the router for the VDAB -> Le Forem vacancy flow."""

    def __init__(self, env: BenchEnv) -> None:
        self._env = env
        self._stack = AsyncExitStack()
        self.urls: dict[str, str] = {}

    async def __aenter__(self) -> Self:
        env = self._env
        try:
            await self._stack.enter_async_context(env.router("router-e2e"))
            for code in (_SENDER, _RECEIVER):
                port = free_port()
                self.urls[code] = f"http://127.0.0.1:{port}"
                await self._stack.enter_async_context(
                    env.hub(f"simulator-{code}", "simulator", code, "--port", str(port))
                )
            for code in (_SENDER, _RECEIVER):
                await self._stack.enter_async_context(
                    env.hub(
                        f"connector-{code}",
                        "connector",
                        code,
                        "--api-url",
                        self.urls[code],
                        "--poll-interval",
                        str(_POLL_S),
                    )
                )
            await self._wait_ready()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._stack.aclose()

    async def _wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient() as client:
            for url in self.urls.values():
                while True:
                    try:
                        if (await client.get(f"{url}/health")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if time.monotonic() > deadline:
                        raise BenchTimeoutError(f"simulator {url} did not answer")
                    await asyncio.sleep(0.2)

    async def measure(self, rate: float, count: int, timeout_s: float = 120) -> Latency:
        """Post *count* vacancies at *rate*/s at VDAB; return latency until Le Forem has them."""
        tag = f"e2e{int(time.time() * 1000) % 10**9:09d}"
        fake = FakeData(_SENDER, seed=int(time.time()))
        posted: dict[str, float] = {}
        async with httpx.AsyncClient(base_url=self.urls[_SENDER]) as client:
            began = time.monotonic()
            for index in range(count):
                delay = began + index / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                vacancy = fake.vacancy(int(time.time() * 1000))
                vacancy["vacancy_id"] = f"{tag}{index:06d}"
                vacancy["bottleneck"] = True  # crosses to Le Forem under the Synerjob rule
                posted[vacancy["vacancy_id"]] = time.time()
                answer = await client.post(
                    "/admin/vacancies", json=vacancy, params={"format": "canonical"}
                )
                answer.raise_for_status()
        received = await self._received(tag, count, timeout_s)
        samples = [(received[i] - at) * 1000 for i, at in posted.items() if i in received]
        return percentiles(samples)

    async def _received(self, tag: str, count: int, timeout_s: float) -> dict[str, float]:
        """Return {vacancy id: receive time} at Le Forem once all *count* arrived."""
        pattern = re.compile(rf"{tag}\d{{6}}")
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient(base_url=self.urls[_RECEIVER]) as client:
            while True:
                found: dict[str, float] = {}
                items = (await client.get("/api/received")).json().get("vacancies", [])
                for item in items:
                    match = pattern.search(str(item["payload"]))
                    if match:
                        found.setdefault(match.group(0), item["received_at"] / 1000)
                if len(found) >= count:
                    return found
                if time.monotonic() > deadline:
                    raise BenchTimeoutError(f"{len(found)} of {count} vacancies reached Le Forem")
                await asyncio.sleep(0.5)
