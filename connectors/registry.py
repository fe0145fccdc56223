"""Which package serves which service."""

from __future__ import annotations

import importlib

from connectors.base.mapping import VacancyMapping

__all__ = ["SERVICES", "vacancy_mapping"]

SERVICES = ("VDAB", "FOREM", "ACTIRIS", "BF", "ADG", "FT")


def vacancy_mapping(code: str) -> VacancyMapping:
    """Return the native vacancy mapping of a service (``connectors.<code>.MAPPING``)."""
    return importlib.import_module(f"connectors.{code.lower()}").MAPPING
