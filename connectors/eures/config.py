"""Settings of the EURES Input API, read once at the entry point (``HUB_EURES_*``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from hub.settings import EnvSettings

__all__ = ["EuresSettings"]


class EuresSettings(EnvSettings):
    """What the export service needs besides Kafka."""

    model_config = SettingsConfigDict(env_prefix="HUB_EURES_", extra="ignore")

    token: SecretStr | None = Field(
        default=None,
        description=(
            "The static bearer token EURES presents in Authorization; every Input API "
            "call without it is refused with 401. Required to serve."
        ),
    )
