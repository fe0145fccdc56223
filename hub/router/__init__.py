"""The router: consent and legal-basis gate between the services' out topics and inboxes."""

from hub.router.core import AUDIT_TOPIC, DEADLETTER_TOPIC, RouterCore
from hub.router.exceptions import RoutingError
from hub.router.records import InputRecord, OutputRecord
from hub.router.state import SubjectStore

__all__ = [
    "AUDIT_TOPIC",
    "DEADLETTER_TOPIC",
    "InputRecord",
    "OutputRecord",
    "RouterCore",
    "RoutingError",
    "SubjectStore",
]
