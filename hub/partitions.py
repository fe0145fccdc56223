"""Every partition of some topics, as a group-less consumer must look them up.

A freshly started consumer knows no partitions until it fetches metadata, and a topic
it does not know yet has none; readers that assign partitions themselves (audit replay,
lag, flows, the EURES feed) all ask the same way, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition

__all__ = ["partitions_of", "topic_partitions"]


def partitions_of(consumer: AIOKafkaConsumer, topics: Iterable[str]) -> list[TopicPartition]:
    """Return the partitions of *topics* the consumer's metadata knows, topic by topic."""
    return [
        TopicPartition(topic, partition)
        for topic in topics
        for partition in sorted(consumer.partitions_for_topic(topic) or ())
    ]


async def topic_partitions(
    consumer: AIOKafkaConsumer, topics: Iterable[str]
) -> list[TopicPartition]:
    """Refresh the consumer's metadata, then return the partitions of *topics*."""
    await consumer.topics()
    return partitions_of(consumer, topics)
