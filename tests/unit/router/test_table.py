"""The changelogged state table: changes queued per Kafka partition, restored in order, and a
local store that never outlives the table."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.partitioner import murmur2 as aiokafka_murmur2
from hypothesis import given
from hypothesis import strategies as st

from hub.exceptions import ConfigurationError
from hub.router.table import ChangelogTable, murmur2, partition_of


@pytest.fixture
def table() -> Iterator[ChangelogTable]:
    table = ChangelogTable(6)
    try:
        yield table
    finally:
        table.close()


def test_partition_is_kafkas_default_partition_of_the_key() -> None:
    partitioner = DefaultPartitioner()
    for key in (b"FOREM:FO-2219387", b"VDAB:123", b"FT:x"):
        assert partition_of(key, 6) == partitioner(key, list(range(6)), list(range(6)))


@given(st.binary(max_size=80), st.integers(min_value=1, max_value=64))
def test_the_hash_and_partition_are_aiokafkas_for_any_key(key: bytes, partitions: int) -> None:
    everything = list(range(partitions))
    assert murmur2(key) == aiokafka_murmur2(key)
    assert partition_of(key, partitions) == DefaultPartitioner()(key, everything, everything)


def test_writes_are_drained_once_with_their_partition(table: ChangelogTable) -> None:
    table["VDAB:1"] = b"a"
    table["VDAB:1"] = b"b"
    table["FT:2"] = b"c"
    drained = sorted(table.drain())
    assert drained == sorted(
        [(partition_of(b"VDAB:1", 6), b"VDAB:1", b"b"), (partition_of(b"FT:2", 6), b"FT:2", b"c")]
    )
    assert table.drain() == []
    assert table.get("VDAB:1") == b"b"


def test_reads_and_deletes_behave_like_a_dict(table: ChangelogTable) -> None:
    assert table.get("VDAB:1") is None
    assert table.get("VDAB:1", b"none") == b"none"
    with pytest.raises(KeyError):
        table["VDAB:1"]
    with pytest.raises(KeyError):
        del table["VDAB:1"]
    table["VDAB:1"] = b"a"
    assert table["VDAB:1"] == b"a"
    assert "VDAB:1" in table
    table.drain()
    del table["VDAB:1"]
    assert "VDAB:1" not in table
    assert len(table) == 0
    assert table.drain() == [(partition_of(b"VDAB:1", 6), b"VDAB:1", None)]


def test_restore_applies_records_in_order_and_deletes(table: ChangelogTable) -> None:
    for key, value in [(b"a", b"1"), (b"b", b"2"), (b"a", b"3"), (b"b", None), (b"c", b"")]:
        table.load(key, value)
    assert dict(table) == {"a": b"3"}
    assert table.drain() == []  # restored state is not written back


def test_restored_records_are_readable_before_a_batch_fills(table: ChangelogTable) -> None:
    for n in range(25_001):  # two full write batches and one record pending
        table.load(f"FT:{n}".encode(), b"x")
    assert table.get("FT:25000") == b"x"
    table.load(b"FT:0", None)
    table["FT:1"] = b"y"  # a write lands after the pending delete, not before it
    assert table.get("FT:0") is None
    assert len(table) == 25_000
    assert table["FT:1"] == b"y"


def test_forget_drops_only_the_lost_partitions(table: ChangelogTable) -> None:
    keys = [f"FOREM:{n}" for n in range(50)]
    for key in keys:
        table.load(key.encode(), b"x")
    table.forget(set())
    assert len(table) == 50
    lost = {partition_of(keys[0].encode(), 6)}
    table.forget(lost)
    assert set(table) == {k for k in keys if partition_of(k.encode(), 6) not in lost}


def test_close_deletes_the_temporary_store_once() -> None:
    table = ChangelogTable(6)
    table["VDAB:1"] = b"a"
    assert table.path.is_dir()
    table.close()
    table.close()
    assert not table.path.exists()


def test_a_table_left_unclosed_deletes_its_store_when_collected() -> None:
    table = ChangelogTable(6)
    path = table.path
    del table
    gc.collect()
    assert not path.exists()


def test_a_killed_routers_store_is_deleted_by_the_next_one(table: ChangelogTable) -> None:
    killed = (
        "import os, sys; from hub.router.table import ChangelogTable; "
        "t = ChangelogTable(6); t['VDAB:1'] = b'a'; sys.stderr.write(str(t.path)); os._exit(0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", killed], check=True, capture_output=True, text=True
    )
    left = Path(done.stderr.splitlines()[-1])
    assert left.is_dir()
    table["VDAB:2"] = b"b"
    ChangelogTable(6).close()
    assert not left.exists()
    assert table.path.is_dir() and table["VDAB:2"] == b"b"  # a store in use is kept


def test_a_state_dir_is_emptied_on_open_and_deleted_on_close(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    crashed = (  # a router killed after writing: its files stay behind
        "import os, sys; from pathlib import Path; from hub.router.table import ChangelogTable; "
        "t = ChangelogTable(6, Path(sys.argv[1])); t['VDAB:1'] = b'a'; t._db.flush(); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", crashed, str(state_dir)], check=True)
    assert any(state_dir.glob("*.sst"))
    table = ChangelogTable(6, state_dir)
    try:
        assert len(table) == 0  # the changelog, not the old files, is the truth
        with pytest.raises(Exception, match="lock"):
            ChangelogTable(6, state_dir)  # one router per directory
        table["VDAB:2"] = b"b"
        assert dict(table) == {"VDAB:2": b"b"}
    finally:
        table.close()
    assert not state_dir.exists()


def test_a_state_dir_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    state_dir.write_text("not a folder")
    with pytest.raises(ConfigurationError, match="HUB_ROUTER_STATE_DIR .* cannot hold"):
        ChangelogTable(6, state_dir)
