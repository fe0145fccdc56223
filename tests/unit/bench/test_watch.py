"""Watching a measurement: an interrupted watch leaves no outcome asyncio would report."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest

from hub.bench.processes import _Watched


class _Alive(_Watched):
    def check_alive(self) -> None:
        """Never dies."""


async def test_an_interrupted_watch_leaves_nothing_unretrieved() -> None:
    reported: list[dict[str, Any]] = []
    asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: reported.append(ctx))
    counters = [asyncio.ensure_future(asyncio.sleep(60)) for _ in range(2)]
    work = asyncio.ensure_future(asyncio.gather(*counters))
    watcher = asyncio.ensure_future(_Alive().watch(work))
    await asyncio.sleep(0.05)

    for counter in counters:  # as asyncio.run cancels every task on Ctrl-C
        counter.cancel()
    watcher.cancel()
    with pytest.raises(asyncio.CancelledError):
        await watcher
    await asyncio.sleep(0)
    del work, counters
    gc.collect()

    assert reported == []
