"""Errors of the benchmark suite."""

from __future__ import annotations

from hub.exceptions import HubError

__all__ = ["BenchError", "BenchStallError", "BenchTimeoutError"]


class BenchError(HubError):
    """Raised when a benchmark cannot run (a process died, a peer is not installed)."""


class BenchTimeoutError(BenchError):
    """Raised when the expected outputs did not all appear in time."""


class BenchStallError(BenchTimeoutError):
    """Raised when outputs stopped arriving long before the pass's time was up: the
    pipeline is stuck rather than slow (the run is worth starting again)."""
