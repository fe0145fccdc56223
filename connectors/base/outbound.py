"""Outbound: deliver the service's inbox topics to its API, then commit.

Consumer group ``connector-<pes>``. Each record is mapped to what the API takes
(vacancies to the native format; people, feedback and notices as the hub's JSON; an
erasure notice as a DELETE) and sent with its event id as the idempotency key. A 5xx,
429 or timeout is retried with back-off; when retries run out the partition is rewound
to that record and tried again later, so nothing is committed before it is delivered.
A 4xx goes to the dead letters with the service's answer. Every delivery publishes a
DeliveryReceipt.

The partitions of a fetch are delivered side by side, each in order: records of one key
share a partition, so their order holds, while one call's round trip no longer holds up
every other partition (one call at a time kept up with less than 100 vacancies a second).
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from connectors.base.exceptions import UpstreamRejectedError, UpstreamUnavailableError
from connectors.base.kinds import subject_key
from connectors.base.link import ServiceLink
from hub.codec import CloudEvent, CodecError
from hub.codec.jsonform import to_json
from hub.deadletters import DEADLETTER_TOPIC, dead_letter_for
from hub.lifecycle import gather_settled
from hub.logging import get_logger
from hub.metrics import CONNECTOR_DELIVERIES, CONNECTOR_FAILURES, CONNECTOR_RETRIES

__all__ = ["INBOX_TYPES", "Outbound"]

log = get_logger(__name__)

INBOX_TYPES = ("vacancy", "jobseeker", "feedback", "decision", "erasure")
_API_KIND = {
    "vacancy": "vacancies",
    "jobseeker": "jobseekers",
    "feedback": "feedback",
    "decision": "decisions",
}
_RECENT = 50_000


class Outbound:
    """Delivers one service's inboxes; ``deliver_batch()`` handles one fetch."""

    def __init__(self, link: ServiceLink, *, consumer: AIOKafkaConsumer) -> None:
        self.code = link.code
        self.connector = f"connector-{link.code.lower()}"
        self._link = link
        self._consumer = consumer
        self._recent: OrderedDict[str, None] = OrderedDict()
        self.delivered = 0
        self.rejected = 0
        self.duplicates = 0

    @staticmethod
    def topics(code: str) -> list[str]:
        """Return the inbox topics of a service."""
        return [f"pes.{code.lower()}.in.{kind}" for kind in INBOX_TYPES]

    async def deliver_batch(self, timeout_ms: int = 500) -> int:
        """Fetch, deliver each partition in order (the partitions side by side), then
        commit what was delivered."""
        retries_before = self._link.client.retries  # the loop runs all the time: counts every retry
        batch = await self._consumer.getmany(timeout_ms=timeout_ms)
        results = await gather_settled(
            *(self._deliver_partition(tp, records) for tp, records in batch.items())
        )
        done = {tp: offset for tp, offset in zip(batch, results, strict=True) if offset is not None}
        if done:
            await self._link.producer.flush()
            await self._consumer.commit(done)
        CONNECTOR_RETRIES.labels(self.code).inc(self._link.client.retries - retries_before)
        return sum(1 for tp, offset in done.items() for r in batch[tp] if r.offset < offset)

    async def _deliver_partition(
        self, tp: TopicPartition, records: list[ConsumerRecord]
    ) -> int | None:
        """Deliver one partition's records in order; return the offset after the last one
        delivered (None if none was). An API that stays unavailable stops the partition
        at its record, which is fetched again later."""
        next_offset = None
        for record in records:
            try:
                await self._deliver(record)
            except UpstreamUnavailableError as exc:
                CONNECTOR_FAILURES.labels(self.code, "postponed").inc()
                log.warning(
                    "delivery_postponed",
                    pes=self.code,
                    topic=tp.topic,
                    offset=record.offset,
                    error=str(exc),
                )
                self._consumer.seek(tp, record.offset)
                break
            next_offset = record.offset + 1
        return next_offset

    async def _deliver(self, record: ConsumerRecord) -> None:
        kind = record.topic.rsplit(".", 1)[-1]
        try:
            envelope = CloudEvent.from_headers(record.headers or ())
            message = self._link.codec.decode(record.value or b"")
        except CodecError as exc:
            await self._dead_letter(record, "DELIVER", type(exc).__name__, str(exc))
            return
        decoded = message.record
        identity = f"{envelope.source}|{envelope.id}|{kind}"
        if identity in self._recent:
            self.duplicates += 1
            await self._receipt(record, envelope, kind, "DUPLICATE", None, 0, None)
            return
        key = hashlib.sha256(identity.encode()).hexdigest()[:32]
        try:
            if kind == "erasure":
                answer = await self._link.client.erase(
                    subject_key(decoded), decoded["event_ids"], key
                )
                outcome = "ERASED"
            else:
                schema = self._link.codec.store.current(message.name).expanded
                payload = (
                    self._link.mapping.from_canonical(decoded)
                    if kind == "vacancy"
                    else to_json(schema, decoded)
                )
                answer = await self._link.client.deliver(_API_KIND[kind], payload, key)
                outcome = "DUPLICATE" if answer.status == 200 else "DELIVERED"
        except UpstreamRejectedError as exc:
            self.rejected += 1
            CONNECTOR_FAILURES.labels(self.code, "rejected").inc()
            await self._dead_letter(
                record,
                "DELIVER",
                f"HTTP_{exc.status}",
                str(exc),
                upstream={"http_status": exc.status, "body": exc.body},
            )
            await self._receipt(record, envelope, kind, "REJECTED", exc.status, 1, None)
            return
        self._remember(identity)
        self.delivered += 1
        await self._receipt(
            record, envelope, kind, outcome, answer.status, answer.attempts, answer.reference
        )

    def _remember(self, identity: str) -> None:
        self._recent[identity] = None
        if len(self._recent) > _RECENT:
            self._recent.popitem(last=False)

    async def _receipt(
        self,
        record: ConsumerRecord,
        envelope: CloudEvent,
        kind: str,
        status: str,
        http_status: int | None,
        attempts: int,
        reference: str | None,
    ) -> None:
        CONNECTOR_DELIVERIES.labels(self.code, kind, status).inc()
        receipt = {
            "receipt_id": hashlib.sha256(
                f"{envelope.source}|{envelope.id}|{self.code}|{kind}".encode()
            ).hexdigest()[:32],
            "event_id": envelope.id,
            "event_type": envelope.type,
            "destination_pes": self.code,
            "connector": self.connector,
            "status": status,
            "http_status": http_status,
            "attempts": attempts,
            "pes_reference": reference,
            "delivered_at": int(time.time() * 1000),
        }
        await self._link.producer.send(
            "hub.receipts", self._link.codec.encode("DeliveryReceipt", receipt), key=record.key
        )

    async def _dead_letter(
        self,
        record: ConsumerRecord,
        stage: str,
        code: str,
        reason: str,
        upstream: dict[str, Any] | None = None,
    ) -> None:
        log.warning(
            "delivery_dead_lettered",
            pes=self.code,
            topic=record.topic,
            offset=record.offset,
            reason_code=code,
            reason=reason[:300],
        )
        letter = dead_letter_for(
            record, stage=stage, reason_code=code, reason=reason, upstream=upstream
        )
        await self._link.producer.send(
            DEADLETTER_TOPIC, self._link.codec.encode("DeadLetter", letter), key=record.key
        )
