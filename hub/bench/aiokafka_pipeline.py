"""The in-process limit: a plain aiokafka loop that decodes, checks and re-encodes.

Run as ``python -m hub.bench.aiokafka_pipeline BOOTSTRAP SOURCE SINK``; reads every
partition of SOURCE from the start, group-less, until SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from aiokafka import AIOKafkaConsumer, TopicPartition

from hub import paths
from hub.bench.kafka import fast_producer
from hub.bench.pipeline import reencode
from hub.codec import AvroCodec, SchemaStore

__all__ = ["run"]


async def run(bootstrap: str, source: str, sink: str) -> None:
    """Copy SOURCE to SINK through decode, check and encode, batch by batch, until SIGTERM."""
    codec = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        fetch_max_wait_ms=10,
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    producer = fast_producer({"bootstrap_servers": bootstrap})
    await consumer.start()
    await producer.start()
    try:
        await consumer.topics()
        partitions = [TopicPartition(source, p) for p in consumer.partitions_for_topic(source)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=100, max_records=2_000)
            pending = [
                await producer.send(
                    sink, reencode(codec, r.key, r.value), key=r.key, headers=list(r.headers)
                )
                for records in batch.values()
                for r in records
            ]
            await asyncio.gather(*pending)
    finally:
        await consumer.stop()
        await producer.stop()


if __name__ == "__main__":
    asyncio.run(run(*sys.argv[1:4]))
