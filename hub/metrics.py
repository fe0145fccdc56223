"""Every Prometheus metric the hub exports, defined once; Grafana reads these names.

Three kinds of process export them, each on its own ``/metrics``:

- the lag monitor (``hub lag serve``): consumer-group lag and Burrow status, and the
  routing decisions and dead letters as the audit and dead-letter topics record them, so
  they are counted once however many router replicas run and include what happened
  before the monitor started;
- the router: what only the process knows, i.e. events read, dead letters it wrote and
  the time a decision takes (a prometheus-client HTTP server on HUB_ROUTER_METRICS_PORT);
- each connector, on its health port: deliveries, retries, failures and the latency of
  the service's API.

Burrow status values are its codes: 0 NOTFOUND, 1 OK, 2 WARN, 3 ERR, 4 STOP, 5 STALL,
6 REWIND.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from hub.lag.model import GroupLag

__all__ = [
    "CONNECTOR_API_SECONDS",
    "CONNECTOR_DELIVERIES",
    "CONNECTOR_FAILURES",
    "CONNECTOR_RETRIES",
    "DEAD_LETTERS",
    "DECISIONS",
    "GROUP_LAG",
    "GROUP_MAX_LAG_SECONDS",
    "GROUP_STATUS",
    "LAG_READS_SHORT",
    "PARTITION_COMMITTED",
    "PARTITION_END",
    "PARTITION_LAG",
    "PARTITION_LAG_SECONDS",
    "PARTITION_STATUS",
    "ROUTER_DEAD_LETTERS",
    "ROUTER_DECISION_SECONDS",
    "ROUTER_EVENTS",
    "count_audit_record",
    "observe_routed",
    "record_lag",
    "serve_metrics",
]

_PARTITION = ("group", "topic", "partition")

# --- lag monitor: consumer groups ---------------------------------------------------------
PARTITION_LAG = Gauge("hub_consumergroup_lag", "Messages behind the log end.", _PARTITION)
PARTITION_LAG_SECONDS = Gauge(
    "hub_consumergroup_lag_seconds",
    "Age of the oldest unread message, interpolated on log-end samples (NaN: too few).",
    _PARTITION,
)
PARTITION_COMMITTED = Gauge(
    "hub_consumergroup_committed_offset", "Committed offset (-1: none yet).", _PARTITION
)
PARTITION_END = Gauge("hub_partition_end_offset", "Log-end offset.", ("topic", "partition"))
PARTITION_STATUS = Gauge(
    "hub_consumergroup_partition_status", "Burrow status code of a partition.", _PARTITION
)
GROUP_STATUS = Gauge("hub_consumergroup_status", "Burrow status code of a group.", ("group",))
GROUP_LAG = Gauge("hub_consumergroup_total_lag", "Messages behind, all partitions.", ("group",))
GROUP_MAX_LAG_SECONDS = Gauge(
    "hub_consumergroup_max_lag_seconds", "Oldest unread message over partitions.", ("group",)
)
LAG_READS_SHORT = Gauge(
    "hub_lag_reads_short",
    "1 on the embedded broker, whose log-end offsets (and so lag) read short by up to a batch.",
)

# --- lag monitor: what the audit and dead-letter topics record ----------------------------
DECISIONS = Counter(
    "hub_router_decisions",
    "Routing decisions recorded in hub.audit.",
    ("source", "destination", "event_type", "outcome", "rule"),
)
DEAD_LETTERS = Counter(
    "hub_dead_letters", "Records written to hub.deadletter.", ("stage", "reason_code")
)

# --- router process -----------------------------------------------------------------------
ROUTER_EVENTS = Counter("hub_router_events", "Input records the router read.", ("topic",))
ROUTER_DEAD_LETTERS = Counter("hub_router_dead_letters", "Dead letters the router wrote.")
ROUTER_DECISION_SECONDS = Histogram(
    "hub_router_decision_seconds",
    "Time to decide one input record (decode, policy for every destination, encode).",
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5),
)

# --- connector processes ------------------------------------------------------------------
CONNECTOR_DELIVERIES = Counter(
    "hub_connector_deliveries",
    "Inbox records handed to the service's API, by outcome (DELIVERED, DUPLICATE, ...).",
    ("pes", "kind", "outcome"),
)
CONNECTOR_RETRIES = Counter("hub_connector_retries", "API calls retried.", ("pes",))
CONNECTOR_FAILURES = Counter(
    "hub_connector_failures",
    "Deliveries that failed: rejected (4xx, dead-lettered) or postponed (retries ran out).",
    ("pes", "reason"),
)
CONNECTOR_API_SECONDS = Histogram(
    "hub_connector_api_request_seconds",
    "Time to the response headers of the service's API.",
    ("pes", "method", "status"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def record_lag(groups: Iterable[GroupLag], *, reads_short: bool) -> None:
    """Set the lag gauges from one monitor sample."""
    LAG_READS_SHORT.set(1 if reads_short else 0)
    for group in groups:
        GROUP_STATUS.labels(group.group).set(int(group.status))
        GROUP_LAG.labels(group.group).set(group.lag)
        GROUP_MAX_LAG_SECONDS.labels(group.group).set(_or_nan(group.max_lag_seconds))
        for p in group.partitions:
            labels = (group.group, p.topic, str(p.partition))
            PARTITION_LAG.labels(*labels).set(p.lag)
            PARTITION_LAG_SECONDS.labels(*labels).set(_or_nan(p.lag_seconds))
            PARTITION_COMMITTED.labels(*labels).set(-1 if p.committed is None else p.committed)
            PARTITION_STATUS.labels(*labels).set(int(p.status))
            PARTITION_END.labels(p.topic, str(p.partition)).set(p.end)


def count_audit_record(topic: str, record: dict[str, Any]) -> None:
    """Count one decoded RoutingDecision (hub.audit) or DeadLetter (hub.deadletter)."""
    if "outcome" in record:
        DECISIONS.labels(
            record["source_pes"],
            record["destination_pes"],
            record["event_type"].rpartition(".")[2],
            record["outcome"],
            record.get("rule_id") or "",
        ).inc()
    elif topic == "hub.deadletter":
        DEAD_LETTERS.labels(record.get("stage") or "", record.get("reason_code") or "").inc()


def observe_routed(topic: str, seconds: Sequence[float], dead_letters: int) -> None:
    """Count the input records of one topic the router handled in a batch.

    Called once per topic and batch rather than per record: a labelled counter costs
    microseconds, and the router's budget per event is about a hundred.
    """
    ROUTER_EVENTS.labels(topic).inc(len(seconds))
    for value in seconds:
        ROUTER_DECISION_SECONDS.observe(value)
    if dead_letters:
        ROUTER_DEAD_LETTERS.inc(dead_letters)


def serve_metrics(port: int, host: str = "127.0.0.1") -> None:
    """Serve ``/metrics`` from a background thread (for processes without a web server)."""
    start_http_server(port, addr=host)


def _or_nan(value: float | None) -> float:
    return float("nan") if value is None else value
