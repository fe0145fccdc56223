"""France Travail's Offres d'emploi v2 API, as a connector reads it.

OAuth2 client credentials (token cached until shortly before ``expires_in``), search by
creation window with ``range=p-d`` pagination (``Content-Range: offres p-d/total``,
206 while more pages exist, 200 on the last), at most 150 offers per page, and a client
side rate limit (3 requests per second by default). The API only holds live offers and
filters by creation date, so the cursor is the end of the last window harvested.
People, consents and feedback use the hub's JSON API of the simulator (no public format).
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any

import httpx

from connectors.base.client import PesClient
from connectors.base.exceptions import UpstreamRejectedError
from connectors.base.ratelimit import TokenBucket

__all__ = ["PAGE_SIZE", "SCOPE", "SEARCH_PATH", "TOKEN_PATH", "FranceTravailClient"]

TOKEN_PATH = "/connexion/oauth2/access_token"
SEARCH_PATH = "/partenaire/offresdemploi/v2/offres/search"
SCOPE = "api_offresdemploiv2 o2dsoffre"
PAGE_SIZE = 150
_CONTENT_RANGE = re.compile(r"offres (\d+)-(\d+)/(\d+)")


def _iso(moment_ms: int) -> str:
    return datetime.fromtimestamp(moment_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FranceTravailClient(PesClient):
    """PesClient whose vacancy changes come from the real search API shape."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        client_id: str,
        client_secret: str,
        rate_per_s: float = 3.0,
        retry_for_s: float = 300.0,
    ) -> None:
        super().__init__(http, retry_for_s=retry_for_s)
        self._credentials = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "scope": SCOPE,
        }
        self._token: str | None = None
        self._token_until = 0.0
        self._bucket = TokenBucket(rate_per_s)

    async def _bearer(self) -> dict[str, str]:
        if self._token is None or time.monotonic() > self._token_until:
            answer = await self._call(
                "POST", TOKEN_PATH, params={"realm": "/partenaire"}, data=self._credentials
            )
            body = answer.json()
            self._token = body["access_token"]
            self._token_until = time.monotonic() + max(30, int(body.get("expires_in", 1499)) - 60)
        return {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}

    async def changes(
        self, kind: str, cursor: str | None, limit: int = 200
    ) -> tuple[list[dict], str | None]:
        """Vacancies from the search API; every other kind from the generic API."""
        if kind != "vacancies":
            return await super().changes(kind, cursor, limit)
        window_end = int(time.time() * 1000) - 1000
        window_start = int(cursor) if cursor else window_end - 31 * 86_400_000
        offers: list[dict[str, Any]] = []
        first = 0
        renewed = False
        while True:
            await self._bucket.take()
            params = {
                "range": f"{first}-{first + PAGE_SIZE - 1}",
                "sort": "1",
                "minCreationDate": _iso(window_start),
                "maxCreationDate": _iso(window_end),
            }
            headers = await self._bearer()
            try:
                answer = await self._call("GET", SEARCH_PATH, params=params, headers=headers)
            except UpstreamRejectedError as exc:
                if exc.status == 401 and not renewed:  # token revoked early: renew it once
                    self._token, renewed = None, True
                    continue
                raise
            if answer.status_code == 204:
                break
            page = answer.json().get("resultats", [])
            offers += [
                offer | {"_seq": offer.get("dateActualisation") or offer.get("dateCreation")}
                for offer in page
            ]
            match = _CONTENT_RANGE.match(answer.headers.get("Content-Range", ""))
            if (
                answer.status_code != 206
                or not match
                or int(match.group(2)) + 1 >= int(match.group(3))
            ):
                break
            first = int(match.group(2)) + 1
        return offers, str(window_end)
