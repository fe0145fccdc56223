"""The topic catalogue as typed data, expanded from ``topics/catalog.yaml``.

The YAML holds a per-service template; loading expands it for every service so that
the rest of the hub (router, ACL rendering, checks) sees one flat list of topics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from hub.catalog.exceptions import CatalogueError

__all__ = ["CATALOG_FILE", "Catalog", "Service", "Topic", "load_catalog"]

CATALOG_FILE = "catalog.yaml"

DataClass = Literal["public", "personal", "sensitive"]
KeyKind = Literal["subject", "vacancy", "event", "original", "connector"]
_DATA_CLASSES = ("public", "personal", "sensitive")
_KEY_KINDS = ("subject", "vacancy", "event", "original", "connector")
_CLEANUP = ("delete", "compact", "compact,delete")
_TOPIC_FIELDS = {
    "name",
    "schema",
    "key",
    "data_class",
    "retention_ms",
    "cleanup_policy",
    "writers",
    "readers",
    "partitions",
    "replication_factor",
}


@dataclass(frozen=True)
class Service:
    """A public employment service that has a connector and its own topics."""

    code: str
    name: str
    region: str
    language: str
    principal: str

    @property
    def slug(self) -> str:
        """Return the lower-case code used in topic names."""
        return self.code.lower()


@dataclass(frozen=True)
class Topic:
    """One topic, with what the cluster needs and who may touch it."""

    name: str
    schema: str
    key: KeyKind
    data_class: DataClass
    partitions: int
    replication_factor: int
    retention_ms: int
    cleanup_policy: str
    writers: tuple[str, ...]
    readers: tuple[str, ...]
    service: str | None = None
    direction: Literal["out", "in"] | None = None
    event_type: str | None = None

    def kafka_configs(self) -> dict[str, str]:
        """Return the topic-level configs the catalogue owns."""
        return {"retention.ms": str(self.retention_ms), "cleanup.policy": self.cleanup_policy}


@dataclass(frozen=True)
class Catalog:
    """Every topic and service, plus the hub's own principals."""

    version: int
    services: dict[str, Service]
    principals: dict[str, str]
    topics: dict[str, Topic] = field(default_factory=dict)

    def topic(self, name: str) -> Topic:
        """Return a topic by name, or raise CatalogueError."""
        try:
            return self.topics[name]
        except KeyError:
            raise CatalogueError(f"topic {name!r} is not in the catalogue") from None

    def service_topic(self, code: str, direction: str, event_type: str) -> Topic:
        """Return ``pes.<code>.<direction>.<event_type>``."""
        return self.topic(f"pes.{code.lower()}.{direction}.{event_type}")

    def principals_in_use(self) -> set[str]:
        """Return every principal named as a writer or reader."""
        return {p for t in self.topics.values() for p in (*t.writers, *t.readers)}


def _require(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(mapping, Mapping):
        raise CatalogueError(f"{where}: expected a mapping of fields, got {mapping!r}")
    if key not in mapping:
        raise CatalogueError(f"{where}: missing {key!r}")
    return mapping[key]


def _whole_number(value: Any, field: str, where: str) -> int:
    """Return *value* as an int; a catalogue is edited by hand, so say which field is wrong."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise CatalogueError(f"{where}: {field} {value!r} is not a whole number") from None


def _principal(role: str, principals: Mapping[str, str], where: str) -> str:
    if role not in principals:
        raise CatalogueError(f"{where}: unknown role {role!r}; known: {', '.join(principals)}")
    return principals[role]


def _topic(
    spec: Mapping[str, Any],
    defaults: Mapping[str, Any],
    principals: Mapping[str, str],
    service: Service | None,
    services: Mapping[str, Service],
) -> Topic:
    raw_name = str(_require(spec, "name", "topic"))
    name = raw_name.format(pes=service.slug) if service else raw_name
    where = f"topic {name}"
    unknown = set(spec) - _TOPIC_FIELDS
    if unknown:
        raise CatalogueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    key = _require(spec, "key", where)
    data_class = _require(spec, "data_class", where)
    cleanup = _require(spec, "cleanup_policy", where)
    if key not in _KEY_KINDS:
        raise CatalogueError(f"{where}: key {key!r} is not one of {', '.join(_KEY_KINDS)}")
    if data_class not in _DATA_CLASSES:
        raise CatalogueError(f"{where}: data_class {data_class!r} is not one of {_DATA_CLASSES}")
    if cleanup not in _CLEANUP:
        raise CatalogueError(f"{where}: cleanup_policy {cleanup!r} is not one of {_CLEANUP}")

    def expand(roles: list[str]) -> tuple[str, ...]:
        out: list[str] = []
        for role in roles:
            if role != "pes":
                out.append(_principal(role, principals, where))
            elif service is not None:
                out.append(service.principal)
            else:  # a hub topic that every service's connector writes or reads
                out.extend(s.principal for s in services.values())
        return tuple(out)

    direction = event_type = None
    parts = name.split(".")
    if service is not None and len(parts) == 4:
        direction, event_type = parts[2], parts[3]
    return Topic(
        name=name,
        schema=str(_require(spec, "schema", where)),
        key=key,
        data_class=data_class,
        partitions=_whole_number(
            spec.get("partitions", defaults.get("partitions", 1)), "partitions", where
        ),
        replication_factor=_whole_number(
            spec.get("replication_factor", defaults.get("replication_factor", 1)),
            "replication_factor",
            where,
        ),
        retention_ms=_whole_number(_require(spec, "retention_ms", where), "retention_ms", where),
        cleanup_policy=cleanup,
        writers=expand(list(spec.get("writers", []))),
        readers=expand(list(spec.get("readers", []))),
        service=service.code if service else None,
        direction=direction,  # type: ignore[arg-type]
        event_type=event_type,
    )


def load_catalog(topics_dir: Path) -> Catalog:
    """Read and expand ``catalog.yaml``; raise CatalogueError on anything malformed."""
    path = topics_dir / CATALOG_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError(f"cannot read the topic catalogue {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise CatalogueError(f"{path}: expected a mapping at the top")
    principals = dict(_require(raw, "principals", str(path)))
    pes_template = principals.pop("pes", "connector-{pes}")
    services = {
        code: Service(
            code=code,
            name=str(_require(info, "name", f"service {code}")),
            region=str(_require(info, "region", f"service {code}")),
            language=str(info.get("language", "")),
            principal=pes_template.format(pes=code.lower()),
        )
        for code, info in dict(_require(raw, "services", str(path))).items()
    }
    defaults = dict(raw.get("defaults", {}))
    topics: dict[str, Topic] = {}

    def add(topic: Topic) -> None:
        if topic.name in topics:
            raise CatalogueError(f"topic {topic.name} is defined twice")
        topics[topic.name] = topic

    for service in services.values():
        for spec in raw.get("pes_topics", []):
            add(_topic(spec, defaults, principals, service, services))
    for spec in raw.get("hub_topics", []):
        add(_topic(spec, defaults, principals, None, services))
    return Catalog(
        version=int(raw.get("version", 1)),
        services=services,
        principals=principals,
        topics=topics,
    )
