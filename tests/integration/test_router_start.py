"""A broker that never answers the router's start-up: the router gives up in time, cleanly."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hub.router.exceptions import RouterStartError
from hub.router.worker import create_worker
from hub.settings import HubSettings, KafkaSettings, RouterSettings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]


@pytest.fixture
async def silent_broker() -> AsyncIterator[str]:
    """A loopback server that accepts connections, reads requests and never answers."""
    connections: list[asyncio.StreamWriter] = []

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        while await reader.read(4096):
            pass

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    try:
        yield f"{host}:{port}"
    finally:
        for writer in connections:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_router_start_gives_up_with_a_clear_error(silent_broker: str, tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    worker = create_worker(
        HubSettings(),
        KafkaSettings(bootstrap_servers=silent_broker),
        RouterSettings(start_timeout_s=1.5, state_dir=state_dir),
    )
    began = time.monotonic()
    with pytest.raises(RouterStartError, match="within 1.5 s"):
        await worker.start()
    assert time.monotonic() - began < 10
    assert not state_dir.exists() or not any(state_dir.iterdir())
