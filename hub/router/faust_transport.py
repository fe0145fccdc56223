"""faust's aiokafka transport with a configurable fetch wait.

faust hard-codes ``fetch_max_wait_ms=1500``. The embedded broker does not wake a
waiting fetch when data arrives, so every hop would wait about half of that; this
transport sets the consumer's wait from configuration before it starts.

faust builds its consumers, producer and admin client from ``app.conf.broker_credentials``
only, never from aiokafka options; so that the router authenticates like every other
component, the transport fills that setting from the HUB_* Kafka settings (SASL
mechanism, user, password, TLS with the CA file) unless the app set it already.
"""

from __future__ import annotations

from typing import Any

import aiokafka
from aiokafka.helpers import create_ssl_context
from faust.auth import SASLCredentials, SSLCredentials
from faust.transport.drivers import TRANSPORTS
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types.auth import CredentialsT

from hub.settings import KafkaSettings

__all__ = ["SCHEME", "broker_credentials", "register"]

SCHEME = "hubkafka"
_fetch_max_wait_ms = 50


class _ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        consumer._fetch_max_wait_ms = _fetch_max_wait_ms  # read by the fetcher at start()
        return consumer


class _Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> _ConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


def broker_credentials(kafka: KafkaSettings) -> CredentialsT | None:
    """Return faust's credentials for the HUB_* security settings (None: PLAINTEXT)."""
    context = None
    if kafka.security_protocol in ("SSL", "SASL_SSL"):
        context = create_ssl_context(cafile=str(kafka.ssl_cafile) if kafka.ssl_cafile else None)
    if kafka.security_protocol.startswith("SASL_"):
        return SASLCredentials(
            username=kafka.sasl_username,
            password=kafka.sasl_password.get_secret_value() if kafka.sasl_password else None,
            ssl_context=context,
            mechanism=kafka.sasl_mechanism or "PLAIN",
        )
    return SSLCredentials(context) if context is not None else None


class Transport(faust_aiokafka.Transport):
    """The aiokafka transport, with the fetch wait and credentials taken from settings."""

    Consumer = _Consumer

    def __init__(self, url: Any, app: Any, *args: Any, **kwargs: Any) -> None:
        if app.conf._broker_credentials is None:  # the stored value: reading it warns on set
            app.conf.broker_credentials = broker_credentials(KafkaSettings())
        super().__init__(url, app, *args, **kwargs)


def register(fetch_max_wait_ms: int) -> str:
    """Make ``hubkafka://`` URLs use this transport; return the scheme."""
    global _fetch_max_wait_ms
    _fetch_max_wait_ms = fetch_max_wait_ms
    TRANSPORTS.aliases[SCHEME] = f"{__name__}:Transport"
    return SCHEME
