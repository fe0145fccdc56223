"""One place that configures structlog for every hub process.

JSON lines when stderr is not a terminal (services, CI), a readable console
rendering when it is. Library loggers (aiokafka, httpx, asyncio) are raised to
WARNING because their DEBUG chatter costs CPU on the hot path.
"""

from __future__ import annotations

import logging
import sys
from typing import Literal

import structlog

from hub.exceptions import ConfigurationError

__all__ = ["configure_logging", "get_logger"]

LogFormat = Literal["auto", "json", "console"]

_NOISY_LIBRARIES = ("aiokafka", "kafka", "httpx", "httpcore", "asyncio")


def configure_logging(level: str = "INFO", fmt: LogFormat = "auto") -> None:
    """Configure structlog and the stdlib root logger; safe to call more than once."""
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if use_json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    numeric_level = logging.getLevelName(level.upper())
    if not isinstance(numeric_level, int):
        raise ConfigurationError(
            f"log level {level!r} is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
        )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(processor=renderer, foreign_pre_chain=shared)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric_level)
    for name in _NOISY_LIBRARIES:
        logging.getLogger(name).setLevel(max(numeric_level, logging.WARNING))


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """Return a module logger; bind context with ``.bind(event_id=..., pes=...)``."""
    return structlog.get_logger(name)
