"""SeaweedFS as the S3 store behind the durable embedded broker.

Every port (master, volume, filer, S3, and their gRPC ports) is a free loopback port,
chosen once and kept in the data folder so that a restart finds the same setup; the
optional Iceberg and Lance servers are switched off.

SeaweedFS also listens on Unix sockets named after those ports in ``/tmp`` and leaves
them behind when it stops; they are removed once it has exited.
"""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import httpx

from hub.broker.exceptions import BrokerStartError
from hub.broker.process import ManagedProcess, free_port, resolve_weed
from hub.logging import get_logger

__all__ = ["BUCKET", "SeaweedFS"]

log = get_logger(__name__)

BUCKET = "tansu"
_PORT_NAMES = (
    "master",
    "master_grpc",
    "volume",
    "volume_grpc",
    "filer",
    "filer_grpc",
    "s3",
    "s3_grpc",
)
_START_ATTEMPTS = 3
# where this SeaweedFS version puts its Unix sockets, whatever TMPDIR says
_SOCKET_DIR = Path("/tmp")


class SeaweedFS:
    """A single-node SeaweedFS with its S3 gateway, data under *data_dir*."""

    def __init__(self, data_dir: Path, host: str = "127.0.0.1") -> None:
        self.data_dir = data_dir
        self.host = host
        self.ports, self._ports_are_new = self._ports()
        self._process = self._new_process()

    def _new_process(self) -> ManagedProcess:
        return ManagedProcess(
            "seaweedfs",
            [
                resolve_weed(),
                "server",
                "-s3",
                f"-dir={self.data_dir}",
                f"-ip={self.host}",
                f"-ip.bind={self.host}",
                f"-master.port={self.ports['master']}",
                f"-master.port.grpc={self.ports['master_grpc']}",
                f"-volume.port={self.ports['volume']}",
                f"-volume.port.grpc={self.ports['volume_grpc']}",
                f"-filer.port={self.ports['filer']}",
                f"-filer.port.grpc={self.ports['filer_grpc']}",
                f"-s3.port={self.ports['s3']}",
                f"-s3.port.grpc={self.ports['s3_grpc']}",
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                "-master.volumeSizeLimitMB=256",
                "-volume.preStopSeconds=0",  # else it idles 10 s before stopping
            ],
            log_file=self.data_dir.parent / "logs" / "seaweedfs.log",
        )

    @property
    def endpoint(self) -> str:
        """Return the S3 endpoint URL."""
        return f"http://{self.host}:{self.ports['s3']}"

    def _ports(self, *, fresh: bool = False) -> tuple[dict[str, int], bool]:
        """Reuse the ports of an earlier run in this folder, or pick free ones.

        Returns the ports and whether they were picked now (a new folder).
        """
        saved = self.data_dir / "ports.json"
        if saved.exists() and not fresh:
            ports = json.loads(saved.read_text())
            if set(ports) == set(_PORT_NAMES):
                return {name: int(port) for name, port in ports.items()}, False
        picked: set[int] = set()
        while len(picked) < len(_PORT_NAMES):  # distinct, even if the OS hands one out twice
            picked.add(free_port(self.host))
        ports = dict(zip(_PORT_NAMES, sorted(picked), strict=True))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(ports))
        return ports, True

    async def start(self, timeout_s: float = 60.0) -> None:
        """Start SeaweedFS, wait for S3 to answer, and make sure the bucket exists.

        In a new folder a port picked as free may be taken by another program before
        SeaweedFS binds it; then it starts again on other free ports, up to three times.
        """
        for attempt in range(1, _START_ATTEMPTS + 1):
            try:
                return await self._start_once(timeout_s)
            except BrokerStartError:
                if not self._ports_are_new or attempt == _START_ATTEMPTS:
                    raise
                await self._process.stop(grace_s=5.0)
                self._remove_sockets()
                log.warning("seaweedfs_restarted_on_new_ports", attempt=attempt)
                self.ports, self._ports_are_new = self._ports(fresh=True)
                self._process = self._new_process()

    async def _start_once(self, timeout_s: float) -> None:
        self._process.start()
        async with httpx.AsyncClient(timeout=2.0) as client:
            deadline = asyncio.get_running_loop().time() + timeout_s
            while True:
                if self._process.exit_code() is not None:
                    raise BrokerStartError(f"SeaweedFS exited:\n{self._process.log_tail()}")
                try:
                    answer = await client.put(f"{self.endpoint}/{BUCKET}")
                    if answer.status_code in (200, 409):
                        break
                except httpx.TransportError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise BrokerStartError(
                        f"SeaweedFS S3 did not answer within {timeout_s:.0f} s:\n{self._process.log_tail()}"
                    )
                await asyncio.sleep(0.2)
        log.info(
            "seaweedfs_ready", endpoint=self.endpoint, bucket=BUCKET, data_dir=str(self.data_dir)
        )

    async def stop(self) -> None:
        """Stop SeaweedFS: this version takes about 15.5 s to shut its servers down by itself,
        so it gets time to finish rather than being killed with its metadata half written."""
        await self._process.stop(grace_s=25.0)
        self._remove_sockets()

    def socket_paths(self) -> list[Path]:
        """Return the Unix sockets SeaweedFS opens for these ports: gRPC for each server,
        and a local socket for the filer and the S3 gateway."""
        names = [
            f"seaweedfs-{server}-grpc-{self.ports[f'{server}_grpc']}.sock"
            for server in ("master", "volume", "filer", "s3")
        ]
        names += [f"seaweedfs-{server}-{self.ports[server]}.sock" for server in ("filer", "s3")]
        return [_SOCKET_DIR / name for name in names]

    def _remove_sockets(self) -> None:
        """Remove the sockets the stopped SeaweedFS left (only sockets, never other files)."""
        for path in self.socket_paths():
            try:
                if stat.S_ISSOCK(path.lstat().st_mode):
                    path.unlink()
            except FileNotFoundError:
                continue
