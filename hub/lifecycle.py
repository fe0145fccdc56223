"""Start and stop, or ``async with``: how every long-lived hub component runs."""

from __future__ import annotations

from types import TracebackType
from typing import Self

__all__ = ["Lifecycle"]


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
