"""Fixtures that start processes: one embedded broker per test session, unless
``HUB_BOOTSTRAP_SERVERS`` points at a cluster, in which case nothing is started."""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import Iterator

import pytest

from hub.broker import EmbeddedBroker


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """Bootstrap servers of a real Kafka-protocol broker for the whole session."""
    external = os.environ.get("HUB_BOOTSTRAP_SERVERS")
    if external:
        yield external
        return
    broker = EmbeddedBroker(mode="memory")
    asyncio.run(broker.start())
    try:
        yield broker.bootstrap_servers
    finally:
        asyncio.run(broker.stop())


@pytest.fixture
def unique_topic(request: pytest.FixtureRequest) -> str:
    """A topic name no other test uses."""
    name = re.sub(r"[^a-zA-Z0-9]+", "-", request.node.name)[:60]
    return f"test.{name}.{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session", autouse=True)
def _quiet_logs() -> None:
    """Tests read warnings and errors; debug chatter only hides them."""
    from hub.logging import configure_logging

    configure_logging("WARNING", "console")
