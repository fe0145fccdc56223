"""The dashboard's JSON: groups with trends, the flow matrix, the latest records."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hub.lag import GroupLag, TrendPoint
from hub.web.activity import Activity

__all__ = ["READS_SHORT_NOTE", "dashboard_state"]

READS_SHORT_NOTE = (
    "embedded broker (Tansu): log-end offsets are the start of the last batch, "
    "so lag reads short by up to one batch"
)
_TREND_POINTS = 120


def dashboard_state(
    *,
    groups: Sequence[GroupLag],
    trends: Mapping[str, Iterable[TrendPoint]],
    flows: Counter[tuple[str, str, str, str]],
    dead_letter_total: int,
    activity: Activity,
    services: Sequence[str],
    reads_short: bool,
    monitor: Mapping[str, Any],
) -> dict[str, Any]:
    """Return everything the page shows, in one document."""
    matrix: dict[str, dict[str, dict[str, int]]] = {}
    for (source, destination, _event_type, outcome), count in flows.items():
        cell = matrix.setdefault(source, {}).setdefault(destination, {})
        cell[outcome] = cell.get(outcome, 0) + count
    return {
        "generated_at": time.time(),
        "broker": {"reads_short": reads_short, "note": READS_SHORT_NOTE if reads_short else None},
        "monitor": dict(monitor),
        "groups": [
            group.to_dict(partitions=False)
            | {"trend": _thin([p.to_dict() for p in trends.get(group.group, ())])}
            for group in groups
        ],
        "services": list(services),
        "matrix": matrix,
        "decisions": list(activity.decisions),
        "dead_letters": list(activity.dead_letters),
        "dead_letter_total": dead_letter_total,
    }


def _thin(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep at most ``_TREND_POINTS`` evenly spaced points, always the latest."""
    step = max(1, -(-len(points) // _TREND_POINTS))
    return points[::-1][::step][::-1]
