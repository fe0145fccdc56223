"""Run the hub's services as separate processes; restart any that crashes, and say so.

Each service is a command line plus environment. A crash (exit while the supervisor is
running) is logged with the tail of its log and the service is started again after a
back-off that grows with repeated crashes and resets once it has run for a while.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hub.logging import get_logger

__all__ = ["ServiceSpec", "Supervisor"]

log = get_logger(__name__)

_STABLE_AFTER_S = 30.0
_MAX_BACKOFF_S = 30.0


@dataclass(frozen=True)
class ServiceSpec:
    """How to run one service."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    #: services with a higher tier stop first (clients before the servers they call)
    tier: int = 0


@dataclass
class _Running:
    spec: ServiceSpec
    process: asyncio.subprocess.Process | None = None
    restarts: int = 0


class Supervisor:
    """Start, watch and stop a set of services; logs go to ``<log_dir>/<name>.log``."""

    def __init__(self, specs: Sequence[ServiceSpec], *, log_dir: Path) -> None:
        self._services = {spec.name: _Running(spec) for spec in specs}
        self._log_dir = log_dir
        self._stopping = False
        self._watchers: list[asyncio.Task[None]] = []

    def status(self) -> dict[str, tuple[int | None, int]]:
        """Return {name: (pid or None, restarts)}."""
        return {
            name: (
                r.process.pid if r.process and r.process.returncode is None else None,
                r.restarts,
            )
            for name, r in self._services.items()
        }

    async def start(self) -> None:
        """Start every service and watch it."""
        self._log_dir.mkdir(parents=True, exist_ok=True)
        for running in self._services.values():
            self._watchers.append(asyncio.create_task(self._watch(running)))

    async def _spawn(self, running: _Running) -> asyncio.subprocess.Process:
        log_file = (self._log_dir / f"{running.spec.name}.log").open("ab")
        try:
            return await asyncio.create_subprocess_exec(
                *running.spec.argv,
                stdout=log_file,
                stderr=asyncio.subprocess.STDOUT,
                stdin=asyncio.subprocess.DEVNULL,
                env={**os.environ, **running.spec.env},
                start_new_session=True,
            )
        finally:
            log_file.close()

    async def _watch(self, running: _Running) -> None:
        backoff = 1.0
        loop = asyncio.get_running_loop()
        while not self._stopping:
            started = loop.time()
            running.process = await self._spawn(running)
            log.info("service_started", service=running.spec.name, pid=running.process.pid)
            code = await running.process.wait()
            if self._stopping:
                return
            ran_for = loop.time() - started
            backoff = 1.0 if ran_for > _STABLE_AFTER_S else min(backoff * 2, _MAX_BACKOFF_S)
            running.restarts += 1
            log.error(
                "service_crashed",
                service=running.spec.name,
                exit_code=code,
                ran_for_s=round(ran_for, 1),
                restart_in_s=backoff,
                log_tail=self._tail(running.spec.name),
            )
            await asyncio.sleep(backoff)

    def _tail(self, name: str, lines: int = 8) -> str:
        try:
            text = (self._log_dir / f"{name}.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    async def stop(self, grace_s: float = 15.0) -> None:
        """Stop tier by tier, highest first: SIGTERM, wait, SIGKILL what is left."""
        self._stopping = True
        stopped = 0
        for tier in sorted({r.spec.tier for r in self._services.values()}, reverse=True):
            processes = [
                r.process
                for r in self._services.values()
                if r.spec.tier == tier and r.process is not None and r.process.returncode is None
            ]
            await self._terminate(processes, grace_s)
            stopped += len(processes)
        for watcher in self._watchers:
            watcher.cancel()
        await asyncio.gather(*self._watchers, return_exceptions=True)
        log.info("services_stopped", count=stopped)

    @staticmethod
    async def _terminate(processes: list[asyncio.subprocess.Process], grace_s: float) -> None:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.gather(*(p.wait() for p in processes)), grace_s)
        except TimeoutError:
            for process in processes:
                if process.returncode is None:
                    log.warning("service_killed", pid=process.pid)
                    process.kill()
            await asyncio.gather(*(p.wait() for p in processes))
