"""The batch sink: outputs grouped per topic partition, compressed except where told not."""

from __future__ import annotations

import struct
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from hub.router.records import OutputRecord
from hub.router.sink import BatchSink

_ATTRIBUTES = struct.Struct(">h")  # a v2 record batch's attributes, at byte 21
_CODECS = {0: "none", 2: "snappy"}


def _codec(batch: Any) -> str:
    wire = batch._build()  # the bytes aiokafka's sender puts in the produce request
    return _CODECS[_ATTRIBUTES.unpack_from(wire, 21)[0] & 0x07]


@pytest.fixture
async def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, str, int]]:
    """Return what the sink hands to a snappy producer: (topic, partition, codec, records)."""
    producer = AIOKafkaProducer(compression_type="snappy", max_batch_size=100_000)
    handed: list[tuple[str, int, str, int]] = []

    async def send_batch(batch: Any, topic: str, *, partition: int) -> None:
        handed.append((topic, partition, _codec(batch), batch.record_count()))

    monkeypatch.setattr(producer, "send_batch", send_batch)
    sink = BatchSink(producer, batch_bytes=100_000, uncompressed=("state",))
    outputs = [
        OutputRecord("hub.audit", b"k", b"decision %d" % n, [], partition=n % 2) for n in range(4)
    ] + [OutputRecord("state", b"k", b"state", [], partition=1)]
    await sink.send(outputs)
    return handed


async def test_outputs_go_as_one_batch_per_topic_partition(sent: list) -> None:
    assert sorted((topic, partition, count) for topic, partition, _, count in sent) == [
        ("hub.audit", 0, 2),
        ("hub.audit", 1, 2),
        ("state", 1, 1),
    ]


async def test_only_the_uncompressed_topics_go_without_the_producers_compression(
    sent: list,
) -> None:
    assert {(topic, codec) for topic, _, codec, _ in sent} == {
        ("hub.audit", "snappy"),
        ("state", "none"),
    }
