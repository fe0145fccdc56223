"""The Input API's HTTP surface over a store: token, readiness, request checks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from connectors.eures.api import PREFIX, create_api
from connectors.eures.store import ReferenceStore
from connectors.eures.writer import write_position_opening

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "samples" / "Vacancy.json"
TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def api() -> AsyncIterator[tuple[TestClient, list[bool]]]:
    store = ReferenceStore(write_position_opening)
    store.apply(json.loads(SAMPLE.read_text()) | {"valid_until": None}, 1_767_225_600_000)
    ready = [True]
    client = TestClient(TestServer(create_api(store, TOKEN, lambda: ready[0])))
    await client.start_server()
    try:
        yield client, ready
    finally:
        await client.close()


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nope"}, {"Authorization": f"Bearer {TOKEN}x"}],
    ids=["none", "wrong", "longer"],
)
async def test_calls_without_the_token_get_401(api, headers: dict[str, str]) -> None:
    """Every endpoint, ping included, refuses a missing or wrong token."""
    client, _ = api
    for path in ("ping", "getAll", "getChanges/0"):
        assert (await client.get(f"{PREFIX}/{path}", headers=headers)).status == 401


async def test_token_opens_every_endpoint(api) -> None:
    """With the token: ping, getAll, getChanges and getDetails answer as EURES expects."""
    client, _ = api
    assert await (await client.get(f"{PREFIX}/ping", headers=AUTH)).text() == "pong"
    listed = await (await client.get(f"{PREFIX}/getAll", headers=AUTH)).json()
    assert listed == {"allReferences": ["VDAB:70123456"]}
    changes = await (await client.get(f"{PREFIX}/getChanges/0", headers=AUTH)).json()
    assert changes["createdReferences"] == ["VDAB:70123456"]
    answer = await client.post(f"{PREFIX}/getDetails", headers=AUTH, json=["VDAB:70123456"])
    detail = (await answer.json())["details"]["VDAB:70123456"]
    assert detail["content"].startswith("<?xml") and detail["status"] == "ACTIVE"


async def test_not_ready_answers_503_but_ping(api) -> None:
    """While the store is rebuilt from the topics, only ping answers."""
    client, ready = api
    ready[0] = False
    assert (await client.get(f"{PREFIX}/getAll", headers=AUTH)).status == 503
    assert (await client.get(f"{PREFIX}/ping", headers=AUTH)).status == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "getChanges/yesterday", None),
        ("post", "getDetails", {"refs": ["VDAB:70123456"]}),
        ("post", "getDetails", [1, 2]),
    ],
    ids=["bad-timestamp", "not-a-list", "not-strings"],
)
async def test_malformed_requests_get_400(api, method: str, path: str, body) -> None:
    """A timestamp that is not epoch ms or a body that is not a list of references is refused."""
    client, _ = api
    answer = await getattr(client, method)(f"{PREFIX}/{path}", headers=AUTH, json=body)
    assert answer.status == 400
