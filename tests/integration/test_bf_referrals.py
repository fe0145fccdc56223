"""Bruxelles Formation's referrals in its own format, from its simulated API to the broker.

The real BF simulator on loopback and the real connector publish to the session broker;
each test uses its own referral and person ids, so records of other tests do not count.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from aiokafka import ConsumerRecord

from connectors.bf import RECORD_MAPPINGS
from connectors.registry import simulator_app
from hub.deadletters import DEADLETTER_TOPIC
from tests.integration.kafka_io import read_until
from tests.integration.test_connector_runtime import CODEC, connector
from tests.simulated import serving, until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

TOPIC = "pes.bf.out.registration"


def _referral(home: str, person: str, status: str = "inscrit") -> dict[str, Any]:
    """Return a native BF referral of *person* from *home*, with a unique id."""
    return {
        "idOrientation": f"OR-{uuid.uuid4().hex[:10]}",
        "statut": status,
        "stagiaire": {"organismeReferent": home, "identifiantReferent": person},
        "formation": {
            "idFormation": "BF-WEB-2026-03",
            "type": "formation qualifiante",
            "intitule": "Développeur·euse web",
            "debut": "2026-09-07",
            "fin": "2027-02-26",
        },
        "enregistreLe": "2026-08-20T10:15:00+02:00",
    }


async def _publish_and_connect(catalog_applied: str, *referrals: dict[str, Any]) -> int:
    """Post the referrals at the BF simulator, run BF's connector until it read them all.

    Return how many it dead-lettered.
    """
    async with serving(simulator_app("BF")) as url:
        async with httpx.AsyncClient(base_url=url, timeout=5) as api:
            for referral in referrals:
                (await api.post("/admin/registrations", json=referral)).raise_for_status()
        async with connector("BF", url, catalog_applied) as running:
            inbound = running.inbound
            assert inbound is not None
            await until(lambda: inbound.published + inbound.dead_letters >= len(referrals))
            return inbound.dead_letters


def _of(records: list[ConsumerRecord], key: str) -> list[ConsumerRecord]:
    return [r for r in records if r.key == key.encode()]


async def test_a_native_referral_is_published_as_a_registration_keyed_by_the_person(
    catalog_applied: str,
) -> None:
    """Le Forem's jobseeker, named by label, enrolled at BF: a TRAINEE Registration at BF."""
    person = f"FOREM-{uuid.uuid4().hex[:8]}"
    referral = _referral("Le Forem", person)
    assert await _publish_and_connect(catalog_applied, referral) == 0
    key = f"FOREM:{person}"
    records = await read_until(catalog_applied, [TOPIC], lambda rs: len(_of(rs, key)) >= 1)
    (record,) = _of(records, key)
    registration = CODEC.decode(record.value).record
    assert registration == {
        "registration_id": referral["idOrientation"],
        "subject": {"home_pes": "FOREM", "jobseeker_id": person},
        "pes": "BF",
        "capacity": "TRAINEE",
        "capacity_code": "000",
        "vacancy": None,
        "valid_from": 1788739200000,  # 2026-09-07
        "valid_until": 1803686400000,  # 2027-02-27, the day after the last
        "recorded_at": 1787213700000,  # 2026-08-20T08:15:00Z
    }


async def test_a_malformed_referral_is_dead_lettered_and_the_next_one_still_flows(
    catalog_applied: str,
) -> None:
    """An unknown status is refused (stage MAP, naming ``statut``); Actiris' person follows."""
    broken = _referral("ACTIRIS", f"bad-{uuid.uuid4().hex[:8]}", status="peut-être")
    person = f"{uuid.uuid4().int % 10**9}"
    after = _referral("Actiris", person, status="orienté")
    after["stagiaire"]["identifiantReferent"] = int(person)  # a numeric id, as BF may send
    assert await _publish_and_connect(catalog_applied, broken, after) == 1

    def mine(record: ConsumerRecord) -> bool:
        original = CODEC.decode(record.value).record["original_value"] or b""
        return broken["idOrientation"].encode() in original

    letters = await read_until(
        catalog_applied, [DEADLETTER_TOPIC], lambda rs: any(mine(r) for r in rs)
    )
    (letter,) = [CODEC.decode(r.value).record for r in letters if mine(r)]
    assert letter["stage"] == "MAP" and letter["error_type"] == "MappingError"
    assert "statut" in letter["reason"]
    key = f"ACTIRIS:{person}"
    records = await read_until(catalog_applied, [TOPIC], lambda rs: len(_of(rs, key)) >= 1)
    (record,) = _of(records, key)
    registration = CODEC.decode(record.value).record
    assert registration["registration_id"] == after["idOrientation"]
    assert registration["capacity_code"] == "902"  # referred, not yet enrolled


@pytest.mark.parametrize(("code", "referrals"), [("BF", 3), ("VDAB", 0)])
async def test_generate_adds_native_referrals_only_where_a_service_declares_them(
    code: str, referrals: int
) -> None:
    """BF's simulator refers other services' people in its own format; VDAB's has none."""
    async with (
        serving(simulator_app(code)) as url,
        httpx.AsyncClient(base_url=url, timeout=5) as api,
    ):
        generated = (await api.post("/admin/generate", params={"count": 9})).json()
        items = (await api.get("/api/changes/registrations")).json()["items"]
    assert generated["registrations"] == len(items) == referrals
    for item in items:
        registration = RECORD_MAPPINGS["registrations"].to_canonical(item)
        assert registration["pes"] == "BF" and registration["subject"]["home_pes"] != "BF"
        CODEC.encode("Registration", registration)
