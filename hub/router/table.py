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
    """A dict of subject -> state bytes that remembers what changed since the last drain."""

    def __init__(self, partitions: int) -> None:
        self.partitions = partitions
        self._data: dict[str, bytes] = {}
        self._changed: dict[str, bytes | None] = {}

    def __getitem__(self, key: str) -> bytes:
        return self._data[key]

    def get(self, key: str, default: bytes | None = None) -> bytes | None:  # type: ignore[override]
        """Return the state of *key* (the hot path: one dict lookup)."""
        return self._data.get(key, default)

    def __setitem__(self, key: str, value: bytes) -> None:
        self._data[key] = value
        self._changed[key] = value

    def __delitem__(self, key: str) -> None:
        del self._data[key]
        self._changed[key] = None

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def drain(self) -> list[tuple[int, bytes, bytes | None]]:
        """Return (partition, key, value or None for a delete) of every change, and forget them."""
        changes = [
            (partition_of(key.encode(), self.partitions), key.encode(), value)
            for key, value in self._changed.items()
        ]
        self._changed.clear()
        return changes

    def load(self, key: bytes, value: bytes | None) -> None:
        """Apply one record read back from the changelog (None or empty: deleted)."""
        if value:
            self._data[key.decode()] = value
        else:
            self._data.pop(key.decode(), None)

    def forget(self, partitions: set[int]) -> None:
        """Drop the state of partitions this router no longer owns."""
        for key in [k for k in self._data if partition_of(k.encode(), self.partitions) in partitions]:
            del self._data[key]
