"""A router stopped mid-slice: the routing thread cannot be interrupted, so the worker
keeps the batch lock until the thread is done, and nothing of that slice goes out."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from hub.router.worker import create_worker
from hub.settings import HubSettings, KafkaSettings, RouterSettings


async def test_cancelling_a_slice_waits_for_the_routing_thread(tmp_path: Path) -> None:
    # the clients are built but never started: nothing here talks to a broker
    worker = create_worker(
        HubSettings(),
        KafkaSettings(bootstrap_servers="127.0.0.1:9"),
        RouterSettings(state_dir=tmp_path / "state"),
    )
    finished = threading.Event()

    def slow_slice(batch: object) -> tuple[list, dict]:
        time.sleep(0.3)
        finished.set()
        return [], {}

    worker._route_in_thread = slow_slice  # type: ignore[method-assign]
    try:
        routing = asyncio.ensure_future(worker._route({}))
        await asyncio.sleep(0.05)
        routing.cancel()
        try:
            await routing
        except asyncio.CancelledError:
            pass
        assert routing.cancelled()
        assert finished.is_set(), "the task ended before the thread let go of the core"
        assert worker._in_flight == [], "a cancelled slice's outputs are not produced"
    finally:
        await worker.stop()
