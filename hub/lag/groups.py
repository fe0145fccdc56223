"""Which consumer groups the hub runs and the topics each reads, from the catalogue."""

from __future__ import annotations

from hub.catalog import Catalog

__all__ = ["hub_groups"]


def hub_groups(catalog: Catalog, router_group: str) -> dict[str, list[str]]:
    """Return {group: topics}: the router reads every out topic, each connector its inboxes."""
    groups = {router_group: sorted(t.name for t in catalog.topics.values() if t.direction == "out")}
    for code in catalog.services:
        groups[f"connector-{code.lower()}"] = sorted(
            t.name for t in catalog.topics.values() if t.service == code and t.direction == "in"
        )
    return groups
