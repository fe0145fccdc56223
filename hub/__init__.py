"""PES integration hub: consent-gated event routing between public employment services.

Subpackages: ``codec`` (Avro single-object encoding, CloudEvents headers), ``catalog``
(the topic catalogue), ``broker`` (the embedded Kafka-protocol broker), ``cli``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pes-hub")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
