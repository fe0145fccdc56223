"""Errors of the lag monitor."""

from __future__ import annotations

from typing import ClassVar

from hub.exceptions import HubError

__all__ = ["LagError", "LagReadError"]


class LagError(HubError):
    """Raised when lag cannot be computed for what was asked (e.g. an unknown group)."""


class LagReadError(LagError):
    """Raised when the cluster does not answer an offset request; the next sample may work."""

    retriable: ClassVar[bool] = True
