"""Which package serves which service."""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import Any, Protocol

import httpx
from aiohttp import web

from connectors.base.client import PesClient
from connectors.base.mapping import VacancyMapping

__all__ = [
    "SERVICES",
    "RecordMapping",
    "api_client",
    "record_mappings",
    "simulator_app",
    "vacancy_mapping",
]

SERVICES = ("VDAB", "FOREM", "ACTIRIS", "BF", "ADG", "FT")


class RecordMapping(Protocol):
    """A service's native form of one kind of people record (e.g. referrals as Registrations)."""

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any]:
        """Return the canonical record; raise MappingError naming the field if impossible."""
        ...

    def from_canonical(self, record: dict[str, Any]) -> dict[str, Any]:
        """Return the service's native record for a canonical one."""
        ...


def vacancy_mapping(code: str) -> VacancyMapping:
    """Return the native vacancy mapping of a service (``connectors.<code>.MAPPING``)."""
    return importlib.import_module(f"connectors.{code.lower()}").MAPPING


def record_mappings(code: str) -> Mapping[str, RecordMapping]:
    """Return the native mappings a service declares per people kind (``RECORD_MAPPINGS``).

    A kind it does not declare travels as the hub's JSON form of the canonical record,
    since most services publish no format for people.
    """
    return getattr(importlib.import_module(f"connectors.{code.lower()}"), "RECORD_MAPPINGS", {})


def api_client(code: str, http: httpx.AsyncClient, *, retry_for_s: float) -> PesClient:
    """Return the API client of a service: France Travail's real API shape, else the generic one."""
    if code == "FT":
        from connectors.ft.api import FranceTravailClient
        from connectors.ft.simulator import CLIENT_ID, CLIENT_SECRET

        return FranceTravailClient(
            http,
            client_id=os.environ.get("HUB_FT_CLIENT_ID", CLIENT_ID),
            client_secret=os.environ.get("HUB_FT_CLIENT_SECRET", CLIENT_SECRET),
            rate_per_s=float(os.environ.get("HUB_FT_RATE_PER_S", "3")),
            retry_for_s=retry_for_s,
        )
    return PesClient(http, retry_for_s=retry_for_s)


def simulator_app(code: str) -> web.Application:
    """Return the simulated API of a service, with France Travail's own endpoints added."""
    from connectors.base.simulator import create_simulator

    app = create_simulator(code, vacancy_mapping(code), records=record_mappings(code))
    if code == "FT":
        from connectors.ft.simulator import add_routes

        add_routes(app)
    return app
