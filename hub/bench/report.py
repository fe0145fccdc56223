"""The result table, as the CLI prints it and the README shows it."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table

from hub.bench.suite import Figure

__all__ = ["figures_table"]


def _value(figure: Figure) -> str:
    if figure.unit in ("ev/s", "rec/s", "µs"):
        return f"{figure.value:,.0f} {figure.unit}"
    return f"{figure.value:,.1f} {figure.unit}"


def _ratios(figure: Figure) -> str:
    return ", ".join(f"{ratio:.2f}x {peer}" for peer, ratio in figure.ratios.items())


def figures_table(figures: Iterable[Figure], title: str) -> Table:
    """Return a table with one row per figure: section, measure, median, ratios, runs."""
    table = Table(title=title)
    table.add_column("section")
    table.add_column("measure")
    table.add_column("median", justify="right")
    table.add_column("ratio (same run)")
    table.add_column("runs", justify="right")
    for figure in figures:
        table.add_row(
            figure.section, figure.measure, _value(figure), _ratios(figure), str(figure.runs)
        )
    return table
