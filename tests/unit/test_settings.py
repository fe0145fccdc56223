"""A setting pydantic refuses is reported as the environment variable, with its prefix."""

from __future__ import annotations

import pytest
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from hub.exceptions import ConfigurationError
from hub.settings import EnvSettings, RouterSettings


class _PortSettings(EnvSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_SAMPLE_", extra="ignore")

    port: int = Field(default=1, ge=1)


def test_each_settings_class_names_its_own_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_SAMPLE_PORT", "0")
    monkeypatch.setenv("HUB_ROUTER_COMMIT_INTERVAL_S", "soon")
    with pytest.raises(ConfigurationError, match=r"HUB_SAMPLE_PORT: .* \(got '0'\)"):
        _PortSettings()
    with pytest.raises(ConfigurationError, match=r"HUB_ROUTER_COMMIT_INTERVAL_S: .*'soon'"):
        RouterSettings()
