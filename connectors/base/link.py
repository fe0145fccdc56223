"""What a connector's inbound and outbound halves share: one service's end of the hub."""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import AIOKafkaProducer

from connectors.base.client import PesClient
from connectors.base.mapping import VacancyMapping
from hub.codec import AvroCodec

__all__ = ["ServiceLink"]


@dataclass(frozen=True)
class ServiceLink:
    """The service, its API client and vacancy mapping, the codec and the producer.

    Both halves talk to the same API through one client (one retry budget, one rate
    limit) and publish with one producer, so they are built once and handed to both.
    """

    code: str
    client: PesClient
    mapping: VacancyMapping
    codec: AvroCodec
    producer: AIOKafkaProducer
