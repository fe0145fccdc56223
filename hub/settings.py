"""Typed settings, read once at the entry point and passed down.

Every field has a default, an environment variable (``HUB_`` + the field name in
upper case) and a description; the README's configuration table lists them.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from hub import paths
from hub.exceptions import ConfigurationError

__all__ = ["EnvSettings", "HubSettings", "KafkaSettings", "RouterSettings"]


class EnvSettings(BaseSettings):
    """Settings read from the environment; a value pydantic refuses becomes a
    ConfigurationError naming the variable, so every command reports it in one line."""

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            prefix = str(self.model_config.get("env_prefix", ""))
            refused = "; ".join(
                f"{(prefix + '_'.join(str(part) for part in error['loc'])).upper()}: "
                f"{error['msg']} (got {error['input']!r})"
                for error in exc.errors(include_url=False)
            )
            raise ConfigurationError(f"invalid setting: {refused}") from exc


class KafkaSettings(EnvSettings):
    """How every hub component reaches the Kafka cluster."""

    model_config = SettingsConfigDict(env_prefix="HUB_", extra="ignore")

    bootstrap_servers: str | None = Field(
        default=None,
        description="Kafka bootstrap servers (host:port,...). Unset: the embedded broker is used.",
    )
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="Kafka security protocol."
    )
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = Field(
        default=None, description="SASL mechanism when the protocol is SASL_*."
    )
    sasl_username: str | None = Field(default=None, description="SASL user (the principal).")
    sasl_password: SecretStr | None = Field(default=None, description="SASL password.")
    ssl_cafile: Path | None = Field(default=None, description="CA bundle to verify the brokers.")
    fetch_max_wait_ms: int = Field(
        default=50,
        description=(
            "Longest a fetch waits for data. The embedded broker does not wake waiting "
            "fetches, so this bounds per-hop latency; keep >= 50 on durable storage."
        ),
    )
    session_timeout_ms: int = Field(
        default=10_000,
        description="Consumer-group session timeout; new groups join after about half of it.",
    )

    def client_options(self) -> dict[str, object]:
        """Return the keyword arguments common to aiokafka producers, consumers and admin.

        Raises:
            ConfigurationError: no bootstrap servers or one that is not host:port, SASL
                settings that the protocol would ignore or that lack a user or password,
                or a CA bundle that cannot be read.
        """
        if not self.bootstrap_servers:
            raise ConfigurationError(
                "no Kafka bootstrap servers: set HUB_BOOTSTRAP_SERVERS "
                "(127.0.0.1:9092 for the embedded broker `hub up` starts)"
            )
        for server in self.bootstrap_servers.split(","):
            host, _, port = server.strip().rpartition(":")
            if not (host and port.isdigit() and 0 < int(port) < 65536):
                raise ConfigurationError(
                    f"bootstrap server {server.strip()!r} is not host:port (port 1-65535)"
                )
        options: dict[str, object] = {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": self.security_protocol,
        }
        sasl = self.security_protocol.startswith("SASL_")
        if self.sasl_mechanism and not sasl:
            raise ConfigurationError(
                f"HUB_SASL_MECHANISM is set, but HUB_SECURITY_PROTOCOL {self.security_protocol} "
                "does not use SASL: choose SASL_PLAINTEXT or SASL_SSL"
            )
        if sasl:
            if not (self.sasl_mechanism and self.sasl_username and self.sasl_password):
                raise ConfigurationError(
                    f"HUB_SECURITY_PROTOCOL {self.security_protocol} needs HUB_SASL_MECHANISM, "
                    "HUB_SASL_USERNAME and HUB_SASL_PASSWORD"
                )
            options["sasl_mechanism"] = self.sasl_mechanism
            options["sasl_plain_username"] = self.sasl_username
            options["sasl_plain_password"] = self.sasl_password.get_secret_value()
        if self.security_protocol in ("SSL", "SASL_SSL"):
            options["ssl_context"] = self._ssl_context()
        return options

    def _ssl_context(self) -> ssl.SSLContext:
        from aiokafka.helpers import create_ssl_context

        try:
            return create_ssl_context(cafile=str(self.ssl_cafile) if self.ssl_cafile else None)
        except OSError as exc:  # a missing file, or ssl.SSLError for one that is not PEM
            raise ConfigurationError(
                f"HUB_SSL_CAFILE {self.ssl_cafile}: cannot load the CA bundle ({exc})"
            ) from exc


class HubSettings(EnvSettings):
    """Settings shared by every hub command."""

    model_config = SettingsConfigDict(env_prefix="HUB_", extra="ignore")

    log_level: str = Field(default="INFO", description="Log level for hub loggers.")
    log_format: Literal["auto", "json", "console"] = Field(
        default="auto", description="auto: console on a terminal, JSON lines otherwise."
    )
    schema_dir: Path = Field(default_factory=paths.schema_dir, description="Folder of .avsc files.")
    topics_dir: Path = Field(
        default_factory=paths.topics_dir, description="Folder of the topic catalogue."
    )
    data_dir: Path = Field(
        default=Path("data"), description="Where the durable embedded broker keeps its data."
    )


class RouterSettings(EnvSettings):
    """Settings of the router worker."""

    model_config = SettingsConfigDict(env_prefix="HUB_ROUTER_", extra="ignore")

    app_id: str = Field(
        default="hub-router",
        description="Consumer group of the router; its state topic is <app id>-subject-state.",
    )
    pseudonym_keys_file: Path | None = Field(
        default=None,
        description=(
            "JSON file {service: hex key} for the keyed pseudonyms, one key per destination. "
            "A destination without a key gets the field removed instead."
        ),
    )
    commit_interval_s: float = Field(
        default=0.2,
        description="How often offsets commit; produced records are flushed before each commit.",
    )
    changelog_replication_factor: int = Field(
        default=1, description="Replication of the state changelog topic (3 on a real cluster)."
    )
    producer_batch_bytes: int = Field(
        default=1_000_000,
        description=(
            "Size of the router's produce batches. It writes about 4 KB per event into each "
            "audit partition and inbox; keep it under the brokers' message.max.bytes (1 MB)."
        ),
    )
    producer_compression: Literal["none", "snappy", "zstd", "gzip", "lz4"] = Field(
        default="snappy",
        description=(
            "Compression of the router's outputs (the state changelog stays uncompressed). "
            "Its decisions repeat hashes, reasons and headers: with snappy the broker "
            "stores and serves about a quarter of the bytes, for little CPU on the router; "
            "zstd about half of snappy's, for a little more; lz4 costs aiokafka far more."
        ),
    )
    start_timeout_s: float = Field(
        default=60.0,
        description=(
            "Longest the router waits for the broker while starting (changelog, connections); "
            "then it exits with an error, for its supervisor to start it again. The group "
            "join and reading back the people's state come after, and are not bounded by it."
        ),
    )
    join_timeout_s: float = Field(
        default=120.0,
        description=(
            "Longest the router waits for its consumer group to complete a join, at start and "
            "at every rebalance; then it exits with an error, for its supervisor to start it "
            "again as a new member. The embedded broker was seen to leave a join waiting for "
            "good after members had left."
        ),
    )
    state_dir: Path | None = Field(
        default=None,
        description=(
            "Directory of the router's local store of subject state, one per router: emptied "
            "at start (the changelog rebuilds it) and deleted at stop. Unset: a temporary one."
        ),
    )
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Port of the router's Prometheus /metrics (unset: not served).",
    )
    metrics_host: str = Field(
        default="127.0.0.1",
        description=(
            "Address /metrics listens on: loopback by default, 0.0.0.0 in a container so "
            "Prometheus and probes reach it from outside."
        ),
    )
