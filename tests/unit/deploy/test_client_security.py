"""Every component takes its Kafka security settings from the HUB_* environment.

aiokafka clients (router, connectors, audit, lag, topics apply) get them from
``KafkaSettings.client_options()``.
"""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import pytest

from hub.exceptions import ConfigurationError
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


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"HUB_SECURITY_PROTOCOL": "PLAINTEXT"}, "does not use SASL"),
        ({"HUB_SASL_PASSWORD": ""}, "needs HUB_SASL_MECHANISM, HUB_SASL_USERNAME and"),
        ({"HUB_SSL_CAFILE": "/nonexistent/ca.pem"}, "/nonexistent/ca.pem"),
        ({"HUB_BOOTSTRAP_SERVERS": ""}, "set HUB_BOOTSTRAP_SERVERS"),
        ({"HUB_BOOTSTRAP_SERVERS": "kafka-1:9094,kafka-2"}, "'kafka-2' is not host:port"),
        ({"HUB_BOOTSTRAP_SERVERS": "127.0.0.1:99999"}, "'127.0.0.1:99999' is not host:port"),
    ],
    ids=[
        "sasl-over-plaintext",
        "sasl-without-password",
        "missing-ca-bundle",
        "no-bootstrap",
        "no-port",
        "port-out-of-range",
    ],
)
def test_settings_a_client_cannot_use_are_refused_with_the_variable_named(
    scram_env: Path, monkeypatch: pytest.MonkeyPatch, change: dict[str, str], named: str
) -> None:
    for key, value in change.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigurationError, match=named):
        KafkaSettings().client_options()


def test_a_ca_bundle_that_is_not_pem_is_refused(
    scram_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not a certificate\n")
    monkeypatch.setenv("HUB_SSL_CAFILE", str(bundle))
    with pytest.raises(ConfigurationError, match="cannot load the CA bundle"):
        KafkaSettings().client_options()
