"""The latest routing decisions and dead letters, kept for the dashboard and counted.

Fed by ``FlowCounter``'s record callback, which tails ``hub.audit`` and
``hub.deadletter`` without a consumer group.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from hub.metrics import count_audit_record

__all__ = ["Activity"]


class Activity:
    """A bounded feed of what the audit and dead-letter topics recorded last."""

    def __init__(self, keep: int = 25) -> None:
        self.decisions: deque[dict[str, Any]] = deque(maxlen=keep)
        self.dead_letters: deque[dict[str, Any]] = deque(maxlen=keep)

    def on_record(self, topic: str, record: dict[str, Any]) -> None:
        """Keep the summary of one decoded record and count it in the metrics."""
        count_audit_record(topic, record)
        if topic == "hub.deadletter":
            self.dead_letters.appendleft(
                {
                    "at": record["failed_at"],
                    "stage": record["stage"],
                    "reason_code": record["reason_code"],
                    "reason": record["reason"][:200],
                    "source_topic": record["source_topic"],
                    "source_offset": record["source_offset"],
                }
            )
        else:
            self.decisions.appendleft(
                {
                    "at": record["event_time"],
                    "event_id": record["event_id"],
                    "event_type": record["event_type"].rpartition(".")[2],
                    "source": record["source_pes"],
                    "destination": record["destination_pes"],
                    "outcome": record["outcome"],
                    "rule": record["rule_id"],
                    "reason_code": record["reason_code"],
                }
            )
