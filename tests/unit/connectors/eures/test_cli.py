"""``hub eures serve`` refuses to run without a token; ``hub up``'s token file is kept private."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hub.cli.eures import ensure_token


def test_serve_without_a_token_exits_2_and_says_so() -> None:
    """No HUB_EURES_TOKEN: the Input API never starts open to anyone."""
    env = {k: v for k, v in os.environ.items() if k != "HUB_EURES_TOKEN"}
    done = subprocess.run(
        [sys.executable, "-m", "hub", "eures", "serve", "--port", "1"],
        capture_output=True,
        env=env | {"HUB_BOOTSTRAP_SERVERS": "127.0.0.1:1"},
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert b"HUB_EURES_TOKEN" in done.stderr


def test_token_file_is_created_once_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A generated token survives restarts and only its owner can read it."""
    monkeypatch.delenv("HUB_EURES_TOKEN", raising=False)
    path = tmp_path / "data" / "eures-token"
    first = ensure_token(path)
    assert len(first) >= 32 and ensure_token(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_configured_token_wins_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HUB_EURES_TOKEN, when set, is the token; no file is written."""
    monkeypatch.setenv("HUB_EURES_TOKEN", "from-the-environment")
    assert ensure_token(tmp_path / "eures-token") == "from-the-environment"
    assert not (tmp_path / "eures-token").exists()
