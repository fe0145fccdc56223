"""The connector runtime shared by every service: mapping contract, errors, HTTP, Kafka."""

from connectors.base.exceptions import (
    ConnectorError,
    MappingError,
    UpstreamRejectedError,
    UpstreamUnavailableError,
)
from connectors.base.mapping import VacancyMapping

__all__ = [
    "ConnectorError",
    "MappingError",
    "UpstreamRejectedError",
    "UpstreamUnavailableError",
    "VacancyMapping",
]
