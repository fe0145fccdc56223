"""Re-derive a routing decision from the records it names, and say where it differs.

The router writes, with every decision, the source event's position and every consent
and registration record of the subject it held. Re-running the pure policy on exactly
those records, under the agreements version the decision names, must give the same
answer. Records of the subject's history that were recorded before the event but that
the router did not hold yet are checked too: a transfer they would have stopped is a
finding; a refusal they would have turned into a transfer is only noted (fail closed).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from hub.catalog import Catalog
from hub.codec import AvroCodec, CodecError, SchemaStore
from hub.policy import (
    AgreementError,
    AgreementsLibrary,
    Crosswalk,
    Decision,
    PolicyContext,
    RecordRef,
    StateRecord,
    SubjectState,
    decide,
)
from hub.router.build import build_policy_context
from hub.router.events import InputEvent, read_event
from hub.router.exceptions import RoutingError
from hub.router.records import InputRecord
from hub.router.state import state_record

__all__ = ["Finding", "Rederiver", "ref_of"]

_COMPARED = ("outcome", "reason_code", "rule_id", "fields_removed", "fields_pseudonymised")


@dataclass(frozen=True)
class Finding:
    """One decision that does not re-derive, or one that relied on incomplete state."""

    partition: int
    offset: int
    decision_id: str
    kind: str
    detail: str
    serious: bool = True


def ref_of(raw: dict[str, Any]) -> RecordRef:
    """Return the RecordRef of an Avro ``RecordRef`` record."""
    return RecordRef(raw["topic"], int(raw["partition"]), int(raw["offset"]))


@dataclass
class Rederiver:
    """Re-runs the policy for decisions; builds one policy context per agreements version."""

    codec: AvroCodec
    store: SchemaStore
    catalog: Catalog
    library: AgreementsLibrary
    crosswalk: Crosswalk
    keys: dict[str, bytes] | None = None
    _contexts: dict[str, PolicyContext] = field(default_factory=dict)

    def _context(self, version: str) -> PolicyContext:
        if version not in self._contexts:
            # without the real keys, any key gives the same structure (not the same hashes)
            keys = self.keys or {code: b"\0" * 32 for code in self.catalog.services}
            self._contexts[version] = build_policy_context(
                catalog=self.catalog,
                store=self.store,
                agreements=self.library.version(version),
                crosswalk=self.crosswalk,
                keys=keys,
            )
        return self._contexts[version]

    def check(
        self,
        partition: int,
        offset: int,
        decision: dict[str, Any],
        records: dict[RecordRef, InputRecord],
        history: list[StateRecord],
    ) -> list[Finding]:
        """Compare *decision* with the policy's answer on the records it names."""

        def finding(kind: str, detail: str, serious: bool = True) -> Finding:
            return Finding(partition, offset, decision["decision_id"], kind, detail, serious)

        source = records.get(ref_of(decision["source_ref"]))
        if source is None:
            return [finding("SOURCE_MISSING", f"source event {decision['source_ref']} is gone")]
        try:
            context = self._context(decision["agreements_version"])
            read = read_event(self.codec, self.catalog, source)
        except AgreementError as exc:
            return [finding("AGREEMENTS_MISSING", str(exc))]
        except (CodecError, RoutingError) as exc:
            return [finding("SOURCE_UNREADABLE", str(exc))]
        state_items = []
        for raw in decision.get("state_refs") or []:
            held = records.get(ref_of(raw))
            if held is None:
                return [finding("STATE_MISSING", f"state record {raw} is gone")]
            state_event = read_event(self.codec, self.catalog, held).event
            state_items.append(
                state_record(state_event.event_type, state_event.ref, state_event.record)
            )
        event = read.event
        state = _as_state(state_items)
        again = _for(decide(event, state, context), decision["destination_pes"])
        findings = [
            finding("DIFFERENT", detail) for detail in self._differences(decision, again, read)
        ]
        held_refs = {item.ref for item in state_items}
        late = [
            item
            for item in history
            if item.ref not in held_refs
            and int(item.record.get("recorded_at") or 0) <= event.time_ms
        ]
        if late and not findings:
            fuller = _for(
                decide(event, _as_state([*state_items, *late]), context),
                decision["destination_pes"],
            )
            if fuller.outcome.value != decision["outcome"]:
                names = ", ".join(f"{i.ref.topic}@{i.ref.partition}:{i.ref.offset}" for i in late)
                allowed = decision["outcome"] != "DENY"
                findings.append(
                    finding(
                        "LATE_STATE",
                        f"decided {decision['outcome']} before {names} reached the router; with it "
                        f"the answer is {fuller.outcome.value}",
                        serious=allowed,
                    )
                )
        return findings

    def _differences(
        self, decision: dict[str, Any], again: Decision, read: InputEvent
    ) -> list[str]:
        derived = {
            "outcome": again.outcome.value,
            "reason_code": again.reason_code,
            "rule_id": again.rule_id,
            "fields_removed": list(again.fields_removed),
            "fields_pseudonymised": list(again.fields_pseudonymised),
        }
        differences = [
            f"{name}: recorded {decision[name]!r}, re-derived {derived[name]!r}"
            for name in _COMPARED
            if decision[name] != derived[name]
        ]
        basis = decision["basis"]
        if (basis["kind"], basis["reference"], basis["version"]) != (
            again.basis_kind,
            again.basis_reference,
            again.basis_version,
        ):
            differences.append(
                f"basis: recorded {basis}, re-derived {again.basis_kind} "
                f"{again.basis_reference} {again.basis_version}"
            )
        if [ref_of(r) for r in decision["relied_on"]] != list(again.relied_on):
            differences.append("relied_on differs")
        if self.keys and again.payload is not None:
            # encoded as the router does: the fields it did not change copied from the event
            payload = self.codec.encode_changed(read.topic.schema, again.payload, read.decoded)
            digest = hashlib.sha256(payload).hexdigest()
            if digest != decision["payload_sha256"]:
                differences.append("the delivered payload's hash differs")
        return differences


def _as_state(items: list[StateRecord]) -> SubjectState:
    consents = tuple(i for i in items if "consent_id" in i.record)
    registrations = tuple(i for i in items if "registration_id" in i.record)
    return SubjectState(consents=consents, registrations=registrations)


def _for(decisions: tuple[Decision, ...], destination: str) -> Decision:
    return next(d for d in decisions if d.destination == destination)
