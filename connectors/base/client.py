"""HTTP client of a service's API: timeouts, retries with back-off, idempotency keys.

Transport failures, timeouts, 429 and 5xx raise UpstreamUnavailableError and are retried
with exponential back-off (tenacity) until ``retry_for_s`` has passed; 4xx raises
UpstreamRejectedError at once, with the service's answer, because retrying cannot help.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_exponential

from connectors.base.exceptions import UpstreamRejectedError, UpstreamUnavailableError
from hub.logging import get_logger

__all__ = ["Answer", "PesClient"]

log = get_logger(__name__)


class Answer(NamedTuple):
    """What a delivery or an erasure got: the HTTP status, the service's reference, and
    how many attempts it took (several calls may be under way at once)."""

    status: int
    reference: str | None
    attempts: int


class PesClient:
    """The generic service API: read changes since a cursor, deliver, erase."""

    def __init__(self, http: httpx.AsyncClient, *, retry_for_s: float = 300.0) -> None:
        self._http = http
        self._retry_for_s = retry_for_s
        self.retries = 0

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return (await self._call_counted(method, path, **kwargs))[0]

    async def _call_counted(
        self, method: str, path: str, **kwargs: Any
    ) -> tuple[httpx.Response, int]:
        """Return the response and the number of attempts it took."""
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(UpstreamUnavailableError),
            wait=wait_exponential(multiplier=0.2, max=10),
            stop=stop_after_delay(self._retry_for_s),
            reraise=True,
        ):
            with attempt:
                number = attempt.retry_state.attempt_number
                if number > 1:
                    self.retries += 1
                return await self._once(method, path, **kwargs), number
        raise AssertionError("unreachable")  # pragma: no cover - tenacity reraises

    async def _once(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            log.info("upstream_unavailable", path=path, error=type(exc).__name__)
            raise UpstreamUnavailableError(f"{method} {path}: {type(exc).__name__}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            log.info("upstream_unavailable", path=path, status=response.status_code)
            raise UpstreamUnavailableError(f"{method} {path}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise UpstreamRejectedError(response.status_code, response.text[:65536])
        return response

    async def changes(
        self, kind: str, cursor: str | None, limit: int = 200
    ) -> tuple[list[dict], str | None]:
        """Return records changed after *cursor*, and the cursor after them."""
        params = {"limit": limit} | ({"since": cursor} if cursor else {})
        body = (await self._call("GET", f"/api/changes/{kind}", params=params)).json()
        return list(body["items"]), body.get("next") or cursor

    async def deliver(self, kind: str, payload: dict[str, Any], idempotency_key: str) -> Answer:
        """POST a record to the service's inbox."""
        response, attempts = await self._call_counted(
            "POST", f"/api/inbox/{kind}", json=payload, headers={"Idempotency-Key": idempotency_key}
        )
        reference = response.json().get("reference") if response.content else None
        return Answer(response.status_code, reference, attempts)

    async def erase(self, subject: str, event_ids: list[str], idempotency_key: str) -> Answer:
        """Ask the service to erase what the hub delivered about *subject*."""
        response, attempts = await self._call_counted(
            "DELETE",
            f"/api/jobseekers/{subject}",
            params={"event_ids": ",".join(event_ids)},
            headers={"Idempotency-Key": idempotency_key},
        )
        return Answer(response.status_code, None, attempts)
