"""Connector cursors in Kafka (a compacted topic), not in a local file.

A restarted connector, on any machine, resumes from the last cursor it stored.
"""

from __future__ import annotations

import time
from typing import Any

from aiokafka import AIOKafkaProducer

from hub.audit.reader import TopicReader
from hub.codec import AvroCodec, CodecError

__all__ = ["CURSOR_TOPIC", "CursorStore"]

CURSOR_TOPIC = "hub.connector.cursors"


class CursorStore:
    """Read all cursors of one connector at start; write each one as it moves."""

    def __init__(
        self,
        codec: AvroCodec,
        producer: AIOKafkaProducer,
        client_options: dict[str, Any],
        connector: str,
    ) -> None:
        self._codec = codec
        self._producer = producer
        self._options = client_options
        self.connector = connector
        self.cursors: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    async def load(self) -> dict[str, str]:
        """Return {kind: cursor} as last stored."""
        async for record in TopicReader(self._options).read([CURSOR_TOPIC]):
            try:
                cursor = self._codec.decode(record.value or b"", expected="ConnectorCursor").record
            except CodecError:
                continue
            if cursor["connector"] == self.connector:
                self.cursors[cursor["kind"]] = cursor["cursor"]
                self.counts[cursor["kind"]] = cursor["records"]
        return dict(self.cursors)

    async def save(self, kind: str, cursor: str, published: int) -> None:
        """Store a cursor after the records before it were acknowledged."""
        self.counts[kind] = self.counts.get(kind, 0) + published
        value = self._codec.encode(
            "ConnectorCursor",
            {
                "connector": self.connector,
                "kind": kind,
                "cursor": cursor,
                "records": self.counts[kind],
                "updated_at": int(time.time() * 1000),
            },
        )
        await self._producer.send_and_wait(
            CURSOR_TOPIC, value, key=f"{self.connector}:{kind}".encode()
        )
        self.cursors[kind] = cursor
