"""What the service mapping tests share: each service's native samples and the canonical one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["canonical_sample", "sample", "sample_paths"]

_ROOT = Path(__file__).resolve().parents[3]
# samples of people records are named after the record ("referral_..."); the rest are vacancies
_RECORD_PREFIXES = ("referral_",)


def sample_paths(code: str, prefix: str | None = None) -> list[Path]:
    """Return the paths of a service's native samples, in name order.

    With *prefix*, the samples of that record ("referral_"); without, its vacancies.
    """
    paths = sorted((_ROOT / "connectors" / code.lower() / "samples").glob("*.json"))
    if prefix:
        return [path for path in paths if path.name.startswith(prefix)]
    return [path for path in paths if not path.name.startswith(_RECORD_PREFIXES)]


def sample(code: str, name: str) -> dict[str, Any]:
    """Return one native sample of a service, by file name without ``.json``."""
    path = _ROOT / "connectors" / code.lower() / "samples" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def canonical_sample() -> dict[str, Any]:
    """Return a fresh copy of the canonical Vacancy sample (a VDAB vacancy)."""
    path = _ROOT / "tests" / "data" / "samples" / "Vacancy.json"
    return json.loads(path.read_text(encoding="utf-8"))
