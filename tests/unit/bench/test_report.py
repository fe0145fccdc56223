"""The result table shows each figure's median with how far its runs lie apart."""

from __future__ import annotations

import pytest
from rich.console import Console

from hub.bench.report import figures_table
from hub.bench.suite import Figure

_ROUTER = Figure(
    "vacancies (a)",
    "router throughput",
    (2_683.4, 3_176.4, 2_828.5),
    "ev/s",
    {"aiokafka": (0.72, 0.55, 0.67), "quixstreams": (0.59, 0.69, 0.56)},
)


def _rows(*figures: Figure, width: int = 200) -> list[list[str]]:
    """Return the cells of every line of the table body."""
    console = Console(width=width, record=True)
    console.print(figures_table(figures, "t"))
    lines = [line for line in console.export_text().splitlines() if line.startswith("│")]
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines]


def test_a_figure_shows_its_median_lowest_and_highest_run_and_each_ratio_spread() -> None:
    assert _ROUTER.value == 2_828.5
    assert _ROUTER.ratios == {"aiokafka": 0.67, "quixstreams": 0.59}
    assert _rows(_ROUTER) == [
        [
            "vacancies (a)",
            "router throughput",
            "2,828 ev/s",
            "2,683–3,176",
            "0.67x aiokafka (0.55–0.72)",
            "3",
        ],
        ["", "", "", "", "0.59x quixstreams (0.56–0.69)", ""],
    ]


def test_a_single_run_shows_no_spread() -> None:
    (row,) = _rows(Figure("router hop", "p99 at 100 ev/s", (42.08,), "ms"))
    assert row == ["router hop", "p99 at 100 ev/s", "42.1 ms", "", "", "1"]


def test_a_narrow_terminal_folds_cells_and_loses_no_digit() -> None:
    rows = _rows(_ROUTER, width=60)
    assert len(rows) > 2  # it did wrap
    section, measure, median, spread, ratios, _ = (
        "".join(column) for column in zip(*rows, strict=True)
    )
    assert "…" not in f"{section}{measure}{median}{spread}{ratios}"
    assert (median, spread) == ("2,828ev/s", "2,683–3,176")
    assert ratios == "0.67xaiokafka(0.55–0.72)0.59xquixstreams(0.56–0.69)"


def test_a_table_written_to_a_file_gets_a_line_per_row(capsys: pytest.CaptureFixture[str]) -> None:
    from hub.cli.bench import _print

    _print(figures_table([_ROUTER], "t"))
    body = [line for line in capsys.readouterr().out.splitlines() if line.startswith("│")]
    assert body[0].split("│")[1:-1][1].strip() == "router throughput"
    assert "0.67x aiokafka (0.55–0.72)" in body[0]
