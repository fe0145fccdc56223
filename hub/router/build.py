"""Assemble the router's parts from the data files, once, at start-up."""

from __future__ import annotations

import json
import secrets
from collections.abc import MutableMapping
from pathlib import Path

from hub.audit import AuditChain
from hub.catalog import Catalog, load_catalog
from hub.codec import AvroCodec, SchemaStore
from hub.exceptions import ConfigurationError
from hub.logging import get_logger
from hub.policy import (
    Agreements,
    AgreementsLibrary,
    Crosswalk,
    PolicyContext,
    Pseudonymiser,
    field_defaults,
)
from hub.router.core import RouterCore
from hub.router.state import SubjectStore

__all__ = ["build_core", "build_policy_context", "ensure_pseudonym_keys", "load_pseudonym_keys"]

log = get_logger(__name__)

_ROUTED_TYPES = ("vacancy", "jobseeker", "feedback")


_MIN_KEY_BYTES = 16  # a shorter HMAC key lets anyone holding the register guess pseudonyms


def load_pseudonym_keys(path: Path | None) -> dict[str, bytes]:
    """Read {service: hex key}; no file means no keys (pseudonymised fields are removed).

    Raises:
        ConfigurationError: the file cannot be read, is not a JSON map of hex strings, or
            holds a key shorter than 128 bits.
    """
    if path is None:
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        keys = {str(service): bytes.fromhex(key) for service, key in raw.items()}
    except (OSError, ValueError, AttributeError, TypeError) as exc:
        raise ConfigurationError(
            f"pseudonym keys file {path} is not a JSON map of hex keys: {exc}"
        ) from exc
    short = sorted(service for service, key in keys.items() if len(key) < _MIN_KEY_BYTES)
    if short:
        raise ConfigurationError(
            f"pseudonym keys file {path}: the key of {', '.join(short)} is shorter than "
            f"{_MIN_KEY_BYTES * 8} bits"
        )
    return keys


def build_policy_context(
    *,
    catalog: Catalog,
    store: SchemaStore,
    agreements: Agreements,
    crosswalk: Crosswalk,
    keys: dict[str, bytes],
) -> PolicyContext:
    """Return the policy's inputs besides the event and the person's state."""
    defaults = {}
    for event_type in _ROUTED_TYPES:
        schema = next(t.schema for t in catalog.topics.values() if t.event_type == event_type)
        defaults[event_type] = field_defaults(store.current(schema).expanded)
    missing = sorted(set(catalog.services) - set(keys))
    if missing:
        log.warning(
            "pseudonym_keys_missing",
            services=missing,
            effect="fields to pseudonymise are removed for these destinations",
        )
    return PolicyContext(
        agreements=agreements,
        crosswalk=crosswalk,
        pseudonymiser=Pseudonymiser(keys),
        services=tuple(catalog.services),
        defaults=defaults,
        languages={code: service.language for code, service in catalog.services.items()},
    )


def build_core(
    *,
    schema_dir: Path,
    topics_dir: Path,
    keys_file: Path | None,
    table: MutableMapping[str, bytes],
) -> RouterCore:
    """Return a RouterCore over *table* with the agreements version in force."""
    store = SchemaStore.from_directory(schema_dir)
    codec = AvroCodec(store)
    catalog = load_catalog(topics_dir)
    context = build_policy_context(
        catalog=catalog,
        store=store,
        agreements=AgreementsLibrary.from_directory(topics_dir).current,
        crosswalk=Crosswalk.from_directory(topics_dir),
        keys=load_pseudonym_keys(keys_file),
    )
    return RouterCore(
        codec=codec,
        catalog=catalog,
        policy=context,
        subjects=SubjectStore(table, store),
        chain=AuditChain(codec),
    )


def ensure_pseudonym_keys(path: Path, services: list[str]) -> Path:
    """Create a keys file with one random 256-bit key per service, unless it exists."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({s: secrets.token_hex(32) for s in services}, indent=2))
        path.chmod(0o600)
        log.info("pseudonym_keys_created", path=str(path), services=services)
    return path
