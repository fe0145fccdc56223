"""End to end: simulated service APIs (real HTTP on loopback, each in its own format),
their connectors, the router process and the embedded broker, as ``hub up`` runs them."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.base.service import ConnectorService
from connectors.registry import SERVICES, simulator_app
from hub import paths
from hub.codec import AvroCodec, SchemaStore
from tests.simulated import serving, until_faults

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{name}.json").read_text())


@pytest.fixture(scope="module")
async def stack(router, catalog_applied: str) -> AsyncIterator[dict[str, str]]:
    """Six simulators and six connectors; yields {service: API URL}."""
    urls: dict[str, str] = {}
    async with AsyncExitStack() as stack:
        for code in SERVICES:
            urls[code] = await stack.enter_async_context(serving(simulator_app(code)))
        for code in SERVICES:
            await stack.enter_async_context(
                ConnectorService(
                    code=code,
                    api_url=urls[code],
                    codec=CODEC,
                    client_options={"bootstrap_servers": catalog_applied},
                    poll_interval_s=0.3,
                    retry_for_s=20,
                    http_timeout_s=2,
                )
            )
        yield urls


async def _post(url: str, path: str, body: dict[str, Any], **params: str) -> None:
    async with httpx.AsyncClient(base_url=url) as client:
        answer = await client.post(path, json=body, params=params)
        assert answer.status_code < 300, answer.text


async def _received(url: str, kind: str, predicate, timeout_s: float = 60) -> list[dict]:
    async with httpx.AsyncClient(base_url=url) as client:
        deadline = time.monotonic() + timeout_s
        while True:
            items = [
                i for i in (await client.get("/api/received")).json().get(kind, []) if predicate(i)
            ]
            if items or time.monotonic() > deadline:
                return items
            await asyncio.sleep(0.2)


def _about(key: str):
    home, jobseeker_id = key.split(":")
    return lambda item: (
        (item.get("payload", {}).get("subject") == {"home_pes": home, "jobseeker_id": jobseeker_id})
        or item.get("subject") == key
    )


async def test_vdab_vacancy_reaches_forem_in_forem_format_with_rome_code(stack) -> None:
    """Posted at VDAB, it arrives at Le Forem's API as an open-data record with its ROME code."""
    vacancy = _sample("Vacancy") | {
        "vacancy_id": f"e2e{uuid.uuid4().hex[:8]}",
        "updated_at": int(time.time() * 1000),
    }
    began = time.monotonic()
    await _post(stack["VDAB"], "/admin/vacancies", vacancy, format="canonical")
    items = await _received(
        stack["FOREM"], "vacancies", lambda i: vacancy["vacancy_id"] in json.dumps(i)
    )
    assert items, "the vacancy did not reach Le Forem"
    elapsed = time.monotonic() - began
    native = items[0]["payload"]
    assert native["metiercodedimeco"] == "N1101"
    assert elapsed < 20
    print(f"VDAB -> FOREM vacancy in {elapsed:.1f} s")


async def test_jobseeker_only_crosses_with_consent_and_revocation_erases(stack) -> None:
    """No consent: nowhere. Consent to VDAB: delivered there only. Revoked: erasure at VDAB."""
    now = int(time.time() * 1000)
    alone = _sample("JobseekerProfile") | {
        "subject": {"home_pes": "FOREM", "jobseeker_id": f"n{uuid.uuid4().hex[:6]}"},
        "updated_at": now,
    }
    await _post(stack["FOREM"], "/admin/jobseekers", alone)
    key = f"FOREM:{alone['subject']['jobseeker_id']}"
    notices = await _received(stack["FOREM"], "decisions", lambda i: i["payload"]["key"] == key)
    assert notices and {o["outcome"] for o in notices[0]["payload"]["outcomes"]} == {"DENY"}
    for code in SERVICES:
        assert not await _received(stack[code], "jobseekers", _about(key), timeout_s=0)

    subject = {"home_pes": "FOREM", "jobseeker_id": f"y{uuid.uuid4().hex[:6]}"}
    key = f"FOREM:{subject['jobseeker_id']}"
    grant = _sample("ConsentChange") | {
        "subject": subject,
        "consent_id": f"{key}-c",
        "destinations": ["VDAB"],
        "purposes": ["MEDIATION"],
        "recorded_at": now - 60_000,
        "valid_from": now - 60_000,
    }
    await _post(stack["FOREM"], "/admin/consents", grant)
    delivered: list[dict] = []
    for _ in range(10):  # the consent may reach the router after the profile: it then denies
        await asyncio.sleep(1.0)
        profile = _sample("JobseekerProfile") | {
            "subject": subject,
            "updated_at": int(time.time() * 1000),
        }
        await _post(stack["FOREM"], "/admin/jobseekers", profile)
        delivered = await _received(stack["VDAB"], "jobseekers", _about(key), timeout_s=5)
        if delivered:
            break
    assert delivered, "the consented profile never reached VDAB"
    assert delivered[0]["payload"]["national_register_number"] is None
    for code in SERVICES:
        if code not in ("VDAB", "FOREM"):
            assert not await _received(stack[code], "jobseekers", _about(key), timeout_s=0)
    revoke = grant | {
        "consent_id": f"{key}-r",
        "action": "REVOKED",
        "destinations": [],
        "purposes": [],
        "recorded_at": int(time.time() * 1000),
        "valid_from": None,
    }
    await _post(stack["FOREM"], "/admin/consents", revoke)
    erasures = await _received(stack["VDAB"], "erasures", lambda i: i["subject"] == key)
    assert erasures, "no erasure reached VDAB"


async def test_feedback_reaches_the_home_service(stack) -> None:
    """A no-show reported by VDAB about a Le Forem jobseeker reaches Le Forem, without the note."""
    feedback = _sample("ApplicationFeedback") | {
        "feedback_id": f"fb-{uuid.uuid4().hex[:6]}",
        "reported_at": int(time.time() * 1000),
    }
    await _post(stack["VDAB"], "/admin/feedback", feedback)
    items = await _received(
        stack["FOREM"], "feedback", lambda i: i["payload"]["feedback_id"] == feedback["feedback_id"]
    )
    assert items and items[0]["payload"]["note"] is None


async def test_5xx_burst_delays_but_loses_and_duplicates_nothing(stack) -> None:
    """Actiris fails for a while; the vacancy then arrives exactly once."""
    async with httpx.AsyncClient(base_url=stack["ACTIRIS"]) as actiris:
        await actiris.post("/admin/faults", json={"error_rate": 1.0})
    vacancy = _sample("Vacancy") | {
        "vacancy_id": f"burst{uuid.uuid4().hex[:6]}",
        "updated_at": int(time.time() * 1000),
    }
    await _post(stack["VDAB"], "/admin/vacancies", vacancy, format="canonical")
    await until_faults(stack["ACTIRIS"], 3)
    assert not await _received(
        stack["ACTIRIS"], "vacancies", lambda i: vacancy["vacancy_id"] in json.dumps(i), timeout_s=0
    )
    async with httpx.AsyncClient(base_url=stack["ACTIRIS"]) as actiris:
        await actiris.post("/admin/faults", json={"error_rate": 0.0})
    items = await _received(
        stack["ACTIRIS"], "vacancies", lambda i: vacancy["vacancy_id"] in json.dumps(i)
    )
    await asyncio.sleep(2)
    items = await _received(
        stack["ACTIRIS"], "vacancies", lambda i: vacancy["vacancy_id"] in json.dumps(i)
    )
    assert len(items) == 1
