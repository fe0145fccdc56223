"""The result table, as the CLI prints it and the README shows it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial

from rich.table import Table

from hub.bench.suite import Figure

__all__ = ["figures_table"]


def _number(value: float, unit: str) -> str:
    return f"{value:,.0f}" if unit in ("ev/s", "rec/s", "µs") else f"{value:,.1f}"


def _spread(values: Sequence[float], show: Callable[[float], str]) -> str:
    """Return the lowest and the highest run, or nothing for a single run: on a shared
    machine a median says little without how far its runs lie apart."""
    if len(values) < 2:
        return ""
    return f"{show(min(values))}–{show(max(values))}"


def _value(figure: Figure) -> str:
    return f"{_number(figure.value, figure.unit)} {figure.unit}"


def _ratios(figure: Figure) -> str:
    parts = []
    for peer, ratios in figure.ratio_samples.items():
        spread = _spread(ratios, "{:.2f}".format)
        parts.append(f"{figure.ratios[peer]:.2f}x {peer}" + (f" ({spread})" if spread else ""))
    return "\n".join(parts)


def figures_table(figures: Iterable[Figure], title: str) -> Table:
    """Return a table with one row per figure: section, measure, median, the lowest and
    highest run, the ratios to the peers (median, lowest–highest) and the number of runs."""
    table = Table(title=title)
    # a narrow terminal wraps a cell; folding rather than an ellipsis keeps every digit
    table.add_column("section", overflow="fold")
    table.add_column("measure", overflow="fold")
    table.add_column("median", justify="right", overflow="fold")
    table.add_column("runs from–to", justify="right", overflow="fold")
    table.add_column("ratio (same run)", overflow="fold")
    table.add_column("runs", justify="right", overflow="fold")
    for figure in figures:
        table.add_row(
            figure.section,
            figure.measure,
            _value(figure),
            _spread(figure.samples, partial(_number, unit=figure.unit)),
            _ratios(figure),
            str(figure.runs),
        )
    return table
