"""Errors of the audit tools."""

from __future__ import annotations

from hub.exceptions import HubError

__all__ = ["TopicNotFoundError"]


class TopicNotFoundError(HubError):
    """Raised when a topic to be read does not exist on the cluster: reading it would
    report nothing found, which an auditor could take for a clean result."""
