"""``hub bench``: the benchmark suite, on its own embedded broker unless one is configured."""

from __future__ import annotations

import asyncio
import signal

import typer
from rich.console import Console
from rich.table import Table

from hub.cli._common import console, fail_on_hub_error, settings

__all__ = ["bench"]

_FILE_WIDTH = 160  # written to a file or a pipe, the table gets a row per figure


def _print(table: Table) -> None:
    """Print a result table at the terminal's width, or wide enough when redirected.

    A console prints no wider than its own width (80 columns when not a terminal), so a
    redirected table goes through a console of the wider width.
    """
    if console.is_terminal:
        console.print(table)
    else:
        Console(file=console.file, width=_FILE_WIDTH).print(table)


def bench(
    events: int = typer.Option(100_000, "--events", help="Events per throughput workload."),
    subjects: int = typer.Option(1_000_000, "--subjects", help="Subjects with consent state."),
    runs: int = typer.Option(3, "--runs", min=1, help="Runs per figure (the median is shown)."),
    latency_seconds: float = typer.Option(
        10.0, "--latency-seconds", help="How long each latency run sends."
    ),
    audit_events: int = typer.Option(
        20_000, "--audit-events", help="Events whose decisions the audit section replays."
    ),
    section: list[str] = typer.Option(
        None, "--section", help="Run only these: vacancies, personal, latency, e2e, audit, broker."
    ),
    peers: bool = typer.Option(
        True, "--peers/--no-peers", help="Also run the aiokafka and quixstreams baselines."
    ),
    router_processes: list[int] = typer.Option(
        None,
        "--router-processes",
        min=1,
        help="Router replicas per pass, repeatable (default: 1, then 2).",
    ),
) -> None:
    """Measure router throughput against its baselines, latency, audit speed and memory."""
    from hub.bench.report import figures_table
    from hub.bench.suite import SECTIONS, BenchOptions, run_suite

    chosen = tuple(section) if section else SECTIONS
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        raise typer.BadParameter(f"unknown section(s) {unknown}; choose from {list(SECTIONS)}")
    options = BenchOptions(
        events=events,
        subjects=subjects,
        runs=runs,
        latency_seconds=latency_seconds,
        audit_events=audit_events,
        sections=chosen,
        peers=peers,
        router_processes=tuple(router_processes or BenchOptions.router_processes),
    )

    async def run() -> list:
        # SIGTERM cancels like Ctrl-C, so every broker and process the suite started is stopped
        task = asyncio.current_task()
        assert task is not None
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        return await run_suite(
            options,
            settings(),
            on_figures=lambda found: _print(figures_table(found, "section done")),
        )

    with fail_on_hub_error():
        try:
            figures = asyncio.run(run())
        except asyncio.CancelledError as exc:
            raise typer.Exit(code=143) from exc
    title = f"hub bench: {events:,} events, {subjects:,} subjects, median of {runs} run(s)"
    _print(figures_table(figures, title))
