"""The lag-monitor service: sampling, the audit tail and the dashboard in one process.

``hub lag serve`` runs it and ``hub up`` supervises it. Each sample sets the Prometheus
gauges; the audit tail feeds the flow matrix, the latest decisions and dead letters, and
the decision counters. Starts and stops like every hub component.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from hub.codec import AvroCodec
from hub.flows import FlowCounter
from hub.lag import GroupLag, LagMonitor, MonitorSettings, OffsetReader
from hub.lifecycle import Lifecycle
from hub.logging import get_logger
from hub.metrics import record_lag
from hub.web.activity import Activity
from hub.web.server import DashboardServer
from hub.web.state import dashboard_state

__all__ = ["MonitorService"]

log = get_logger(__name__)


class MonitorService(Lifecycle):
    """Samples lag, tails the audit, serves the dashboard and ``/metrics``."""

    def __init__(
        self,
        *,
        client_options: Mapping[str, Any],
        codec: AvroCodec,
        groups: Mapping[str, Sequence[str]],
        services: Sequence[str],
        settings: MonitorSettings | None = None,
        embedded: bool | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._reader = OffsetReader(client_options)
        self.monitor = LagMonitor(self._reader, groups, settings)
        self.activity = Activity()
        self.flows = FlowCounter(codec, dict(client_options), on_record=self.activity.on_record)
        self._services = list(services)
        self._embedded = embedded
        self.reads_short = bool(embedded)
        self.server = DashboardServer(state=self.state, lag=self.lag, host=host, port=port)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Connect, start the audit tail, the sampling loop and the web server."""
        await self._reader.start()
        if self._embedded is None:
            self.reads_short = await self._reader.is_embedded_broker()
        await self.flows.start()
        await self.server.start()
        self._stop.clear()
        self._task = asyncio.create_task(self.monitor.run(self._stop, self._on_sample))
        log.info(
            "lag_monitor_started",
            dashboard=self.server.url,
            groups=list(self.monitor.groups),
            reads_short=self.reads_short,
        )

    def _on_sample(self, report: list[GroupLag]) -> None:
        record_lag(report, reads_short=self.reads_short)

    def lag(self) -> list[dict[str, Any]]:
        """Return the latest lag report as JSON."""
        return [group.to_dict() for group in self.monitor.report]

    def state(self) -> dict[str, Any]:
        """Return the dashboard's document."""
        settings = self.monitor.settings
        return dashboard_state(
            groups=self.monitor.report,
            trends=self.monitor.trends,
            flows=self.flows.flows,
            dead_letter_total=self.flows.dead_letters,
            activity=self.activity,
            services=self._services,
            reads_short=self.reads_short,
            monitor={
                "interval_s": settings.interval_s,
                "window": settings.window,
                "samples": self.monitor.samples,
            },
        )

    async def stop(self) -> None:
        """Stop sampling and serving, then close the clients."""
        self._stop.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self.server.stop()
        await self.flows.stop()
        await self._reader.stop()
        log.info("lag_monitor_stopped")
