"""The dashboard in headless Chromium, on a running stack: embedded broker, router process,
VDAB and Le Forem simulators and connectors as processes, the lag monitor as a process."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _state(url: str) -> dict[str, Any]:
    return httpx.get(f"{url}api/state", timeout=5).json()


def _wait_for_state(url: str, ready, timeout_s: float = 150) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        state = _state(url)
        if ready(state):
            return state
        assert time.monotonic() < deadline, f"dashboard state never ready: {state}"
        time.sleep(1)


class Unreadable(NamedTuple):
    """Where the unreadable record went, and the wall clock just before it was sent."""

    partition: int
    offset: int
    sent_at_ms: int


@pytest.fixture(scope="module")
def traffic(connector_processes: dict[str, dict[str, str]], catalog_applied: str) -> Unreadable:
    """Generated records at both simulators, and one unreadable record for the router."""
    import asyncio

    async def send_unreadable() -> Unreadable:
        producer = AIOKafkaProducer(bootstrap_servers=catalog_applied, enable_idempotence=False)
        await producer.start()
        try:
            sent_at_ms = int(time.time() * 1000)
            metadata = await producer.send_and_wait(
                "pes.vdab.out.vacancy", b"not avro", key=b"VDAB:x"
            )
        finally:
            await producer.stop()
        return Unreadable(metadata.partition, metadata.offset, sent_at_ms)

    for urls in connector_processes.values():
        httpx.post(f"{urls['api']}/admin/generate", params={"count": 6}, timeout=10)
    return asyncio.run(send_unreadable())


def test_dashboard_shows_lag_status_flows_decisions_and_dead_letters(
    lag_monitor: str, traffic: Unreadable, browser: Any
) -> None:
    def own(letter: dict[str, Any]) -> bool:
        # other tests on the shared broker dead-letter records of this topic too; the state
        # names no partition, and a letter for the same offset of another partition failed
        # before this record was sent
        return (
            letter["source_topic"] == "pes.vdab.out.vacancy"
            and letter["source_offset"] == traffic.offset
            and letter["at"] >= traffic.sent_at_ms
        )

    state = _wait_for_state(
        lag_monitor,
        lambda s: (
            s["matrix"].get("VDAB", {}).get("FOREM")
            and s["matrix"].get("FOREM")
            and any(own(d) for d in s["dead_letters"])
            and any(
                g["group"] == "connector-forem" and g["status"] == "OK" and len(g["trend"]) >= 3
                for g in s["groups"]
            )
        ),
    )
    groups = [g["group"] for g in state["groups"]]
    assert groups[1:] == [
        "connector-vdab",
        "connector-forem",
        "connector-actiris",
        "connector-bf",
        "connector-adg",
        "connector-ft",
    ]

    browser.get(lag_monitor)
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#groups tbody tr")) == 7)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#matrix td[data-flow="VDAB>FOREM"]'))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#dead-letters tbody tr"))

    forem = browser.find_element(By.CSS_SELECTOR, 'tr[data-group="connector-forem"]')
    assert forem.get_attribute("data-status") == "OK"
    assert forem.find_element(By.CSS_SELECTOR, ".status").text == "OK"
    assert int(forem.find_element(By.CSS_SELECTOR, "td.lag").text) >= 0
    assert int(forem.find_element(By.CSS_SELECTOR, "svg.spark").get_attribute("data-points")) >= 3
    assert forem.find_elements(By.CSS_SELECTOR, "svg.spark polyline")
    # services nobody consumes for: their inboxes wait, and say so
    for row in browser.find_elements(By.CSS_SELECTOR, "#groups tbody tr"):
        assert row.get_attribute("data-status") in ("OK", "WARN", "ERR", "NOTFOUND")

    cell = browser.find_element(By.CSS_SELECTOR, '#matrix td[data-flow="VDAB>FOREM"]')
    allowed, minimised, denied = (int(part) for part in cell.text.split(" / "))
    assert allowed + minimised + denied >= 1
    assert len(browser.find_elements(By.CSS_SELECTOR, "#matrix tbody tr")) == 6
    decisions = browser.find_elements(By.CSS_SELECTOR, "#decisions tbody tr")
    assert decisions and "→" in decisions[0].text
    dead = [
        row.find_elements(By.TAG_NAME, "td")[-1].text
        for row in browser.find_elements(By.CSS_SELECTOR, "#dead-letters tbody tr")
    ]
    assert f"pes.vdab.out.vacancy@{traffic.offset}" in dead, dead
    note = browser.find_element(By.ID, "broker-note")
    embedded = not os.environ.get("HUB_BOOTSTRAP_SERVERS")
    assert note.is_displayed() == embedded
    if embedded:
        assert "short by up to one batch" in note.text

    samples = int(browser.find_element(By.TAG_NAME, "body").get_attribute("data-samples"))
    WebDriverWait(browser, 15).until(  # the page refreshes itself
        lambda d: int(d.find_element(By.TAG_NAME, "body").get_attribute("data-samples")) > samples
    )

    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "dashboard.png"))


def test_monitor_and_connectors_export_prometheus_metrics(
    lag_monitor: str, connector_processes: dict[str, dict[str, str]], traffic: Unreadable
) -> None:
    _wait_for_state(
        lag_monitor, lambda s: s["matrix"].get("VDAB", {}).get("FOREM") and s["dead_letter_total"]
    )
    monitor = httpx.get(f"{lag_monitor}metrics", timeout=5).text
    assert _has(
        monitor, "hub_consumergroup_lag", group="connector-forem", topic="pes.forem.in.vacancy"
    )
    assert _has(monitor, "hub_consumergroup_lag_seconds", group="connector-vdab")
    assert _has(monitor, "hub_consumergroup_status", group="connector-vdab")
    assert _has(monitor, "hub_router_decisions_total", source="VDAB", destination="FOREM")
    assert _has(monitor, "hub_dead_letters_total")
    deadline = time.monotonic() + 60
    while True:
        forem = httpx.get(f"{connector_processes['FOREM']['health']}/metrics", timeout=5).text
        if _has(forem, "hub_connector_deliveries_total", pes="FOREM", outcome="DELIVERED"):
            break
        assert time.monotonic() < deadline, forem[-2000:]
        time.sleep(1)
    assert _has(forem, "hub_connector_api_request_seconds_count", pes="FOREM", method="GET")


def _has(exposition: str, name: str, **labels: str) -> bool:
    """Whether a sample of *name* with these labels (among others) is exposed."""
    return any(
        line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items())
        for line in exposition.splitlines()
    )
