"""What the embedded broker (Tansu 0.6.0) enforces of SASL/SCRAM and ACLs.

Measured, so that the README's claim stays true: with ``--authentication`` Tansu refuses
every unauthenticated client, but it cannot be given users (``tansu user create`` is itself
refused, and a SCRAM login finds no user), and it neither stores nor checks ACLs. On
Tansu, the rendered checks in tests/unit/deploy carry the ACL guarantee; on Apache Kafka
the rendered users and ACLs are enforced by the broker. When a test here fails after a
Tansu upgrade, enforcement may have arrived: apply the rendered ACLs and test them.
"""

from __future__ import annotations

import subprocess

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError, KafkaError
from aiokafka.protocol.admin import CreateAclsRequest, DescribeAclsRequest

from hub import paths
from hub.broker.process import resolve_tansu
from hub.catalog import load_catalog
from hub.deploy import derive_principals, load_profile

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

# Kafka protocol codes (AclResourceType, PatternType, AclOperation, AclPermissionType)
_ANY, _TOPIC, _LITERAL, _READ, _ALLOW = 1, 2, 3, 3, 3


async def test_unauthenticated_client_is_refused(authenticating_broker: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=authenticating_broker, request_timeout_ms=3000)
    with pytest.raises(KafkaConnectionError):
        await admin.start()
    await admin.close()


def test_users_cannot_be_created_once_authentication_is_on(authenticating_broker: str) -> None:
    created = subprocess.run(
        [
            resolve_tansu(),
            "user",
            "create",
            "connector-vdab",
            "secret",
            "--broker",
            f"tcp://{authenticating_broker}",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert created.returncode != 0


async def test_scram_login_finds_no_user(authenticating_broker: str) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=authenticating_broker,
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_plain_username="connector-vdab",
        sasl_plain_password="secret",
        enable_idempotence=False,
        request_timeout_ms=3000,
    )
    # the broker's final SCRAM message is "e=unknown-user"; aiokafka reports it as KeyError
    with pytest.raises((KafkaError, KeyError)):
        await producer.start()
    await producer.stop()


async def test_acls_are_neither_stored_nor_accepted(kafka_bootstrap: str) -> None:
    vdab = next(
        p
        for p in derive_principals(load_catalog(paths.topics_dir()), load_profile())
        if p.name == "connector-vdab"
    )
    inbox = min(vdab.topics("Read"))
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        node = admin._client.get_random_node()
        with pytest.raises(KafkaConnectionError):  # Tansu drops the connection
            await admin._client.send(
                node,
                CreateAclsRequest(
                    _TOPIC, inbox, _LITERAL, "User:connector-vdab", "*", _READ, _ALLOW
                ),
            )
        described = await admin._client.send(
            node, DescribeAclsRequest(_ANY, None, _ANY, None, None, _ANY, _ANY)
        )
        assert described.error_code == 0
        assert described.resources == []
    finally:
        await admin.close()
