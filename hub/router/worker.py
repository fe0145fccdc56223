"""The router process: Kafka in, RouterCore in the middle, Kafka out, batch by batch.

Runs on aiokafka directly rather than as a faust agent: faust's per-event machinery
(an event object, a future and a send per record) costs more CPU than routing itself,
and a batch pipeline is what lets the router keep up with a plain decode/encode loop.

Guarantees:

- At-least-once. A batch's outputs and its state changes are produced before its input
  offsets count as done; offsets are committed every ``commit_interval_s`` and when
  partitions are revoked, never ahead of what the broker acknowledged.
- Co-partitioned state. Consumption uses the range assignor, so partition *n* of every
  input topic goes to the same router; subject state lives in a compacted changelog
  with the inputs' partitioning and is read back when partitions are assigned.
- The audit chain head of each audit partition is read back from ``hub.audit`` on
  assignment, so a restarted router continues the chain.
- One slice at a time. The core routes a slice on the event loop, with no await in
  between, and the batch lock is held until its outputs are queued, so a rebalance never
  sees the core or the table half way through a slice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError

from hub.audit import GENESIS_HASH
from hub.audit.reader import TopicReader
from hub.catalog import load_catalog
from hub.codec import AvroCodec
from hub.exceptions import ConfigurationError
from hub.fetch_hold import hold_fetches_while_buffered
from hub.lifecycle import Lifecycle
from hub.logging import get_logger
from hub.metrics import observe_routed, serve_metrics
from hub.router.build import build_core
from hub.router.core import AUDIT_TOPIC, DEADLETTER_TOPIC, RouterCore
from hub.router.exceptions import RouterJoinError, RouterStartError
from hub.router.records import InputRecord, OutputRecord
from hub.router.sink import BatchSink
from hub.router.table import ChangelogTable
from hub.settings import HubSettings, KafkaSettings, RouterSettings

__all__ = ["RouterWorker", "create_worker", "read_chain_head"]

log = get_logger(__name__)

# per slice: large enough to amortise, small enough that one slice's outputs are on their
# way to the broker while the next is routed
_MAX_RECORDS = 250
# slices whose outputs may await the broker's acknowledgement while the next is routed:
# with one, routing stalled whenever the broker was slow to acknowledge a slice
_SLICES_IN_FLIGHT = 3
_LONGEST_FETCH_WAIT_S = 1.0


async def read_chain_head(client_options: dict[str, Any], codec: AvroCodec, partition: int) -> str:
    """Return the hash of the last decision in one audit partition (genesis if empty).

    Reads from one before the reported end to the true end: some brokers report the end
    offset short by up to a batch, so the last record is whatever the reads reach.
    """
    consumer = AIOKafkaConsumer(enable_auto_commit=False, fetch_max_wait_ms=50, **client_options)
    await consumer.start()
    try:
        tp = TopicPartition(AUDIT_TOPIC, partition)
        consumer.assign([tp])
        end = (await consumer.end_offsets([tp]))[tp]
        if end == 0:
            return GENESIS_HASH
        consumer.seek(tp, max(0, end - 1))
        head, idle = GENESIS_HASH, 0
        while idle < 2:
            batch = await consumer.getmany(tp, timeout_ms=300)
            records = batch.get(tp, [])
            idle = 0 if records else idle + 1
            for record in records:
                head = codec.decode(record.value).record["hash"]
        return head
    finally:
        await consumer.stop()


def _handle(core: RouterCore, record: InputRecord) -> list[OutputRecord]:
    """Route one record; an unexpected failure is logged and dead-lettered, never fatal."""
    try:
        return core.handle([record])
    except Exception as exc:  # the stream must go on; the record is kept
        log.exception("router_internal_error", topic=record.topic, offset=record.offset)
        return [core.dead_letter(record, exc)]


class _Rebalance(ConsumerRebalanceListener):
    """Hands partitions over cleanly: commit before losing them, load state on gaining them."""

    def __init__(self, worker: RouterWorker) -> None:
        self._worker = worker

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        self._worker.join_began()
        await self._worker.settle()

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        self._worker.joined()
        await self._worker.adopt({tp.partition for tp in assigned})


class RouterWorker(Lifecycle):
    """One router in the consumer group; an async context manager with start/stop."""

    def __init__(
        self,
        core: RouterCore,
        table: ChangelogTable,
        *,
        inputs: list[str],
        group_id: str,
        client_options: Mapping[str, Any],
        kafka: KafkaSettings,
        router: RouterSettings,
    ) -> None:
        self.core = core
        self.table = table
        self.inputs = inputs
        self.group_id = group_id
        self.changelog = f"{group_id}-subject-state"
        self._options = dict(client_options)
        self._router = router
        self._consumer = AIOKafkaConsumer(
            group_id=group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=kafka.fetch_max_wait_ms,
            session_timeout_ms=kafka.session_timeout_ms,
            heartbeat_interval_ms=min(3_000, kafka.session_timeout_ms // 3),
            # each assigned partition may hold one fetch in memory: 54 inputs x 256 KB
            max_partition_fetch_bytes=256 * 1024,
            partition_assignment_strategy=(RangePartitionAssignor,),
            **self._options,
        )
        self._producer = AIOKafkaProducer(
            enable_idempotence=False,
            acks="all",
            linger_ms=2,
            # an audit partition gets ~500 KB per slice: with smaller batches the second one
            # for a partition waits until the first has gone out, which stalls routing
            max_batch_size=router.producer_batch_bytes,
            max_request_size=4 * router.producer_batch_bytes,
            compression_type=(
                None if router.producer_compression == "none" else router.producer_compression
            ),
            **self._options,
        )
        self._sink = BatchSink(
            self._producer,
            batch_bytes=router.producer_batch_bytes,
            uncompressed=(self.changelog,),
        )
        self._owned: set[int] = set()
        # held while a batch is routed and queued, so a rebalance sees it whole or not at all
        self._batch_lock = asyncio.Lock()
        self._in_flight: list[tuple[list[asyncio.Future], dict[TopicPartition, int]]] = []
        self._acked: dict[TopicPartition, int] = {}
        self._committed_at = time.monotonic()
        self._commit_task: asyncio.Future | None = None
        # when the join under way began; None while the router is a member with its share
        self._join_began_at: float | None = None

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Create the changelog if needed, connect, then ask to join the group.

        Bounded by ``start_timeout_s``: a broker that does not answer would otherwise hold
        the router for good, deaf to SIGTERM; an error exit lets its supervisor start it
        again. The group join and the state it brings (a million people's state takes a
        while to read back) happen after, in the routing loop: subscribing before the
        consumer starts would make its start wait for them, and the bound cut them short.
        """
        try:
            async with asyncio.timeout(self._router.start_timeout_s):
                await self._ensure_changelog()
                await self._producer.start()
                await self._consumer.start()
                hold_fetches_while_buffered(self._consumer)
                self._consumer.subscribe(self.inputs, listener=_Rebalance(self))
                self.join_began()
        except (TimeoutError, KafkaConnectionError) as exc:
            await self._consumer.stop()
            await self._producer.stop()
            self.table.close()
            raise RouterStartError(
                f"cannot reach the broker: {exc}"
                if isinstance(exc, KafkaConnectionError)
                else f"the broker did not answer the router's start-up within "
                f"{self._router.start_timeout_s:g} s (HUB_ROUTER_START_TIMEOUT_S)"
            ) from exc
        log.info("router_started", inputs=len(self.inputs), changelog=self.changelog)

    async def stop(self) -> None:
        """Finish what is in flight, commit it, leave the group."""
        try:
            await self.settle()
        finally:
            await self._consumer.stop()
            await self._producer.stop()
            self.table.close()
        log.info("router_stopped")

    async def _ensure_changelog(self) -> None:
        admin = AIOKafkaAdminClient(**self._options)
        await admin.start()
        try:
            await admin.create_topics(
                [
                    NewTopic(
                        self.changelog,
                        num_partitions=self.table.partitions,
                        replication_factor=self._router.changelog_replication_factor,
                        topic_configs={"cleanup.policy": "compact"},
                    )
                ]
            )
        except TopicAlreadyExistsError:
            pass
        finally:
            await admin.close()

    # --- partitions ----------------------------------------------------------------------

    def join_began(self) -> None:
        """Note that the router asked to join (or rejoin) its group."""
        self._join_began_at = time.monotonic()

    def joined(self) -> None:
        """Note that the group completed the join and handed out the partitions."""
        self._join_began_at = None

    def _check_join(self) -> None:
        """Give up on a join the group has left waiting too long: a new member may get in.

        Raises:
            RouterJoinError: the join began more than ``join_timeout_s`` ago.
        """
        if self._join_began_at is None:
            return
        waited = time.monotonic() - self._join_began_at
        if waited > self._router.join_timeout_s:
            raise RouterJoinError(
                f"the consumer group {self.group_id!r} did not complete the "
                f"router's join within {self._router.join_timeout_s:g} s "
                "(HUB_ROUTER_JOIN_TIMEOUT_S)"
            )

    @property
    def owned(self) -> frozenset[int]:
        """Return the input partition numbers this router holds now."""
        return frozenset(self._owned)

    async def settle(self) -> None:
        """Wait for every in-flight batch, then commit all acknowledged offsets."""
        async with self._batch_lock:
            await self._settle()

    async def _settle(self) -> None:
        for futures, offsets in self._in_flight:
            await asyncio.gather(*futures)
            self._acked.update(offsets)
        self._in_flight.clear()
        if self._commit_task is not None:
            await self._commit_task
        await self._commit()

    async def adopt(self, partitions: set[int]) -> None:
        """Load the state and chain heads of newly assigned partitions; drop the rest.

        Chain heads of audit partitions kept through a rebalance stay as they are: this
        router wrote their last records, some perhaps not yet readable.
        """
        async with self._batch_lock:
            await self._adopt(partitions)

    async def _adopt(self, partitions: set[int]) -> None:
        lost, gained = self._owned - partitions, partitions - self._owned
        self.table.forget(lost)
        self._acked = {tp: o for tp, o in self._acked.items() if tp.partition in partitions}
        if gained:
            began = time.monotonic()
            restored = 0
            reader = TopicReader(self._options, partition_fetch_bytes=256 * 1024)
            async for record in reader.read([self.changelog], only_partitions=gained):
                if record.key is not None:
                    self.table.load(record.key, record.value)
                    restored += 1
            log.info(
                "state_restored",
                partitions=sorted(gained),
                records=restored,
                seconds=round(time.monotonic() - began, 1),
            )
        kept = {p % self.core.audit_partitions for p in self._owned & partitions}
        audit = sorted({p % self.core.audit_partitions for p in partitions} - kept)
        heads = await asyncio.gather(
            *(read_chain_head(self._options, self.core.codec, p) for p in audit)
        )
        for partition, head in zip(audit, heads, strict=True):
            self.core.chain.set_head(partition, head)
        self._owned = set(partitions)

    # --- the loop ------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Route until *stop* is set: fetch, handle, produce, and commit what was acknowledged.

        The outputs of up to three slices await the broker's acknowledgement while the
        next is routed. Routing runs on the event loop itself: with the fetches held while
        fetched records wait (see ``hub.fetch_hold``), a thread of its own gained nothing
        and its contention for the interpreter lock cost CPU (419 against 340 µs per
        vacancy in full ``hub bench`` runs).
        """
        while not stop.is_set():
            batch = await self._fetch()
            async with self._batch_lock:
                if batch:
                    await self._route(batch)
                while len(self._in_flight) > (_SLICES_IN_FLIGHT if batch else 0):
                    futures, offsets = self._in_flight.pop(0)
                    await asyncio.gather(*futures)
                    self._acked.update(offsets)
                if time.monotonic() - self._committed_at >= self._router.commit_interval_s:
                    self._commit_in_background()

    async def _fetch(self) -> Mapping[TopicPartition, list[Any]]:
        """Return the next slice (empty after a while without records).

        aiokafka's ``getmany`` waits without a bound while a join is under way; the
        wait is cut every second so that a stop, and the join's own bound, are seen.
        Records are taken only once the wait is over, so a cut wait loses none.
        """
        try:
            async with asyncio.timeout(_LONGEST_FETCH_WAIT_S):
                batch = await self._consumer.getmany(timeout_ms=100, max_records=_MAX_RECORDS)
        except TimeoutError:
            batch = {}
        self._check_join()
        return batch

    async def _route(self, batch: Mapping[TopicPartition, list[Any]]) -> None:
        outputs, offsets = self._route_slice(batch)
        self._in_flight.append((await self._sink.send(outputs), offsets))

    def _route_slice(
        self, batch: Mapping[TopicPartition, list[Any]]
    ) -> tuple[list[OutputRecord], dict[TopicPartition, int]]:
        """Route a slice in one go (no await): its state changes and chain links are made
        whole before anything else runs on the loop."""
        outputs: list[OutputRecord] = []
        offsets: dict[TopicPartition, int] = {}
        for tp, records in batch.items():
            seconds = []
            routed = len(outputs)
            for record in records:
                started = time.perf_counter()
                outputs += _handle(self.core, InputRecord.from_consumer_record(record))
                seconds.append(time.perf_counter() - started)
            offsets[tp] = records[-1].offset + 1
            dead = sum(1 for output in outputs[routed:] if output.topic == DEADLETTER_TOPIC)
            observe_routed(tp.topic, seconds, dead)
        outputs += [
            OutputRecord(self.changelog, key, value, [], partition=partition)  # type: ignore[arg-type]
            for partition, key, value in self.table.drain()
        ]
        return outputs, offsets

    def _commit_in_background(self) -> None:
        """Commit what is acknowledged without holding up routing (a commit is a round trip)."""
        self._committed_at = time.monotonic()
        if self._commit_task is None or self._commit_task.done():
            self._commit_task = asyncio.ensure_future(self._commit_logged())

    async def _commit_logged(self) -> None:
        try:
            await self._commit()
        except KafkaError as exc:  # a rebalance under way: the next commit carries the offsets
            log.warning("offsets_not_committed", error=str(exc))

    async def _commit(self) -> None:
        self._committed_at = time.monotonic()
        assigned = self._consumer.assignment()
        offsets = {tp: o for tp, o in self._acked.items() if tp in assigned}
        if offsets:
            await self._consumer.commit(offsets)


def create_worker(hub: HubSettings, kafka: KafkaSettings, router: RouterSettings) -> RouterWorker:
    """Return the router worker for the settings; serve metrics if a port is set."""
    catalog = load_catalog(hub.topics_dir)
    inputs = sorted(t.name for t in catalog.topics.values() if t.direction == "out")
    partitions = {catalog.topic(name).partitions for name in inputs}
    if len(partitions) != 1:
        raise ConfigurationError(f"router inputs must be co-partitioned; found {partitions}")
    table = ChangelogTable(partitions.pop(), router.state_dir)
    core = build_core(
        schema_dir=hub.schema_dir,
        topics_dir=hub.topics_dir,
        keys_file=router.pseudonym_keys_file,
        table=table,
    )
    if router.metrics_port:
        serve_metrics(router.metrics_port, router.metrics_host)
    log.info(
        "router_created",
        app_id=router.app_id,
        agreements=core.policy.agreements.version,
        services=list(core.catalog.services),
    )
    return RouterWorker(
        core,
        table,
        inputs=inputs,
        group_id=router.app_id,
        client_options=kafka.client_options(),
        kafka=kafka,
        router=router,
    )
