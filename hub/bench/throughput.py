"""Throughput: the router and its two baselines over the same pre-filled events.

Each pipeline starts only after its input is complete, and its rate is the number of
input events over the time between the first and the last of its outputs read back by a
consumer tailing them, so start-up, group joins and state recovery are left out alike for
all three. (Record timestamps would not do: quixstreams gives an output its input's
timestamp.) Over the same window, the CPU its processes and the broker used is divided by
the events: on a machine of few cores, that is what bounds the ratios.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import time
from collections.abc import Sequence
from dataclasses import dataclass

from hub.bench.cpu import CpuSampler
from hub.bench.environment import BenchEnv
from hub.bench.exceptions import BenchError
from hub.bench.kafka import (
    Tally,
    committed,
    count_outputs,
    create_topics,
    end_offsets,
    produce,
    true_end_offsets,
)
from hub.bench.processes import BenchProcess
from hub.bench.workloads import Workload, decision_inboxes, new_trace_id
from hub.logging import get_logger
from hub.router import AUDIT_TOPIC

__all__ = [
    "PEERS",
    "CpuPerEvent",
    "ThroughputRun",
    "load_state",
    "measure_throughput",
    "router_pipeline",
]

log = get_logger(__name__)

PEERS = ("aiokafka", "quixstreams")
_TIMEOUT_S = 1800.0
# no output for this long means a stuck pass, not a slow one: the longest wait for a first
# output is a router reading back a million people's state (about a minute here)
_STALL_S = 300.0
# The counters' fetch wait. Each elapsed wait costs the embedded broker CPU for every
# partition read (an idle reader of 180 partitions polling every 10 ms took 47% of a core
# here), and the router's outputs span 42 partitions against a baseline's 6; counting
# every 5 ms took the router's shared cores for the measuring. 25 ms moves the first and
# last arrival by at most that much, 0.2% of a 15-second pass.
_COUNT_FETCH_WAIT_MS = 25


def router_pipeline(processes: int) -> str:
    """Return the name the router's figures go by when it runs as *processes* replicas."""
    return "router" if processes == 1 else f"router ({processes} processes)"


@dataclass(frozen=True)
class CpuPerEvent:
    """CPU microseconds per input event over a pass: the pipeline's own processes, and the
    broker's (None on a configured cluster, whose processes the benchmark cannot see)."""

    own_us: float
    broker_us: float | None


@dataclass(frozen=True)
class ThroughputRun:
    """Events per second and CPU per event of each pipeline in one run, and the router's
    peak memory."""

    rates: dict[str, float]
    router_rss_mb: float
    cpu: dict[str, CpuPerEvent]


@dataclass(frozen=True)
class _Pass:
    rate: float
    cpu: CpuPerEvent


def _pass(own: CpuSampler, broker: CpuSampler | None, tally: Tally, events: int) -> _Pass:
    """Return the rate and CPU per event over the window from the first to the last output."""
    assert tally.first is not None and tally.last is not None
    per_event_us = 1e6 / events
    return _Pass(
        events / tally.seconds,
        CpuPerEvent(
            own.seconds_between(tally.first, tally.last) * per_event_us,
            broker.seconds_between(tally.first, tally.last) * per_event_us if broker else None,
        ),
    )


def _broker_sampler(env: BenchEnv) -> CpuSampler | None:
    return CpuSampler(lambda: env.broker_pids) if env.broker_pids else None


async def _router_pass(
    env: BenchEnv, workload: Workload, processes: int, now_ms: int
) -> tuple[_Pass, float]:
    """Fill the inputs, run the router over them; return the pass and the peak RSS MB of
    one of its processes."""
    trace_id = new_trace_id()
    await produce(env.options, workload.messages, lambda m: m.headers(trace_id, now_ms))
    notices = decision_inboxes(env.catalog, workload)
    # from the true end, so that every record counted is this pass's without reading its
    # headers: that took the counter a sixth of its CPU, which the two-process router
    # shares two cores with (a baseline's counter reads a fresh topic and never had it)
    start = await true_end_offsets(env.options, [*notices, AUDIT_TOPIC])
    data = workload.data_events
    broker = _broker_sampler(env)
    async with (
        env.routers(processes) as routers,
        CpuSampler(routers.pids) as own,
        broker or contextlib.nullcontext(),
    ):
        notices_read = count_outputs(
            env.options,
            notices,
            data,
            trace_id=None,
            start=start,
            timeout_s=_TIMEOUT_S,
            stall_s=_STALL_S,
            fetch_wait_ms=_COUNT_FETCH_WAIT_MS,
        )
        decisions_read = count_outputs(
            env.options,
            [AUDIT_TOPIC],
            data * (len(env.catalog.services) - 1),  # a decision per other service
            trace_id=None,
            start=start,
            timeout_s=_TIMEOUT_S,
            stall_s=_STALL_S,
            fetch_wait_ms=_COUNT_FETCH_WAIT_MS,
        )
        counted = asyncio.ensure_future(asyncio.gather(notices_read, decisions_read))
        await routers.watch(counted)
        rss = routers.peak_rss_mb()
    notices_tally, decisions_tally = counted.result()
    tally = notices_tally.merged(decisions_tally)
    return _pass(own, broker, tally, len(workload.messages)), rss


async def _peer_pass(process: BenchProcess, env: BenchEnv, sink: str, expected: int) -> _Pass:
    """Run one baseline pipeline to completion; return its pass."""
    broker = _broker_sampler(env)
    async with process, CpuSampler(process.pids) as own, broker or contextlib.nullcontext():
        counted = asyncio.ensure_future(
            count_outputs(
                env.options,
                [sink],
                expected,
                trace_id=None,
                timeout_s=_TIMEOUT_S,
                stall_s=_STALL_S,
                fetch_wait_ms=_COUNT_FETCH_WAIT_MS,
            )
        )
        await process.watch(counted)
    return _pass(own, broker, counted.result(), expected)


async def measure_throughput(
    env: BenchEnv,
    workload: Workload,
    *,
    peers: bool = True,
    router_processes: Sequence[int] = (1,),
) -> ThroughputRun:
    """Run the router (as each number of replicas), the aiokafka loop and the quixstreams app
    over the same events, each pass starting on inputs filled beforehand.

    The router's peak memory is that of the first pass (one process for the default).
    """
    if peers and importlib.util.find_spec("quixstreams") is None:
        raise BenchError(
            "quixstreams is not installed: pip install 'pes-hub[bench]', or --no-peers"
        )
    now_ms = int(time.time() * 1000)
    passes: dict[str, _Pass] = {}
    rss = 0.0
    for processes in router_processes:
        passes[router_pipeline(processes)], peak = await _router_pass(
            env, workload, processes, now_ms
        )
        rss = rss or peak
    if peers:
        trace_id = new_trace_id()
        stem = f"bench.{trace_id[:8]}"
        partitions = env.catalog.topic(env.router_inputs[0]).partitions
        sinks = {name: f"{stem}.{name}" for name in PEERS}
        await create_topics(env.options, [f"{stem}.source", *sinks.values()], partitions)
        await produce(
            env.options,
            workload.messages,
            lambda m: m.headers(trace_id, now_ms),
            topic=lambda m: f"{stem}.source",
        )
        total = len(workload.messages)
        passes["aiokafka"] = await _peer_pass(
            env.module(
                f"aiokafka-{stem}",
                "hub.bench.aiokafka_pipeline",
                env.bootstrap,
                f"{stem}.source",
                sinks["aiokafka"],
            ),
            env,
            sinks["aiokafka"],
            total,
        )
        passes["quixstreams"] = await _peer_pass(
            env.module(
                f"quix-{stem}",
                "hub.bench.quix_pipeline",
                env.bootstrap,
                f"{stem}.source",
                sinks["quixstreams"],
                f"bench-quix-{trace_id[:8]}",
            ),
            env,
            sinks["quixstreams"],
            total,
        )
    rates = {name: each.rate for name, each in passes.items()}
    cpu = {name: each.cpu for name, each in passes.items()}
    log.info(
        "throughput_measured",
        workload=workload.name,
        rates=rates,
        cpu_us_per_event={name: (c.own_us, c.broker_us) for name, c in cpu.items()},
        router_rss_mb=rss,
    )
    return ThroughputRun(rates, rss, cpu)


async def load_state(env: BenchEnv, state: Workload, *, timeout_s: float = _TIMEOUT_S) -> float:
    """Feed the consent history to the router until it has applied all of it; return seconds.

    Consent records produce no output, so completion is read from the router group's
    committed offsets, which count exactly what it processed.
    """
    trace_id = new_trace_id()
    now_ms = int(time.time() * 1000)
    await produce(env.options, state.messages, lambda m: m.headers(trace_id, now_ms))
    partitions = list(await end_offsets(env.options, {m.topic for m in state.messages}))
    began = time.monotonic()
    async with env.router("router-state") as router:
        while True:
            router.check_alive()
            offsets = await committed(env.options, env.router_group, partitions)
            done = sum(offsets.values())
            if done >= len(state.messages):
                break
            if time.monotonic() - began > timeout_s:
                raise BenchError(f"the router applied {done} of {len(state.messages)} consents")
            await asyncio.sleep(1.0)
    return time.monotonic() - began
