"""Principals and their Kafka ACLs, derived from the topic catalogue.

Topic Read and Write come only from the catalogue's readers and writers. The deploy
profile adds what the catalogue cannot know: each role's consumer group (Read), the
internal topics a role creates for itself (the router's state changelog, by prefix),
and Describe for the roles that watch consumer groups. Nothing else is granted: Kafka
denies what no ACL allows (``allow.everyone.if.no.acl.found=false`` / Strimzi simple
authorization).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from hub.catalog import Catalog
from hub.deploy.exceptions import DeployError
from hub.deploy.profile import DeployProfile

__all__ = ["Acl", "Principal", "derive_principals", "password_variable"]

ResourceType = Literal["topic", "group"]
Pattern = Literal["literal", "prefixed"]
Operation = Literal["Read", "Write", "Describe", "Create"]
_INTERNAL_OPERATIONS: tuple[Operation, ...] = ("Create", "Read", "Write")


@dataclass(frozen=True, order=True)
class Acl:
    """One allow rule: the principal may do *operation* on the resource."""

    resource_type: ResourceType
    name: str
    pattern: Pattern
    operation: Operation


@dataclass(frozen=True)
class Principal:
    """A SCRAM user of the cluster, the role it plays and what it may do."""

    name: str
    role: str
    acls: tuple[Acl, ...]

    def topics(self, operation: Operation) -> set[str]:
        """Return the literal topic names this principal may *operation*."""
        return _literal_topics(self.acls, operation)


def password_variable(principal: str) -> str:
    """Return the environment variable that holds a principal's SCRAM password."""
    return "SCRAM_PASSWORD_" + principal.upper().replace("-", "_")


def _roles(catalog: Catalog) -> dict[str, tuple[str, str | None]]:
    """Return principal name -> (role, service code or None)."""
    roles: dict[str, tuple[str, str | None]] = {
        service.principal: ("pes", code) for code, service in catalog.services.items()
    }
    for role, name in catalog.principals.items():
        roles[name] = (role, None)
    return roles


def _group(profile: DeployProfile, role: str, service: str | None) -> str | None:
    template = profile.groups.get(role)
    if template is None:
        return None
    return template.format(pes=service.lower()) if service else template


def derive_principals(catalog: Catalog, profile: DeployProfile) -> list[Principal]:
    """Return every principal the catalogue names, with exactly the ACLs it needs."""
    roles = _roles(catalog)
    unknown = set(profile.groups) | set(profile.internal_topic_prefixes)
    unknown |= set(profile.group_watchers)
    unknown -= {role for role, _ in roles.values()}
    if unknown:
        raise DeployError(f"the deploy profile names roles the catalogue lacks: {sorted(unknown)}")
    acls: dict[str, set[Acl]] = defaultdict(set)
    for topic in catalog.topics.values():
        for reader in topic.readers:
            acls[reader].add(Acl("topic", topic.name, "literal", "Read"))
        for writer in topic.writers:
            acls[writer].add(Acl("topic", topic.name, "literal", "Write"))
    groups = _grant_groups_and_internal_topics(acls, roles, catalog, profile)
    for name, (role, _service) in roles.items():
        if role in profile.group_watchers:
            _grant_watching(acls[name], groups, acls)
    return [Principal(name, roles[name][0], tuple(sorted(acls[name]))) for name in sorted(roles)]


def _grant_groups_and_internal_topics(
    acls: dict[str, set[Acl]],
    roles: dict[str, tuple[str, str | None]],
    catalog: Catalog,
    profile: DeployProfile,
) -> dict[str, str]:
    """Grant each role its consumer group and own topics; return principal -> group."""
    groups: dict[str, str] = {}
    for name, (role, service) in roles.items():
        group = _group(profile, role, service)
        if group is not None:
            groups[name] = group
            acls[name].add(Acl("group", group, "literal", "Read"))
        prefix = profile.internal_topic_prefixes.get(role)
        if prefix is None:
            continue
        if any(topic.startswith(prefix) for topic in catalog.topics):
            raise DeployError(f"internal prefix {prefix!r} would match catalogue topics")
        for operation in _INTERNAL_OPERATIONS:
            acls[name].add(Acl("topic", prefix, "prefixed", operation))
    return groups


def _grant_watching(watcher: set[Acl], groups: dict[str, str], acls: dict[str, set[Acl]]) -> None:
    """Describe every group and the topics its members read: offsets, never data."""
    for member, group in groups.items():
        watcher.add(Acl("group", group, "literal", "Describe"))
        for topic in _literal_topics(acls[member], "Read"):
            watcher.add(Acl("topic", topic, "literal", "Describe"))


def _literal_topics(acls: Iterable[Acl], operation: Operation) -> set[str]:
    return {
        acl.name
        for acl in acls
        if acl.resource_type == "topic" and acl.pattern == "literal" and acl.operation == operation
    }
