"""faust's aiokafka transport with a configurable fetch wait.

faust hard-codes ``fetch_max_wait_ms=1500``. The embedded broker does not wake a
waiting fetch when data arrives, so every hop would wait about half of that; this
transport sets the consumer's wait from configuration before it starts.
"""

from __future__ import annotations

from typing import Any

import aiokafka
from faust.transport.drivers import TRANSPORTS
from faust.transport.drivers import aiokafka as faust_aiokafka

__all__ = ["SCHEME", "register"]

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


class Transport(faust_aiokafka.Transport):
    """The aiokafka transport, with the fetch wait taken from settings."""

    Consumer = _Consumer


def register(fetch_max_wait_ms: int) -> str:
    """Make ``hubkafka://`` URLs use this transport; return the scheme."""
    global _fetch_max_wait_ms
    _fetch_max_wait_ms = fetch_max_wait_ms
    TRANSPORTS.aliases[SCHEME] = f"{__name__}:Transport"
    return SCHEME
