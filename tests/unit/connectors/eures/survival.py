"""What a canonical vacancy must keep through a PositionOpening document and back."""

from __future__ import annotations

from typing import Any

__all__ = ["assert_shared_fields_survive"]

DAY_MS = 86_400_000
_EQUAL = (
    "source_pes",
    "vacancy_id",
    "texts",
    "contract_type",
    "working_time",
    "positions",
    "driving_licences",
    "experience_months",
    "interregional_assistance",
)


def assert_shared_fields_survive(original: dict[str, Any], again: dict[str, Any]) -> None:
    """Assert that *again* (read back from the document of *original*) kept the shared fields."""
    for field in _EQUAL:
        assert again[field] == original[field], field
    assert again["published_at"] // DAY_MS == original["published_at"] // DAY_MS
    assert abs(again["valid_until"] - original["valid_until"]) < 2 * DAY_MS
    assert again["workplace"]["nuts3"] == original["workplace"]["nuts3"]
    assert again["employer"]["name"] == original["employer"]["name"]
    assert again["employer"]["enterprise_number"] == original["employer"]["enterprise_number"]
    assert [(x["language"], x["level"], x["required"]) for x in again["languages"]] == [
        (x["language"], x["level"], x["required"]) for x in original["languages"]
    ]
    isco = {(o["scheme"], o["code"]) for o in original["occupations"] if o["scheme"] == "ISCO_08"}
    assert isco <= {(o["scheme"], o["code"]) for o in again["occupations"]}
    assert again["application"]["url"] == original["application"]["url"]
