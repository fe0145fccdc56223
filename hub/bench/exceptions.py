"""Errors of the benchmark suite."""

from __future__ import annotations

from hub.exceptions import HubError

__all__ = ["BenchError", "BenchTimeoutError"]


class BenchError(HubError):
    """Raised when a benchmark cannot run (a process died, a peer is not installed)."""


class BenchTimeoutError(BenchError):
    """Raised when the expected outputs did not all appear in time."""
