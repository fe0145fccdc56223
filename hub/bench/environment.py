"""Where a benchmark runs: a broker with the catalogue applied, and the processes on it.

Without ``HUB_BOOTSTRAP_SERVERS`` every section gets a fresh embedded broker in memory
mode, so one section's records neither slow the next nor pile up in memory.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from hub.bench.processes import BenchProcess, ProcessGroup
from hub.broker import EmbeddedBroker
from hub.catalog import Catalog, apply_catalog

__all__ = ["BenchEnv", "bench_env"]


@dataclass(frozen=True)
class BenchEnv:
    """One broker and what the processes started on it need."""

    bootstrap: str
    catalog: Catalog
    log_dir: Path
    keys_file: Path
    fetch_max_wait_ms: int
    router_group: str
    broker_pids: tuple[int, ...] = ()  # the embedded broker's; none for a configured cluster

    @property
    def options(self) -> dict[str, Any]:
        """Return aiokafka client options."""
        return {"bootstrap_servers": self.bootstrap}

    @property
    def router_inputs(self) -> list[str]:
        """Return every topic the router consumes."""
        return sorted(t.name for t in self.catalog.topics.values() if t.direction == "out")

    def _env(self) -> dict[str, str]:
        return {
            "HUB_BOOTSTRAP_SERVERS": self.bootstrap,
            "HUB_FETCH_MAX_WAIT_MS": str(self.fetch_max_wait_ms),
            "HUB_LOG_FORMAT": "json",
            "HUB_LOG_LEVEL": "WARNING",
        }

    def router(self, name: str = "router") -> BenchProcess:
        """Return ``hub router`` in the benchmark's consumer group."""
        return BenchProcess(
            name,
            ["router"],
            log_dir=self.log_dir,
            env=self._env()
            | {
                "HUB_ROUTER_APP_ID": self.router_group,
                "HUB_ROUTER_PSEUDONYM_KEYS_FILE": str(self.keys_file),
            },
        )

    def routers(self, count: int, name: str = "router") -> ProcessGroup:
        """Return *count* router processes in the benchmark's group: the router's scale-out."""
        names = [name] if count == 1 else [f"{name}-{index}" for index in range(1, count + 1)]
        return ProcessGroup([self.router(each) for each in names])

    def hub(self, name: str, *args: str) -> BenchProcess:
        """Return any ``hub`` sub-command (connector, simulator) on this broker."""
        return BenchProcess(name, list(args), log_dir=self.log_dir, env=self._env())

    def module(self, name: str, module: str, *args: str) -> BenchProcess:
        """Return ``python -m module args`` (the peer pipelines)."""
        return BenchProcess(name, list(args), log_dir=self.log_dir, env=self._env(), module=module)


async def _skip_history(options: dict[str, Any], group: str, topics: Iterable[str]) -> None:
    """Commit *group* at the end of *topics*, so a router on a shared cluster starts there."""
    consumer = AIOKafkaConsumer(group_id=group, enable_auto_commit=False, **options)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [
            TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()
        ]
        ends = await consumer.end_offsets(partitions)
        consumer.assign(partitions)
        await consumer.commit({tp: offset for tp, offset in ends.items()})
    finally:
        await consumer.stop()


@asynccontextmanager
async def bench_env(
    section: str, *, work_dir: Path, keys_file: Path, catalog: Catalog, fetch_max_wait_ms: int
) -> AsyncIterator[BenchEnv]:
    """Yield a broker for one section: the configured cluster, else a fresh embedded one."""
    log_dir = work_dir / section
    group = f"bench-router-{os.urandom(3).hex()}"
    external = os.environ.get("HUB_BOOTSTRAP_SERVERS")
    broker = None if external else EmbeddedBroker(mode="memory")
    if broker is not None:
        await broker.start()
    try:
        bootstrap = external or broker.bootstrap_servers  # type: ignore[union-attr]
        env = BenchEnv(
            bootstrap,
            catalog,
            log_dir,
            keys_file,
            fetch_max_wait_ms,
            group,
            broker.pids if broker is not None else (),
        )
        await apply_catalog(catalog, env.options)
        if external:
            await _skip_history(env.options, group, env.router_inputs)
        yield env
    finally:
        if broker is not None:
            await broker.stop()
