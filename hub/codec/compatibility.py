"""Schema evolution rules: every changed record must read all data written before it.

BACKWARD_TRANSITIVE: the current version of a record, as reader, must read data written
with the version at a git ref and with every archived version. The check itself is the
official ``avro`` package's ReaderWriterCompatibilityChecker.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import avro.errors
import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

from hub.codec.exceptions import SchemaParseError
from hub.codec.schemas import SchemaStore, expand_schema, fingerprint_of

__all__ = [
    "CompatibilityFinding",
    "GitSchemaSource",
    "backward_problems",
    "check_store",
    "default_ref",
]


@dataclass(frozen=True)
class CompatibilityFinding:
    """One problem: which record, compared with what, and what is wrong."""

    record: str
    against: str
    problem: str


def backward_problems(reader: dict[str, Any], writer: dict[str, Any]) -> list[str]:
    """Return why *reader* cannot read data written with *writer* (empty when it can)."""
    try:
        reader_schema = avro.schema.parse(json.dumps(reader))
        writer_schema = avro.schema.parse(json.dumps(writer))
    except (avro.errors.SchemaParseException, ValueError, TypeError) as exc:
        raise SchemaParseError(f"{reader.get('name')}: avro cannot parse it: {exc}") from exc
    result = ReaderWriterCompatibilityChecker().get_compatibility(reader_schema, writer_schema)
    if result.compatibility is SchemaCompatibilityType.compatible:
        return []
    locations = sorted(result.locations)
    return [f"{message} (at {', '.join(locations)})" for message in sorted(result.messages)]


def default_ref(repo: Path) -> str | None:
    """Return the merge base of HEAD with main, or None outside a git checkout."""
    for base in ("main", "origin/main"):
        out = _git(repo, "merge-base", "HEAD", base)
        if out is not None:
            return out.strip()
    return None


def is_commit(repo: Path, ref: str) -> bool:
    """Return whether *ref* names a commit of the git checkout at *repo*."""
    return _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is not None


def _git(repo: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


@dataclass(frozen=True)
class GitSchemaSource:
    """The schema folder as it was at a git ref."""

    repo: Path
    ref: str
    folder: str

    def expanded_records(self) -> dict[str, dict[str, Any]]:
        """Return every record of the folder at the ref, fully expanded, by full name."""
        listing = _git(self.repo, "ls-tree", "--name-only", f"{self.ref}:{self.folder}")
        if listing is None:
            return {}
        named: dict[str, dict[str, Any]] = {}
        for file_name in listing.split():
            if not file_name.endswith(".avsc"):
                continue
            text = _git(self.repo, "show", f"{self.ref}:{self.folder}/{file_name}")
            if text is None:
                continue
            node = json.loads(text)
            name = (
                node["name"] if "." in node["name"] else f"{node.get('namespace')}.{node['name']}"
            )
            named[name] = node
        return {
            name: expand_schema(name, named)
            for name, node in named.items()
            if node.get("type") in ("record", "error")
        }


def check_store(store: SchemaStore, earlier: GitSchemaSource | None) -> list[CompatibilityFinding]:
    """Check every current record against the archive and, if given, the version at a ref."""
    findings: list[CompatibilityFinding] = []
    at_ref = earlier.expanded_records() if earlier is not None else {}
    known = {version.fingerprint for version in store.versions()}
    for name in store.names():
        current = store.current(name)
        writers: list[tuple[str, dict[str, Any]]] = [
            (f"archive/{version.source.name if version.source else '?'}", version.expanded)
            for version in store.versions()
            if version.name == name and not version.current
        ]
        old = at_ref.get(name)
        if old is not None and fingerprint_of(old) != current.fingerprint:
            label = f"{earlier.ref[:12]}:{name}" if earlier else name
            writers.append((label, old))
            if fingerprint_of(old) not in known:
                findings.append(
                    CompatibilityFinding(
                        name,
                        label,
                        "changed, but the earlier version is not archived, so messages written "
                        "with it could not be decoded: run `hub schemas archive`",
                    )
                )
        for label, writer in writers:
            findings.extend(
                CompatibilityFinding(name, label, problem)
                for problem in backward_problems(current.expanded, writer)
            )
    return findings
