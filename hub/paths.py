"""Where the hub's data files live: the source tree, or the copy inside an installed wheel."""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_root", "schema_dir", "topics_dir"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_root() -> Path:
    """Return the folder that holds ``schemas/`` and ``topics/``.

    A source checkout (or an editable install) has them beside the package; a wheel
    carries a copy under ``hub/_data``.
    """
    bundled = _PACKAGE_DIR / "_data"
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent


def schema_dir() -> Path:
    """Return the folder of canonical ``.avsc`` files."""
    return data_root() / "schemas" / "avro"


def topics_dir() -> Path:
    """Return the folder of the topic catalogue and exchange agreements."""
    return data_root() / "topics"
