"""The benchmark suite: every section, each figure the median of its runs.

Throughput ratios are taken per run, router against the baselines measured in that run
on that broker, and the median of those ratios is reported: the machine is shared, so
absolute figures drift between runs while ratios hold.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from hub.bench.auditing import replay_rate, verify_rate
from hub.bench.endtoend import EndToEnd
from hub.bench.environment import BenchEnv, bench_env
from hub.bench.exceptions import BenchStallError
from hub.bench.latency import Latency, broker_floor, hop_latency
from hub.bench.tail_reads import tail_read_costs
from hub.bench.throughput import (
    PEERS,
    ThroughputRun,
    load_state,
    measure_throughput,
    router_pipeline,
)
from hub.bench.workloads import Workload, consent_state, personal, vacancies
from hub.catalog import load_catalog
from hub.codec import AvroCodec, SchemaStore
from hub.logging import get_logger
from hub.settings import HubSettings

__all__ = ["SECTIONS", "BenchOptions", "Figure", "run_suite"]

log = get_logger(__name__)

SECTIONS = ("vacancies", "personal", "latency", "e2e", "audit", "broker")


@dataclass(frozen=True)
class BenchOptions:
    """Sizes of the workloads; the defaults are the full benchmark."""

    events: int = 100_000
    subjects: int = 1_000_000
    runs: int = 3
    latency_seconds: float = 10.0
    latency_rates: tuple[int, ...] = (100, 1_000)
    e2e_rate: int = 100
    audit_events: int = 20_000
    # batches a partition holds when reads at its tail are timed (the broker section)
    tail_batches: tuple[int, ...] = (100, 1_000, 2_000, 4_000, 6_000)
    tail_reads: int = 30
    # the routers' and the floor's fetch wait (HUB_FETCH_MAX_WAIT_MS): the embedded broker
    # does not wake a waiting fetch, and each fetch of the router's 180 partitions costs it
    # CPU; with the probe on one inbox, paired ten-second hop passes at 100 ev/s gave
    # 40-47 ms p99 with 20 ms against 54-111 with 10, and 129-170 against 153-229 at 1,000
    fetch_max_wait_ms: int = 20
    sections: tuple[str, ...] = SECTIONS
    peers: bool = True
    # the router as one process (the ratios' subject), then scaled out over the cores
    router_processes: tuple[int, ...] = (1, 2)


@dataclass(frozen=True)
class Figure:
    """One row of the result table: a measure in each run, shown as the median; the runs
    are kept so the table can show how far they spread on a shared machine."""

    section: str
    measure: str
    samples: tuple[float, ...]
    unit: str
    # per peer, the ratio of each run that measured both
    ratio_samples: dict[str, tuple[float, ...]] = field(default_factory=dict)

    @property
    def value(self) -> float:
        """Return the median of the runs."""
        return _median(self.samples)

    @property
    def runs(self) -> int:
        """Return how many runs the figure is the median of."""
        return len(self.samples)

    @property
    def ratios(self) -> dict[str, float]:
        """Return the median ratio to each peer."""
        return {peer: _median(ratios) for peer, ratios in self.ratio_samples.items()}


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def _throughput_figures(section: str, runs: list[ThroughputRun]) -> list[Figure]:
    """Return each pipeline's rate, the router's with its ratios to the peers, then each
    pipeline's CPU per event and the broker's under it."""
    pipelines = list(dict.fromkeys(name for run in runs for name in run.rates))
    figures = []
    for pipeline in pipelines:
        values = tuple(run.rates[pipeline] for run in runs if pipeline in run.rates)
        ratios = {}
        if pipeline not in PEERS:
            for peer in PEERS:
                per_run = tuple(r.rates[pipeline] / r.rates[peer] for r in runs if peer in r.rates)
                if per_run:
                    ratios[peer] = per_run
        figures.append(Figure(section, f"{pipeline} throughput", values, "ev/s", ratios))
    for pipeline in pipelines:
        cpu = [run.cpu[pipeline] for run in runs if pipeline in run.cpu]
        own = tuple(c.own_us for c in cpu)
        figures.append(Figure(section, f"{pipeline} CPU per event", own, "µs"))
        broker = tuple(c.broker_us for c in cpu if c.broker_us is not None)
        if broker:
            figures.append(Figure(section, f"broker CPU per {pipeline} event", broker, "µs"))
    return figures


class _Suite:
    """Runs the sections in order, one broker each."""

    def __init__(self, options: BenchOptions, hub: HubSettings, work_dir: Path) -> None:
        self.options = options
        self.hub = hub
        self.work_dir = work_dir
        self.store = SchemaStore.from_directory(hub.schema_dir)
        self.codec = AvroCodec(self.store)
        self.catalog = load_catalog(hub.topics_dir)
        self.keys_file = work_dir / "pseudonym-keys.json"
        self.keys_file.write_text(
            json.dumps({code: os.urandom(32).hex() for code in self.catalog.services})
        )
        self.now_ms = int(time.time() * 1000)
        # the latency passes send one service's vacancies, so their probe reads one inbox
        # (see hub.bench.latency); the router's work per event is the same for any sender
        self.latency_senders = list(self.catalog.services)[:1]

    def env(self, section: str):  # an async context manager of BenchEnv
        """Return the broker context of one section."""
        return bench_env(
            section,
            work_dir=self.work_dir,
            keys_file=self.keys_file,
            catalog=self.catalog,
            fetch_max_wait_ms=self.options.fetch_max_wait_ms,
        )

    async def vacancies(self) -> list[Figure]:
        workload = vacancies(self.codec, self.catalog, self.options.events, self.now_ms)
        runs = []
        for run in range(self.options.runs):
            runs.append(
                await self.on_fresh_broker(
                    f"vacancies-{run}", lambda env: self._throughput(env, workload)
                )
            )
        return _throughput_figures("vacancies (a)", runs)

    async def personal(self) -> list[Figure]:
        state = consent_state(self.codec, self.catalog, self.options.subjects, self.now_ms)
        workload = personal(
            self.codec, self.catalog, self.options.events, self.options.subjects, self.now_ms
        )

        async def loaded_and_measured(env: BenchEnv) -> ThroughputRun:
            seconds = await load_state(env, state)
            log.info("state_loaded", subjects=self.options.subjects, seconds=seconds)
            return await self._throughput(env, workload)

        runs = []
        for run in range(self.options.runs):
            # a fresh broker per run, as for vacancies: on one embedded broker, a router
            # joining its group after two replicas had left it was seen to wait for good
            # (Tansu 0.6.0 kept the group in an unknown state), so each run loads the state
            runs.append(await self.on_fresh_broker(f"personal-{run}", loaded_and_measured))
        return [
            *_throughput_figures("personal (b)", runs),
            Figure(
                "personal (b)",
                f"router peak RSS, {self.options.subjects:,} subjects' state",
                tuple(run.router_rss_mb for run in runs),
                "MB",
            ),
        ]

    async def on_fresh_broker(
        self, section: str, measure: Callable[[BenchEnv], Awaitable[ThroughputRun]]
    ) -> ThroughputRun:
        """Run *measure* on a broker of its own, and once more on another if no output came
        for minutes: a router that joined its group right after the state loader left it
        was once seen fetching nothing while the inputs waited, for good."""
        try:
            async with self.env(section) as env:
                return await measure(env)
        except BenchStallError as exc:
            log.warning("bench_run_stalled", section=section, error=str(exc), effect="run again")
        async with self.env(f"{section}-again") as env:
            return await measure(env)

    async def _throughput(self, env: BenchEnv, workload: Workload) -> ThroughputRun:
        return await measure_throughput(
            env,
            workload,
            peers=self.options.peers,
            router_processes=self.options.router_processes,
        )

    async def latency(self) -> list[Figure]:
        """Every pass on a broker of its own, as in the throughput sections: the embedded
        broker's fetches slow down as its partitions fill (see the ``broker`` section), so
        passes run one after the other on one broker measured the broker's growth."""
        inputs = sum(1 for t in self.catalog.topics.values() if t.direction == "out")
        figures = await self._latency_runs(f"broker floor ({inputs} topics read)", self._floor)
        for processes in self.options.router_processes:
            figures += await self._latency_runs(
                f"{router_pipeline(processes)} hop", partial(self._hop, processes)
            )
        return figures

    async def _floor(self, workload: Workload, rate: float, name: str) -> Latency:
        async with self.env(f"latency-floor-{name}") as env:
            result = await broker_floor(env, workload, rate)
        _log_latency("broker_floor_measured", rate, result)
        return result

    async def _hop(self, processes: int, workload: Workload, rate: float, name: str) -> Latency:
        async with (
            self.env(f"latency-{processes}-{name}") as env,
            env.routers(processes, "router-latency") as routers,
        ):
            await self._warm_up(env)
            result = await hop_latency(env, workload, rate)
            routers.check_alive()
        _log_latency("hop_latency_measured", rate, result, router_processes=processes)
        return result

    async def _latency_runs(
        self, section: str, measure: Callable[[Workload, float, str], Awaitable[Latency]]
    ) -> list[Figure]:
        """Run *measure* at every latency rate, ``runs`` times each, on fresh vacancies
        (it is given a name for the pass's logs)."""
        figures = []
        for rate in self.options.latency_rates:
            count = max(int(rate * self.options.latency_seconds), 10)
            results = []
            for run in range(self.options.runs):
                workload = self._latency_workload(count)
                results.append(await measure(workload, rate, f"{rate}-{run}"))
            figures += _latency_figures(section, f"{rate} ev/s", results)
        return figures

    async def _warm_up(self, env: BenchEnv) -> None:
        """Wait until the router has joined and routes: a few events through it (their
        latency holds the join, so it is logged apart from the measured passes)."""
        _log_latency(
            "router_warmed_up", 100, await hop_latency(env, self._latency_workload(20), 100)
        )

    def _latency_workload(self, count: int) -> Workload:
        """Return *count* fresh vacancies from the latency senders."""
        return vacancies(self.codec, self.catalog, count, self.now_ms, self.latency_senders)

    async def e2e(self) -> list[Figure]:
        count = max(int(self.options.e2e_rate * self.options.latency_seconds), 10)
        async with self.env("e2e") as env, EndToEnd(env) as flow:
            rate = self.options.e2e_rate
            # warm-up: the connectors' joins and first polls
            _log_latency("e2e_warmed_up", rate, await flow.measure(rate, 10))
            results = []
            for _ in range(self.options.runs):
                results.append(await flow.measure(rate, count))
                _log_latency("e2e_latency_measured", rate, results[-1])
        return _latency_figures("end to end", f"{self.options.e2e_rate} ev/s", results)

    async def audit(self) -> list[Figure]:
        workload = vacancies(self.codec, self.catalog, self.options.audit_events, self.now_ms)
        async with self.env("audit") as env:
            await measure_throughput(env, workload, peers=False)
            replays = [await replay_rate(env, self.codec) for _ in range(self.options.runs)]
            verifies = [
                await verify_rate(env, self.hub, self.store) for _ in range(self.options.runs)
            ]
        decisions = self.options.audit_events * (len(self.catalog.services) - 1)
        return [
            Figure("audit", f"replay, {decisions:,} decisions", tuple(replays), "rec/s"),
            Figure("audit", f"verify, {decisions:,} decisions", tuple(verifies), "rec/s"),
        ]

    async def broker(self) -> list[Figure]:
        holdings = sorted(set(self.options.tail_batches))
        runs = []
        for run in range(self.options.runs):
            async with self.env(f"broker-{run}") as env:
                runs.append(await tail_read_costs(env, holdings, self.options.tail_reads))
        figures = []
        for index, batches in enumerate(holdings):
            points = [run[index] for run in runs]
            held = f"{batches:,} batches in the partition"
            round_trips = tuple(p.round_trip_ms for p in points)
            figures.append(Figure("tail read", f"produce + read back, {held}", round_trips, "ms"))
            cpu = tuple(p.broker_cpu_us for p in points if p.broker_cpu_us is not None)
            if cpu:
                figures.append(Figure("tail read", f"broker CPU per record, {held}", cpu, "µs"))
        return figures


def _log_latency(event: str, rate: float, result: Latency, **context: object) -> None:
    """Log one latency pass; the suite logs, so a warm-up is told apart from a measurement."""
    log.info(
        event, rate=rate, p50_ms=result.p50_ms, p99_ms=result.p99_ms, events=result.count, **context
    )


def _latency_figures(section: str, label: str, results: list[Latency]) -> list[Figure]:
    return [
        Figure(section, f"p50 at {label}", tuple(r.p50_ms for r in results), "ms"),
        Figure(section, f"p99 at {label}", tuple(r.p99_ms for r in results), "ms"),
    ]


async def run_suite(
    options: BenchOptions,
    hub: HubSettings,
    *,
    work_dir: Path | None = None,
    on_figures: Callable[[list[Figure]], None] | None = None,
) -> list[Figure]:
    """Run the selected sections; *on_figures* sees each section's figures as they come."""
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as temp:
        suite = _Suite(options, hub, work_dir or Path(temp))
        figures: list[Figure] = []
        for section in options.sections:
            log.info("bench_section_started", section=section)
            found = await getattr(suite, section.replace("-", "_"))()
            figures += found
            if on_figures:
                on_figures(found)
        return figures
