"""The mapping contract, checked on every service: samples encode, shared fields survive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connectors.registry import SERVICES, vacancy_mapping
from hub import paths
from hub.codec import AvroCodec, SchemaStore
from tests.unit.connectors.conftest import canonical_sample, sample_paths

CODEC = AvroCodec(SchemaStore.from_directory(paths.schema_dir()))
# what every service with a whole vacancy keeps through its own record ...
KEPT = (
    "vacancy_id",
    "contract_type",
    "working_time",
    "positions",
    "driving_licences",
    "bottleneck",
    "published_at",
    "updated_at",
)
# ... and what else each keeps (Le Forem's dataset and Bruxelles Formation's training
# offers keep less: their own tests say what)
ALSO_KEPT = {
    "ACTIRIS": ("texts", "employer.name"),
    "ADG": ("experience_months", "workplace.nuts3"),
    "FT": ("experience_months", "employer.name"),
    "VDAB": ("workplace.nuts3", "employer.name", "occupations.0.code"),
}


def _at(record: Any, path: str) -> Any:
    """Return the value at a dotted path ("occupations.0.code")."""
    for step in path.split("."):
        record = record[int(step)] if isinstance(record, list) else record[step]
    return record


@pytest.mark.parametrize(
    ("code", "path"),
    [(code, path) for code in SERVICES for path in sample_paths(code)],
    ids=lambda value: value.stem if isinstance(value, Path) else value.lower(),
)
def test_every_sample_maps_to_a_valid_vacancy(code: str, path: Path) -> None:
    """Each real-shaped native record becomes a Vacancy the hub can encode."""
    native = json.loads(path.read_text(encoding="utf-8"))
    CODEC.encode("Vacancy", vacancy_mapping(code).to_canonical(native))


@pytest.mark.parametrize("code", sorted(ALSO_KEPT))
def test_canonical_vacancy_survives_the_round_trip(code: str) -> None:
    """The canonical sample written as the service's record and read back keeps its fields."""
    mapping = vacancy_mapping(code)
    original = canonical_sample()
    again = mapping.to_canonical(mapping.from_canonical(original))
    for field in (*KEPT, *ALSO_KEPT[code]):
        assert _at(again, field) == _at(original, field), field
