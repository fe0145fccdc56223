"""A broker that never answers the router's start-up, or a group that never completes its
join: the router gives up in time, cleanly, and says "try again", which the bench (like
``hub up``) does."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hub.bench.exceptions import BenchError
from hub.bench.processes import BenchProcess
from hub.router.exceptions import RouterJoinError, RouterStartError
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


def _env(broker: str, **extra: str) -> dict[str, str]:
    return {
        "HUB_BOOTSTRAP_SERVERS": broker,
        "HUB_ROUTER_START_TIMEOUT_S": "1",
        "HUB_LOG_LEVEL": "WARNING",
        **extra,
    }


async def test_hub_router_exits_with_try_again(silent_broker: str, tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hub",
        "router",
        env={**os.environ, **_env(silent_broker, HUB_ROUTER_STATE_DIR=str(tmp_path / "s"))},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == os.EX_TEMPFAIL
    assert b"did not answer the router's start-up within 1 s" in stderr


async def test_bench_starts_a_router_again_when_it_asks_to(
    silent_broker: str, tmp_path: Path
) -> None:
    router = BenchProcess("router", ["router"], log_dir=tmp_path, env=_env(silent_broker))
    async with router:
        with pytest.raises(BenchError, match="exited with code 75"):
            for _ in range(200):
                router.check_alive()
                await asyncio.sleep(0.25)
    starts = (tmp_path / "router.log").read_text().count("did not answer the router's start-up")
    assert starts == 4  # the first start and three more


# a member of the router's group (same assignor) that joins, says so, and goes on polling;
# stopped, it answers nothing
_MEMBER = """
import asyncio, sys
from aiokafka import AIOKafkaConsumer
from aiokafka.coordinator.assignors.range import RangePartitionAssignor

async def main():
    consumer = AIOKafkaConsumer(
        "pes.vdab.out.vacancy", bootstrap_servers=sys.argv[1], group_id=sys.argv[2],
        session_timeout_ms=20_000, max_poll_interval_ms=60_000, heartbeat_interval_ms=3_000,
        partition_assignment_strategy=(RangePartitionAssignor,),
    )
    await consumer.start()
    while not consumer.assignment():
        await consumer.getmany(timeout_ms=200)
    print("assigned", flush=True)
    while True:
        await consumer.getmany(timeout_ms=200)

asyncio.run(main())
"""


async def test_a_join_left_waiting_ends_in_try_again(private_broker: str, tmp_path: Path) -> None:
    """A member that stops answering keeps the router's join waiting, as the embedded broker
    did for good after members had left; the router gives up after the bound."""
    group = f"hub-router-join-{uuid.uuid4().hex[:6]}"
    member = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _MEMBER, private_broker, group, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert member.stdout is not None
        line = await asyncio.wait_for(member.stdout.readline(), timeout=30)
        assert line.strip() == b"assigned"
        member.send_signal(signal.SIGSTOP)
        worker = create_worker(
            HubSettings(),
            KafkaSettings(bootstrap_servers=private_broker),
            RouterSettings(app_id=group, join_timeout_s=3, state_dir=tmp_path / "state"),
        )
        began = time.monotonic()
        async with worker:
            with pytest.raises(RouterJoinError, match=f"{group}' did not complete .* within 3 s"):
                await asyncio.wait_for(worker.run(asyncio.Event()), timeout=30)
        assert 3 <= time.monotonic() - began < 30
    finally:
        member.kill()
        await member.wait()
