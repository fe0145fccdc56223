"""The benchmark's CPU sampler, on real processes: a spinning one and a sleeping one."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from hub.bench.cpu import CpuSampler, cpu_seconds


@contextmanager
def _child(code: str) -> Iterator[int]:
    process = subprocess.Popen([sys.executable, "-c", code])
    try:
        yield process.pid
    finally:
        process.kill()
        process.wait()


async def test_the_window_holds_what_a_busy_process_used_and_not_an_idle_one() -> None:
    with _child("while True: pass") as busy, _child("import time; time.sleep(60)") as idle:
        async with CpuSampler(lambda: [busy]) as spinning, CpuSampler(lambda: [idle]) as sleeping:
            await asyncio.sleep(0.3)
            first = time.time()
            await asyncio.sleep(1.0)
            last = time.time()
            await asyncio.sleep(0.3)
        # the machine may be shared: the spinner gets at least a quarter of a core
        assert 0.25 <= spinning.seconds_between(first, last) <= 1.1
        assert sleeping.seconds_between(first, last) < 0.05
        # a window inside the samples counts less than the whole of them
        assert spinning.seconds_between(first, first + 0.2) < spinning.seconds_between(first, last)


async def test_a_process_started_again_under_a_new_pid_keeps_adding_up() -> None:
    pids: list[int] = []
    sampler = CpuSampler(lambda: pids)
    began = time.time()
    with _child("while True: pass") as first:
        pids[:] = [first]
        sampler.sample()
        await asyncio.sleep(0.5)
        sampler.sample()
    used_by_first = sampler.seconds_between(began, time.time())
    with _child("while True: pass") as second:
        pids[:] = [second]
        sampler.sample()
        await asyncio.sleep(0.5)
        sampler.sample()
    assert used_by_first > 0.1
    assert sampler.seconds_between(began, time.time()) > used_by_first + 0.1


def test_a_gone_process_reads_as_none() -> None:
    with _child("pass") as pid:
        pass
    assert cpu_seconds(pid) is None
