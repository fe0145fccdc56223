"""The deploy profile: versions, ports, replicas and groups, read from ``data/deploy.yaml``.

Kept apart from the catalogue because it describes one way of running the hub, not the
topics themselves; both renderers read the same profile so compose and Kubernetes agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from hub.deploy.exceptions import DeployError

__all__ = ["DeployProfile", "load_profile"]


@dataclass(frozen=True)
class DeployProfile:
    """What a real deployment needs beyond the catalogue."""

    cluster_name: str
    brokers: int
    kafka_version: str
    metadata_version: str
    admin_user: str
    images: Mapping[str, str]
    ports: Mapping[str, int]
    replicas: Mapping[str, int]
    groups: Mapping[str, str]
    internal_topic_prefixes: Mapping[str, str]
    group_watchers: tuple[str, ...]
    grafana_dashboard: str

    def image(self, name: str) -> str:
        """Return a pinned image reference, or raise DeployError."""
        return _lookup(self.images, name, "image")

    def port(self, name: str) -> int:
        """Return a port number, or raise DeployError."""
        return int(_lookup(self.ports, name, "port"))


def _lookup(mapping: Mapping[str, Any], key: str, what: str) -> Any:
    try:
        return mapping[key]
    except KeyError:
        raise DeployError(f"the deploy profile names no {what} {key!r}") from None


def load_profile(path: Path | None = None) -> DeployProfile:
    """Read the profile (the packaged one unless *path* is given)."""
    try:
        text = (
            path.read_text(encoding="utf-8")
            if path
            else resources.files("hub.deploy").joinpath("data/deploy.yaml").read_text("utf-8")
        )
        raw = yaml.safe_load(text)
        cluster = raw["cluster"]
        return DeployProfile(
            cluster_name=str(cluster["name"]),
            brokers=int(cluster["brokers"]),
            kafka_version=str(cluster["kafka_version"]),
            metadata_version=str(cluster["metadata_version"]),
            admin_user=str(cluster["admin_user"]),
            images=dict(raw["images"]),
            ports={k: int(v) for k, v in raw["ports"].items()},
            replicas={k: int(v) for k, v in raw["replicas"].items()},
            groups=dict(raw["groups"]),
            internal_topic_prefixes=dict(raw.get("internal_topic_prefixes", {})),
            group_watchers=tuple(raw.get("group_watchers", ())),
            grafana_dashboard=str(raw["grafana_dashboard"]),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise DeployError(f"cannot read the deploy profile: {exc!r}") from exc
