"""Make a Kafka cluster match the catalogue: create missing topics, grow partitions, fix configs.

Idempotent: a second run reports every topic unchanged. Kafka cannot shrink a topic,
so more partitions than the catalogue asks for is reported, never "fixed".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import IncompatibleBrokerVersion, KafkaError

from hub.catalog.exceptions import TopicApplyError
from hub.catalog.model import Catalog, Topic
from hub.logging import get_logger

__all__ = ["TopicChange", "apply_catalog"]

log = get_logger(__name__)

Action = Literal["created", "unchanged", "partitions_added", "configs_updated", "drift", "failed"]
_TOPIC_ALREADY_EXISTS = 36


@dataclass(frozen=True)
class TopicChange:
    """What applying the catalogue did (or, in a dry run, would do) to one topic."""

    topic: str
    action: Action
    detail: str = ""


async def apply_catalog(
    catalog: Catalog, client_options: Mapping[str, Any], *, dry_run: bool = False
) -> list[TopicChange]:
    """Create or update every catalogue topic; return one change per topic."""
    admin = AIOKafkaAdminClient(**client_options)
    try:
        await admin.start()
    except KafkaError as exc:
        raise TopicApplyError(
            f"cannot reach Kafka at {client_options.get('bootstrap_servers')}: {exc}"
        ) from exc
    try:
        cluster = await admin.describe_cluster()
        brokers = max(1, len(cluster["brokers"]))
        existing = set(await admin.list_topics())
        wanted = list(catalog.topics.values())
        missing = [t for t in wanted if t.name not in existing]
        present = [t for t in wanted if t.name in existing]
        changes = await _create(admin, missing, brokers, dry_run)
        changes += await _reconcile(admin, present, dry_run)
    finally:
        await admin.close()
    changes.sort(key=lambda change: change.topic)
    for change in changes:
        log.debug(
            "topic_applied",
            topic=change.topic,
            action=change.action,
            detail=change.detail,
            dry_run=dry_run,
        )
    return changes


async def _create(
    admin: AIOKafkaAdminClient, topics: list[Topic], brokers: int, dry_run: bool
) -> list[TopicChange]:
    changes = []
    requests = []
    for topic in topics:
        replication = min(topic.replication_factor, brokers)
        note = f"{topic.partitions} partitions, replication {replication}"
        if replication < topic.replication_factor:
            note += (
                f" (catalogue asks {topic.replication_factor}; the cluster has {brokers} broker(s))"
            )
        changes.append(TopicChange(topic.name, "created", note))
        requests.append(
            NewTopic(topic.name, topic.partitions, replication, topic_configs=topic.kafka_configs())
        )
    if dry_run or not requests:
        return changes
    response = await admin.create_topics(requests)
    errors = {name: (code, message) for name, code, message in response.topic_errors}
    result = []
    for change in changes:
        code, message = errors.get(change.topic, (0, None))
        if code == _TOPIC_ALREADY_EXISTS:
            result.append(
                TopicChange(change.topic, "unchanged", "created meanwhile by someone else")
            )
        elif code:
            result.append(TopicChange(change.topic, "failed", f"error {code}: {message}"))
        else:
            result.append(change)
    return result


async def _reconcile(
    admin: AIOKafkaAdminClient, topics: list[Topic], dry_run: bool
) -> list[TopicChange]:
    if not topics:
        return []
    described = {d["topic"]: d for d in await admin.describe_topics([t.name for t in topics])}
    configs = await _current_configs(admin, [t.name for t in topics])
    changes = []
    for topic in topics:
        notes: list[str] = []
        action: Action = "unchanged"
        have = len(described.get(topic.name, {}).get("partitions", []))
        if have > topic.partitions:
            action = "drift"
            notes.append(
                f"{have} partitions, catalogue says {topic.partitions}; Kafka cannot shrink"
            )
        elif have < topic.partitions:
            action, note = await _grow(admin, topic, have, dry_run)
            notes.append(note)
        differing = {
            key: value
            for key, value in topic.kafka_configs().items()
            if configs.get(topic.name, {}).get(key) != value
        }
        if differing:
            config_action, note = await _alter(admin, topic, differing, dry_run)
            action = config_action if action == "unchanged" else action
            notes.append(note)
        changes.append(TopicChange(topic.name, action, "; ".join(notes)))
    return changes


async def _attempt(
    action: Action, note: str, dry_run: bool, change: Callable[[], Awaitable[object]], cannot: str
) -> tuple[Action, str]:
    """Run one cluster change (unless a dry run) and say how it went."""
    if dry_run:
        return action, note
    try:
        await change()
    except IncompatibleBrokerVersion:
        return "drift", f"{note} needed, but this broker cannot {cannot}"
    except KafkaError as exc:
        return "failed", f"{note}: {exc}"
    return action, note


async def _grow(
    admin: AIOKafkaAdminClient, topic: Topic, have: int, dry_run: bool
) -> tuple[Action, str]:
    return await _attempt(
        "partitions_added",
        f"partitions {have} -> {topic.partitions}",
        dry_run,
        lambda: admin.create_partitions({topic.name: NewPartitions(topic.partitions)}),
        "add partitions",
    )


async def _alter(
    admin: AIOKafkaAdminClient, topic: Topic, differing: dict[str, str], dry_run: bool
) -> tuple[Action, str]:
    resource = ConfigResource(ConfigResourceType.TOPIC, topic.name, configs=topic.kafka_configs())
    return await _attempt(
        "configs_updated",
        ", ".join(f"{k}={v}" for k, v in sorted(differing.items())),
        dry_run,
        lambda: admin.alter_configs([resource]),
        "alter topic configs",
    )


async def _current_configs(
    admin: AIOKafkaAdminClient, names: list[str]
) -> dict[str, dict[str, str]]:
    """Return the catalogue-owned configs as the cluster reports them."""
    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
    current: dict[str, dict[str, str]] = {}
    try:
        responses = await admin.describe_configs(resources)
    except IncompatibleBrokerVersion:
        return current
    for response in responses:
        for resource in response.resources:
            error_code, _message, _type, name, entries = resource[:5]
            if error_code:
                continue
            current[name] = {entry[0]: entry[1] for entry in entries}
    return current
