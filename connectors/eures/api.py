"""The EURES Input API over HTTP (pes-formats §5.2): handlers only, the store does the work.

    GET  /input/api/jv/v0.1/ping
    GET  /input/api/jv/v0.1/getAll               {allReferences: [...]}
    GET  /input/api/jv/v0.1/getChanges/{ms}      {created-, modified-, closedReferences}
    POST /input/api/jv/v0.1/getDetails  [refs]   {details: {ref: {..., content, ...}}}

Every call needs ``Authorization: Bearer <token>`` (compared in constant time with the
configured secret; 401 otherwise). Until the store has caught up with the topics,
every call but ``ping`` answers 503, so EURES never reads a half-built list.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from connectors.eures.store import ReferenceStore
from hub.logging import get_logger

__all__ = ["PREFIX", "create_api"]

log = get_logger(__name__)

PREFIX = "/input/api/jv/v0.1"
_STORE: web.AppKey[ReferenceStore] = web.AppKey("store", ReferenceStore)
_READY: web.AppKey[Callable[[], bool]] = web.AppKey("ready", Callable[[], bool])
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _now_ms() -> int:
    return int(time.time() * 1000)


def _authorised(header: str, token: bytes) -> bool:
    given = header.removeprefix("Bearer ").strip().encode()
    return hmac.compare_digest(given, token)


def create_api(store: ReferenceStore, token: str, ready: Callable[[], bool]) -> web.Application:
    """Return the Input API application over *store*; *ready* says whether it caught up."""
    secret = token.encode()

    @web.middleware
    async def guard(request: web.Request, handler: _Handler) -> web.StreamResponse:
        if not _authorised(request.headers.get("Authorization", ""), secret):
            log.warning("eures_unauthorised", path=request.path, remote=request.remote)
            return web.json_response({"error": "unauthorised"}, status=401)
        if not request.path.endswith("/ping") and not request.app[_READY]():
            return web.json_response({"error": "catching up with the topics"}, status=503)
        return await handler(request)

    app = web.Application(middlewares=[guard])
    app[_STORE] = store
    app[_READY] = ready
    app.add_routes(
        [
            web.get(f"{PREFIX}/ping", _ping),
            web.get(f"{PREFIX}/getAll", _get_all),
            web.get(f"{PREFIX}/getChanges/{{since}}", _get_changes),
            web.post(f"{PREFIX}/getDetails", _get_details),
        ]
    )
    return app


async def _ping(_: web.Request) -> web.Response:
    return web.Response(text="pong")


async def _get_all(request: web.Request) -> web.Response:
    return web.json_response({"allReferences": request.app[_STORE].all_references(_now_ms())})


async def _get_changes(request: web.Request) -> web.Response:
    try:
        since = int(request.match_info["since"])
    except ValueError:
        return web.json_response({"error": "the timestamp is epoch milliseconds"}, status=400)
    return web.json_response(request.app[_STORE].changes(since, _now_ms()))


async def _get_details(request: web.Request) -> web.Response:
    try:
        references = await request.json()
    except ValueError:
        references = None
    if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
        return web.json_response({"error": "the body is a JSON list of references"}, status=400)
    return web.json_response({"details": request.app[_STORE].details(references, _now_ms())})
