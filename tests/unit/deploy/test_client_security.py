"""Every component takes its Kafka security settings from the HUB_* environment.

aiokafka clients (connectors, audit, lag, topics apply) get them from
``KafkaSettings.client_options()``; the router's faust app gets them from its transport,
because faust builds its clients from ``broker_credentials`` alone.
"""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import faust
import pytest

from hub.router.faust_transport import SCHEME, broker_credentials, register
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


def test_faust_credentials_carry_scram_and_tls(scram_env: Path) -> None:
    credentials = broker_credentials(KafkaSettings())
    assert isinstance(credentials, faust.SASLCredentials)
    assert (credentials.username, credentials.password) == ("connector-vdab", "s3cret")
    assert credentials.mechanism.value == "SCRAM-SHA-512"
    assert credentials.protocol.value == "SASL_SSL"
    assert isinstance(credentials.ssl_context, ssl.SSLContext)


@pytest.mark.parametrize(
    ("protocol", "expected"),
    [("PLAINTEXT", type(None)), ("SSL", faust.SSLCredentials)],
)
def test_faust_credentials_without_sasl(protocol: str, expected: type) -> None:
    assert isinstance(broker_credentials(KafkaSettings(security_protocol=protocol)), expected)


def test_router_app_producer_authenticates_from_the_environment(scram_env: Path) -> None:
    app = faust.App(f"test-{SCHEME}", broker=f"{register(50)}://kafka-1:9094")
    auth = app.producer._settings_auth()
    assert auth["security_protocol"] == "SASL_SSL"
    assert auth["sasl_mechanism"] == "SCRAM-SHA-512"
    assert auth["sasl_plain_username"] == "connector-vdab"
    assert auth["sasl_plain_password"] == "s3cret"
