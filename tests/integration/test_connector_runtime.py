"""The connector runtime between real simulated APIs (loopback HTTP) and the real broker.

The service formats are tested in each package; here a pass-through vacancy format keeps
the focus on the runtime: cursors, publishing, routing, delivery, retries, receipts.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

import connectors.base.service as service_module
from connectors.base.service import ConnectorService
from connectors.base.simulator import create_simulator
from hub import paths
from hub.broker.process import free_port
from hub.codec import AvroCodec, SchemaStore
from tests.integration.kafka_io import read_until
from tests.simulated import PassThrough, serving, until, until_faults

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def simulated(code: str) -> AbstractAsyncContextManager[str]:
    """Serve a service's simulated API with the pass-through format; yield its URL."""
    return serving(create_simulator(code, PassThrough()))


def connector(code: str, url: str, bootstrap: str, **options: Any) -> ConnectorService:
    return ConnectorService(
        code=code,
        api_url=url,
        codec=CODEC,
        client_options={"bootstrap_servers": bootstrap},
        poll_interval_s=0.3,
        retry_for_s=20,
        http_timeout_s=2,
        **options,
    )


async def _received(url: str, kind: str, predicate, timeout_s: float = 60) -> list[dict]:
    async with httpx.AsyncClient(base_url=url) as client:
        deadline = time.monotonic() + timeout_s
        while True:
            items = (await client.get("/api/received")).json().get(kind, [])
            if predicate(items):
                return items
            assert time.monotonic() < deadline, f"{kind} at {url}: {items[-3:]}"
            await asyncio.sleep(0.3)


async def test_vacancy_posted_at_one_service_is_delivered_once_despite_a_5xx_burst(
    router, catalog_applied: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """VDAB publishes; Le Forem's API fails for a while; the vacancy arrives once, receipted."""
    monkeypatch.setattr(service_module, "vacancy_mapping", lambda code: PassThrough())
    vacancy = json.loads((SAMPLES / "Vacancy.json").read_text()) | {
        "vacancy_id": f"rt-{uuid.uuid4().hex[:8]}",
        "updated_at": int(time.time() * 1000),
    }
    async with simulated("VDAB") as vdab_url, simulated("FOREM") as forem_url:
        async with httpx.AsyncClient(base_url=forem_url) as forem:
            await forem.post("/admin/faults", json={"error_rate": 1.0})
        async with (
            connector("VDAB", vdab_url, catalog_applied),
            connector("FOREM", forem_url, catalog_applied) as forem_connector,
        ):
            async with httpx.AsyncClient(base_url=vdab_url) as vdab:
                await vdab.post("/admin/vacancies", json=vacancy)
            await until_faults(forem_url, 3)  # deliveries fail and are retried meanwhile
            async with httpx.AsyncClient(base_url=forem_url) as forem:
                assert (await forem.get("/api/received")).json().get("vacancies") is None
                await forem.post("/admin/faults", json={"error_rate": 0.0})
            items = await _received(
                forem_url,
                "vacancies",
                lambda items: any(
                    i["payload"]["vacancy_id"] == vacancy["vacancy_id"] for i in items
                ),
            )
            assert forem_connector.outbound.delivered >= 1
        mine = [i for i in items if i["payload"]["vacancy_id"] == vacancy["vacancy_id"]]
        assert len(mine) == 1
        assert mine[0]["payload"]["recruiter_contact"] is None  # minimised by the router
    # the receipt is found by this test's own event: pes_reference is a per-simulator
    # counter that other modules' simulators on the shared broker give out too
    key = f"{vacancy['source_pes']}:{vacancy['vacancy_id']}".encode()
    inbox = await read_until(
        catalog_applied, ["pes.forem.in.vacancy"], lambda rs: any(r.key == key for r in rs)
    )
    event_id = next(dict(r.headers)["ce_id"].decode() for r in inbox if r.key == key)

    def ours(record: dict[str, Any]) -> bool:
        return record["event_id"] == event_id and record["destination_pes"] == "FOREM"

    receipts = await read_until(
        catalog_applied,
        ["hub.receipts"],
        lambda rs: any(ours(CODEC.decode(r.value).record) for r in rs),
    )
    receipt = next(
        record for record in (CODEC.decode(r.value).record for r in receipts) if ours(record)
    )
    # Earlier records in Le Forem's inbox may be the ones that met the failures, so the
    # burst shows as "nothing received while failing, then exactly once", not as attempts.
    assert receipt["status"] == "DELIVERED"
    assert receipt["pes_reference"] == mine[0]["reference"]


async def test_cursor_is_kept_in_kafka_and_a_restart_does_not_republish(
    router, catalog_applied: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second connector process starts from the stored cursor."""
    monkeypatch.setattr(service_module, "vacancy_mapping", lambda code: PassThrough())
    async with simulated("ADG") as url:
        async with httpx.AsyncClient(base_url=url) as api:
            for _ in range(3):
                vacancy = json.loads((SAMPLES / "Vacancy.json").read_text()) | {
                    "source_pes": "ADG",
                    "vacancy_id": f"c-{uuid.uuid4().hex[:8]}",
                }
                await api.post("/admin/vacancies", json=vacancy)
        async with connector("ADG", url, catalog_applied) as first:
            await until(lambda: first.inbound.published >= 3)
        async with connector("ADG", url, catalog_applied) as second:
            await asyncio.sleep(2)
            assert second.inbound.published == 0


async def test_unmappable_record_goes_to_dead_letters_with_its_json(
    router, catalog_applied: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A vacancy the schema refuses is dead-lettered (stage MAP) and the next one still flows."""
    monkeypatch.setattr(service_module, "vacancy_mapping", lambda code: PassThrough())
    broken = {"vacancy_id": f"bad-{uuid.uuid4().hex[:6]}", "status": "OPEN"}
    async with simulated("BF") as url:
        async with httpx.AsyncClient(base_url=url) as api:
            await api.post("/admin/vacancies", json=broken)
        async with connector("BF", url, catalog_applied) as running:
            await until(lambda: running.inbound.dead_letters >= 1)
    letters = await read_until(
        catalog_applied,
        ["hub.deadletter"],
        lambda rs: any(
            broken["vacancy_id"].encode() in (CODEC.decode(r.value).record["original_value"] or b"")
            for r in rs
        ),
    )
    letter = next(
        CODEC.decode(r.value).record
        for r in letters
        if broken["vacancy_id"].encode() in (CODEC.decode(r.value).record["original_value"] or b"")
    )
    assert letter["stage"] == "MAP" and "source_pes" in letter["reason"]


@pytest.mark.parametrize(("host", "beyond_loopback"), [("127.0.0.1", False), ("0.0.0.0", True)])
async def test_health_server_listens_where_it_is_told(
    catalog_applied: str, monkeypatch: pytest.MonkeyPatch, host: str, beyond_loopback: bool
) -> None:
    """/health and /metrics answer on the bound host; 0.0.0.0 lets a container's probes in.

    127.0.0.2 stands for an address other than 127.0.0.1: only a server on every
    interface accepts it.
    """
    monkeypatch.setattr(service_module, "vacancy_mapping", lambda code: PassThrough())
    port = free_port()
    async with (
        simulated("ACTIRIS") as url,
        connector("ACTIRIS", url, catalog_applied, health_port=port, health_host=host),
        httpx.AsyncClient(timeout=5) as http,
    ):
        health = await http.get(f"http://127.0.0.1:{port}/health")
        assert health.json()["connector"] == "connector-actiris"
        assert (await http.get(f"http://127.0.0.1:{port}/metrics")).status_code == 200
        if beyond_loopback:
            assert (await http.get(f"http://127.0.0.2:{port}/health")).status_code == 200
        else:
            with pytest.raises(httpx.ConnectError):
                await http.get(f"http://127.0.0.2:{port}/health")
