"""The changelogged state table: changes queued per Kafka partition, restored in order."""

from __future__ import annotations

from aiokafka.partitioner import DefaultPartitioner

from hub.router.table import ChangelogTable, partition_of


def test_partition_is_kafkas_default_partition_of_the_key() -> None:
    partitioner = DefaultPartitioner()
    for key in (b"FOREM:FO-2219387", b"VDAB:123", b"FT:x"):
        assert partition_of(key, 6) == partitioner(key, list(range(6)), list(range(6)))


def test_writes_are_drained_once_with_their_partition() -> None:
    table = ChangelogTable(6)
    table["VDAB:1"] = b"a"
    table["VDAB:1"] = b"b"
    table["FT:2"] = b"c"
    drained = sorted(table.drain())
    assert drained == sorted(
        [(partition_of(b"VDAB:1", 6), b"VDAB:1", b"b"), (partition_of(b"FT:2", 6), b"FT:2", b"c")]
    )
    assert table.drain() == []
    assert table.get("VDAB:1") == b"b"


def test_restore_applies_records_in_order_and_deletes() -> None:
    table = ChangelogTable(6)
    for key, value in [(b"a", b"1"), (b"b", b"2"), (b"a", b"3"), (b"b", None)]:
        table.load(key, value)
    assert dict(table) == {"a": b"3"}
    assert table.drain() == []  # restored state is not written back


def test_forget_drops_only_the_lost_partitions() -> None:
    table = ChangelogTable(6)
    keys = [f"FOREM:{n}" for n in range(50)]
    for key in keys:
        table.load(key.encode(), b"x")
    lost = {partition_of(keys[0].encode(), 6)}
    table.forget(lost)
    assert set(table) == {k for k in keys if partition_of(k.encode(), 6) not in lost}
