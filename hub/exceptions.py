"""The root of the hub's exception tree.

    HubError
    ├── ConfigurationError           hub.exceptions
    ├── CodecError                   hub.codec.exceptions
    │   ├── SchemaNotFoundError
    │   ├── UnknownFingerprintError
    │   ├── NotSingleObjectError
    │   ├── TruncatedMessageError
    │   ├── WrongTypeError
    │   ├── EncodeError
    │   ├── DecodeError
    │   ├── SchemaParseError
    │   └── HeaderError
    ├── CatalogueError               hub.catalog.exceptions
    ├── TopicApplyError
    ├── AgreementError               hub.policy.exceptions
    ├── CrosswalkError
    ├── RoutingError                 hub.router.exceptions
    ├── TopicNotFoundError           hub.audit.exceptions
    ├── BrokerError                  hub.broker.exceptions
    │   ├── BrokerBinaryNotFoundError
    │   └── BrokerStartError
    ├── LagError                     hub.lag.exceptions
    │   └── LagReadError
    ├── DeployError                  hub.deploy.exceptions
    ├── BenchError                   hub.bench.exceptions
    │   └── BenchTimeoutError
    │       └── BenchStallError
    └── ConnectorError               connectors.base.exceptions
        ├── MappingError
        ├── UpstreamUnavailableError (retriable)
        └── UpstreamRejectedError

Callers branch on the type and on ``retriable``, never on message text.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["ConfigurationError", "HubError"]


class HubError(Exception):
    """Raised for any failure the hub itself detects; the root of every hub error."""

    retriable: ClassVar[bool] = False


class ConfigurationError(HubError):
    """Raised when settings or data files are missing or contradict each other."""
