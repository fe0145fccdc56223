"""The benchmark machinery on a tiny workload, so that ``hub bench`` cannot rot.

No figure is asserted: the machine is shared and the sizes are too small to mean
anything; the test checks that every section runs to the end and reports its figures.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import structlog
from structlog.testing import capture_logs

from hub.bench import BenchOptions, run_suite
from hub.bench.environment import BenchEnv
from hub.bench.exceptions import BenchStallError
from hub.bench.suite import _Suite
from hub.bench.throughput import ThroughputRun
from hub.settings import HubSettings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


async def test_every_section_runs_on_a_tiny_workload() -> None:
    options = BenchOptions(
        events=500,
        subjects=500,
        runs=1,
        latency_seconds=1.0,
        audit_events=100,
        tail_batches=(50, 5),
        tail_reads=3,
    )
    figures = await run_suite(options, HubSettings())
    sections = {figure.section for figure in figures}
    assert sections == {
        "vacancies (a)",
        "personal (b)",
        "broker floor (30 topics read)",
        "router hop",
        "router (2 processes) hop",
        "end to end",
        "audit",
        "tail read",
    }
    router = [f for f in figures if f.measure.startswith("router") and "throughput" in f.measure]
    assert {f.measure for f in router} == {"router throughput", "router (2 processes) throughput"}
    assert {tuple(sorted(f.ratios)) for f in router} == {("aiokafka", "quixstreams")}
    pipelines = ("router", "router (2 processes)", "aiokafka", "quixstreams")
    for section in ("vacancies (a)", "personal (b)"):
        cpu = {f.measure for f in figures if f.section == section and f.unit == "µs"}
        assert cpu == {
            *(f"{pipeline} CPU per event" for pipeline in pipelines),
            *(f"broker CPU per {pipeline} event" for pipeline in pipelines),
        }
    assert [f.measure for f in figures if f.section == "tail read"] == [
        "produce + read back, 5 batches in the partition",
        "broker CPU per record, 5 batches in the partition",
        "produce + read back, 50 batches in the partition",
        "broker CPU per record, 50 batches in the partition",
    ]
    # a tiny pass can end within one clock tick (10 ms), so its CPU may read as zero
    cpu_free = [figure for figure in figures if figure.unit != "µs"]
    assert all(figure.value > 0 for figure in cpu_free)
    assert all(figure.value >= 0 for figure in figures)


async def test_each_latency_pass_has_a_broker_and_router_of_its_own(tmp_path) -> None:
    # the embedded broker's fetches slow down as its partitions fill, so a pass run on the
    # broker an earlier pass filled would measure that growth rather than the router
    options = BenchOptions(
        runs=2, latency_seconds=0.5, sections=("latency",), router_processes=(1,)
    )
    with _info_logs(), capture_logs() as logs:
        figures = await run_suite(options, HubSettings(), work_dir=tmp_path)
    assert {f.section for f in figures} == {"broker floor (30 topics read)", "router hop"}
    assert all(f.runs == 2 for f in figures)
    passes = sorted(path.name for path in tmp_path.iterdir() if path.is_dir())
    assert passes == [f"latency-1-{rate}-{run}" for rate in (100, 1000) for run in (0, 1)]
    for name in passes:
        assert (tmp_path / name / "router-latency.log").exists()
    # a warm-up's latency holds the router's join: it is logged, but not as a measured pass
    events = [entry["event"] for entry in logs]
    assert events.count("router_warmed_up") == 4
    measured = [entry for entry in logs if entry["event"] == "hop_latency_measured"]
    assert [(entry["rate"], entry["router_processes"]) for entry in measured] == [
        (rate, 1) for rate in (100, 1000) for _ in (0, 1)
    ]
    assert events.count("broker_floor_measured") == 4


@contextmanager
def _info_logs() -> Iterator[None]:
    """Let INFO through for one test (the suite's logs are quieted to WARNING)."""
    wrapper = structlog.get_config()["wrapper_class"]
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    try:
        yield
    finally:
        structlog.configure(wrapper_class=wrapper)


async def test_a_stalled_run_runs_again_on_a_broker_of_its_own(tmp_path) -> None:
    suite = _Suite(BenchOptions(), HubSettings(), tmp_path)
    brokers: list[str] = []

    async def measure(env: BenchEnv) -> ThroughputRun:
        brokers.append(env.bootstrap)
        raise BenchStallError(f"stalled on attempt {len(brokers)}")

    with pytest.raises(BenchStallError, match="attempt 2"):
        await suite.on_fresh_broker("vacancies-0", measure)
    assert len(set(brokers)) == 2  # once more, and only once, on another broker
