"""A simulated service API: a real HTTP server on loopback with realistic, stateful data.

It speaks the service's own vacancy format (through its mapping), and for people
(consents, registrations, profiles, feedback) the native form a service declares for a
kind (Bruxelles Formation's referrals), else the hub's JSON form of the canonical
records, for which the services publish no format. It shows what it received, and it
can be told to be slow or to fail, for fault tests.

    GET    /api/changes/{kind}?since=&limit=   vacancies | jobseekers | consents | registrations | feedback
    POST   /api/inbox/{kind}                   vacancies | jobseekers | feedback | decisions (Idempotency-Key)
    DELETE /api/jobseekers/{subject}?event_ids= erasure (Idempotency-Key)
    GET    /api/received                       what the hub delivered here
    POST   /admin/{kind}                       publish a record of this service (native, or ?format=canonical)
    POST   /admin/generate?count=N             realistic vacancies, jobseekers, a third with consent,
                                               and a few natively mapped registrations of others' people
    POST   /admin/faults                       {"latency_ms": 0, "error_rate": 0.0, "hang_s": 0.0, "hang_rate": 0.0}
    GET    /health
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from connectors.base.exceptions import MappingError
from connectors.base.fakedata import FakeData
from connectors.base.mapping import VacancyMapping
from connectors.registry import SERVICES, RecordMapping
from hub.logging import get_logger

__all__ = ["FAKE", "STATE", "Faults", "SimulatorState", "create_simulator"]

log = get_logger(__name__)

OUT_KINDS = ("vacancies", "jobseekers", "consents", "registrations", "feedback")
IN_KINDS = ("vacancies", "jobseekers", "feedback", "decisions")


@dataclass
class Faults:
    """Injected trouble on /api: latency, 503 answers, hanging requests."""

    latency_ms: int = 0
    error_rate: float = 0.0
    hang_s: float = 0.0
    hang_rate: float = 0.0


@dataclass
class SimulatorState:
    """Everything the simulated service holds."""

    code: str
    mapping: VacancyMapping
    records: Mapping[str, RecordMapping] = field(default_factory=dict)
    changes: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    received: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    idempotency: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    faults_injected: int = 0
    sequence: int = 0

    def publish(self, kind: str, item: dict[str, Any]) -> int:
        """Record a change of this service; return its position in the change feed.

        Positions are strictly increasing microseconds since the epoch, as in a
        timestamp-based change feed: a simulator started again never hands out a
        position below the cursor a connector stored against an earlier run.
        """
        self.sequence = max(self.sequence + 1, time.time_ns() // 1000)
        self.changes.setdefault(kind, []).append((self.sequence, item))
        return self.sequence


STATE: web.AppKey[SimulatorState] = web.AppKey("state", SimulatorState)
FAKE: web.AppKey[FakeData] = web.AppKey("fake", FakeData)


def create_simulator(
    code: str,
    mapping: VacancyMapping,
    *,
    records: Mapping[str, RecordMapping] | None = None,
    seed: int = 7,
) -> web.Application:
    """Return the aiohttp application of one simulated service.

    *records* are the native forms the service declares for people kinds; the other
    kinds are the hub's JSON.
    """
    state = SimulatorState(code=code, mapping=mapping, records=records or {})
    fake = FakeData(code, seed)
    app = web.Application(middlewares=[_faults_middleware])
    app[STATE] = state
    app[FAKE] = fake
    app.add_routes(
        [
            web.get("/health", _health),
            web.get("/api/changes/{kind}", _changes),
            web.post("/api/inbox/{kind}", _inbox),
            web.delete("/api/jobseekers/{subject}", _erase),
            web.get("/api/received", _received),
            web.post("/admin/generate", _generate),
            web.post("/admin/faults", _set_faults),
            web.post("/admin/{kind}", _admin_publish),
        ]
    )
    return app


@web.middleware
async def _faults_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    state: SimulatorState = request.app[STATE]
    faults = state.faults
    if request.path.startswith("/api/"):
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if faults.hang_rate and random.random() < faults.hang_rate:
            await asyncio.sleep(faults.hang_s)
        if faults.error_rate and random.random() < faults.error_rate:
            state.faults_injected += 1
            return web.json_response({"error": "injected fault"}, status=503)
    return await handler(request)


async def _health(request: web.Request) -> web.Response:
    state: SimulatorState = request.app[STATE]
    return web.json_response(
        {
            "status": "ok",
            "service": state.code,
            "sequence": state.sequence,
            "faults_injected": state.faults_injected,
        }
    )


async def _changes(request: web.Request) -> web.Response:
    state: SimulatorState = request.app[STATE]
    kind = request.match_info["kind"]
    if kind not in OUT_KINDS:
        return web.json_response({"error": f"unknown kind {kind}"}, status=404)
    try:
        since = int(request.query.get("since", "0"))
        limit = min(int(request.query.get("limit", "200")), 1000)
    except ValueError:
        return web.json_response({"error": "since and limit are whole numbers"}, status=400)
    items = [(seq, item) for seq, item in state.changes.get(kind, []) if seq > since][:limit]
    cursor = str(items[-1][0]) if items else str(since)
    return web.json_response(
        {"items": [item | {"_seq": seq} for seq, item in items], "next": cursor}
    )


async def _inbox(request: web.Request) -> web.Response:
    state: SimulatorState = request.app[STATE]
    kind = request.match_info["kind"]
    if kind not in IN_KINDS:
        return web.json_response({"error": f"unknown inbox {kind}"}, status=404)
    key = request.headers.get("Idempotency-Key")
    if not key:
        return web.json_response({"error": "Idempotency-Key header is required"}, status=400)
    if key in state.idempotency:
        return web.json_response(state.idempotency[key] | {"duplicate": True}, status=200)
    try:
        payload = await request.json()
    except ValueError:
        return web.json_response({"error": "body is not JSON"}, status=400)
    if kind == "vacancies":
        try:
            state.mapping.to_canonical(payload)
        except (MappingError, KeyError, TypeError, ValueError) as exc:
            return web.json_response(
                {"error": f"not a valid {state.code} vacancy: {exc}"}, status=422
            )
    reference = f"{state.code}-{kind}-{len(state.received.get(kind, [])) + 1}"
    state.received.setdefault(kind, []).append(
        {
            "reference": reference,
            "idempotency_key": key,
            "received_at": int(time.time() * 1000),
            "payload": payload,
        }
    )
    state.idempotency[key] = {"reference": reference}
    log.info("simulator_received", service=state.code, kind=kind, reference=reference)
    return web.json_response({"reference": reference}, status=201)


async def _erase(request: web.Request) -> web.Response:
    state: SimulatorState = request.app[STATE]
    key = request.headers.get("Idempotency-Key", "")
    subject = request.match_info["subject"]
    if key and key in state.idempotency:
        return web.Response(status=204)
    event_ids = [e for e in request.query.get("event_ids", "").split(",") if e]
    state.received.setdefault("erasures", []).append(
        {"subject": subject, "event_ids": event_ids, "received_at": int(time.time() * 1000)}
    )
    state.idempotency[key] = {"reference": f"erasure-{subject}"}
    return web.Response(status=204)


async def _received(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE].received)


async def _admin_publish(request: web.Request) -> web.Response:
    state: SimulatorState = request.app[STATE]
    kind = request.match_info["kind"]
    if kind not in OUT_KINDS:
        return web.json_response({"error": f"unknown kind {kind}"}, status=404)
    item = await request.json()
    mapping = state.mapping if kind == "vacancies" else state.records.get(kind)
    if mapping and request.query.get("format") == "canonical":
        item = mapping.from_canonical(item)
    return web.json_response({"seq": state.publish(kind, item)}, status=201)


async def _generate(request: web.Request) -> web.Response:
    state: SimulatorState = request.app[STATE]
    fake: FakeData = request.app[FAKE]
    count = int(request.query.get("count", "10"))
    now = int(time.time() * 1000)
    others = [s for s in SERVICES if s != state.code]
    consents = 0
    for _ in range(count):
        state.publish("vacancies", state.mapping.from_canonical(fake.vacancy(now)))
        profile = fake.jobseeker(now)
        if fake.wants_consent():
            state.publish("consents", fake.consent(profile, now - 1000, fake.pick(others, 2)))
            consents += 1
        state.publish("jobseekers", profile)
    registrations = 0
    if referrals := state.records.get("registrations"):
        registrations = max(1, count // 3)
        for _ in range(registrations):
            registration = fake.registration(fake.pick(others)[0], now)
            state.publish("registrations", referrals.from_canonical(registration))
    return web.json_response(
        {
            "generated": count,
            "consents": consents,
            "registrations": registrations,
            "sequence": state.sequence,
        }
    )


async def _set_faults(request: web.Request) -> web.Response:
    state: SimulatorState = request.app[STATE]
    state.faults = Faults(**await request.json())
    return web.json_response(vars(state.faults))
