"""The benchmark's output counter on the real broker: what it counts, where it starts,
when it gives up, how it stops, and that it leaves no consumer group behind."""

from __future__ import annotations

import asyncio
import importlib.util
import time

import pytest
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from hub.bench.exceptions import BenchError, BenchStallError, BenchTimeoutError
from hub.bench.kafka import count_outputs, produce, true_end_offsets
from hub.bench.workloads import Message, new_trace_id
from tests.integration.kafka_io import create_topic

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

PARTITIONS = 3
OURS = 300
OTHERS = 100


@pytest.fixture
async def filled(kafka_bootstrap: str, unique_topic: str) -> tuple[dict, str, str]:
    """A topic holding OURS records of one trace interleaved with OTHERS of another."""
    options = {"bootstrap_servers": kafka_bootstrap}
    await create_topic(kafka_bootstrap, unique_topic, PARTITIONS)
    ours, other = new_trace_id(), new_trace_id()
    messages = [
        Message(unique_topic, f"key-{i}".encode(), b"value", "vacancy", f"event-{i}", "VDAB")
        for i in range(OURS + OTHERS)
    ]
    now_ms = int(time.time() * 1000)
    await produce(
        options,
        messages,
        lambda m: m.headers(other if int(m.event_id[6:]) % 4 == 3 else ours, now_ms),
    )
    return options, unique_topic, ours


async def _counter_groups(options: dict) -> list[str]:
    admin = AIOKafkaAdminClient(**options)
    await admin.start()
    try:
        return [g[0] for g in await admin.list_consumer_groups() if g[0].startswith("bench-count-")]
    finally:
        await admin.close()


async def test_counts_the_runs_records_or_all_of_them(filled: tuple[dict, str, str]) -> None:
    options, topic, trace_id = filled
    started = asyncio.Event()
    traced = await count_outputs(
        options, [topic], OURS, trace_id=trace_id, timeout_s=30, keep_arrivals=True, started=started
    )
    assert started.is_set()
    assert traced.count == OURS
    assert len(traced.arrivals) == OURS
    assert traced.first is not None and traced.last is not None and traced.seconds > 0
    everything = await count_outputs(options, [topic], OURS + OTHERS, trace_id=None, timeout_s=30)
    assert everything.count == OURS + OTHERS
    assert everything.arrivals == {}
    assert await _counter_groups(options) == []


async def test_starts_where_told(filled: tuple[dict, str, str]) -> None:
    options, topic, _ = filled
    start = {TopicPartition(topic, 0): 50}  # the other partitions from the beginning
    rest = OURS + OTHERS - 50
    tally = await count_outputs(options, [topic], rest, trace_id=None, start=start, timeout_s=30)
    assert tally.count == rest
    with pytest.raises(BenchTimeoutError):
        await count_outputs(options, [topic], rest + 1, trace_id=None, start=start, timeout_s=2)


async def test_true_end_offsets_are_where_the_records_end(filled: tuple[dict, str, str]) -> None:
    """Past the start of each partition's last batch, where the embedded broker says its
    end is: a count from there sees nothing of what was there before."""
    options, topic, _ = filled
    ends = await true_end_offsets(options, [topic])
    assert set(ends) == {TopicPartition(topic, p) for p in range(PARTITIONS)}
    assert sum(ends.values()) == OURS + OTHERS
    with pytest.raises(BenchTimeoutError):
        await count_outputs(options, [topic], 1, trace_id=None, start=ends, timeout_s=2)


async def test_gives_up_after_the_timeout(filled: tuple[dict, str, str]) -> None:
    options, topic, trace_id = filled
    with pytest.raises(BenchTimeoutError, match=rf"^{OURS} of {OURS + 1} records on \['{topic}'\]"):
        await count_outputs(options, [topic], OURS + 1, trace_id=trace_id, timeout_s=2)


async def test_a_stall_is_told_from_slow_progress(filled: tuple[dict, str, str]) -> None:
    """No record for *stall_s* ends the count long before its timeout; records arriving
    more often than that, however slowly, do not."""
    options, topic, trace_id = filled
    began = time.monotonic()
    with pytest.raises(
        BenchStallError, match=rf"^no record on \['{topic}'\] for 2 s, after {OURS} of"
    ):
        await count_outputs(options, [topic], OURS + 1, trace_id=trace_id, timeout_s=60, stall_s=2)
    assert time.monotonic() - began < 20
    late = [
        Message(topic, b"late-%d" % i, b"value", "vacancy", f"late-{i}", "VDAB") for i in range(4)
    ]

    async def trickle() -> None:
        for message in late:
            await asyncio.sleep(1.0)
            await produce(options, [message], lambda m: m.headers(trace_id, 0))

    sending = asyncio.ensure_future(trickle())
    tally = await count_outputs(
        options, [topic], OURS + len(late), trace_id=trace_id, timeout_s=60, stall_s=2.5
    )
    await sending
    assert tally.count == OURS + len(late)


async def test_cancelling_stops_the_reader_promptly(filled: tuple[dict, str, str]) -> None:
    options, topic, _ = filled
    started = asyncio.Event()
    counting = asyncio.ensure_future(
        count_outputs(options, [topic], 10**9, trace_id=None, timeout_s=600, started=started)
    )
    await asyncio.wait_for(started.wait(), 30)
    await asyncio.sleep(0.3)
    began = time.monotonic()
    counting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await counting
    assert time.monotonic() - began < 2.0


async def test_options_librdkafka_cannot_take_are_refused(filled: tuple[dict, str, str]) -> None:
    options, topic, _ = filled
    with pytest.raises(BenchError, match="ssl_context"):
        await count_outputs(
            options | {"ssl_context": object()}, [topic], 1, trace_id=None, timeout_s=5
        )


async def test_a_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "confluent_kafka" else find_spec(name, *args),
    )
    with pytest.raises(BenchError, match=r"pip install 'pes-hub\[bench\]'"):
        await count_outputs(
            {"bootstrap_servers": "127.0.0.1:1"}, ["t"], 1, trace_id=None, timeout_s=1
        )
