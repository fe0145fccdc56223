"""Field-level minimisation: drop, pseudonymise, keep only consented sections.

Pure functions on plain records. Paths are dotted (``recruiter_contact``,
``contact.email``); a removed field takes its schema default so the record stays valid.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Minimised", "Pseudonymiser", "minimise"]

_MISSING = object()


class Pseudonymiser:
    """Keyed pseudonyms, one secret per destination, so destinations cannot link them."""

    def __init__(self, keys: Mapping[str, bytes]) -> None:
        self._keys = dict(keys)

    def has_key(self, destination: str) -> bool:
        """Return whether a key is configured for *destination*."""
        return destination in self._keys

    def pseudonym(self, destination: str, value: str) -> str:
        """Return HMAC-SHA256(key of destination, value) as hex."""
        return hmac.new(self._keys[destination], value.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Minimised:
    """A record after minimisation, and what was done to it."""

    record: dict[str, Any]
    removed: tuple[str, ...]
    pseudonymised: tuple[str, ...]


def _get(record: Mapping[str, Any], path: str) -> Any:
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _set(record: dict[str, Any], path: str, value: Any) -> None:
    """Set *path*, copying each dict on the way: the input record is shared, never changed."""
    *parents, last = path.split(".")
    node = record
    for part in parents:
        node[part] = dict(node[part])
        node = node[part]
    node[last] = value


def _is_empty(value: Any, default: Any) -> bool:
    return value is _MISSING or value == default


def minimise(
    record: Mapping[str, Any],
    *,
    defaults: Mapping[str, Any],
    drop: Iterable[str] = (),
    drop_unless: Iterable[tuple[str, str]] = (),
    pseudonymise: Iterable[tuple[str, str]] = (),
    destination: str,
    pseudonymiser: Pseudonymiser,
) -> Minimised:
    """Return a minimised copy of *record*.

    Only the dicts on the changed paths are copied; everything else is shared with
    *record*, so neither the input nor the result may be changed in place afterwards.

    Args:
        defaults: schema default of every path that may be removed.
        drop: paths removed outright.
        drop_unless: (path, flag) pairs; path is removed unless the boolean ``flag`` is true.
        pseudonymise: (path, target) pairs; target gets the keyed pseudonym of path's value
            and path is removed. Without a key for the destination, path is only removed.
    """
    out = dict(record)
    removed: list[str] = []
    pseudonymised: list[str] = []

    def remove(path: str) -> None:
        if not _is_empty(_get(out, path), defaults[path]):
            _set(out, path, copy.deepcopy(defaults[path]))
            removed.append(path)

    for path, target in pseudonymise:
        value = _get(out, path)
        if _is_empty(value, defaults[path]):
            continue
        if pseudonymiser.has_key(destination):
            _set(out, target, pseudonymiser.pseudonym(destination, str(value)))
            _set(out, path, copy.deepcopy(defaults[path]))
            pseudonymised.append(path)
        else:
            remove(path)
    for path in drop:
        remove(path)
    for path, flag in drop_unless:
        if _get(out, flag) is not True:
            remove(path)
    return Minimised(out, tuple(removed), tuple(pseudonymised))
