"""The router's errors: one record that cannot be routed (a dead letter, never a crash), and
a broker that does not answer the router's start-up or its group join (an exit, for a
restart)."""

from __future__ import annotations

from hub.exceptions import HubError

__all__ = ["RouterJoinError", "RouterStartError", "RoutingError"]


class RoutingError(HubError):
    """Raised when a readable record cannot be routed (wrong key, sender or topic)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class RouterStartError(HubError):
    """Raised when the broker cannot be reached, or does not answer the router's start-up
    in time."""

    retriable = True


class RouterJoinError(HubError):
    """Raised when the consumer group does not complete the router's join in time."""

    retriable = True
