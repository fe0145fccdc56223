"""The routing decision: a pure function of (event, subject state, agreements, time).

For every destination service other than the sender the policy answers ALLOW,
ALLOW_MINIMISED or DENY with a reason code and a sentence. It fails closed: no rule,
no consent, unknown or stale state, or a missing pseudonym key all deny. Nothing here
reads a clock or does I/O, so an auditor re-running it gets the same answers.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from hub.policy.agreements import Agreements, Rule, RuleFilter
from hub.policy.crosswalk import Crosswalk
from hub.policy.model import Decision, Event, Outcome, RecordRef, StateRecord, SubjectState
from hub.policy.transform import Minimised, Pseudonymiser, minimise

__all__ = ["PolicyContext", "decide", "field_defaults"]

_DAY_MS = 86_400_000


def field_defaults(expanded_schema: Mapping[str, Any]) -> dict[str, Any]:
    """Return {dotted path: default} for every field with a default, nested records included."""
    defaults: dict[str, Any] = {}

    def walk(record: Mapping[str, Any], prefix: str) -> None:
        for field in record.get("fields", []):
            path = f"{prefix}{field['name']}"
            if "default" in field:
                defaults[path] = field["default"]
            kind = field["type"]
            branches = kind if isinstance(kind, list) else [kind]
            for branch in branches:
                if isinstance(branch, dict) and branch.get("type") == "record":
                    walk(branch, f"{path}.")

    walk(expanded_schema, "")
    return defaults


@dataclass(frozen=True)
class PolicyContext:
    """Everything the policy needs besides the event and the person's state."""

    agreements: Agreements
    crosswalk: Crosswalk
    pseudonymiser: Pseudonymiser
    services: tuple[str, ...]
    defaults: Mapping[str, Mapping[str, Any]]
    languages: Mapping[str, str]

    @cached_property
    def plans(self) -> dict[tuple[Any, ...], _Plan]:
        """Return the plans made so far, per (rule id, destination, consented sections)."""
        return {}

    @cached_property
    def routes(self) -> _RouteIndex:
        """Return the rules between a sender and each destination, per kind of event."""
        return _RouteIndex(self.agreements, self.services)


_Routes = tuple[tuple[str, tuple[Rule, ...]], ...]


class _RouteIndex:
    """Which rules may apply from an event's sender to each destination, worked out once
    per kind of event rather than per event and destination.

    Which rules name the parties depends only on the event type, the sender, the person's
    home service, the vacancy's owner and which rules are in force; the rules' validity
    changes only at their own start and end times, so the time counts by the interval
    between those it falls in. A home or owner that is no service matches no party, so
    it counts as none, and the index stays as small as the agreements.
    """

    def __init__(self, agreements: Agreements, services: Sequence[str]) -> None:
        self._agreements = agreements
        self._services = frozenset(services)
        self._boundaries = sorted(
            {
                moment
                for rule in agreements.rules
                for moment in (rule.valid_from_ms, rule.valid_until_ms)
                if moment is not None
            }
        )
        self._routes: dict[tuple[Any, ...], _Routes] = {}

    def __call__(self, event: Event) -> _Routes:
        """Return (destination, rules in file order) for every service but the sender,
        sorted by service."""
        home = event.home if event.home in self._services else None
        owner = _vacancy_owner(event)
        owner = owner if owner in self._services else None
        key = (
            event.event_type,
            event.source,
            home,
            owner,
            bisect_right(self._boundaries, event.time_ms),
        )
        found = self._routes.get(key)
        if found is None:
            found = self._routes[key] = self._find(event, home, owner)
        return found

    def _find(self, event: Event, home: str | None, owner: str | None) -> _Routes:
        candidates = [
            rule
            for rule in self._agreements.rules_for(event.event_type)
            if rule.valid_at(event.time_ms)
            and _party_matches(rule.sources, event.source, home, owner)
        ]
        return tuple(
            (
                destination,
                tuple(
                    rule
                    for rule in candidates
                    if _party_matches(rule.destinations, destination, home, owner)
                ),
            )
            for destination in sorted(self._services)
            if destination != event.source
        )


class _EventMemo:
    """What the decisions about one event share: a filter reads only the event, and
    destinations minimised alike get the same payload object."""

    __slots__ = ("consents", "filters", "minimised", "registrations")

    def __init__(self, event: Event, state: SubjectState) -> None:
        self.filters: dict[str, _Verdict] = {}
        self.minimised: dict[tuple[Any, ...], Minimised] = {}
        # the state records known at the event's time, oldest first, for every destination
        self.consents = _current(state.consents, event.time_ms)
        self.registrations = _current(state.registrations, event.time_ms)


class _Verdict(NamedTuple):
    """Whether one rule lets the event through, and on what."""

    passed: bool
    reason_code: str = ""
    reason: str = ""
    relied_on: tuple[RecordRef, ...] = ()
    sections: tuple[str, ...] | None = None
    consent_id: str | None = None


def decide(event: Event, state: SubjectState, context: PolicyContext) -> tuple[Decision, ...]:
    """Return one decision per destination (every service but the sender), sorted by service."""
    memo = _EventMemo(event, state)
    return tuple(
        _decide_for(event, state, context, destination, rules, memo)
        for destination, rules in context.routes(event)
    )


def _party_matches(
    parties: Sequence[str], service: str, home: str | None, owner: str | None
) -> bool:
    """Return whether a rule's *parties* name *service*, given the event's home service
    and vacancy owner."""
    if service in parties or "ANY" in parties:
        return True
    if "HOME" in parties and home == service:
        return True
    return "VACANCY_OWNER" in parties and owner == service


def _vacancy_owner(event: Event) -> str | None:
    vacancy = event.record.get("vacancy")
    return vacancy.get("source_pes") if isinstance(vacancy, dict) else None


@lru_cache(maxsize=1024)
def _no_agreement(event_type: str, source: str, destination: str) -> Decision:
    """Return the refusal when no rule covers the flow (the same for every such event)."""
    return Decision(
        destination,
        Outcome.DENY,
        "NO_AGREEMENT",
        f"No agreement in force lets {event_type} events flow from {source} to {destination}.",
    )


def _decide_for(
    event: Event,
    state: SubjectState,
    context: PolicyContext,
    destination: str,
    rules: Sequence[Rule],
    memo: _EventMemo,
) -> Decision:
    if not rules:
        return _no_agreement(event.event_type, event.source, destination)
    refusals: list[tuple[Rule, _Verdict]] = []
    for rule in rules:
        verdict = memo.filters.get(rule.id)
        if verdict is None:
            verdict = memo.filters[rule.id] = _check_filter(rule.filter, event, context)
        if verdict.passed:
            verdict = _check_basis(rule, event, state, context, destination, memo)
        if verdict.passed:
            return _allow(rule, verdict, event, context, destination, memo)
        refusals.append((rule, verdict))
    rule, verdict = refusals[0]
    return Decision(
        destination,
        Outcome.DENY,
        verdict.reason_code,
        " ".join(f"{r.id}: {v.reason}" for r, v in refusals),
        purpose=rule.purpose,
        rule_id=rule.id,
        basis_kind=rule.basis.kind,
        relied_on=tuple(dict.fromkeys(ref for _, v in refusals for ref in v.relied_on)),
    )


# --- filters -------------------------------------------------------------------------------


def _check_filter(rule_filter: RuleFilter, event: Event, context: PolicyContext) -> _Verdict:
    failure = _filter_failure(rule_filter, event, context)
    if failure is None:
        return _Verdict(True)
    return _Verdict(False, "FILTER_NOT_MET", failure)


def _filter_failure(rule_filter: RuleFilter, event: Event, context: PolicyContext) -> str | None:
    """Return why the record fails the filter, or None when it passes."""
    record = event.record
    if (
        rule_filter.bottleneck is not None
        and bool(record.get("bottleneck")) != rule_filter.bottleneck
    ):
        return (
            "The vacancy is not a bottleneck occupation."
            if rule_filter.bottleneck
            else ("The vacancy is a bottleneck occupation.")
        )
    if rule_filter.open_longer_than_days is not None:
        published = record.get("published_at")
        days = (event.time_ms - published) / _DAY_MS if isinstance(published, int) else None
        if days is None or days <= rule_filter.open_longer_than_days:
            return f"The vacancy has not been open longer than {rule_filter.open_longer_than_days} days."
    nuts3 = str((record.get("workplace") or {}).get("nuts3") or "")
    if rule_filter.workplace_nuts and not nuts3.startswith(rule_filter.workplace_nuts):
        return (
            f"The workplace ({nuts3 or 'unknown NUTS3'}) is outside "
            f"{', '.join(rule_filter.workplace_nuts)}."
        )
    if rule_filter.zone is not None:
        zone = context.agreements.zones[rule_filter.zone]
        if not nuts3.startswith(zone.provinces):
            return f"The workplace ({nuts3 or 'unknown NUTS3'}) is outside zone {zone.name}."
        occupations = record.get("occupations") or []
        if context.crosswalk.zone_has_list(zone.name) and not context.crosswalk.in_zone(
            zone.name, occupations
        ):
            return f"No occupation of the vacancy is on the {zone.name} zone list."
    if rule_filter.sanction_relevant is not None and (
        bool(record.get("sanction_relevant")) != rule_filter.sanction_relevant
    ):
        return "The feedback is sanction-relevant: it goes to the home service only."
    if rule_filter.any_of:
        failures = [_filter_failure(part, event, context) for part in rule_filter.any_of]
        if all(failure is not None for failure in failures):
            return " ".join(f for f in failures if f)
    return None


# --- bases ---------------------------------------------------------------------------------


def _check_basis(
    rule: Rule,
    event: Event,
    state: SubjectState,
    context: PolicyContext,
    destination: str,
    memo: _EventMemo,
) -> _Verdict:
    kind = rule.basis.kind
    if kind in ("PUBLIC_DATA", "LEGAL_BASIS"):
        return _Verdict(True)
    if not state.known:
        return _Verdict(
            False,
            "NO_SUBJECT_STATE",
            "The hub holds no consent or registration for this person; it fails closed.",
        )
    if kind == "REGISTRATION":
        return _check_registration(rule, event, memo.registrations, destination)
    return _check_consent(rule, event, state, memo.consents, context, destination)


def _current(records: tuple[StateRecord, ...], time_ms: int) -> list[StateRecord]:
    """Return the records known at *time_ms*, oldest first."""
    if not records:  # most events (every vacancy) come without state: no list, no sort
        return []
    known = [r for r in records if int(r.record.get("recorded_at", 0)) <= time_ms]
    return sorted(known, key=lambda r: (r.record.get("recorded_at", 0), r.ref))


def _in_force(record: Mapping[str, Any], time_ms: int) -> bool:
    start = record.get("valid_from")
    end = record.get("valid_until")
    return (start is None or start <= time_ms) and (end is None or time_ms < end)


def _check_registration(
    rule: Rule, event: Event, registrations: Sequence[StateRecord], destination: str
) -> _Verdict:
    """Check the registrations known at the event's time (oldest first)."""
    latest: dict[str, StateRecord] = {}
    for item in registrations:
        latest[str(item.record.get("registration_id"))] = item
    for item in latest.values():
        record = item.record
        if (
            record.get("pes") == destination
            and record.get("capacity") in rule.basis.capacities
            and _in_force(record, event.time_ms)
        ):
            return _Verdict(True, relied_on=(item.ref,))
    return _Verdict(
        False,
        "NOT_REGISTERED_AT_DESTINATION",
        f"The person holds no active {'/'.join(rule.basis.capacities).lower()} "
        f"registration at {destination}.",
    )


def _covers(values: Sequence[str], wanted: str, *, empty_means_all: bool) -> bool:
    return wanted in values or (empty_means_all and not values)


def _covers_consent(record: Mapping[str, Any], destination: str, purpose: str) -> bool:
    """Return whether a consent change is about this destination and purpose."""
    revoked = record.get("action") == "REVOKED"
    return _covers(record.get("destinations") or [], destination, empty_means_all=revoked) and (
        _covers(record.get("purposes") or [], purpose, empty_means_all=revoked)
    )


def _check_consent(
    rule: Rule,
    event: Event,
    state: SubjectState,
    consents: Sequence[StateRecord],
    context: PolicyContext,
    destination: str,
) -> _Verdict:
    """Check the consents known at the event's time (oldest first); *state* holds also
    those recorded later, for revocations."""
    grant: StateRecord | None = None
    revocation: StateRecord | None = None
    for item in consents:
        if not _covers_consent(item.record, destination, rule.purpose):
            continue
        if item.record.get("action") == "REVOKED":
            grant, revocation = None, item
        else:
            grant = item
    if grant is not None:
        # a revocation the hub already knows stops transfers at once, even of older events
        later = [
            item
            for item in state.consents
            if item.record.get("action") == "REVOKED"
            and int(item.record.get("recorded_at", 0)) > event.time_ms
            and _covers_consent(item.record, destination, rule.purpose)
        ]
        if later:
            grant, revocation = None, later[0]
    purpose = rule.purpose.lower().replace("_", " ")
    if grant is None:
        if revocation is not None:
            return _Verdict(
                False,
                "CONSENT_REVOKED",
                f"The person revoked consent for {purpose} at {destination}.",
                relied_on=(revocation.ref,),
            )
        return _Verdict(
            False, "NO_CONSENT", f"The person has not consented to {purpose} at {destination}."
        )
    record = grant.record
    if not _in_force(record, event.time_ms):
        return _Verdict(
            False,
            "CONSENT_NOT_IN_FORCE",
            f"The consent for {purpose} at {destination} is not valid at the event time.",
            relied_on=(grant.ref,),
        )
    age_days = (event.time_ms - int(record.get("recorded_at", 0))) / _DAY_MS
    if age_days > context.agreements.consent_max_age_days:
        return _Verdict(
            False,
            "CONSENT_STALE",
            f"The consent is {int(age_days)} days old; older than "
            f"{context.agreements.consent_max_age_days} days counts as stale.",
            relied_on=(grant.ref,),
        )
    return _Verdict(
        True,
        relied_on=(grant.ref,),
        sections=tuple(record.get("data_sections") or ()),
        consent_id=str(record.get("consent_id")),
    )


# --- allow ---------------------------------------------------------------------------------


class _Plan(NamedTuple):
    """How one rule's allowed events reach one destination: what is removed or
    pseudonymised, the occupation scheme added, and the reason's opening."""

    defaults: Mapping[str, Any]
    drop: tuple[str, ...]
    drop_unless: tuple[tuple[str, str], ...]
    pseudonymise: tuple[tuple[str, str], ...]
    # destinations minimised alike share one payload object (pseudonyms are per destination)
    minimised_key: tuple[Any, ...]
    scheme: str | None
    language: str
    reason: str


_PLANS_KEPT = 4_096  # (rule, destination, consented sections); real agreements need far fewer


def _plan(
    rule: Rule, sections: tuple[str, ...] | None, context: PolicyContext, destination: str
) -> _Plan:
    """Return the plan for *rule*, *destination* and the consented *sections* (None
    without consent), made once and kept: it depends on nothing else."""
    plans = context.plans
    key = (rule.id, destination, sections)
    plan = plans.get(key)
    if plan is not None:
        return plan
    defaults = context.defaults.get(rule.event_type, {})
    drop = list(rule.fields.drop)
    if sections is not None:
        consented = set(sections)
        drop += [
            path
            for section, paths in context.agreements.sections.items()
            if section not in consented
            for path in paths
        ]
    pseudonymise = tuple(rule.fields.pseudonymise)
    if not context.pseudonymiser.has_key(destination):
        # no key, no pseudonym: the value is removed instead (fail closed)
        drop += [path for path, _ in pseudonymise]
        pseudonymise = ()
    dropped = tuple(p for p in drop if p in defaults)
    scheme = context.agreements.occupation_schemes.get(destination)
    plan = _Plan(
        defaults,
        dropped,
        rule.fields.drop_unless,
        pseudonymise,
        (dropped, rule.fields.drop_unless, pseudonymise, destination if pseudonymise else None),
        scheme if rule.event_type == "vacancy" else None,
        context.languages.get(destination, "fr"),
        f"Rule {rule.id} allows {rule.event_type} events to {destination} for "
        f"{rule.purpose.lower().replace('_', ' ')}",
    )
    if len(plans) >= _PLANS_KEPT:
        plans.clear()
    plans[key] = plan
    return plan


def _allow(
    rule: Rule,
    verdict: _Verdict,
    event: Event,
    context: PolicyContext,
    destination: str,
    memo: _EventMemo,
) -> Decision:
    plan = _plan(rule, verdict.sections, context, destination)
    minimised = memo.minimised.get(plan.minimised_key)
    if minimised is None:
        minimised = memo.minimised[plan.minimised_key] = minimise(
            event.record,
            defaults=plan.defaults,
            drop=plan.drop,
            drop_unless=plan.drop_unless,
            pseudonymise=plan.pseudonymise,
            destination=destination,
            pseudonymiser=context.pseudonymiser,
        )
    payload = minimised.record
    codes_added: tuple[str, ...] = ()
    if plan.scheme:
        payload = dict(payload)  # the shared payload stays as it is
        payload["occupations"], codes_added = context.crosswalk.add_scheme(
            payload.get("occupations") or [], plan.scheme, plan.language
        )
    changed = bool(minimised.removed or minimised.pseudonymised)
    legal = rule.basis.legal_basis
    reference = verdict.consent_id or (legal.reference if legal else None)
    return Decision(
        destination,
        Outcome.ALLOW_MINIMISED if changed else Outcome.ALLOW,
        "ALLOWED_MINIMISED" if changed else "ALLOWED",
        (
            f"{plan.reason}; removed {', '.join(minimised.removed + minimised.pseudonymised)}."
            if changed
            else f"{plan.reason}."
        ),
        purpose=rule.purpose,
        rule_id=rule.id,
        basis_kind=rule.basis.kind,
        basis_reference=reference,
        basis_version=legal.version if legal else None,
        relied_on=verdict.relied_on,
        payload=payload,
        fields_removed=minimised.removed,
        fields_pseudonymised=minimised.pseudonymised,
        codes_added=codes_added,
    )
