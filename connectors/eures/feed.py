"""The Kafka side of the EURES export: read the services' published vacancies into the store.

It reads ``pes.<pes>.out.vacancy`` group-less, every partition from the beginning. The
store lives in memory and is a projection of those topics: a consumer group's committed
offsets would make a restarted service skip what it has to rebuild, and several replicas
could not each hold every vacancy. Reading without a group commits nothing and
disturbs no one; the record timestamps, not the clock, date the changes, so the rebuilt
store answers ``getChanges`` as before the restart. A record that cannot be decoded or
turned into a PositionOpening goes to ``hub.deadletter`` (its id derives from where it
came from, so a rebuild's repeat is recognisable) and the feed goes on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

from connectors.base.exceptions import MappingError
from connectors.eures.store import ReferenceStore
from hub.catalog import Catalog
from hub.codec import AvroCodec, CodecError
from hub.deadletters import DEADLETTER_TOPIC, dead_letter_for
from hub.logging import get_logger
from hub.partitions import topic_partitions

__all__ = ["VacancyFeed", "vacancy_topics"]

log = get_logger(__name__)


def vacancy_topics(catalog: Catalog) -> list[str]:
    """Return every service's published-vacancy topic from the catalogue."""
    return sorted(
        t.name
        for t in catalog.topics.values()
        if t.direction == "out" and t.event_type == "vacancy"
    )


class VacancyFeed:
    """Folds every published vacancy into the store; ``ready`` once it caught up at start."""

    def __init__(
        self,
        *,
        store: ReferenceStore,
        codec: AvroCodec,
        producer: AIOKafkaProducer,
        topics: Iterable[str],
        client_options: Mapping[str, Any],
        fetch_max_wait_ms: int = 50,
    ) -> None:
        self._store = store
        self._codec = codec
        self._producer = producer
        self._topics = list(topics)
        self._consumer = AIOKafkaConsumer(
            enable_auto_commit=False,
            fetch_max_wait_ms=fetch_max_wait_ms,
            **dict(client_options),
        )
        self._ends: dict[TopicPartition, int] = {}
        self.ready = asyncio.Event()
        self.applied = 0
        self.dead_letters = 0

    async def start(self) -> None:
        """Assign every partition of the topics at its beginning; note where the end is now."""
        await self._consumer.start()
        partitions = await topic_partitions(self._consumer, self._topics)
        if partitions:
            self._consumer.assign(partitions)
            await self._consumer.seek_to_beginning(*partitions)
            self._ends = await self._consumer.end_offsets(partitions)
        log.info("eures_feed_started", topics=self._topics, partitions=len(partitions))

    async def stop(self) -> None:
        """Close the consumer."""
        await self._consumer.stop()

    async def run(self, stop: asyncio.Event) -> None:
        """Read until *stop* is set."""
        while not stop.is_set():
            batch = await self._consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    await self._apply(record)
            if not batch and not self.ready.is_set():
                await self._check_caught_up()

    async def _check_caught_up(self) -> None:
        # past the end taken at start and a fetch came back empty: on Tansu that end may be
        # short by one batch, so the offsets alone would declare the store complete too early
        for tp, end in self._ends.items():
            if await self._consumer.position(tp) < end:
                return
        self.ready.set()
        log.info("eures_feed_caught_up", references=len(self._store), applied=self.applied)

    async def _apply(self, record: ConsumerRecord) -> None:
        try:
            vacancy = self._codec.decode(record.value or b"", expected="Vacancy").record
        except CodecError as exc:
            await self._dead_letter(record, "DECODE", exc)
            return
        try:
            # the record's time dates the change; a broker that gives none leaves the clock
            at_ms = record.timestamp if record.timestamp > 0 else int(time.time() * 1000)
            outcome = self._store.apply(vacancy, at_ms)
        except (MappingError, KeyError, TypeError, ValueError) as exc:
            await self._dead_letter(record, "MAP", exc)
            return
        self.applied += 1
        if outcome != "unchanged":
            log.debug(
                "eures_reference_changed",
                outcome=outcome,
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
            )

    async def _dead_letter(self, record: ConsumerRecord, stage: str, exc: Exception) -> None:
        self.dead_letters += 1
        code = type(exc).__name__
        log.warning(
            "eures_record_dead_lettered",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            stage=stage,
            reason_code=code,
            reason=str(exc)[:300],
        )
        letter = dead_letter_for(
            record, stage=stage, reason_code=code, reason=f"EURES export: {exc}"
        )
        await self._producer.send(
            DEADLETTER_TOPIC, self._codec.encode("DeadLetter", letter), key=record.key
        )
