"""Event codec: Avro single-object encoding with fastavro, and CloudEvents headers."""

from hub.codec.cloudevents import CONTENT_TYPE, SPEC_VERSION, CloudEvent, Headers, new_traceparent
from hub.codec.exceptions import (
    CodecError,
    DecodeError,
    EncodeError,
    HeaderError,
    NotSingleObjectError,
    SchemaNotFoundError,
    SchemaParseError,
    TruncatedMessageError,
    UnknownFingerprintError,
    WrongTypeError,
)
from hub.codec.schemas import (
    SchemaStore,
    SchemaVersion,
    expand_schema,
    fingerprint_of,
    parsing_canonical_form,
)
from hub.codec.single_object import MAGIC, AvroCodec, Decoded

__all__ = [
    "CONTENT_TYPE",
    "MAGIC",
    "SPEC_VERSION",
    "AvroCodec",
    "CloudEvent",
    "CodecError",
    "DecodeError",
    "Decoded",
    "EncodeError",
    "HeaderError",
    "Headers",
    "NotSingleObjectError",
    "SchemaNotFoundError",
    "SchemaParseError",
    "SchemaStore",
    "SchemaVersion",
    "TruncatedMessageError",
    "UnknownFingerprintError",
    "WrongTypeError",
    "expand_schema",
    "fingerprint_of",
    "new_traceparent",
    "parsing_canonical_form",
]
