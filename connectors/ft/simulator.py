"""France Travail's side of the simulator: the OAuth2 token endpoint and the offer search.

Behaves as the real Offres d'emploi v2 API is documented: client-credentials tokens that
expire, ``range=p-d`` with at most 150 offers, ``Content-Range: offres p-d/total``, 206
while more pages follow, 200 on the last, 204 when nothing matches, the 400 body for a
too large range, and 429 above the rate limit.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime

from aiohttp import web

from connectors.base.ratelimit import TokenBucket
from connectors.base.simulator import STATE
from connectors.ft.api import PAGE_SIZE, SEARCH_PATH, TOKEN_PATH

__all__ = ["CLIENT_ID", "CLIENT_SECRET", "add_routes"]

CLIENT_ID = "hub-simulator"
CLIENT_SECRET = "hub-simulator-secret"
_TOKENS: web.AppKey[dict[str, float]] = web.AppKey("ft_tokens", dict)
_BUCKET: web.AppKey[TokenBucket] = web.AppKey("ft_bucket", TokenBucket)
_MAX_FIRST = 3000


def add_routes(app: web.Application, *, rate_per_s: float = 10.0) -> None:
    """Add the token and search endpoints to a simulator application."""
    app[_TOKENS] = {}
    app[_BUCKET] = TokenBucket(rate_per_s)
    app.add_routes([web.post(TOKEN_PATH, _token), web.get(SEARCH_PATH, _search)])


async def _token(request: web.Request) -> web.Response:
    form = await request.post()
    if (
        form.get("grant_type") != "client_credentials"
        or form.get("client_id") != CLIENT_ID
        or form.get("client_secret") != CLIENT_SECRET
    ):
        return web.json_response({"error": "invalid_client"}, status=401)
    token = secrets.token_urlsafe(24)
    request.app[_TOKENS][token] = time.monotonic() + 1499
    return web.json_response(
        {
            "access_token": token,
            "scope": form.get("scope", ""),
            "token_type": "Bearer",
            "expires_in": 1499,
        }
    )


def _error(status: int, message: str) -> web.Response:
    return web.json_response(
        {"message": message, "codeHttp": status, "codeErreur": "HUB-SIM"}, status=status
    )


async def _search(request: web.Request) -> web.Response:
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if request.app[_TOKENS].get(token, 0) < time.monotonic():
        return _error(401, "Jeton invalide ou expiré.")
    if not request.app[_BUCKET].try_take():
        return _error(429, "Trop de requêtes.")
    try:
        first, last = (int(part) for part in request.query.get("range", "0-149").split("-"))
    except ValueError:
        return _error(400, "Le paramètre range est invalide.")
    if last - first + 1 > PAGE_SIZE or first > _MAX_FIRST or last < first:
        return _error(400, "La plage de résultats demandée est trop importante.")
    low = _parse(request.query.get("minCreationDate"))
    high = _parse(request.query.get("maxCreationDate"))
    offers = [
        offer
        for _, offer in request.app[STATE].changes.get("vacancies", [])
        if (low is None or _parse(offer.get("dateCreation")) >= low)
        and (high is None or _parse(offer.get("dateCreation")) <= high)
    ]
    offers.sort(key=lambda o: o.get("dateCreation", ""), reverse=True)
    if not offers:
        return web.Response(status=204)
    page = offers[first : last + 1]
    end = first + len(page) - 1
    headers = {"Content-Range": f"offres {first}-{end}/{len(offers)}", "Accept-Range": "offres 150"}
    status = 206 if end + 1 < len(offers) else 200
    return web.json_response(
        {"resultats": page, "filtresPossibles": []}, status=status, headers=headers
    )


def _parse(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text)
