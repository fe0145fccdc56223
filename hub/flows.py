"""A live count of routing decisions per flow, read from the audit topic.

``hub up`` shows it so that an operator sees flows appear; it reads without a consumer
group and never commits, so it disturbs nobody.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError

from hub.codec import AvroCodec, CodecError
from hub.logging import get_logger
from hub.partitions import topic_partitions

__all__ = ["FlowCounter"]

log = get_logger(__name__)


class FlowCounter:
    """Counts (source, destination, event type, outcome) and dead letters as they are written."""

    def __init__(
        self,
        codec: AvroCodec,
        client_options: dict[str, Any],
        on_record: Callable[[str, dict[str, Any]], None] | None = None,
    ) -> None:
        """``on_record(topic, record)`` also gets every decoded decision and dead letter."""
        self._codec = codec
        self._options = client_options
        self._on_record = on_record
        self.flows: Counter[tuple[str, str, str, str]] = Counter()
        self.dead_letters = 0
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start reading in the background."""
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop reading."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        consumer = AIOKafkaConsumer(
            enable_auto_commit=False, fetch_max_wait_ms=200, **self._options
        )
        await consumer.start()
        try:
            partitions = await topic_partitions(consumer, ("hub.audit", "hub.deadletter"))
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            while True:
                for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                    for record in records:
                        self._count(tp.topic, record.value)
        except KafkaError as exc:
            log.warning("flow_counter_stopped", error=str(exc))
        finally:
            await consumer.stop()

    def _count(self, topic: str, value: bytes | None) -> None:
        if topic == "hub.deadletter":
            self.dead_letters += 1
            if self._on_record is None:
                return
        try:
            decision = self._codec.decode(value or b"").record
        except CodecError:
            return
        if self._on_record is not None:
            self._on_record(topic, decision)
        if topic == "hub.deadletter":
            return
        event_type = decision["event_type"].rpartition(".")[2]
        self.flows[
            (decision["source_pes"], decision["destination_pes"], event_type, decision["outcome"])
        ] += 1
