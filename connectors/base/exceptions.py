"""Errors of the connectors; retriability is a property of the type."""

from __future__ import annotations

from hub.exceptions import HubError

__all__ = ["ConnectorError", "MappingError", "UpstreamRejectedError", "UpstreamUnavailableError"]


class ConnectorError(HubError):
    """Raised when a connector cannot do its work."""


class MappingError(ConnectorError):
    """Raised when a native record cannot be turned into a canonical one, or back."""


class UpstreamUnavailableError(ConnectorError):
    """Raised when a service's API times out or answers 5xx / 429: try again later."""

    retriable = True


class UpstreamRejectedError(ConnectorError):
    """Raised when a service's API refuses a request with 4xx: retrying will not help."""

    def __init__(self, status: int, body: str) -> None:
        self.status = status
        self.body = body
        super().__init__(f"the service answered {status}: {body[:300]}")
