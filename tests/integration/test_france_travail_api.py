"""France Travail's API shape against its simulator over loopback HTTP: OAuth2, ranges, 206."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from connectors.base.exceptions import UpstreamRejectedError
from connectors.base.mapping import VacancyMapping
from connectors.base.simulator import STATE, create_simulator
from connectors.ft import simulator as ft_simulator
from connectors.ft.api import SEARCH_PATH, FranceTravailClient
from tests.simulated import serving

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]


class _Native(VacancyMapping):
    code = "FT"
    language = "fr"

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        return native

    def from_canonical(self, vacancy: dict[str, Any]) -> dict[str, Any]:
        return vacancy

    def native_id(self, native: dict[str, Any]) -> str:
        return native["id"]


def _served(offers: int, rate_per_s: float = 50.0) -> AbstractAsyncContextManager[str]:
    """Serve France Travail's simulated API holding *offers* offers; yield its URL."""
    app = create_simulator("FT", _Native())
    ft_simulator.add_routes(app, rate_per_s=rate_per_s)
    created = datetime.now(UTC) - timedelta(hours=1)
    for number in range(offers):
        stamp = (created + timedelta(seconds=number)).strftime("%Y-%m-%dT%H:%M:%SZ")
        app[STATE].publish(
            "vacancies",
            {
                "id": f"{number:03d}KLTP",
                "intitule": "Cariste (H/F)",
                "dateCreation": stamp,
                "dateActualisation": stamp,
            },
        )
    return serving(app)


def _client(
    http: httpx.AsyncClient, secret: str = ft_simulator.CLIENT_SECRET, rate: float = 3.0
) -> FranceTravailClient:
    return FranceTravailClient(
        http,
        client_id=ft_simulator.CLIENT_ID,
        client_secret=secret,
        rate_per_s=rate,
        retry_for_s=20,
    )


async def test_harvest_pages_through_206_ranges() -> None:
    """400 offers come in three pages (206, 206, 200), all of them, once each."""
    async with _served(400) as url, httpx.AsyncClient(base_url=url) as http:
        offers, cursor = await _client(http).changes("vacancies", None)
    assert sorted(o["id"] for o in offers) == [f"{n:03d}KLTP" for n in range(400)]
    assert int(cursor) > 0


async def test_client_keeps_under_the_service_rate_limit() -> None:
    """Seven pages against a service allowing 3.5 requests/s: the client never meets a 429."""
    async with _served(1000, rate_per_s=3.5) as url, httpx.AsyncClient(base_url=url) as http:
        client = _client(http, rate=3.0)
        offers, _ = await client.changes("vacancies", None)
    assert len(offers) == 1000
    assert client.retries == 0


async def test_range_larger_than_150_is_refused_like_the_real_api() -> None:
    """range=0-199 answers 400 with France Travail's error body."""
    async with _served(10) as url, httpx.AsyncClient(base_url=url) as http:
        headers = await _client(http)._bearer()
        answer = await http.get(SEARCH_PATH, params={"range": "0-199"}, headers=headers)
    assert answer.status_code == 400
    assert answer.json()["message"] == "La plage de résultats demandée est trop importante."


async def test_wrong_credentials_are_rejected_not_retried() -> None:
    """A bad client secret gives 401 at once: retrying cannot help."""
    async with _served(1) as url, httpx.AsyncClient(base_url=url) as http:
        with pytest.raises(UpstreamRejectedError) as caught:
            await _client(http, secret="wrong").changes("vacancies", None)
    assert caught.value.status == 401


async def test_server_rate_limit_429_is_retried_until_it_passes() -> None:
    """With the server at 1 request/s and the client at 20/s, 429s are retried, nothing lost."""
    async with _served(400, rate_per_s=1.0) as url, httpx.AsyncClient(base_url=url) as http:
        client = _client(http, rate=20.0)
        offers, _ = await client.changes("vacancies", None)
    assert len(offers) == 400
    assert client.retries >= 1
