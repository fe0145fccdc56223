"""Errors about rendering deployments."""

from __future__ import annotations

from hub.exceptions import HubError

__all__ = ["DeployError"]


class DeployError(HubError):
    """Raised when the deploy profile is malformed or does not fit the catalogue."""
