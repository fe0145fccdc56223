"""``hub deploy``: render the Compose or Kubernetes deployment, and the principals' ACLs."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from hub.catalog import load_catalog
from hub.cli._common import console, fail_on_hub_error, settings
from hub.deploy import TARGETS, derive_principals, differences, load_profile, render, write_tree

__all__ = ["app"]

app = typer.Typer(
    help="Run the hub on a real Kafka cluster: files generated from topics/.",
    no_args_is_help=True,
)

_TARGET = typer.Option(..., "--target", help=f"One of: {', '.join(TARGETS)}.")
_OUT = typer.Option(..., "--out", help="Folder to write the files into.")
_DIR = typer.Option(..., "--dir", help="Folder holding a rendered copy.")


@app.command("render")
def render_command(
    target: str = _TARGET,
    out: Path = _OUT,
) -> None:
    """Write every file of the target (compose: deploy/compose, k8s: deploy/k8s)."""
    with fail_on_hub_error():
        written = write_tree(render(target, settings().topics_dir), out)
    console.print(f"[green]rendered[/] {len(written)} files into {out}")


@app.command("check")
def check_command(
    target: str = _TARGET,
    folder: Path = _DIR,
) -> None:
    """Exit 1 when a rendered copy differs from a fresh rendering."""
    with fail_on_hub_error():
        problems = differences(render(target, settings().topics_dir), folder)
    for problem in problems:
        console.print(f"[red]stale[/] {problem}")
    if problems:
        console.print(f"re-render: hub deploy render --target {target} --out {folder}")
        if any(problem.endswith(": not rendered") for problem in problems):
            console.print("and delete the files marked 'not rendered' (render keeps them)")
        raise typer.Exit(code=1)
    console.print(f"[green]ok[/]: {folder} matches the catalogue")


@app.command("acls")
def acls_command() -> None:
    """Show every principal with what it may do."""
    with fail_on_hub_error():
        principals = derive_principals(load_catalog(settings().topics_dir), load_profile())
    table = Table("principal", "role", "operation", "resource", "pattern")
    for principal in principals:
        for acl in principal.acls:
            table.add_row(
                principal.name,
                principal.role,
                acl.operation,
                f"{acl.resource_type}:{acl.name}",
                acl.pattern,
            )
    console.print(table)
