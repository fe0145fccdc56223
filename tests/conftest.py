"""Fixtures that start processes, all in one place: one embedded broker per test session
(none when ``HUB_BOOTSTRAP_SERVERS`` points at a cluster) and one router process."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub import paths
from hub.broker import EmbeddedBroker
from hub.catalog import apply_catalog, load_catalog


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """Bootstrap servers of a real Kafka-protocol broker for the whole session."""
    external = os.environ.get("HUB_BOOTSTRAP_SERVERS")
    if external:
        yield external
        return
    broker = EmbeddedBroker(mode="memory")
    asyncio.run(broker.start())
    try:
        yield broker.bootstrap_servers
    finally:
        asyncio.run(broker.stop())


@pytest.fixture
def unique_topic(request: pytest.FixtureRequest) -> str:
    """A topic name no other test uses."""
    name = re.sub(r"[^a-zA-Z0-9]+", "-", request.node.name)[:60]
    return f"test.{name}.{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session", autouse=True)
def _quiet_logs() -> None:
    """Tests read warnings and errors; debug chatter only hides them."""
    from hub.logging import configure_logging

    configure_logging("WARNING", "console")


@pytest.fixture(scope="session")
def catalog_applied(kafka_bootstrap: str) -> str:
    """The catalogue's topics exist on the session broker."""
    asyncio.run(
        apply_catalog(load_catalog(paths.topics_dir()), {"bootstrap_servers": kafka_bootstrap})
    )
    return kafka_bootstrap


@pytest.fixture(scope="module")
def authenticating_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Tansu with ``--authentication`` on an in-memory store; yields ``host:port``."""
    import contextlib
    import socket
    import time

    from hub.broker.process import ManagedProcess, free_port, resolve_tansu

    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    process = ManagedProcess(
        "tansu-authenticating",
        [resolve_tansu(), "broker", "--listener-url", url, "--advertised-listener-url", url,
         "--storage-engine", "memory://tansu/", "--authentication"],
        log_file=tmp_path_factory.mktemp("tansu-auth") / "tansu.log",
    )
    process.start()
    try:
        for _ in range(150):
            assert process.exit_code() is None, process.log_tail()
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        asyncio.run(process.stop())


@pytest.fixture(scope="session")
def pseudonym_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "keys.json"
    path.write_text(
        json.dumps(
            {s: os.urandom(32).hex() for s in ("VDAB", "FOREM", "ACTIRIS", "BF", "ADG", "FT")}
        )
    )
    return path


def start_router(bootstrap: str, keys: Path, log_file: Path, app_id: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "HUB_BOOTSTRAP_SERVERS": bootstrap,
        "HUB_ROUTER_APP_ID": app_id,
        "HUB_ROUTER_PSEUDONYM_KEYS_FILE": str(keys),
        "HUB_LOG_FORMAT": "json",
    }
    with log_file.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "hub", "router"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_process(process: subprocess.Popen, grace_s: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def router(
    catalog_applied: str, pseudonym_keys: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[subprocess.Popen]:
    """One ``hub router`` process for the session; its log is kept in the tmp folder."""
    log_file = tmp_path_factory.mktemp("router") / "router.log"
    process = start_router(
        catalog_applied, pseudonym_keys, log_file, f"hub-router-{uuid.uuid4().hex[:6]}"
    )
    try:
        yield process
    finally:
        stop_process(process)
        assert process.returncode is not None
