"""The result table shows each figure's median with how far its runs lie apart."""

from __future__ import annotations

from rich.console import Console

from hub.bench.report import figures_table
from hub.bench.suite import Figure


def _rendered(*figures: Figure) -> list[str]:
    console = Console(width=200, record=True)
    console.print(figures_table(figures, "t"))
    return [line for line in console.export_text().splitlines() if line.startswith("│")]


def test_a_figure_shows_its_median_lowest_and_highest_run_and_each_ratio_spread() -> None:
    router = Figure(
        "vacancies (a)",
        "router throughput",
        (2_683.4, 3_176.4, 2_828.5),
        "ev/s",
        {"aiokafka": (0.72, 0.55, 0.67), "quixstreams": (0.59, 0.69, 0.56)},
    )
    assert router.value == 2_828.5
    assert router.ratios == {"aiokafka": 0.67, "quixstreams": 0.59}
    (row,) = _rendered(router)
    cells = [cell.strip() for cell in row.split("│")[1:-1]]
    assert cells == [
        "vacancies (a)",
        "router throughput",
        "2,828 ev/s",
        "2,683–3,176",
        "0.67x aiokafka (0.55–0.72), 0.59x quixstreams (0.56–0.69)",
        "3",
    ]


def test_a_single_run_shows_no_spread() -> None:
    (row,) = _rendered(Figure("router hop", "p99 at 100 ev/s", (42.08,), "ms"))
    cells = [cell.strip() for cell in row.split("│")[1:-1]]
    assert cells == ["router hop", "p99 at 100 ev/s", "42.1 ms", "", "", "1"]
