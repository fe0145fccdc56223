"""The processes a benchmark measures, started the way an operator starts them.

The router, the connectors and the simulators run as ``hub`` sub-commands in their own
processes, the peer pipelines as ``python -m``; each is stopped by SIGTERM, and its
peak resident memory is read from ``/proc`` before it stops. A process that exits with
EX_TEMPFAIL (a router whose broker did not answer its start-up) is started again, as
``hub up``'s supervisor would: throughput counts from the first output, so a restart
before it costs the figure nothing.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping, Sequence
from contextlib import AsyncExitStack
from pathlib import Path

from hub.bench.exceptions import BenchError
from hub.broker.process import ManagedProcess
from hub.lifecycle import Lifecycle
from hub.logging import get_logger

__all__ = ["BenchProcess", "ProcessGroup", "peak_rss_mb"]

log = get_logger(__name__)

_RESTARTS = 3  # starts again after EX_TEMPFAIL, per process


def peak_rss_mb(pid: int) -> float:
    """Return the peak resident set size (VmHWM) of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise BenchError(f"no VmHWM for process {pid}")


class _Watched(Lifecycle):
    """A measured process or group of them, watched while the measurement runs."""

    def check_alive(self) -> None:
        """Raise BenchError if a process has exited."""
        raise NotImplementedError

    async def watch(self, work: asyncio.Future | asyncio.Task) -> None:
        """Wait for *work*, failing fast if a process dies meanwhile."""
        try:
            while not work.done():
                self.check_alive()
                await asyncio.wait({work}, timeout=0.5)
        except BaseException:
            work.cancel()
            work.add_done_callback(_retrieved)  # cancelled by this failure: nothing to report
            raise
        work.result()


def _retrieved(work: asyncio.Future) -> None:
    """Mark the outcome of *work* as seen, so asyncio does not log it as never retrieved."""
    if not work.cancelled():
        work.exception()


class BenchProcess(_Watched):
    """One measured child process; an async context manager that always stops it."""

    def __init__(
        self,
        name: str,
        args: Sequence[str],
        *,
        log_dir: Path,
        env: Mapping[str, str],
        module: str = "hub",
    ) -> None:
        self._process = ManagedProcess(
            name,
            [sys.executable, "-m", module, *args],
            log_file=log_dir / f"{name}.log",
            env={**os.environ, **env},
        )
        self._restarts = 0

    def check_alive(self) -> None:
        """Raise BenchError with the end of its log if the process has exited; start it
        again if it asked to be (EX_TEMPFAIL), a few times."""
        code = self._process.exit_code()
        if code == os.EX_TEMPFAIL and self._restarts < _RESTARTS:
            self._restarts += 1
            log.warning(
                "bench_process_restarted",
                name=self._process.name,
                restarts=self._restarts,
                reason=self._process.log_tail(1),
            )
            self._process.start()
            return
        if code is not None:
            raise BenchError(
                f"{self._process.name} exited with code {code}:\n{self._process.log_tail()}"
            )

    def pids(self) -> list[int]:
        """Return the process id while it runs (a restart gives a new one)."""
        pid = self._process.pid
        return [] if pid is None or self._process.exit_code() is not None else [pid]

    def peak_rss_mb(self) -> float:
        """Return the process's peak resident memory so far, in MB."""
        self.check_alive()
        assert self._process.pid is not None
        return peak_rss_mb(self._process.pid)

    async def start(self) -> None:
        """Start the process."""
        self._process.start()

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL after 20 s."""
        await self._process.stop(grace_s=20)


class ProcessGroup(_Watched):
    """Several measured processes started and stopped together: router replicas in one
    consumer group, which is how the router scales out (Kafka splits the partitions)."""

    def __init__(self, processes: Sequence[BenchProcess]) -> None:
        self.processes = list(processes)
        self._stack = AsyncExitStack()

    def check_alive(self) -> None:
        """Raise BenchError if any of the processes has exited."""
        for process in self.processes:
            process.check_alive()

    def pids(self) -> list[int]:
        """Return the ids of the processes running now."""
        return [pid for process in self.processes for pid in process.pids()]

    def peak_rss_mb(self) -> float:
        """Return the largest peak resident memory of one process, in MB."""
        return max(process.peak_rss_mb() for process in self.processes)

    async def start(self) -> None:
        """Start every process."""
        for process in self.processes:
            await self._stack.enter_async_context(process)

    async def stop(self) -> None:
        """Stop every process (each gets SIGTERM, then SIGKILL after 20 s)."""
        await self._stack.aclose()
