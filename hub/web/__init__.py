"""The operators' web view: the lag-monitor service, its dashboard page and ``/metrics``."""

from hub.web.activity import Activity
from hub.web.server import DashboardServer, metrics_response
from hub.web.service import MonitorService
from hub.web.state import READS_SHORT_NOTE, dashboard_state

__all__ = [
    "READS_SHORT_NOTE",
    "Activity",
    "DashboardServer",
    "MonitorService",
    "dashboard_state",
    "metrics_response",
]
