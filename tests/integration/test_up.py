"""`hub up` as the README runs it: start, route, stop on Ctrl-C, start again and resume."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from aiokafka import ConsumerRecord

from hub import paths
from hub.broker.process import free_port
from hub.codec import AvroCodec, CloudEvent, SchemaStore
from tests.integration.kafka_io import produce, read_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(300),
    pytest.mark.skipif(
        bool(os.environ.get("HUB_BOOTSTRAP_SERVERS")), reason="runs the embedded broker"
    ),
]

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _port_base() -> int:
    """A base with BASE+1..7, BASE+101..106 and BASE+200..201 free: simulators, the EURES
    Input API, connector health, the dashboard and the router's metrics."""
    while True:
        base = free_port() // 1000 * 1000 - 1000
        if all(_free(base + n) for n in (*range(1, 8), *range(101, 107), 200, 201)):
            return base


def _free(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _start(data_dir: Path, port: int, port_base: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "HUB_BOOTSTRAP_SERVERS"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hub",
            "up",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            "--port-base",
            str(port_base),
            "--traffic",
            "0",
        ],
        stdout=(data_dir.parent / "up.log").open("ab"),
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )


def _wait_for_text(log: Path, text: str, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while text not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, f"{text!r} not seen:\n{log.read_text()[-3000:]}"
        time.sleep(0.5)


async def _route_one(bootstrap: str) -> str:
    vacancy = json.loads((SAMPLES / "Vacancy.json").read_text()) | {
        "vacancy_id": uuid.uuid4().hex[:8]
    }
    key = f"VDAB:{vacancy['vacancy_id']}"
    event = CloudEvent(source="/pes/vdab", type="be.pes.hub.Vacancy", subject=key)
    await produce(
        bootstrap,
        [
            (
                "pes.vdab.out.vacancy",
                key.encode(),
                CODEC.encode("Vacancy", vacancy),
                event.to_headers(),
            )
        ],
    )
    await read_until(
        bootstrap,
        ["pes.vdab.in.decision"],
        lambda rs: any(CODEC.decode(r.value).record["event_id"] == event.id for r in rs),
        timeout_s=90,
    )
    return event.id


def _dashboard_and_metrics_answer(log: Path, port_base: int) -> None:
    """``hub up`` says where the dashboard is; it and the router's /metrics answer."""
    dashboard = f"http://127.0.0.1:{port_base + 200}/"
    _wait_for_text(log, f"dashboard on {dashboard}")
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(httpx.HTTPError):
            groups = httpx.get(f"{dashboard}api/lag", timeout=5).json()
            if any(g["group"] == "hub-router" for g in groups):
                break
        assert time.monotonic() < deadline, "the lag monitor never reported"
        time.sleep(1)
    assert "<title>PES hub" in httpx.get(dashboard, timeout=5).text
    router = httpx.get(f"http://127.0.0.1:{port_base + 201}/metrics", timeout=5).text
    assert "hub_router_events_total{" in router
    assert "hub_router_decision_seconds_count" in router


def _event_id(record: ConsumerRecord) -> str:
    return CODEC.decode(record.value).record["event_id"]


def _stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGINT)
    return process.wait(timeout=60)


def test_up_routes_stops_cleanly_and_resumes(tmp_path: Path) -> None:
    """Two runs on one data folder: the second keeps the first's data and routes on."""
    data_dir, port, port_base = tmp_path / "data", free_port(), _port_base()
    bootstrap = f"127.0.0.1:{port}"
    log = tmp_path / "up.log"
    data_dir.mkdir()
    first = _start(data_dir, port, port_base)
    try:
        _wait_for_text(log, "service_started")
        first_id = asyncio.run(_route_one(bootstrap))
        _dashboard_and_metrics_answer(log, port_base)
    finally:
        assert _stop(first) == 0, log.read_text()[-3000:]
    assert "stopped; data kept in" in log.read_text()
    second = _start(data_dir, port, port_base)
    try:
        _wait_for_text(log, "in the catalogue, 0 created")
        second_id = asyncio.run(_route_one(bootstrap))
        notices = asyncio.run(
            read_until(
                bootstrap,
                ["pes.vdab.in.decision"],
                # the first run's output survived the restart
                lambda rs: {first_id, second_id} <= {_event_id(r) for r in rs},
                quiet_s=3.0,
            )
        )
        ids = [_event_id(r) for r in notices]
        assert ids.count(first_id) == 1  # and its input was not routed again
    finally:
        assert _stop(second) == 0, log.read_text()[-3000:]
    leftovers = subprocess.run(
        ["pgrep", "-f", str(data_dir)], check=False, capture_output=True, text=True
    )
    assert leftovers.stdout.strip() == ""
