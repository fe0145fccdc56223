"""The dashboard server on loopback: the page, its JSON and Prometheus metrics."""

from __future__ import annotations

import httpx

from hub.web import DashboardServer


async def test_serves_page_state_lag_and_metrics_on_a_free_port() -> None:
    server = DashboardServer(state=lambda: {"groups": []}, lag=lambda: [{"group": "g"}])
    await server.start()
    try:
        assert server.port > 0
        async with httpx.AsyncClient(base_url=server.url, timeout=5) as client:
            page = await client.get("/")
            assert page.headers["content-type"].startswith("text/html")
            assert "api/state" in page.text  # the page refreshes itself from it
            assert (await client.get("/api/state")).json() == {"groups": []}
            assert (await client.get("/api/lag")).json() == [{"group": "g"}]
            metrics = await client.get("/metrics")
            assert metrics.headers["content-type"].startswith("text/plain")
            assert "hub_consumergroup_lag" in metrics.text
            assert (await client.get("/health")).json() == {"status": "ok"}
    finally:
        await server.stop()
