"""Render a deployment target from the catalogue and the deploy profile."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

from hub.catalog import Catalog, load_catalog
from hub.deploy.compose import COMPOSE_DIR, render_compose
from hub.deploy.exceptions import DeployError
from hub.deploy.files import Rendering
from hub.deploy.k8s import K8S_DIR, render_k8s
from hub.deploy.profile import DeployProfile, load_profile

__all__ = ["TARGETS", "Target", "render"]

Target = Literal["compose", "k8s"]

# target -> (renderer, folder of the committed copy, relative to the repository)
TARGETS: dict[str, tuple[Callable[[Catalog, DeployProfile], Rendering], str]] = {
    "compose": (render_compose, COMPOSE_DIR),
    "k8s": (render_k8s, K8S_DIR),
}


def render(target: str, topics_dir: Path, profile: DeployProfile | None = None) -> Rendering:
    """Return the files of *target*, rendered from the catalogue in *topics_dir*."""
    if target not in TARGETS:
        raise DeployError(f"unknown target {target!r}; one of {', '.join(TARGETS)}")
    renderer, _folder = TARGETS[target]
    return renderer(load_catalog(topics_dir), profile or load_profile())
