"""The policy: exchange agreements, occupation crosswalk and the pure routing decision."""

from hub.policy.agreements import Agreements, AgreementsLibrary, Rule, load_agreements
from hub.policy.crosswalk import Crosswalk
from hub.policy.engine import PolicyContext, decide, field_defaults
from hub.policy.exceptions import AgreementError, CrosswalkError
from hub.policy.model import Decision, Event, Outcome, RecordRef, StateRecord, SubjectState
from hub.policy.transform import Pseudonymiser, minimise

__all__ = [
    "AgreementError",
    "Agreements",
    "AgreementsLibrary",
    "Crosswalk",
    "CrosswalkError",
    "Decision",
    "Event",
    "Outcome",
    "PolicyContext",
    "Pseudonymiser",
    "RecordRef",
    "Rule",
    "StateRecord",
    "SubjectState",
    "decide",
    "field_defaults",
    "load_agreements",
    "minimise",
]
