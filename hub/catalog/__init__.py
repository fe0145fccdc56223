"""The topic catalogue: loading, checking and applying it to a cluster."""

from hub.catalog.apply import TopicChange, apply_catalog
from hub.catalog.checks import Finding, check_catalog
from hub.catalog.exceptions import CatalogueError, TopicApplyError
from hub.catalog.model import Catalog, Service, Topic, load_catalog

__all__ = [
    "Catalog",
    "CatalogueError",
    "Finding",
    "Service",
    "Topic",
    "TopicApplyError",
    "TopicChange",
    "apply_catalog",
    "check_catalog",
    "load_catalog",
]
