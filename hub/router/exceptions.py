"""Errors raised while routing one record; each becomes a dead letter, never a crash."""

from __future__ import annotations

from hub.exceptions import HubError

__all__ = ["RoutingError"]


class RoutingError(HubError):
    """Raised when a readable record cannot be routed (wrong key, sender or topic)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)
