"""Fixtures that start processes, all in one place: one embedded broker per test session
(none when ``HUB_BOOTSTRAP_SERVERS`` points at a cluster) and one router process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture(scope="module")
def private_broker() -> Iterator[str]:
    """A memory broker of the module's own, with the catalogue's topics: for tests that
    must see only what their own routers write (the session router reads the session's)."""
    broker = EmbeddedBroker(mode="memory")
    asyncio.run(broker.start())
    try:
        asyncio.run(
            apply_catalog(
                load_catalog(paths.topics_dir()), {"bootstrap_servers": broker.bootstrap_servers}
            )
        )
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

    from hub.broker.process import ManagedProcess, free_port, tansu_command

    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    process = ManagedProcess(
        "tansu-authenticating",
        [*tansu_command(url, "memory://tansu/"), "--authentication"],
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
def router_app_id() -> str:
    """The session router's consumer group."""
    return f"hub-router-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="session")
def router(
    catalog_applied: str,
    pseudonym_keys: Path,
    router_app_id: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[subprocess.Popen]:
    """One ``hub router`` process for the session; its log is kept in the tmp folder."""
    log_file = tmp_path_factory.mktemp("router") / "router.log"
    process = start_router(catalog_applied, pseudonym_keys, log_file, router_app_id)
    try:
        yield process
    finally:
        stop_process(process)
        assert process.returncode is not None


def _wait_for_http(url: str, process: subprocess.Popen, log_file: Path, timeout_s: float) -> None:
    """Return once *url* answers 200; fail with the log's tail if the process exits first."""
    import httpx

    deadline = time.monotonic() + timeout_s
    while True:
        assert process.poll() is None, log_file.read_text(errors="replace")[-3000:]
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        assert time.monotonic() < deadline, f"{url} not up:\n{log_file.read_text()[-3000:]}"
        time.sleep(0.3)


def _hub_process(argv: list[str], env: dict[str, str], log_file: Path) -> subprocess.Popen:
    with log_file.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "hub", *argv],
            env={**os.environ, "HUB_LOG_FORMAT": "json", **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@pytest.fixture(scope="module")
def connector_processes(
    router: subprocess.Popen, catalog_applied: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, dict[str, str]]]:
    """``hub simulator`` and ``hub connector`` processes for VDAB and Le Forem, as ``hub up``
    runs them; yields {service: {"api": URL, "health": URL}}."""
    from hub.broker.process import free_port

    logs = tmp_path_factory.mktemp("connectors")
    env = {"HUB_BOOTSTRAP_SERVERS": catalog_applied}
    processes: list[subprocess.Popen] = []
    urls: dict[str, dict[str, str]] = {}
    try:
        for code in ("VDAB", "FOREM"):
            api_port, health_port = free_port(), free_port()
            api = f"http://127.0.0.1:{api_port}"
            simulator_log, connector_log = logs / f"sim-{code}.log", logs / f"conn-{code}.log"
            simulator = _hub_process(
                ["simulator", code, "--port", str(api_port)], env, simulator_log
            )
            processes.append(simulator)
            _wait_for_http(f"{api}/api/received", simulator, simulator_log, 60)
            connector = _hub_process(
                ["connector", code, "--api-url", api, "--health-port", str(health_port)],
                env,
                connector_log,
            )
            processes.append(connector)
            health = f"http://127.0.0.1:{health_port}"
            _wait_for_http(f"{health}/health", connector, connector_log, 60)
            urls[code] = {"api": api, "health": health}
        yield urls
    finally:
        for process in reversed(processes):
            stop_process(process)


@pytest.fixture(scope="module")
def lag_monitor(
    catalog_applied: str, router_app_id: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A ``hub lag serve`` process sampling every half second; yields the dashboard's URL."""
    from hub.broker.process import free_port

    port = free_port()
    log_file = tmp_path_factory.mktemp("lag-monitor") / "lag-monitor.log"
    process = _hub_process(
        ["lag", "serve", "--port", str(port), "--interval", "0.5", "--window", "6"],
        {"HUB_BOOTSTRAP_SERVERS": catalog_applied, "HUB_ROUTER_APP_ID": router_app_id},
        log_file,
    )
    try:
        _wait_for_http(f"http://127.0.0.1:{port}/health", process, log_file, 60)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_process(process)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium through chromedriver (Debian packages ``chromium chromium-driver``).

    Skipped when they are missing, except under CI=true where missing is a failure.
    """
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and chromedriver):
        message = (
            "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1700",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    try:
        yield driver
    finally:
        driver.quit()
