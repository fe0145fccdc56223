"""Exchange agreements (the knowledge repertory) as typed, validated data.

Loaded from ``topics/agreements/<version>.yaml``. Every version stays on disk so that a
decision can be re-derived under the version it names, whatever changed since.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml

from hub.policy.exceptions import AgreementError

__all__ = [
    "AGREEMENTS_DIR",
    "Agreements",
    "AgreementsLibrary",
    "Basis",
    "FieldRules",
    "LegalBasis",
    "Rule",
    "RuleFilter",
    "Zone",
    "load_agreements",
]

AGREEMENTS_DIR = "agreements"

BasisKind = Literal["CONSENT", "LEGAL_BASIS", "REGISTRATION", "PUBLIC_DATA"]
EVENT_TYPES = ("vacancy", "jobseeker", "feedback")
PURPOSES = (
    "MEDIATION",
    "TRAINING",
    "APPLICATION_FEEDBACK",
    "EURES_PUBLICATION",
    "STATISTICS",
    "OTHER",
)
SPECIAL_PARTIES = ("ANY", "HOME", "VACANCY_OWNER")


@dataclass(frozen=True)
class LegalBasis:
    """A legal text that allows a flow: its id, citation and version."""

    id: str
    reference: str
    version: str


@dataclass(frozen=True)
class Basis:
    """Why a rule may move data: consent, a legal text, a registration, or public data."""

    kind: BasisKind
    legal_basis: LegalBasis | None = None
    capacities: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleFilter:
    """Conditions on the record; all given ones must hold, and one of ``any_of`` if given."""

    bottleneck: bool | None = None
    open_longer_than_days: int | None = None
    workplace_nuts: tuple[str, ...] = ()
    zone: str | None = None
    sanction_relevant: bool | None = None
    any_of: tuple[RuleFilter, ...] = ()


@dataclass(frozen=True)
class FieldRules:
    """What a rule does to fields: drop, pseudonymise, or drop unless a flag is set."""

    drop: tuple[str, ...] = ()
    pseudonymise: tuple[tuple[str, str], ...] = ()
    drop_unless: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Rule:
    """One line of the knowledge repertory."""

    id: str
    event_type: str
    sources: tuple[str, ...]
    destinations: tuple[str, ...]
    purpose: str
    basis: Basis
    filter: RuleFilter = field(default_factory=RuleFilter)
    fields: FieldRules = field(default_factory=FieldRules)
    valid_from_ms: int = 0
    valid_until_ms: int | None = None

    def valid_at(self, moment_ms: int) -> bool:
        """Return whether the rule was in force at *moment_ms*."""
        return self.valid_from_ms <= moment_ms and (
            self.valid_until_ms is None or moment_ms < self.valid_until_ms
        )


@dataclass(frozen=True)
class Zone:
    """A VDAB - Le Forem cooperation zone: its Flemish provinces and occupations."""

    name: str
    provinces: tuple[str, ...]
    partner_provinces: tuple[str, ...]


@dataclass(frozen=True)
class Agreements:
    """One version of the exchange agreements."""

    version: str
    rules: tuple[Rule, ...]
    legal_bases: dict[str, LegalBasis]
    zones: dict[str, Zone]
    sections: dict[str, tuple[str, ...]]
    sensitive_fields: tuple[str, ...]
    consent_max_age_days: int
    occupation_schemes: dict[str, str]

    def rules_for(self, event_type: str) -> tuple[Rule, ...]:
        """Return the rules about one event type, in file order."""
        return self._rules_by_type.get(event_type, ())

    @cached_property
    def _rules_by_type(self) -> dict[str, tuple[Rule, ...]]:
        """The rules grouped by event type once: the router asks per event and destination."""
        grouped: dict[str, list[Rule]] = {}
        for rule in self.rules:
            grouped.setdefault(rule.event_type, []).append(rule)
        return {event_type: tuple(rules) for event_type, rules in grouped.items()}


def _epoch_ms(value: Any, where: str) -> int:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=UTC)
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise AgreementError(f"{where}: {value!r} is not an ISO date") from exc
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _days(value: Any, field: str, where: str) -> int:
    """Return a number of days written in an agreement; anything else is refused here, not
    when the first event meets the rule."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise AgreementError(f"{where}: {field} {value!r} is not a number of days")
    return value


def _filter(raw: dict[str, Any] | None, where: str) -> RuleFilter:
    raw = dict(raw or {})
    allowed = {
        "bottleneck",
        "open_longer_than_days",
        "workplace_nuts",
        "zone",
        "sanction_relevant",
        "any_of",
    }
    unknown = set(raw) - allowed
    if unknown:
        raise AgreementError(f"{where}: unknown filter(s) {', '.join(sorted(unknown))}")
    return RuleFilter(
        bottleneck=raw.get("bottleneck"),
        open_longer_than_days=None
        if raw.get("open_longer_than_days") is None
        else _days(raw["open_longer_than_days"], "open_longer_than_days", where),
        workplace_nuts=tuple(raw.get("workplace_nuts", ())),
        zone=raw.get("zone"),
        sanction_relevant=raw.get("sanction_relevant"),
        any_of=tuple(_filter(part, where) for part in raw.get("any_of", ())),
    )


def _rule(
    raw: dict[str, Any],
    legal_bases: dict[str, LegalBasis],
    zones: dict[str, Zone],
    sensitive: tuple[str, ...],
) -> Rule:
    rule_id = raw.get("id")
    if not rule_id:
        raise AgreementError("a rule has no id")
    where = f"rule {rule_id}"
    event_type = raw.get("event_type")
    if event_type not in EVENT_TYPES:
        raise AgreementError(f"{where}: event_type {event_type!r} is not one of {EVENT_TYPES}")
    purpose = raw.get("purpose")
    if purpose not in PURPOSES:
        raise AgreementError(f"{where}: purpose {purpose!r} is not one of {PURPOSES}")
    basis_raw = dict(raw.get("basis") or {})
    kind = basis_raw.get("kind")
    if kind not in ("CONSENT", "LEGAL_BASIS", "REGISTRATION", "PUBLIC_DATA"):
        raise AgreementError(f"{where}: basis kind {kind!r} is unknown")
    legal = None
    if basis_raw.get("legal_basis"):
        legal = legal_bases.get(basis_raw["legal_basis"])
        if legal is None:
            raise AgreementError(
                f"{where}: legal basis {basis_raw['legal_basis']!r} is not defined"
            )
    if kind in ("LEGAL_BASIS", "REGISTRATION") and legal is None:
        raise AgreementError(f"{where}: a {kind} basis must name its legal_basis")
    if kind == "REGISTRATION" and not basis_raw.get("capacities"):
        raise AgreementError(f"{where}: a REGISTRATION basis must list capacities")
    rule_filter = _filter(raw.get("filter"), where)
    for part in (rule_filter, *rule_filter.any_of):
        if part.zone is not None and part.zone not in zones:
            raise AgreementError(f"{where}: zone {part.zone!r} is not defined")
    fields_raw = dict(raw.get("fields") or {})
    fields = FieldRules(
        drop=tuple(fields_raw.get("drop", ())),
        pseudonymise=tuple(dict(fields_raw.get("pseudonymise", {})).items()),
        drop_unless=tuple(dict(fields_raw.get("drop_unless", {})).items()),
    )
    if legal is None and event_type == "jobseeker":
        hidden = {*fields.drop, *(path for path, _ in fields.pseudonymise)}
        in_clear = [f for f in sensitive if f not in hidden]
        if in_clear:
            raise AgreementError(
                f"{where}: {', '.join(in_clear)} would travel in clear without a legal basis"
            )
    return Rule(
        id=str(rule_id),
        event_type=event_type,
        sources=tuple(raw.get("sources", ())),
        destinations=tuple(raw.get("destinations", ())),
        purpose=purpose,
        basis=Basis(
            kind=kind, legal_basis=legal, capacities=tuple(basis_raw.get("capacities", ()))
        ),
        filter=rule_filter,
        fields=fields,
        valid_from_ms=_epoch_ms(raw.get("valid_from", "1970-01-01"), where),
        valid_until_ms=_epoch_ms(raw["valid_until"], where) if raw.get("valid_until") else None,
    )


def load_agreements(path: Path) -> Agreements:
    """Read one agreements version; raise AgreementError on anything inconsistent."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AgreementError(f"cannot read agreements {path}: {exc}") from exc
    legal_bases = {
        key: LegalBasis(id=key, reference=str(value["reference"]), version=str(value["version"]))
        for key, value in dict(raw.get("legal_bases") or {}).items()
    }
    zones = {
        name: Zone(
            name=name,
            provinces=tuple(value.get("provinces", ())),
            partner_provinces=tuple(value.get("partner_provinces", ())),
        )
        for name, value in dict(raw.get("zones") or {}).items()
    }
    sensitive = tuple(raw.get("sensitive_fields", ()))
    rules = tuple(_rule(dict(item), legal_bases, zones, sensitive) for item in raw.get("rules", ()))
    ids = [rule.id for rule in rules]
    duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if duplicates:
        raise AgreementError(f"{path}: rule id(s) used twice: {', '.join(duplicates)}")
    version = str(raw.get("version", ""))
    if version != path.stem:
        raise AgreementError(f"{path}: version {version!r} must equal the file name")
    return Agreements(
        version=version,
        rules=rules,
        legal_bases=legal_bases,
        zones=zones,
        sections={k: tuple(v) for k, v in dict(raw.get("sections") or {}).items()},
        sensitive_fields=sensitive,
        consent_max_age_days=_days(
            raw.get("consent_max_age_days", 365), "consent_max_age_days", str(path)
        ),
        occupation_schemes=dict(raw.get("occupation_schemes") or {}),
    )


class AgreementsLibrary:
    """Every agreements version on disk; the newest is the one in force."""

    def __init__(self, versions: dict[str, Agreements]) -> None:
        if not versions:
            raise AgreementError("no agreements versions found")
        self._versions = versions

    @classmethod
    def from_directory(cls, topics_dir: Path) -> AgreementsLibrary:
        """Load every ``topics/agreements/*.yaml``."""
        folder = topics_dir / AGREEMENTS_DIR
        return cls({path.stem: load_agreements(path) for path in sorted(folder.glob("*.yaml"))})

    @property
    def current(self) -> Agreements:
        """Return the newest version (versions sort as ISO dates)."""
        return self._versions[max(self._versions)]

    def version(self, version: str) -> Agreements:
        """Return a named version, as an auditor re-deriving an old decision needs."""
        try:
            return self._versions[version]
        except KeyError:
            raise AgreementError(f"agreements version {version!r} is not on disk") from None
