"""Every component takes its Kafka security settings from the HUB_* environment.

aiokafka clients (router, connectors, audit, lag, topics apply) get them from
``KafkaSettings.client_options()``.
"""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import pytest

from hub.settings import KafkaSettings

_SCRAM_OVER_TLS = {
    "HUB_BOOTSTRAP_SERVERS": "kafka-1:9094,kafka-2:9094",
    "HUB_SECURITY_PROTOCOL": "SASL_SSL",
    "HUB_SASL_MECHANISM": "SCRAM-SHA-512",
    "HUB_SASL_USERNAME": "connector-vdab",
    "HUB_SASL_PASSWORD": "s3cret",
}


@pytest.fixture
def scram_env(monkeypatch: pytest.MonkeyPatch) -> Path:
    ca = Path(certifi.where())  # any valid CA bundle will do
    for key, value in {**_SCRAM_OVER_TLS, "HUB_SSL_CAFILE": str(ca)}.items():
        monkeypatch.setenv(key, value)
    return ca


def test_aiokafka_options_carry_scram_and_tls(scram_env: Path) -> None:
    options = KafkaSettings().client_options()
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["sasl_plain_username"] == "connector-vdab"
    assert options["sasl_plain_password"] == "s3cret"
    assert isinstance(options["ssl_context"], ssl.SSLContext)
