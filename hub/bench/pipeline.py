"""The work the peer pipelines do per event: decode, check the key, re-encode, with fastavro.

The same for the aiokafka loop and the quixstreams application, so that the two
baselines differ only in the framework around it. Both sides of the codec are plain
fastavro (``schemaless_reader``/``schemaless_writer`` with parsed schemas, single-object
header prepended), the way a pipeline built on the library would do it.
"""

from __future__ import annotations

import io

import fastavro

from hub.bench.exceptions import BenchError
from hub.codec import MAGIC, AvroCodec
from hub.codec.single_object import split_header

__all__ = ["reencode"]


def reencode(codec: AvroCodec, key: bytes | None, value: bytes) -> bytes:
    """Return *value* decoded, checked against its key, and encoded again."""
    fingerprint, body = split_header(value)
    writer = codec.store.by_fingerprint(fingerprint)
    if writer is None:
        raise BenchError(f"unknown schema fingerprint {fingerprint.hex()}")
    record = fastavro.schemaless_reader(io.BytesIO(body), writer.parsed, None)
    subject = record.get("subject")
    if subject is not None:
        expected = f"{subject['home_pes']}:{subject['jobseeker_id']}"
    else:
        expected = f"{record['source_pes']}:{record['vacancy_id']}"
    if key is None or key.decode() != expected:
        raise BenchError(f"key {key!r} is not {expected!r}")
    buffer = io.BytesIO()
    buffer.write(MAGIC)
    buffer.write(fingerprint)
    fastavro.schemaless_writer(buffer, writer.parsed, record)
    return buffer.getvalue()
