"""Properties over random histories of consents, registrations, revocations and events.

(a) no personal data reaches an inbox unless an ALLOW held at the event's time, checked
    against an independent reading of the history;
(b) after a revocation nothing more goes out on consent, and every earlier recipient is
    told to erase;
(c) the same history gives the same bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.router import OutputRecord, RouterCore
from tests.unit.policy.conftest import DAY, T0, sample
from tests.unit.router.conftest import Inputs, make_core

SERVICES = ["VDAB", "FOREM", "ACTIRIS", "BF", "ADG", "FT"]
SUBJECT = {"home_pes": "FOREM", "jobseeker_id": "FO-1"}
KEY = "FOREM:FO-1"
PERSONAL_FIELDS = ("national_register_number", "given_name", "family_name", "birth_date", "contact")


@dataclass
class Step:
    kind: str
    gap_days: int
    destinations: list[str] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)
    pes: str = "VDAB"


steps = st.one_of(
    st.builds(
        Step,
        kind=st.just("grant"),
        gap_days=st.integers(0, 30),
        destinations=st.lists(st.sampled_from(SERVICES), min_size=1, max_size=3, unique=True),
        purposes=st.lists(st.sampled_from(["MEDIATION", "TRAINING"]), min_size=1, unique=True),
    ),
    st.builds(
        Step,
        kind=st.just("revoke"),
        gap_days=st.integers(0, 30),
        destinations=st.one_of(
            st.just([]), st.lists(st.sampled_from(SERVICES), min_size=1, max_size=2, unique=True)
        ),
    ),
    st.builds(
        Step, kind=st.just("register"), gap_days=st.integers(0, 30), pes=st.sampled_from(SERVICES)
    ),
    st.builds(Step, kind=st.just("profile"), gap_days=st.integers(0, 30)),
)


def _inputs(history: list[Step], inputs: Inputs):
    now = T0
    records = []
    for number, step in enumerate(history):
        now += step.gap_days * DAY
        if step.kind in ("grant", "revoke"):
            value = sample("ConsentChange") | {
                "consent_id": f"c{number}",
                "subject": SUBJECT,
                "action": "GRANTED" if step.kind == "grant" else "REVOKED",
                "destinations": step.destinations,
                "purposes": step.purposes,
                "data_sections": ["IDENTITY", "OCCUPATIONS"],
                "recorded_at": now,
                "valid_from": now,
                "valid_until": None,
            }
            records.append(inputs.record("consent", "FOREM", value, key=KEY, time_ms=now))
        elif step.kind == "register":
            value = sample("Registration") | {
                "registration_id": f"r{number}",
                "subject": SUBJECT,
                "pes": step.pes,
                "capacity": "JOBSEEKER",
                "recorded_at": now,
                "valid_from": now,
                "valid_until": None,
            }
            records.append(inputs.record("registration", step.pes, value, key=KEY, time_ms=now))
        else:
            value = sample("JobseekerProfile") | {"subject": SUBJECT}
            records.append(
                inputs.record(
                    "jobseeker", "FOREM", value, key=KEY, time_ms=now, event_id=f"p{number}"
                )
            )
    return records


def _oracle_allows(history: list[Step], upto: int, destination: str) -> str | None:
    """Independent reading: which basis, if any, allows a profile at step *upto* to go there."""
    now = T0
    times = []
    for step in history:
        now += step.gap_days * DAY
        times.append(now)
    event_time = times[upto]
    registered = (
        any(
            s.kind == "register" and s.pes == destination and times[i] <= event_time
            for i, s in enumerate(history[:upto])
        )
        and destination != "FT"
    )
    if registered:
        return "REGISTRATION"
    active = {"MEDIATION": False, "TRAINING": False}
    for i, s in enumerate(history[:upto]):
        if s.kind == "grant" and destination in s.destinations:
            for purpose in s.purposes:
                active[purpose] = event_time - times[i] <= 365 * DAY
        elif s.kind == "revoke" and (not s.destinations or destination in s.destinations):
            active = {"MEDIATION": False, "TRAINING": False}
    training_ok = destination in ("BF", "VDAB", "FOREM", "ADG")
    if active["MEDIATION"] or (active["TRAINING"] and training_ok):
        return "CONSENT"
    return None


def _decoded(core: RouterCore, outputs: list[OutputRecord], suffix: str) -> list[tuple[str, Any]]:
    return [
        (o.topic, core.codec.decode(o.value).record) for o in outputs if o.topic.endswith(suffix)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=st.lists(steps, min_size=1, max_size=12))
def test_routing_respects_consent_history(history: list[Step]) -> None:
    """(a), (b) and (c) hold for any history."""
    core = make_core()
    records = _inputs(history, Inputs(core.codec))
    outputs = core.handle(records)

    # (c) determinism: a fresh router on the same records produces the same bytes
    again = make_core().handle(records)
    assert [(o.topic, o.value) for o in outputs] == [(o.topic, o.value) for o in again]

    decisions = {
        (d["event_id"], d["destination_pes"]): d for _, d in _decoded(core, outputs, "hub.audit")
    }
    delivered: dict[str, list[str]] = {}
    for output in outputs:
        if not output.topic.endswith(".in.jobseeker"):
            continue
        destination = output.topic.split(".")[1].upper()
        headers = dict(output.headers)
        event_id = headers["ce_id"].decode()
        number = int(event_id[1:])
        decision = decisions[(event_id, destination)]
        # (a) an ALLOW for exactly these bytes, and a basis the history really gives
        assert decision["outcome"] in ("ALLOW", "ALLOW_MINIMISED")
        assert decision["payload_sha256"] == hashlib.sha256(output.value).hexdigest()
        basis = _oracle_allows(history, number, destination)
        assert basis is not None, f"{event_id} reached {destination} without a basis"
        assert decision["basis"]["kind"] == basis
        payload = core.codec.decode(output.value).record
        if basis == "CONSENT":
            assert payload["national_register_number"] is None
            assert payload["contact"] is None  # CONTACT was never consented
        delivered.setdefault(destination, []).append(event_id)

    # every profile that the oracle allows is delivered (nothing lost by over-denying)
    for number, step in enumerate(history):
        if step.kind != "profile":
            continue
        for destination in SERVICES:
            if destination != "FOREM" and _oracle_allows(history, number, destination):
                assert f"p{number}" in delivered.get(destination, [])

    # (b) every revocation sends erasures covering all earlier deliveries to revoked services
    erasures = _decoded(core, outputs, ".in.erasure")
    erased = {(e["destination"], event_id) for _, e in erasures for event_id in e["event_ids"]}
    for number, step in enumerate(history):
        if step.kind != "revoke":
            continue
        for destination, event_ids in delivered.items():
            if step.destinations and destination not in step.destinations:
                continue
            for event_id in event_ids:
                if int(event_id[1:]) < number:
                    assert (destination, event_id) in erased
