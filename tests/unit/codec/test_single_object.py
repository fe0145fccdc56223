"""Single-object encoding: round trips, interop with the official avro package, bad bytes."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import avro.io
import avro.schema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.codec import (
    MAGIC,
    AvroCodec,
    CodecError,
    DecodeError,
    EncodeError,
    NotSingleObjectError,
    SchemaStore,
    TruncatedMessageError,
    UnknownFingerprintError,
    WrongTypeError,
)
from hub.codec.schemas import ARCHIVE_DIR_NAME, expand_schema, load_named_types
from tests.strategies import records
from tests.unit.codec.conftest import KIND, PLACE, TRIP, write_schemas

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def _same(a: Any, b: Any) -> bool:
    """Equality that treats float32 rounding and NaN-free floats sensibly."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-30)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{name}.json").read_text())


class TestRoundTrip:
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def test_any_valid_record_of_any_schema_round_trips(
        self, codec: AvroCodec, data: st.DataObject
    ) -> None:
        """encode then decode gives back the same record, for generated records of every schema."""
        name = data.draw(st.sampled_from(codec.store.names()))
        record = data.draw(records(codec.store.current(name).expanded))
        decoded = codec.decode(codec.encode(name, record))
        assert decoded.name == name
        assert _same(decoded.record, record)

    def test_message_starts_with_marker_and_fingerprint(self, codec: AvroCodec) -> None:
        """The first ten bytes are C3 01 and the little-endian CRC-64-AVRO fingerprint."""
        data = codec.encode("Vacancy", _sample("Vacancy"))
        assert data[:2] == MAGIC
        assert data[2:10] == codec.store.current("Vacancy").fingerprint

    def test_samples_round_trip(self, codec: AvroCodec) -> None:
        """Every realistic sample record survives encode and decode unchanged."""
        for path in sorted(SAMPLES.glob("*.json")):
            record = json.loads(path.read_text())
            assert codec.decode(codec.encode(path.stem, record)).record == record, path.stem


class TestInteropWithOfficialAvro:
    @pytest.mark.parametrize(
        "name",
        [
            "Vacancy",
            "JobseekerProfile",
            "ConsentChange",
            "ApplicationFeedback",
            "RoutingDecision",
            "DeadLetter",
        ],
    )
    def test_bytes_written_by_avro_decode_with_the_codec(self, codec: AvroCodec, name: str) -> None:
        """avro writes C3 01 + its own fingerprint + its own body; the codec reads it."""
        version = codec.store.current(name)
        schema = avro.schema.parse(json.dumps(version.expanded))
        body = io.BytesIO()
        avro.io.DatumWriter(schema).write(_sample(name), avro.io.BinaryEncoder(body))
        message = MAGIC + schema.fingerprint("CRC-64-AVRO") + body.getvalue()
        assert codec.decode(message).record == _sample(name)

    @pytest.mark.parametrize(
        "name", ["Vacancy", "Registration", "DecisionNotice", "ErasureNotice", "DeliveryReceipt"]
    )
    def test_bytes_written_by_the_codec_decode_with_avro(self, codec: AvroCodec, name: str) -> None:
        """avro finds its own fingerprint in our header and reads our body."""
        message = codec.encode(name, _sample(name))
        schema = avro.schema.parse(json.dumps(codec.store.current(name).expanded))
        assert message[:2] == MAGIC
        assert message[2:10] == schema.fingerprint("CRC-64-AVRO")
        decoder = avro.io.BinaryDecoder(io.BytesIO(message[10:]))
        assert avro.io.DatumReader(schema).read(decoder) == _sample(name)


class TestBadBytes:
    def test_empty_input_is_truncated(self, codec: AvroCodec) -> None:
        """No bytes at all is a truncated message, not a crash."""
        with pytest.raises(TruncatedMessageError):
            codec.decode(b"")

    def test_json_is_not_single_object(self, codec: AvroCodec) -> None:
        """A JSON payload is rejected by its first two bytes."""
        with pytest.raises(NotSingleObjectError, match="c301"):
            codec.decode(b'{"id": 1}')

    def test_short_header_is_truncated(self, codec: AvroCodec) -> None:
        """The marker without a whole fingerprint is truncated."""
        with pytest.raises(TruncatedMessageError, match="header"):
            codec.decode(MAGIC + b"\x01\x02\x03")

    def test_unknown_fingerprint_names_it(self, codec: AvroCodec) -> None:
        """A fingerprint no schema has is reported in hex."""
        with pytest.raises(UnknownFingerprintError, match="0102030405060708"):
            codec.decode(MAGIC + bytes(range(1, 9)) + b"\x00")

    def test_cut_body_is_truncated(self, codec: AvroCodec) -> None:
        """A body cut short ends early, and the error says which record."""
        data = codec.encode("Vacancy", _sample("Vacancy"))
        with pytest.raises(TruncatedMessageError, match="Vacancy"):
            codec.decode(data[:-15])

    def test_trailing_garbage_is_a_decode_error(self, codec: AvroCodec) -> None:
        """Bytes after a complete body mean the message is not what it claims."""
        data = codec.encode("Registration", _sample("Registration"))
        with pytest.raises(DecodeError, match="trailing"):
            codec.decode(data + b"\x00\x01")

    def test_other_record_than_expected_is_wrong_type(self, codec: AvroCodec) -> None:
        """Asking for a Vacancy and getting a ConsentChange names both."""
        data = codec.encode("ConsentChange", _sample("ConsentChange"))
        with pytest.raises(WrongTypeError, match="Vacancy.*ConsentChange"):
            codec.decode(data, expected="Vacancy")

    def test_record_missing_a_field_names_the_field(self, codec: AvroCodec) -> None:
        """Encoding a record that lacks a required field says which one."""
        record = dict(_sample("Registration"))
        del record["registration_id"]
        with pytest.raises(EncodeError, match="registration_id"):
            codec.encode("Registration", record)


class TestArchivedVersions:
    def test_message_from_an_archived_version_decodes_as_the_current_one(
        self, tmp_path: Path
    ) -> None:
        """After Place gains a field, a Trip written before still decodes, with the default."""
        message, codec = _trip_written_before_place_gained_a_field(tmp_path)
        decoded = codec.decode(message)
        assert decoded.record["start"] == {"postal_code": "8500", "nuts3": None}


class TestFuzz:
    @settings(max_examples=300, deadline=None)
    @given(data=st.binary(max_size=200))
    def test_random_bytes_raise_only_codec_errors(self, codec: AvroCodec, data: bytes) -> None:
        """Whatever bytes arrive, decoding either succeeds or raises a CodecError."""
        try:
            codec.decode(data)
        except CodecError:
            pass

    @settings(max_examples=300, deadline=None)
    @given(data=st.data())
    def test_random_body_behind_a_valid_header_raises_only_codec_errors(
        self, codec: AvroCodec, data: st.DataObject
    ) -> None:
        """A known fingerprint followed by garbage never escapes as a foreign exception."""
        name = data.draw(st.sampled_from(codec.store.names()))
        body = data.draw(st.binary(max_size=200))
        try:
            codec.decode(MAGIC + codec.store.current(name).fingerprint + body)
        except CodecError:
            pass


class TestEncodeChanged:
    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def test_a_record_with_fields_replaced_or_removed_encodes_as_the_whole_record(
        self, codec: AvroCodec, data: st.DataObject
    ) -> None:
        """Any schema, any fields replaced by new values or dropped (default written)."""
        name = data.draw(st.sampled_from(codec.store.names()))
        expanded = codec.store.current(name).expanded
        source = codec.decode(codec.encode(name, data.draw(records(expanded))))
        other = data.draw(records(expanded))
        names = [field["name"] for field in expanded["fields"]]
        replaced = data.draw(st.sets(st.sampled_from(names))) if names else set()
        dropped = {
            field["name"]
            for field in expanded["fields"]
            if "default" in field and data.draw(st.booleans())
        }
        changed = {
            field: other[field] if field in replaced else value
            for field, value in source.record.items()
            if field not in dropped
        }
        assert codec.encode_changed(name, changed, source) == codec.encode(name, changed)

    def test_the_bytes_of_an_unchanged_field_are_copied_as_they_came(self, tmp_path: Path) -> None:
        """A sender's array in two blocks stays in two blocks; the changed field is encoded."""
        codec = AvroCodec(SchemaStore.from_directory(write_schemas(tmp_path, PLACE, KIND, TRIP)))
        header = codec.header("Trip")
        place = b"\x088500"  # {"postal_code": "8500"}
        stops_in_two_blocks = b"\x02" + place + b"\x02" + place + b"\x00"
        source = codec.decode(header + place + b"\x00" + b"\x00" + stops_in_two_blocks)
        assert source.record["stops"] == [{"postal_code": "8500"}] * 2
        changed = dict(source.record, kind="B")
        encoded = codec.encode_changed("Trip", changed, source)
        assert encoded == header + place + b"\x00" + b"\x02" + stops_in_two_blocks
        assert codec.decode(encoded).record == changed
        assert codec.encode("Trip", changed) != encoded  # one block, as the codec writes
        # an equal value that is not the object decoded counts as changed: encoded again
        copied = dict(changed, stops=list(source.record["stops"]))
        assert codec.encode_changed("Trip", copied, source) == codec.encode("Trip", copied)

    def test_a_record_read_through_an_archived_version_is_encoded_whole(
        self, tmp_path: Path
    ) -> None:
        """Its bytes are the old layout's: none are copied."""
        message, codec = _trip_written_before_place_gained_a_field(tmp_path)
        source = codec.decode(message)
        assert source.spans is None
        changed = dict(source.record, kind="B")
        assert codec.encode_changed("Trip", changed, source) == codec.encode("Trip", changed)


def _trip_written_before_place_gained_a_field(tmp_path: Path) -> tuple[bytes, AvroCodec]:
    """A Trip message written with Place v1, and a codec whose Place has a field more (the
    v1 Trip archived)."""
    old_dir = write_schemas(tmp_path / "old", PLACE, KIND, TRIP)
    message = AvroCodec(SchemaStore.from_directory(old_dir)).encode(
        "Trip", {"start": {"postal_code": "8500"}, "end": None, "kind": "A", "stops": []}
    )
    place_v2 = dict(
        PLACE,
        fields=[
            *PLACE["fields"],
            {"name": "nuts3", "type": ["null", "string"], "default": None, "doc": "d"},
        ],
    )
    new_dir = write_schemas(tmp_path / "new", place_v2, KIND, TRIP)
    (new_dir / ARCHIVE_DIR_NAME).mkdir()
    expanded_old = expand_schema("t.ns.Trip", load_named_types(old_dir))
    (new_dir / ARCHIVE_DIR_NAME / "Trip.v1.avsc").write_text(json.dumps(expanded_old))
    return message, AvroCodec(SchemaStore.from_directory(new_dir))
