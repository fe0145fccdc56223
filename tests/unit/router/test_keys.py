"""The pseudonym keys file: one HMAC key per destination, refused when unusable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub.exceptions import ConfigurationError
from hub.router.build import ensure_pseudonym_keys, load_pseudonym_keys


def test_generated_keys_load(tmp_path: Path) -> None:
    path = ensure_pseudonym_keys(tmp_path / "keys.json", ["VDAB", "FOREM"])
    keys = load_pseudonym_keys(path)
    assert sorted(keys) == ["FOREM", "VDAB"]
    assert {len(key) for key in keys.values()} == {32}


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ({"VDAB": ""}, "the key of VDAB is shorter than 128 bits"),
        ({"VDAB": "00" * 15, "FT": "00" * 32}, "the key of VDAB is shorter than 128 bits"),
        ({"VDAB": 123}, "is not a JSON map of hex keys"),
        ({"VDAB": "not hex"}, "is not a JSON map of hex keys"),
        (["VDAB"], "is not a JSON map of hex keys"),
    ],
    ids=["empty", "short", "number", "not-hex", "a-list"],
)
def test_an_unusable_key_is_refused(tmp_path: Path, content: object, said: str) -> None:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(content))
    with pytest.raises(ConfigurationError, match=said):
        load_pseudonym_keys(path)
