"""The router's work on one batch of input records, with Kafka left outside.

For a data event (vacancy, jobseeker profile, application feedback) it asks the policy
for a decision per destination and produces: the minimised event into each allowed
inbox, a hash-chained RoutingDecision per destination into the audit topic, and one
DecisionNotice back to the sender. Consent and registration records update the person's
state; a revocation sends an ErasureNotice to every earlier recipient. Whatever cannot be
read or routed becomes a DeadLetter with the reason and the original bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from hashlib import sha256
from typing import Any

from hub.audit import AuditChain
from hub.audit.writer import Ruling
from hub.catalog import Catalog
from hub.codec import AvroCodec, CloudEvent, CodecError
from hub.deadletters import DEADLETTER_TOPIC, dead_letter
from hub.logging import get_logger
from hub.policy import Decision, Event, Outcome, PolicyContext, SubjectState, decide
from hub.router.events import InputEvent, read_event
from hub.router.exceptions import RoutingError
from hub.router.notices import NoticeWriter
from hub.router.records import InputRecord, OutputRecord
from hub.router.state import SubjectStore

__all__ = ["AUDIT_TOPIC", "DEADLETTER_TOPIC", "RouterCore"]

log = get_logger(__name__)

AUDIT_TOPIC = "hub.audit"
_DATA_TYPES = ("vacancy", "jobseeker", "feedback")
_PERSONAL_TYPES = ("jobseeker", "feedback")
_STATE_TYPES = ("consent", "registration")
# a hub record's own envelope headers, less its id and type (set per record)
_HUB_HEADERS = [
    header
    for header in CloudEvent(source="/hub/router", type="", id="").to_headers()
    if header[0] in ("ce_specversion", "ce_source", "content-type")
]
_NO_STATE = SubjectState()
_DENY = Outcome.DENY


def _stable_ids(source: str, event_id: str) -> Callable[[str], str]:
    """Return a function giving the ids of an event's hub records from their last part
    (``sha256("source|event id|last")``), so reprocessing yields the same ids; the event's
    part is hashed once for its up to seven records."""
    prefix = sha256(f"{source}|{event_id}|".encode())

    def stable_id(last: str) -> str:
        digest = prefix.copy()
        digest.update(last.encode())
        return digest.hexdigest()[:32]

    return stable_id


@lru_cache(maxsize=8)
def _ce_type(record_name: str) -> tuple[str, bytes]:
    """Return the ``ce_type`` header of a hub record."""
    return ("ce_type", f"be.pes.hub.{record_name}".encode())


@dataclass
class RouterCore:
    """Turns input records into output records; holds no connection to anything."""

    codec: AvroCodec
    catalog: Catalog
    policy: PolicyContext
    subjects: SubjectStore
    chain: AuditChain
    clock_ms: Callable[[], int] = field(default=lambda: int(time.time() * 1000))

    _headers_of: CloudEvent | None = field(default=None, init=False, repr=False)
    _shared_headers: list = field(default_factory=list, init=False, repr=False)
    _inboxes: dict[tuple[str, str], str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.audit_partitions = self.catalog.topic(AUDIT_TOPIC).partitions
        self._notices = NoticeWriter(self.codec)
        # a module logger is a lazy proxy that binds on every call; bind it once
        self._log = log.bind()

    def handle(self, batch: Sequence[InputRecord]) -> list[OutputRecord]:
        """Process records in order; state records of the batch count for later events."""
        outputs: list[OutputRecord] = []
        for record in batch:
            try:
                outputs.extend(self._handle_one(record))
            except (CodecError, RoutingError) as exc:
                outputs.append(self.dead_letter(record, exc))
        return outputs

    # --- dispatch ------------------------------------------------------------------------

    def _handle_one(self, record: InputRecord) -> list[OutputRecord]:
        read = read_event(self.codec, self.catalog, record)
        event, envelope = read.event, read.envelope
        if event.event_type in _STATE_TYPES:
            outputs = self._apply_state(event, envelope)
            name = "state_applied"
        else:
            outputs = self._route(record, read)
            name = "record_routed"
        self._log.debug(  # bound once: below DEBUG this call costs nothing
            name,
            event_id=envelope.id,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            pes=read.topic.service,
            event_type=event.event_type,
            outputs=len(outputs),
        )
        return outputs

    # --- state ---------------------------------------------------------------------------

    def _apply_state(self, event: Event, envelope: CloudEvent) -> list[OutputRecord]:
        if event.event_type == "registration":
            self.subjects.add_registration(event.key, event.ref, event.record)
            return []
        if not self.subjects.add_consent(event.key, event.ref, event.record):
            return []
        if event.record.get("action") != "REVOKED":
            return []
        return self._erasures(event, envelope)

    def _erasures(self, event: Event, envelope: CloudEvent) -> list[OutputRecord]:
        revoked_to = set(event.record.get("destinations") or [])
        revoked_for = set(event.record.get("purposes") or [])
        outputs = []
        stable_id = _stable_ids(envelope.source, envelope.id)
        for destination, deliveries in sorted(self.subjects.recipients(event.key).items()):
            if revoked_to and destination not in revoked_to:
                continue
            event_ids = sorted(
                {e for e, purpose in deliveries if not revoked_for or purpose in revoked_for}
            )
            if not event_ids:
                continue
            notice = {
                "erasure_id": stable_id(f"{destination}|erasure"),
                "subject": event.record["subject"],
                "destination": destination,
                "consent_id": event.record.get("consent_id"),
                "revocation_ref": event.ref.as_record(),
                "event_ids": event_ids,
                "reason": "The person revoked consent; erase the data the hub delivered.",
                "event_time": event.time_ms,
            }
            outputs.append(
                self._hub_record(
                    self._inbox(destination, "erasure"),
                    event,
                    envelope,
                    "ErasureNotice",
                    notice,
                    notice["erasure_id"],
                )
            )
            self.subjects.forget_deliveries(event.key, destination, set(event_ids))
            log.info(
                "erasure_requested",
                event_id=envelope.id,
                destination=destination,
                deliveries=len(event_ids),
            )
        return outputs

    # --- routing -------------------------------------------------------------------------

    def _route(self, record: InputRecord, read: InputEvent) -> list[OutputRecord]:
        topic, event, envelope = read.topic, read.event, read.envelope
        personal = event.event_type in _PERSONAL_TYPES
        state = self.subjects.state(event.key) if personal else _NO_STATE
        decisions = decide(event, state, self.policy)
        writer = self.chain.writer
        shared = writer.event(
            {
                "event_id": envelope.id,
                "event_source": envelope.source,
                "event_type": envelope.type,
                "key": event.key,
                "source_ref": event.ref.as_record(),
                "state_refs": [
                    ref.as_record()
                    for ref in sorted(item.ref for item in (*state.consents, *state.registrations))
                ]
                if state.known
                else [],
                "event_time": event.time_ms,
            }
        )
        audit_partition = record.partition % self.audit_partitions
        stable_id = _stable_ids(envelope.source, envelope.id)
        outputs: list[OutputRecord] = []
        encoded: dict[int, tuple[Any, bytes, str]] = {}  # destinations may share a payload
        deliveries: list[tuple[str, str]] = []
        for decision in decisions:
            payload_hash = None
            if decision.outcome is not _DENY:
                inbox = self._inbox(decision.destination, event.event_type)
                payload = decision.payload or {}
                found = encoded.get(id(payload))
                if found is None:  # kept with its payload, so the id stays that payload's
                    value = self.codec.encode_changed(topic.schema, payload, read.decoded)
                    found = encoded[id(payload)] = (payload, value, sha256(value).hexdigest())
                _, value, payload_hash = found
                outputs.append(OutputRecord(inbox, record.key, value, list(record.headers)))
                deliveries.append((decision.destination, decision.purpose or ""))
            decision_id = stable_id(decision.destination)
            body = writer.body(
                shared,
                decision_id,
                self._ruling(event, decision),
                [ref.as_record() for ref in decision.relied_on] if decision.relied_on else (),
                (decision.fields_removed, decision.fields_pseudonymised, decision.codes_added),
                payload_hash,
            )
            outputs.append(
                OutputRecord(
                    AUDIT_TOPIC,
                    record.key,
                    self.chain.seal(audit_partition, body),
                    self._hub_headers(envelope, "RoutingDecision", decision_id),
                    partition=audit_partition,
                )
            )
        if personal and deliveries:
            self.subjects.record_deliveries(event.key, envelope.id, deliveries)
        outputs.append(self._notice(event, envelope, decisions, stable_id("notice")))
        return outputs

    def _ruling(self, event: Event, decision: Decision) -> Ruling:
        return Ruling(
            event.source,
            decision.destination,
            decision.purpose,
            decision.outcome.value,
            decision.reason_code,
            decision.reason,
            decision.rule_id,
            self.policy.agreements.version,
            decision.basis_kind,
            decision.basis_reference,
            decision.basis_version,
        )

    def _notice(
        self, event: Event, envelope: CloudEvent, decisions: Sequence[Decision], notice_id: str
    ) -> OutputRecord:
        """Return the DecisionNotice telling the sender every destination's outcome."""
        fields = {
            "notice_id": notice_id,
            "event_id": envelope.id,
            "event_type": envelope.type,
            "key": event.key,
            "source_pes": event.source,
            "source_ref": event.ref.as_record(),
            "event_time": event.time_ms,
        }
        return OutputRecord(
            self._inbox(event.source, "decision"),
            event.key.encode(),
            self._notices.encode(fields, decisions),
            self._hub_headers(envelope, "DecisionNotice", notice_id),
        )

    # --- hub records ---------------------------------------------------------------------

    def _inbox(self, service: str, event_type: str) -> str:
        """Return the name of a service's in topic for *event_type* (looked up once)."""
        name = self._inboxes.get((service, event_type))
        if name is None:
            name = self.catalog.service_topic(service, "in", event_type).name
            self._inboxes[(service, event_type)] = name
        return name

    def _hub_headers(self, envelope: CloudEvent, record_name: str, record_id: str) -> list:
        """Return the headers of a hub record; the part shared by one event's records is
        built once per event (an event gets up to seven: decisions, notice, erasures)."""
        if self._headers_of is not envelope:
            self._headers_of = envelope
            self._shared_headers = [*_HUB_HEADERS, *envelope.context_headers()]
        return [("ce_id", record_id.encode()), _ce_type(record_name), *self._shared_headers]

    def _hub_record(
        self,
        topic: str,
        event: Event,
        envelope: CloudEvent,
        record_name: str,
        record: dict[str, Any],
        record_id: str,
    ) -> OutputRecord:
        return OutputRecord(
            topic,
            event.key.encode(),
            self.codec.encode(record_name, record),
            self._hub_headers(envelope, record_name, record_id),
        )

    def dead_letter(self, record: InputRecord, exc: Exception) -> OutputRecord:
        """Return the DeadLetter for a record that failed, with its original bytes."""
        stage = (
            "DECODE"
            if isinstance(exc, CodecError)
            else ("ROUTE" if isinstance(exc, RoutingError) else "OTHER")
        )
        code = exc.code if isinstance(exc, RoutingError) else type(exc).__name__
        letter = dead_letter(
            stage=stage,
            reason_code=code,
            reason=str(exc),
            error_type=type(exc).__name__,
            key=record.key,
            value=record.value,
            headers=record.headers,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            timestamp_ms=record.timestamp_ms,
        )
        letter["failed_at"] = self.clock_ms()
        log.warning(
            "record_dead_lettered",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            stage=stage,
            reason_code=code,
            reason=str(exc),
        )
        return OutputRecord(
            DEADLETTER_TOPIC,
            record.key,
            self.codec.encode("DeadLetter", letter),
            [("content-type", b"application/avro")],
        )
