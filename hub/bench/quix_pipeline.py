"""The peer: a quixstreams application that decodes, checks and re-encodes.

Run as ``python -m hub.bench.quix_pipeline BOOTSTRAP SOURCE SINK GROUP``; quixstreams
stops on SIGTERM. Needs the ``bench`` extra.
"""

from __future__ import annotations

import sys
import tempfile
from typing import Any

from hub import paths
from hub.bench.pipeline import reencode
from hub.codec import AvroCodec, SchemaStore

__all__ = ["run"]


def run(bootstrap: str, source: str, sink: str, group: str) -> None:
    """Copy SOURCE to SINK through decode, check and encode, until SIGTERM."""
    codec = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
    with tempfile.TemporaryDirectory(prefix="hub-bench-quix-") as state_dir:
        _run(codec, bootstrap, source, sink, group, state_dir)


def _run(
    codec: AvroCodec, bootstrap: str, source: str, sink: str, group: str, state_dir: str
) -> None:
    from quixstreams import Application

    app = Application(
        state_dir=state_dir,  # unused (no stateful steps), but quixstreams creates it
        broker_address=bootstrap,
        consumer_group=group,
        auto_offset_reset="earliest",
        commit_interval=1.0,
        consumer_extra_config={"fetch.wait.max.ms": 10, "session.timeout.ms": 10_000},
        producer_extra_config={"enable.idempotence": False, "linger.ms": 5},
        use_changelog_topics=False,
        auto_create_topics=False,
        loglevel="WARNING",
    )
    inputs = app.topic(source, key_deserializer="bytes", value_deserializer="bytes")
    outputs = app.topic(sink, key_serializer="bytes", value_serializer="bytes")
    frame = app.dataframe(inputs)

    def transform(value: bytes, key: Any, timestamp: int, headers: Any) -> bytes:
        return reencode(codec, key, value)

    frame = frame.apply(transform, metadata=True)
    frame.to_topic(outputs)
    app.run()


if __name__ == "__main__":
    run(*sys.argv[1:5])
