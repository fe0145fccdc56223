"""The EURES Input API on the real broker and a real loopback HTTP server.

Vacancies are published to the services' out topics the way their connectors publish
them (hub codec, CloudEvents headers); the test then polls the API as EURES does.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.eures import read_position_opening
from connectors.eures.feed import vacancy_topics
from connectors.eures.service import EuresExport
from hub import paths
from hub.broker.process import free_port
from hub.catalog import load_catalog
from hub.codec import AvroCodec, CloudEvent, SchemaStore
from tests.integration.kafka_io import produce, read_until
from tests.unit.connectors.eures.survival import assert_shared_fields_survive

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "Vacancy.json"
TOKEN = "eures-test-token"
API = "/input/api/jv/v0.1"


def _vacancy(source: str, vacancy_id: str, **changes: Any) -> dict[str, Any]:
    now = int(time.time() * 1000)
    return (
        json.loads(SAMPLE.read_text())
        | {
            "source_pes": source,
            "vacancy_id": vacancy_id,
            "published_at": now,
            "updated_at": now,
            "valid_until": now + 30 * 86_400_000,
        }
        | changes
    )


def _message(vacancy: dict[str, Any]) -> tuple[str, bytes, bytes, list]:
    key = f"{vacancy['source_pes']}:{vacancy['vacancy_id']}"
    envelope = CloudEvent(
        source=f"/pes/{vacancy['source_pes'].lower()}/connector",
        type="be.pes.hub.Vacancy",
        id=uuid.uuid4().hex,
        subject=key,
        time=datetime.now(UTC),
    )
    topic = f"pes.{vacancy['source_pes'].lower()}.out.vacancy"
    return topic, key.encode(), CODEC.encode("Vacancy", vacancy), envelope.to_headers()


def _export(bootstrap: str) -> EuresExport:
    return EuresExport(
        codec=CODEC,
        client_options={"bootstrap_servers": bootstrap},
        topics=vacancy_topics(load_catalog(paths.topics_dir())),
        token=TOKEN,
        port=free_port(),
    )


async def _poll(http: httpx.AsyncClient, path: str, done: Callable[[Any], bool]) -> Any:
    """GET *path* until the answer is 200 and *done* holds (503 while catching up)."""
    while True:
        answer = await http.get(path)
        if answer.status_code == 200 and done(answer.json()):
            return answer.json()
        await asyncio.sleep(0.2)


async def test_published_vacancies_are_served_closed_and_survive_garbage(
    catalog_applied: str,
) -> None:
    """getAll lists both, getDetails maps back, a withdrawal closes, a bad token gets 401."""
    bootstrap = catalog_applied
    run = uuid.uuid4().hex[:8]
    vdab = _vacancy("VDAB", f"it-{run}-v")
    forem = _vacancy("FOREM", f"it-{run}-f", contract_type="FIXED_TERM")
    refs = [f"VDAB:{vdab['vacancy_id']}", f"FOREM:{forem['vacancy_id']}"]
    garbage = f"not an avro record {run}".encode()
    await produce(
        bootstrap,
        [_message(vdab), ("pes.vdab.out.vacancy", b"VDAB:garbage", garbage, []), _message(forem)],
    )
    service = _export(bootstrap)
    base = f"http://127.0.0.1:{service.port}"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with asyncio.timeout(150), service:
        async with httpx.AsyncClient(base_url=base, headers=auth, timeout=10) as http:
            listed = await _poll(
                http, f"{API}/getAll", lambda a: set(refs) <= set(a["allReferences"])
            )
            assert set(refs) <= set(listed["allReferences"])
            assert (await http.get(f"{API}/ping")).status_code == 200

            answer = await http.post(f"{API}/getDetails", json=refs)
            details = answer.json()["details"]
            for ref, sent in zip(refs, (vdab, forem), strict=True):
                detail = details[ref]
                assert (detail["status"], detail["source"]) == ("ACTIVE", sent["source_pes"])
                assert detail["contentFormatVersion"] == "1.3"
                back = read_position_opening(detail["content"])
                assert_shared_fields_survive(sent, back)

            for headers in ({"Authorization": "Bearer wrong"}, {"Authorization": ""}):
                denied = await http.get(f"{API}/getAll", headers=headers)
                assert denied.status_code == 401

            before = int(time.time() * 1000)
            await produce(bootstrap, [_message(vdab | {"status": "WITHDRAWN"})])
            changes = await _poll(
                http, f"{API}/getChanges/{before}", lambda a: refs[0] in a["closedReferences"]
            )
            assert refs[1] not in changes["closedReferences"]
            closed = (await http.post(f"{API}/getDetails", json=[refs[0]])).json()["details"]
            assert (closed[refs[0]]["status"], closed[refs[0]]["content"]) == ("CLOSED", "")
            assert refs[0] not in (await http.get(f"{API}/getAll")).json()["allReferences"]

        assert service.running

        def own(letter: dict[str, Any]) -> bool:
            # the feed's own letter: a router on the shared broker dead-letters the same record
            from_feed = letter["reason"].startswith("EURES export: ")
            return from_feed and letter["original_value"] == garbage

        letters = await read_until(
            bootstrap,
            ["hub.deadletter"],
            lambda rs: any(own(CODEC.decode(r.value).record) for r in rs),
            timeout_s=60,
        )
        letter = next(
            letter for letter in (CODEC.decode(r.value).record for r in letters) if own(letter)
        )
        assert letter["stage"] == "DECODE" and letter["source_topic"] == "pes.vdab.out.vacancy"

    again = _export(bootstrap)  # rebuilt from the topics: the same answer to the same poll
    async with asyncio.timeout(60), again:
        base = f"http://127.0.0.1:{again.port}"
        async with httpx.AsyncClient(base_url=base, headers=auth, timeout=10) as http:
            rebuilt = await _poll(
                http, f"{API}/getChanges/{before}", lambda a: refs[0] in a["closedReferences"]
            )
            assert refs[1] not in rebuilt["closedReferences"]
