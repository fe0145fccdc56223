"""Errors of the policy layer: broken agreements or crosswalk files."""

from __future__ import annotations

from hub.exceptions import HubError

__all__ = ["AgreementError", "CrosswalkError"]


class AgreementError(HubError):
    """Raised when an agreements file is unreadable or contradicts itself."""


class CrosswalkError(HubError):
    """Raised when the occupation crosswalk file is unreadable or malformed."""
