"""Audit tests reuse the router's fixtures: a core over an in-memory table and input builders."""

from tests.unit.router.conftest import core, inputs

__all__ = ["core", "inputs"]
