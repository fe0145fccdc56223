"""Subject state in memory, backed by a compacted changelog topic co-partitioned with the inputs.

Every write is queued for the changelog and sent with the outputs of the batch that made
it, before that batch's offsets are committed; after a restart or a rebalance the
router reads the changelog partitions it was given back into memory. A key's changelog
partition is Kafka's default (murmur2) partition of the subject key, the same as the
partition of every subject-keyed input, so state and events of a person stay together.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

from aiokafka.partitioner import murmur2

__all__ = ["ChangelogTable", "partition_of"]


def partition_of(key: bytes, partitions: int) -> int:
    """Return Kafka's default partition of *key* (what the Java client and aiokafka pick)."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


class ChangelogTable(MutableMapping[str, bytes]):
    """A dict of subject -> state bytes that remembers what changed since the last drain.

    Keys are kept as bytes (as they come from Kafka): 16 bytes less per subject than str.
    """

    def __init__(self, partitions: int) -> None:
        self.partitions = partitions
        self._data: dict[bytes, bytes] = {}
        self._changed: dict[bytes, bytes | None] = {}

    def __getitem__(self, key: str) -> bytes:
        return self._data[key.encode()]

    def get(self, key: str, default: bytes | None = None) -> bytes | None:  # type: ignore[override]
        """Return the state of *key* (the hot path: one dict lookup)."""
        return self._data.get(key.encode(), default)

    def __setitem__(self, key: str, value: bytes) -> None:
        raw = key.encode()
        self._data[raw] = value
        self._changed[raw] = value

    def __delitem__(self, key: str) -> None:
        raw = key.encode()
        del self._data[raw]
        self._changed[raw] = None

    def __iter__(self) -> Iterator[str]:
        return (key.decode() for key in self._data)

    def __len__(self) -> int:
        return len(self._data)

    def drain(self) -> list[tuple[int, bytes, bytes | None]]:
        """Return (partition, key, value or None for a delete) of every change, and forget them."""
        changes = [
            (partition_of(key, self.partitions), key, value) for key, value in self._changed.items()
        ]
        self._changed.clear()
        return changes

    def load(self, key: bytes, value: bytes | None) -> None:
        """Apply one record read back from the changelog (None or empty: deleted)."""
        if value:
            self._data[key] = value
        else:
            self._data.pop(key, None)

    def forget(self, partitions: set[int]) -> None:
        """Drop the state of partitions this router no longer owns."""
        for key in [k for k in self._data if partition_of(k, self.partitions) in partitions]:
            del self._data[key]
