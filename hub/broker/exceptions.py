"""Errors of the embedded broker."""

from __future__ import annotations

from hub.exceptions import HubError

__all__ = ["BrokerBinaryNotFoundError", "BrokerError", "BrokerStartError"]


class BrokerError(HubError):
    """Raised when the embedded broker cannot be run."""


class BrokerBinaryNotFoundError(BrokerError):
    """Raised when the Tansu or SeaweedFS binary is not installed."""


class BrokerStartError(BrokerError):
    """Raised when a broker process exits or does not answer in time at start-up."""
