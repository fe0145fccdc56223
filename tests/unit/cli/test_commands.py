"""The ``hub`` command as a user runs it: exit codes and what it prints."""

from __future__ import annotations

import io
import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import avro.io
import avro.schema
import pytest

from hub import paths
from hub.codec import MAGIC, SchemaStore

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
STORE = SchemaStore.from_directory(paths.schema_dir())


def hub(
    *args: str, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hub", *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, "HUB_LOG_FORMAT": "json", **(env or {})},
        timeout=120,
        check=False,
    )


def _avro_schema(name: str) -> avro.schema.Schema:
    return avro.schema.parse(json.dumps(STORE.current(name).expanded))


def test_help_lists_the_commands() -> None:
    """`hub --help` exits 0 and names every sub-command."""
    done = hub("--help")
    assert done.returncode == 0
    for command in ("codec", "schemas", "topics", "broker", "router", "up"):
        assert command in done.stdout.decode()


def test_schemas_and_topics_check_pass_on_the_shipped_files() -> None:
    """`hub schemas check` and `hub topics check` exit 0 on the repository as it is."""
    schemas, topics = hub("schemas", "check"), hub("topics", "check")
    assert schemas.returncode == 0, schemas.stdout.decode() + schemas.stderr.decode()
    assert topics.returncode == 0, topics.stdout.decode() + topics.stderr.decode()


def test_decode_reads_what_the_official_avro_package_wrote() -> None:
    """A message written by another Avro implementation decodes to the same record."""
    record = json.loads((SAMPLES / "ApplicationFeedback.json").read_text())
    schema = _avro_schema("ApplicationFeedback")
    body = io.BytesIO()
    avro.io.DatumWriter(schema).write(record, avro.io.BinaryEncoder(body))
    done = hub(
        "codec",
        "decode",
        "--envelope",
        stdin=MAGIC + schema.fingerprint("CRC-64-AVRO") + body.getvalue(),
    )
    assert done.returncode == 0, done.stderr.decode()
    output = json.loads(done.stdout)
    assert output["schema"] == "be.pes.hub.ApplicationFeedback"
    assert output["record"] == record


def test_encode_writes_what_the_official_avro_package_reads() -> None:
    """`hub codec encode` output carries avro's fingerprint and an avro-readable body."""
    record = json.loads((SAMPLES / "DeadLetter.json").read_text())
    done = hub("codec", "encode", "DeadLetter", stdin=json.dumps(record).encode())
    assert done.returncode == 0, done.stderr.decode()
    schema = _avro_schema("DeadLetter")
    assert done.stdout[:10] == MAGIC + schema.fingerprint("CRC-64-AVRO")
    decoded = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(done.stdout[10:])))
    assert decoded["dead_letter_id"] == record["dead_letter_id"]


def test_encode_then_decode_keeps_bytes_fields() -> None:
    """Bytes travel as base64 in JSON and come back unchanged."""
    record = json.loads((SAMPLES / "DeadLetter.json").read_text())
    record["original_value"] = "AAECA/8="
    encoded = hub("codec", "encode", "DeadLetter", stdin=json.dumps(record).encode())
    decoded = hub("codec", "decode", stdin=encoded.stdout)
    assert json.loads(decoded.stdout)["original_value"] == "AAECA/8="


def test_encode_names_a_field_the_schema_lacks_or_needs() -> None:
    """A misspelt field would be dropped by Avro without a word; it is named instead."""
    record = json.loads((SAMPLES / "Vacancy.json").read_text())
    record["positoins"] = record.pop("positions")
    done = hub("codec", "encode", "Vacancy", stdin=json.dumps(record).encode())
    assert done.returncode == 2
    assert done.stdout == b""
    assert "be.pes.hub.Vacancy has no field(s) positoins" in done.stderr.decode()
    record["positions"] = record.pop("positoins")
    record["workplace"]["nuts"] = "BE211"  # in a nested record too
    done = hub("codec", "encode", "Vacancy", stdin=json.dumps(record).encode())
    assert done.returncode == 2
    assert "has no field(s) nuts" in done.stderr.decode()
    del record["workplace"]["nuts"], record["vacancy_id"]
    done = hub("codec", "encode", "Vacancy", stdin=json.dumps(record).encode())
    assert done.returncode == 2
    assert "be.pes.hub.Vacancy needs field(s) vacancy_id" in done.stderr.decode()


def test_encode_of_input_that_is_not_utf8_json_says_so() -> None:
    done = hub("codec", "encode", "DeadLetter", stdin=b"\xff\xfe{}")
    assert done.returncode == 2
    assert "input is not UTF-8 JSON" in done.stderr.decode()


def test_encode_writes_no_binary_to_a_terminal() -> None:
    """On a terminal the bytes would garble it: the command says where to send them."""
    record = (SAMPLES / "DeadLetter.json").read_bytes()
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "hub", "codec", "encode", "DeadLetter"],
            input=record,
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert "redirect it to a file or a pipe" in done.stderr.decode()


def test_progress_bars_stay_off_a_pipe() -> None:
    """Off a terminal the audit commands print no progress bar, not even an empty line."""
    done = hub("audit", "verify", "--from", "-1", env={"HUB_BOOTSTRAP_SERVERS": "127.0.0.1:1"})
    assert done.returncode == 2
    assert done.stderr.decode().startswith("error: --from: '-1' is neither an offset")


def test_decode_of_garbage_says_why_and_exits_2() -> None:
    """Bad bytes give one readable line and exit status 2, not a traceback."""
    done = hub("codec", "decode", stdin=b"hello")
    assert done.returncode == 2
    assert "single-object marker" in done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()


def test_incompatible_schema_change_fails_the_check(tmp_path: Path) -> None:
    """A required field added to a committed schema fails `hub schemas check` and is named."""
    repo = tmp_path / "repo"
    shutil.copytree(paths.schema_dir(), repo / "schemas" / "avro")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "schemas"], check=True)
    path = repo / "schemas" / "avro" / "Registration.avsc"
    schema = json.loads(path.read_text())
    schema["fields"].append({"name": "office_code", "type": "string", "doc": "new, no default"})
    path.write_text(json.dumps(schema))
    done = hub(
        "schemas",
        "check",
        "--against",
        "HEAD",
        env={"HUB_SCHEMA_DIR": str(repo / "schemas" / "avro")},
    )
    assert done.returncode == 1
    assert "office_code" in done.stdout.decode()


@pytest.mark.parametrize(
    ("args", "env", "status", "named"),
    [
        (("codec", "--help"), {"HUB_LOG_FORMAT": "xml"}, 2, "HUB_LOG_FORMAT"),
        (("--log-level", "loud", "topics", "check"), {}, 2, "log level 'loud'"),
        (("audit", "verify"), {"HUB_BOOTSTRAP_SERVERS": "127.0.0.1:1"}, 75, "cannot reach"),
        (("router",), {"HUB_BOOTSTRAP_SERVERS": "127.0.0.1:1"}, 75, "cannot reach"),
        (("codec", "decode", "-i", "/nonexistent/message.bin"), {}, 1, "/nonexistent/message"),
        (("schemas", "check", "--against", "no-such-ref"), {}, 2, "no such commit"),
        (("schemas", "check"), {"HUB_SCHEMA_DIR": "/"}, 2, "holds no .avsc files"),
        (("simulator", "VDAB", "--port", "99999"), {}, 2, "Invalid value for '--port'"),
        (("router",), {"HUB_ROUTER_METRICS_PORT": "99999"}, 2, "HUB_ROUTER_METRICS_PORT"),
    ],
    ids=[
        "bad-setting",
        "bad-log-level",
        "audit-no-cluster",
        "router-no-cluster",
        "no-file",
        "unknown-git-ref",
        "no-schemas",
        "port-out-of-range",
        "metrics-port-out-of-range",
    ],
)
def test_what_a_user_can_fix_is_one_line_and_an_exit_status(
    args: tuple[str, ...], env: dict[str, str], status: int, named: str
) -> None:
    """A bad setting, an unreachable cluster or a missing file: no traceback, no client
    left open; 75 (try again) where a supervisor should start the command again."""
    done = hub(*args, env=env)
    err = done.stderr.decode()
    assert done.returncode == status, err
    assert named in " ".join(err.split())  # the console may wrap the line
    assert "Traceback" not in err
    assert "Unclosed" not in err
