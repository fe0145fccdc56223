"""The work the peer pipelines do per event: decode, check the key, re-encode.

The same for the aiokafka loop and the quixstreams application, so that the two
baselines differ only in the framework around it.
"""

from __future__ import annotations

from hub.bench.exceptions import BenchError
from hub.codec import AvroCodec

__all__ = ["reencode"]


def reencode(codec: AvroCodec, key: bytes | None, value: bytes) -> bytes:
    """Return *value* decoded, checked against its key, and encoded again."""
    decoded = codec.decode(value)
    record = decoded.record
    subject = record.get("subject")
    if subject is not None:
        expected = f"{subject['home_pes']}:{subject['jobseeker_id']}"
    else:
        expected = f"{record['source_pes']}:{record['vacancy_id']}"
    if key is None or key.decode() != expected:
        raise BenchError(f"key {key!r} is not {expected!r}")
    return codec.encode(decoded.name, record)
