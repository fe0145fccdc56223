"""The embedded Kafka-protocol broker (Tansu; SeaweedFS as its S3 store when durable)."""

from hub.broker.embedded import EmbeddedBroker
from hub.broker.exceptions import BrokerBinaryNotFoundError, BrokerError, BrokerStartError

__all__ = ["BrokerBinaryNotFoundError", "BrokerError", "BrokerStartError", "EmbeddedBroker"]
