"""How a service API's kinds of record map onto topics, schemas, keys and event times."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["INBOUND", "InboundKind", "subject_key"]


def subject_key(record: dict[str, Any]) -> str:
    """Return ``<home PES>:<jobseeker id>`` of a record about a person."""
    subject = record["subject"]
    return f"{subject['home_pes']}:{subject['jobseeker_id']}"


@dataclass(frozen=True)
class InboundKind:
    """One kind of record a connector reads from its service."""

    kind: str
    event_type: str
    schema: str
    time_field: str

    def key(self, record: dict[str, Any]) -> str:
        """Return the Kafka key of a canonical record of this kind."""
        if self.event_type == "vacancy":
            return f"{record['source_pes']}:{record['vacancy_id']}"
        return subject_key(record)


INBOUND = (
    InboundKind("consents", "consent", "ConsentChange", "recorded_at"),
    InboundKind("registrations", "registration", "Registration", "recorded_at"),
    InboundKind("vacancies", "vacancy", "Vacancy", "updated_at"),
    InboundKind("jobseekers", "jobseeker", "JobseekerProfile", "updated_at"),
    InboundKind("feedback", "feedback", "ApplicationFeedback", "reported_at"),
)
