"""Subject state in a local RocksDB store, backed by a compacted changelog topic co-partitioned
with the inputs.

Every write is queued for the changelog and sent with the outputs of the batch that made
it, before that batch's offsets are committed; after a restart or a rebalance the
router reads the changelog partitions it was given back into the store. A key's changelog
partition is Kafka's default (murmur2) partition of the subject key, the same as the
partition of every subject-keyed input, so state and events of a person stay together.

The changelog is the source of truth: the store starts empty, is rebuilt from the
changelog, has no write-ahead log of its own and is deleted when the table closes. It is
RocksDB (rocksdict) with small memtables and a small block cache rather than a dict,
because a dict costs about 230 bytes of Python objects per person (230 MB for a million)
where RocksDB keeps the values on disk and a bounded amount in memory.
"""

from __future__ import annotations

import shutil
import struct
import tempfile
import weakref
from collections.abc import Iterator, MutableMapping
from pathlib import Path

from rocksdict import (
    BlockBasedOptions,
    Cache,
    DBCompressionType,
    Options,
    Rdict,
    WriteBatch,
    WriteOptions,
)

from hub.exceptions import ConfigurationError
from hub.logging import get_logger

__all__ = ["ChangelogTable", "murmur2", "partition_of"]

log = get_logger(__name__)

_BLOCK_CACHE_BYTES = 16 << 20  # uncompressed blocks; the page cache holds the files
_WRITE_BUFFER_BYTES = 8 << 20  # one memtable; two at most, the second while one flushes
_LOAD_BATCH = 10_000  # restored records per RocksDB write: a fifth less CPU than one by one
_TEMP_PREFIX = "hub-router-state-"


_MURMUR_M = 0x5BD1E995
_MURMUR_SEED = 0x9747B28C
_UINT32 = 0xFFFFFFFF
_WORDS = struct.Struct("<I").iter_unpack


def murmur2(data: bytes) -> int:
    """Return the 32-bit MurmurHash2 of *data* with Kafka's seed, as aiokafka's does.

    The router hashes a key per event and per state change; aiokafka's loop reads byte by
    byte and masks after every step, this one reads whole words: half the time.
    """
    length = len(data)
    h = _MURMUR_SEED ^ length
    body = length & ~3
    for (k,) in _WORDS(data[:body]):
        k = (k * _MURMUR_M) & _UINT32
        k = ((k ^ (k >> 24)) * _MURMUR_M) & _UINT32
        h = ((h * _MURMUR_M) & _UINT32) ^ k
    tail = length & 3
    if tail:
        if tail == 3:
            h ^= data[body + 2] << 16
        if tail >= 2:
            h ^= data[body + 1] << 8
        h = ((h ^ data[body]) * _MURMUR_M) & _UINT32
    h ^= h >> 13
    h = (h * _MURMUR_M) & _UINT32
    return h ^ (h >> 15)


def partition_of(key: bytes, partitions: int) -> int:
    """Return Kafka's default partition of *key* (what the Java client and aiokafka pick)."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


def _options() -> Options:
    """Return store options that bound its memory to a few tens of MB whatever its size."""
    options = Options(raw_mode=True)
    options.set_write_buffer_size(_WRITE_BUFFER_BYTES)
    options.set_max_write_buffer_number(2)
    options.set_compression_type(DBCompressionType.lz4())  # a fifth of the disk and page cache
    table = BlockBasedOptions()
    table.set_block_cache(Cache(_BLOCK_CACHE_BYTES))
    table.set_bloom_filter(10, False)  # a person without state costs no block read
    options.set_block_based_table_factory(table)
    return options


def _temporary_store() -> Path:
    """Return a new temporary store directory, after deleting those killed routers left.

    A store open in a live process is locked, so destroying it fails and it is kept.
    """
    for stale in Path(tempfile.gettempdir()).glob(f"{_TEMP_PREFIX}*"):
        try:
            Rdict.destroy(str(stale))  # its files, then the directory once empty
        except Exception:  # noqa: BLE001 - rocksdict's only exception type
            log.debug("state_store_in_use", path=str(stale))
        else:
            log.info("stale_state_store_removed", path=str(stale))
    return Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX))


def _release(db: Rdict, path: Path, temporary: bool) -> None:
    """Close the store and delete it: the changelog holds everything it had."""
    db.close()
    if temporary:
        shutil.rmtree(path, ignore_errors=True)
    else:
        Rdict.destroy(str(path))


class ChangelogTable(MutableMapping[str, bytes]):
    """A mapping of subject -> state bytes that remembers what changed since the last drain.

    Keys are stored as bytes (as they come from Kafka). The store lives in *state_dir*,
    emptied when the table opens, or else in a temporary directory; either is deleted by
    :meth:`close`, or when the table is garbage-collected or the process exits.
    """

    def __init__(self, partitions: int, state_dir: Path | None = None) -> None:
        self.partitions = partitions
        temporary = state_dir is None
        if state_dir is None:
            self.path = _temporary_store()
        else:
            self.path = state_dir
            try:
                Rdict.destroy(str(state_dir))  # a previous run's store; refused if one is open
                state_dir.mkdir(parents=True, exist_ok=True)
            except Exception as exc:  # rocksdict's only exception type (and OSError)
                raise ConfigurationError(
                    f"HUB_ROUTER_STATE_DIR {state_dir} cannot hold the router's state: {exc}"
                ) from exc
        try:
            self._db = Rdict(str(self.path), _options())
        except BaseException:
            if temporary:
                shutil.rmtree(self.path, ignore_errors=True)
            raise
        writes = WriteOptions()
        writes.disable_wal = True  # after a crash the store is rebuilt from the changelog
        self._db.set_write_options(writes)
        self._close = weakref.finalize(self, _release, self._db, self.path, temporary)
        self._changed: dict[bytes, bytes | None] = {}
        self._loading: WriteBatch | None = None
        log.info("state_store_opened", path=str(self.path))

    def close(self) -> None:
        """Close the store and delete its files; later calls do nothing."""
        self._close()

    def __getitem__(self, key: str) -> bytes:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key: str, default: bytes | None = None) -> bytes | None:  # type: ignore[override]
        """Return the state of *key* (the hot path: one RocksDB point lookup)."""
        if self._loading is not None:
            self._write_loaded()
        return self._db.get(key.encode(), default)

    def __setitem__(self, key: str, value: bytes) -> None:
        self._write_loaded()
        raw = key.encode()
        self._db[raw] = value
        self._changed[raw] = value

    def __delitem__(self, key: str) -> None:
        if self.get(key) is None:
            raise KeyError(key)
        raw = key.encode()
        del self._db[raw]
        self._changed[raw] = None

    def __iter__(self) -> Iterator[str]:
        return (key.decode() for key in self._keys())

    def __len__(self) -> int:
        """Count the subjects by a scan of the store (a fraction of a second per million)."""
        return sum(1 for _ in self._keys())

    def _keys(self) -> Iterator[bytes]:
        """Return an iterator over a snapshot of the stored keys (an Rdict is no iterable)."""
        self._write_loaded()
        return self._db.keys()

    def drain(self) -> list[tuple[int, bytes, bytes | None]]:
        """Return (partition, key, value or None for a delete) of every change, and forget them."""
        changes = [
            (partition_of(key, self.partitions), key, value) for key, value in self._changed.items()
        ]
        self._changed.clear()
        return changes

    def load(self, key: bytes, value: bytes | None) -> None:
        """Apply one record read back from the changelog (None or empty: deleted).

        Records are written in batches; any other use of the table writes the pending ones
        first, so reads always see them.
        """
        if self._loading is None:
            self._loading = WriteBatch(raw_mode=True)
        if value:
            self._loading.put(key, value)
        else:
            self._loading.delete(key)
        if len(self._loading) >= _LOAD_BATCH:
            self._write_loaded()

    def _write_loaded(self) -> None:
        if self._loading is not None:
            self._db.write(self._loading)
            self._loading = None

    def forget(self, partitions: set[int]) -> None:
        """Drop the state of partitions this router no longer owns."""
        if not partitions:
            return
        for key in self._keys():
            if partition_of(key, self.partitions) in partitions:
                del self._db[key]
