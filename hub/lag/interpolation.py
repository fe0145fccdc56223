"""Lag in seconds: when was the log end where the consumer is now? No I/O.

The method of kafka-lag-exporter (``LookupTable.scala``): sample (log-end offset, time)
per partition; to date a committed offset, fit a line between the two samples around it,
or extrapolate along the widest line when it is older than the table. Lag in seconds is
then ``now - that time``: about the age of the oldest unread message. A run of equal
offsets keeps only its first and last sample, so an idle stretch stays one flat segment
and a message produced after it is dated after it, not in the middle.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from hub.exceptions import ConfigurationError

__all__ = ["OffsetHistory", "Point"]


@dataclass(frozen=True, slots=True)
class Point:
    """The log-end offset of a partition at a moment (seconds since the epoch)."""

    offset: int
    at: float


class OffsetHistory:
    """A bounded table of log-end samples of one partition, oldest first."""

    def __init__(self, size: int = 60) -> None:
        if size < 2:
            raise ConfigurationError("an offset history needs at least two points")
        self.points: deque[Point] = deque(maxlen=size)

    def add(self, offset: int, at: float) -> bool:
        """Add a sample; return False when it is out of order in time or offset (ignored)."""
        points = self.points
        if points and (at < points[-1].at or offset < points[-1].offset):
            return False
        if len(points) >= 2 and points[-2].offset == points[-1].offset == offset:
            points[-1] = Point(offset, at)
        else:
            points.append(Point(offset, at))
        return True

    def lag_seconds(self, committed: int, now: float) -> float | None:
        """Return how long ago the log end was at ``committed``; None with too few samples."""
        points = self.points
        if len(points) < 2:
            return None
        if committed >= points[-1].offset:
            return 0.0
        after = next(i for i, point in enumerate(points) if point.offset > committed)
        left, right = (points[0], points[-1]) if after == 0 else (points[after - 1], points[after])
        if right.offset == left.offset:
            return None
        at = left.at + (committed - left.offset) * (right.at - left.at) / (
            right.offset - left.offset
        )
        return max(0.0, now - at)
