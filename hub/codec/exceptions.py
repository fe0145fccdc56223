"""Errors raised by the codec; callers never see fastavro's or avro's own exception types."""

from __future__ import annotations

from hub.exceptions import HubError

__all__ = [
    "CodecError",
    "DecodeError",
    "EncodeError",
    "HeaderError",
    "NotSingleObjectError",
    "SchemaNotFoundError",
    "SchemaParseError",
    "TruncatedMessageError",
    "UnknownFingerprintError",
    "WrongTypeError",
]


class CodecError(HubError):
    """Raised when a message or schema cannot be encoded, decoded or understood."""


class SchemaParseError(CodecError):
    """Raised when an ``.avsc`` file is not valid JSON or not a valid Avro schema."""


class SchemaNotFoundError(CodecError):
    """Raised when a record name, or a named type a schema refers to, is not known."""


class NotSingleObjectError(CodecError):
    """Raised when bytes do not start with the single-object marker ``C3 01``."""


class TruncatedMessageError(CodecError):
    """Raised when bytes end before the header or the Avro body is complete."""


class UnknownFingerprintError(CodecError):
    """Raised when the 8-byte schema fingerprint names no schema the hub knows."""

    def __init__(self, fingerprint: bytes) -> None:
        self.fingerprint = fingerprint
        super().__init__(
            f"unknown schema fingerprint {fingerprint.hex()}: no schema in schemas/avro "
            "(current or archived) has it"
        )


class WrongTypeError(CodecError):
    """Raised when a message holds another record type than the one expected."""

    def __init__(self, expected: str, actual: str) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(f"expected a {expected} record, got a {actual} record")


class EncodeError(CodecError):
    """Raised when a record does not fit its schema."""


class DecodeError(CodecError):
    """Raised when an Avro body cannot be read with the schema its fingerprint names."""


class HeaderError(CodecError):
    """Raised when CloudEvents headers are missing, duplicated or malformed."""
