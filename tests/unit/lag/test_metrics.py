"""Metric export and the Grafana dashboard that reads it."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path

from prometheus_client import REGISTRY

from hub import metrics
from hub.lag import GroupLag, PartitionLag, Status, TrendPoint
from hub.web import Activity, dashboard_state

GRAFANA = Path(__file__).resolve().parents[3] / "deploy" / "grafana" / "hub-dashboard.json"
_SUFFIXES = ("_total", "_bucket", "_count", "_sum", "_created")


def _exported_names() -> set[str]:
    return {sample.name for family in REGISTRY.collect() for sample in family.samples} | {
        family.name for family in REGISTRY.collect()
    }


def _group(name: str, *lags: tuple[int, float | None, Status]) -> GroupLag:
    partitions = tuple(
        PartitionLag(name, "pes.vdab.in.vacancy", i, 10, 10 + lag, lag, seconds, status)
        for i, (lag, seconds, status) in enumerate(lags)
    )
    return GroupLag(name, Status.ERR, 1, partitions)


def test_grafana_reads_only_metrics_the_hub_exports() -> None:
    dashboard = json.loads(GRAFANA.read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    used = {name for expr in exprs for name in re.findall(r"\bhub_[a-z_]+", expr)}
    assert used
    exported = _exported_names()
    for name in used:
        base = next((name[: -len(s)] for s in _SUFFIXES if name.endswith(s)), name)
        assert name in exported or base in exported, name


def test_record_lag_sets_partition_and_group_gauges() -> None:
    group = _group("test-record-lag", (5, 2.5, Status.STALL), (0, 0.0, Status.OK))
    metrics.record_lag([group], reads_short=True)
    get = REGISTRY.get_sample_value
    labels = {"group": "test-record-lag", "topic": "pes.vdab.in.vacancy"}
    assert get("hub_consumergroup_lag", labels | {"partition": "0"}) == 5
    assert get("hub_consumergroup_lag_seconds", labels | {"partition": "0"}) == 2.5
    assert get("hub_consumergroup_partition_status", labels | {"partition": "0"}) == 5
    assert get("hub_consumergroup_status", {"group": "test-record-lag"}) == 3
    assert get("hub_consumergroup_total_lag", {"group": "test-record-lag"}) == 5
    assert get("hub_lag_reads_short") == 1


def test_unknown_lag_seconds_export_as_nan() -> None:
    metrics.record_lag([_group("test-nan", (3, None, Status.OK))], reads_short=False)
    value = REGISTRY.get_sample_value("hub_consumergroup_max_lag_seconds", {"group": "test-nan"})
    assert value is not None and math.isnan(value)


def test_audit_records_count_decisions_and_dead_letters() -> None:
    labels = {
        "source": "ADG",
        "destination": "FT",
        "event_type": "Vacancy",
        "outcome": "DENY",
        "rule": "",
    }
    before = REGISTRY.get_sample_value("hub_router_decisions_total", labels) or 0
    activity = Activity(keep=2)
    decision = {
        "source_pes": "ADG",
        "destination_pes": "FT",
        "event_type": "be.pes.hub.Vacancy",
        "outcome": "DENY",
        "rule_id": None,
        "reason_code": "NO_RULE",
        "event_time": 0,
        "event_id": "e1",
    }
    for _ in range(3):
        activity.on_record("hub.audit", decision)
    assert REGISTRY.get_sample_value("hub_router_decisions_total", labels) == before + 3
    assert len(activity.decisions) == 2
    assert activity.decisions[0]["reason_code"] == "NO_RULE"


def test_dashboard_state_builds_the_flow_matrix_and_thins_trends() -> None:
    flows = Counter(
        {
            ("VDAB", "FOREM", "Vacancy", "ALLOW"): 2,
            ("VDAB", "FOREM", "JobseekerProfile", "ALLOW"): 1,
            ("VDAB", "FOREM", "JobseekerProfile", "DENY"): 4,
        }
    )
    trend = [TrendPoint(float(i), i, None, Status.OK) for i in range(1000)]
    state = dashboard_state(
        groups=[_group("connector-forem", (1, 0.5, Status.OK))],
        trends={"connector-forem": trend},
        flows=flows,
        dead_letter_total=0,
        activity=Activity(),
        services=["VDAB", "FOREM"],
        reads_short=True,
        monitor={"interval_s": 2.0, "window": 10, "samples": 1000},
    )
    assert state["matrix"] == {"VDAB": {"FOREM": {"ALLOW": 3, "DENY": 4}}}
    points = state["groups"][0]["trend"]
    assert len(points) <= 120 and points[-1]["at"] == 999.0
    assert "short by up to one batch" in state["broker"]["note"]
