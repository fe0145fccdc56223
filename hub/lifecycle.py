"""Start and stop, or ``async with``: how every long-lived hub component runs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Coroutine
from types import TracebackType
from typing import Any, ClassVar, Self

__all__ = ["BackgroundService", "Lifecycle", "gather_settled"]


async def gather_settled(*awaitables: Awaitable[Any]) -> list[Any]:
    """Await them side by side and return their results in order; the first failure is
    raised only once every one has ended, so no call is left running behind the error."""
    results = await asyncio.gather(*awaitables, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


class Lifecycle:
    """A component with ``start()`` and ``stop()`` that is also an async context manager."""

    async def start(self) -> None:
        """Acquire connections and start background work."""
        raise NotImplementedError

    async def stop(self) -> None:
        """Release everything ``start`` acquired; safe after a failed start."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


class BackgroundService(Lifecycle):
    """A Lifecycle that opens its resources on one exit stack, then runs background loops.

    ``start`` opens everything in ``_open``; if that fails half way, what was opened is
    closed again before the error propagates. ``stop`` sets ``_stop`` so the loops finish
    their current batch, cancels what is still running after ``grace_s`` (its work is not
    committed), then closes the resources in reverse order.
    """

    #: seconds the loops get to finish their batch before they are cancelled
    grace_s: ClassVar[float] = 5.0

    def __init__(self) -> None:
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._resources: contextlib.AsyncExitStack | None = None

    async def _open(self, stack: contextlib.AsyncExitStack) -> None:
        """Acquire the resources, registering how to release each on *stack*."""
        raise NotImplementedError

    def _loops(self) -> list[Coroutine[Any, Any, None]]:
        """Return the background loops to run once everything is open."""
        raise NotImplementedError

    async def start(self) -> None:
        """Open the resources, then start the background loops."""
        stack = contextlib.AsyncExitStack()
        self._resources = stack
        try:
            await self._open(stack)
        except BaseException:
            await stack.aclose()
            raise
        self._tasks = [asyncio.create_task(loop) for loop in self._loops()]

    async def stop(self) -> None:
        """Let the loops finish their batch, cancel what is left, then close everything."""
        self._stop.set()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=self.grace_s)
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._resources is not None:
            await self._resources.aclose()
