"""Errors about the topic catalogue."""

from __future__ import annotations

from hub.exceptions import HubError

__all__ = ["CatalogueError", "TopicApplyError"]


class CatalogueError(HubError):
    """Raised when the catalogue file is missing, malformed or names unknown things."""


class TopicApplyError(HubError):
    """Raised when the cluster refuses to create or change a topic."""

    retriable = True
