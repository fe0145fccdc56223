"""What the lag monitor reports, as plain values that render to JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.lag.burrow import Status

__all__ = ["GroupLag", "PartitionLag", "TrendPoint"]


@dataclass(frozen=True)
class PartitionLag:
    """One group's position on one partition."""

    group: str
    topic: str
    partition: int
    #: None when the group never committed on this partition (lag counts from the log start)
    committed: int | None
    end: int
    lag: int
    #: None until two log-end samples allow an estimate
    lag_seconds: float | None
    status: Status

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "topic": self.topic,
            "partition": self.partition,
            "committed": self.committed,
            "end": self.end,
            "lag": self.lag,
            "lag_seconds": _rounded(self.lag_seconds),
            "status": self.status.name,
        }


@dataclass(frozen=True)
class GroupLag:
    """One consumer group: its partitions and Burrow's group status."""

    group: str
    status: Status
    #: live members, None when the cluster would not say
    members: int | None
    partitions: tuple[PartitionLag, ...]

    @property
    def lag(self) -> int:
        """Messages behind, summed over the partitions."""
        return sum(p.lag for p in self.partitions)

    @property
    def max_lag_seconds(self) -> float | None:
        """The oldest unread message's age over the partitions; None if one cannot be dated."""
        behind = [p.lag_seconds for p in self.partitions if p.lag]
        if any(seconds is None for seconds in behind):
            return None
        return max((s for s in behind if s is not None), default=0.0)

    @property
    def worst(self) -> Status:
        """The worst partition status (the group status caps it at ERR)."""
        return max((p.status for p in self.partitions), default=Status.NOTFOUND)

    def to_dict(self, *, partitions: bool = True) -> dict[str, Any]:
        """Return the JSON form; lagging partitions only unless ``partitions``."""
        return {
            "group": self.group,
            "status": self.status.name,
            "worst_partition_status": self.worst.name,
            "members": self.members,
            "lag": self.lag,
            "max_lag_seconds": _rounded(self.max_lag_seconds),
            "partitions": [
                p.to_dict()
                for p in self.partitions
                if partitions or p.lag or p.status is not Status.OK
            ],
        }


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """A group's totals at one sample, for sparklines."""

    at: float
    lag: int
    lag_seconds: float | None
    status: Status

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "at": round(self.at, 3),
            "lag": self.lag,
            "lag_seconds": _rounded(self.lag_seconds),
            "status": self.status.name,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
