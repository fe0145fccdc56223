"""Inbound: read the service's API for changes since the stored cursor, publish canonically.

Each record is mapped from the service's native format (vacancies, and the people kinds
it declares one for; the others are the hub's JSON already), validated by encoding it,
and published to ``pes.<pes>.out.<type>`` with CloudEvents headers; the event id derives
from the service, kind and change position, so a re-read after a crash publishes the
same ids and destinations drop the duplicates. The cursor is stored only after every
record before it was acknowledged. A record that cannot be mapped becomes a dead letter
with its original JSON and the stream goes on.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from connectors.base.cursors import CursorStore
from connectors.base.exceptions import MappingError
from connectors.base.kinds import INBOUND, InboundKind
from connectors.base.link import ServiceLink
from connectors.registry import RecordMapping, record_mappings
from hub.codec import CloudEvent, CodecError, new_traceparent
from hub.deadletters import DEADLETTER_TOPIC, dead_letter
from hub.lifecycle import gather_settled
from hub.logging import get_logger

__all__ = ["Inbound"]

log = get_logger(__name__)


class Inbound:
    """Publishes one service's changes; ``poll()`` reads every kind once."""

    def __init__(self, link: ServiceLink, *, cursors: CursorStore) -> None:
        self.code = link.code
        self._link = link
        self._cursors = cursors
        # the kinds read from a native format; the others are the hub's JSON already
        self._mappings: dict[str, RecordMapping] = {
            "vacancies": link.mapping,
            **record_mappings(link.code),
        }
        self.published = 0
        self.dead_letters = 0

    async def poll(self) -> int:
        """Read every kind once, then publish them; return how many records were published.

        The reads go out together (one round trip instead of one per kind); publishing
        keeps the kinds' order, so a consent goes out before the profile that relies on it.
        """
        changes = await gather_settled(
            *(
                self._link.client.changes(kind.kind, self._cursors.cursors.get(kind.kind))
                for kind in INBOUND
            )
        )
        return sum(
            [
                await self._publish_kind(kind, items, cursor)
                for kind, (items, cursor) in zip(INBOUND, changes, strict=True)
            ]
        )

    async def _publish_kind(
        self, kind: InboundKind, items: list[dict[str, Any]], cursor: str | None
    ) -> int:
        if not items:
            return 0
        futures = []
        for item in items:
            futures.append(await self._publish(kind, item))
        for future in futures:
            await future
        published = sum(1 for item in items if "_failed" not in item)
        await self._cursors.save(kind.kind, str(cursor), published)
        self.published += published
        log.info("records_published", pes=self.code, kind=kind.kind, count=published, cursor=cursor)
        return published

    async def _publish(self, kind: InboundKind, item: dict[str, Any]) -> Any:
        position = str(item.pop("_seq", ""))
        topic = f"pes.{self.code.lower()}.out.{kind.event_type}"
        mapping = self._mappings.get(kind.kind)
        try:
            record = mapping.to_canonical(item) if mapping else item
            value = self._link.codec.encode(kind.schema, record)
            key = kind.key(record)
        except (MappingError, CodecError, KeyError, TypeError, ValueError) as exc:
            item["_failed"] = True
            return await self._dead_letter(kind, item, exc, position)
        event = CloudEvent(
            source=f"/pes/{self.code.lower()}/connector",
            type=f"be.pes.hub.{kind.schema}",
            id=hashlib.sha256(f"{self.code}|{kind.kind}|{key}|{position}".encode()).hexdigest()[
                :32
            ],
            subject=key,
            time=datetime.fromtimestamp(int(record[kind.time_field]) / 1000, UTC),
            traceparent=new_traceparent(),
        )
        return await self._link.producer.send(
            topic, value, key=key.encode(), headers=event.to_headers()
        )

    async def _dead_letter(
        self, kind: InboundKind, item: dict[str, Any], exc: Exception, position: str
    ) -> Any:
        self.dead_letters += 1
        raw = json.dumps(
            {k: v for k, v in item.items() if k != "_failed"}, ensure_ascii=False
        ).encode()
        log.warning(
            "record_not_mapped", pes=self.code, kind=kind.kind, position=position, error=str(exc)
        )
        letter = dead_letter(
            stage="MAP",
            reason_code=type(exc).__name__,
            reason=f"{kind.kind} record at {position}: {exc}",
            error_type=type(exc).__name__,
            key=None,
            value=raw,
            topic=f"{self.code.lower()}-api:{kind.kind}",
            offset=int(position or -1),
        )
        return await self._link.producer.send(
            DEADLETTER_TOPIC, self._link.codec.encode("DeadLetter", letter)
        )
