"""Lag in seconds from log-end samples, as kafka-lag-exporter computes it."""

from __future__ import annotations

import pytest

from hub.exceptions import ConfigurationError
from hub.lag import OffsetHistory, Point


def _history(*points: tuple[int, float], size: int = 60) -> OffsetHistory:
    history = OffsetHistory(size)
    for offset, at in points:
        history.add(offset, at)
    return history


@pytest.mark.parametrize(
    ("points", "committed", "now", "expected"),
    [
        ([(100, 10.0)], 50, 20.0, None),  # too few points
        ([(0, 0.0), (100, 10.0)], 100, 20.0, 0.0),  # caught up
        ([(0, 0.0), (100, 10.0)], 120, 20.0, 0.0),  # committed past a short end offset
        ([(0, 0.0), (100, 10.0)], 50, 20.0, 15.0),  # interpolated at t=5
        ([(0, 0.0), (100, 10.0), (300, 20.0)], 200, 30.0, 15.0),  # between the later two
        ([(100, 10.0), (200, 20.0)], 50, 30.0, 25.0),  # extrapolated back to t=5
        ([(100, 0.0), (100, 50.0), (200, 60.0)], 150, 60.0, 5.0),  # after an idle stretch
    ],
)
def test_lag_seconds_interpolates_the_committed_offset(
    points: list[tuple[int, float]], committed: int, now: float, expected: float | None
) -> None:
    assert _history(*points).lag_seconds(committed, now) == pytest.approx(expected)


def test_a_flat_run_keeps_its_first_and_last_sample() -> None:
    history = _history((100, 0.0), (100, 1.0), (100, 2.0), (100, 3.0))
    assert list(history.points) == [Point(100, 0.0), Point(100, 3.0)]


def test_out_of_order_and_shrinking_samples_are_ignored() -> None:
    history = _history((100, 10.0))
    assert not history.add(120, 5.0)
    assert not history.add(90, 11.0)
    assert list(history.points) == [Point(100, 10.0)]


def test_the_table_is_bounded() -> None:
    history = _history(*[(i * 10, float(i)) for i in range(10)], size=4)
    assert [p.offset for p in history.points] == [60, 70, 80, 90]


def test_a_history_needs_two_points() -> None:
    with pytest.raises(ConfigurationError):
        OffsetHistory(1)
