"""The embedded Kafka-protocol broker: Tansu in memory, or Tansu on SeaweedFS (durable).

Used when no ``HUB_BOOTSTRAP_SERVERS`` is configured: by ``hub broker start``, ``hub up``
and the test fixtures. It starts, waits until Kafka metadata answers, and stops every
process it started, also when start-up fails half way.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from pathlib import Path
from typing import Literal

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from hub.broker.exceptions import BrokerError, BrokerStartError
from hub.broker.process import ManagedProcess, free_port, tansu_command
from hub.broker.seaweedfs import BUCKET, SeaweedFS
from hub.lifecycle import Lifecycle
from hub.logging import get_logger

__all__ = ["EmbeddedBroker"]

log = get_logger(__name__)

Mode = Literal["memory", "durable"]


class EmbeddedBroker(Lifecycle):
    """Tansu, and in durable mode SeaweedFS, as one start/stop unit."""

    def __init__(
        self,
        *,
        mode: Mode = "memory",
        data_dir: Path | None = None,
        port: int | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        if mode == "durable" and data_dir is None:
            raise BrokerError("the durable broker needs a data folder")
        self.mode = mode
        self.host = host
        self.port = port or free_port(host)
        self._temp: tempfile.TemporaryDirectory[str] | None = None
        self.data_dir = Path(data_dir) if data_dir else None
        self._storage: SeaweedFS | None = None
        self._tansu: ManagedProcess | None = None

    @property
    def bootstrap_servers(self) -> str:
        """Return ``host:port`` for Kafka clients."""
        return f"{self.host}:{self.port}"

    @property
    def storage(self) -> SeaweedFS | None:
        """Return the S3 store of the durable mode while it runs."""
        return self._storage

    @property
    def pids(self) -> tuple[int, ...]:
        """Return the id of Tansu's process while it runs (for resource readings)."""
        pid = self._tansu.pid if self._tansu is not None else None
        return () if pid is None else (pid,)

    async def start(self, timeout_s: float = 60.0) -> None:
        """Start the processes and wait until Kafka metadata answers."""
        try:
            await self._start(timeout_s)
        except BaseException:
            await self.stop()
            raise
        log.info(
            "broker_ready",
            mode=self.mode,
            bootstrap_servers=self.bootstrap_servers,
            data_dir=str(self.data_dir) if self.data_dir else None,
        )

    async def _start(self, timeout_s: float) -> None:
        url = f"tcp://{self.bootstrap_servers}"
        env = dict(os.environ)
        if self.mode == "durable":
            assert self.data_dir is not None
            self._storage = SeaweedFS(self.data_dir / "seaweedfs", self.host)
            await self._storage.start()
            storage_engine = f"s3://{BUCKET}/"
            env.update(
                AWS_ENDPOINT=self._storage.endpoint,
                AWS_ACCESS_KEY_ID="hub",
                AWS_SECRET_ACCESS_KEY="hub-local",
                AWS_DEFAULT_REGION="eu-west-1",
                AWS_ALLOW_HTTP="true",
            )
            logs = self.data_dir / "logs"
        else:
            self._temp = tempfile.TemporaryDirectory(prefix="hub-broker-")
            storage_engine = "memory://tansu/"
            logs = Path(self._temp.name)
        self._tansu = ManagedProcess(
            "tansu",
            tansu_command(url, storage_engine),
            log_file=logs / "tansu.log",
            env=env,
        )
        self._tansu.start()
        await self._wait_for_metadata(timeout_s)

    async def _wait_for_metadata(self, timeout_s: float) -> None:
        assert self._tansu is not None
        # aiokafka logs every refused connection as an error while the broker boots
        client_log = logging.getLogger("aiokafka")
        level = client_log.level
        client_log.setLevel(logging.CRITICAL)
        try:
            await self._poll_metadata(timeout_s)
        finally:
            client_log.setLevel(level)

    async def _poll_metadata(self, timeout_s: float) -> None:
        assert self._tansu is not None
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            if self._tansu.exit_code() is not None:
                raise BrokerStartError(
                    f"Tansu exited with code {self._tansu.exit_code()}:\n{self._tansu.log_tail()}"
                )
            admin = AIOKafkaAdminClient(
                bootstrap_servers=self.bootstrap_servers, request_timeout_ms=2000
            )
            try:
                await admin.start()
                await admin.describe_cluster()
                return
            except KafkaError:
                pass
            finally:
                await admin.close()
            if asyncio.get_running_loop().time() > deadline:
                raise BrokerStartError(
                    f"Tansu did not answer Kafka metadata on {self.bootstrap_servers} within "
                    f"{timeout_s:.0f} s:\n{self._tansu.log_tail()}"
                )
            await asyncio.sleep(0.2)

    async def stop(self) -> None:
        """Stop Tansu, then its storage; safe to call more than once."""
        if self._tansu is not None:
            await self._tansu.stop()
            self._tansu = None
        if self._storage is not None:
            await self._storage.stop()
            self._storage = None
        if self._temp is not None:
            self._temp.cleanup()
            self._temp = None
