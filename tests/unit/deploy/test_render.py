"""The rendered deployments: in sync with the catalogue, parseable, complete, no secrets."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from hub import paths
from hub.catalog import Catalog, load_catalog
from hub.cli.deploy import app  # not the root app: its callback would rebind logging
from hub.deploy import (
    TARGETS,
    derive_principals,
    differences,
    load_profile,
    password_variable,
    render,
)

REPO = Path(__file__).resolve().parents[3]
CODES = ("vdab", "forem", "actiris", "bf", "adg", "ft")
EURES_PING = "/input/api/jv/v0.1/ping"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(paths.topics_dir())


@pytest.fixture(scope="module")
def k8s() -> dict[str, list[dict]]:
    files = render("k8s", paths.topics_dir())
    return {name: list(yaml.safe_load_all(text)) for name, text in files.items()}


@pytest.fixture(scope="module")
def compose_files() -> dict[str, str]:
    return dict(render("compose", paths.topics_dir()))


def _kind(k8s: dict[str, list[dict]], kind: str) -> list[dict]:
    return [doc for docs in k8s.values() for doc in docs if doc["kind"] == kind]


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_committed_files_equal_a_fresh_render(target: str) -> None:
    _renderer, folder = TARGETS[target]
    problems = differences(render(target, paths.topics_dir()), REPO / folder)
    assert not problems, f"run: hub deploy render --target {target} --out {folder}: {problems}"


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_cli_renders_what_the_library_renders(target: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["render", "--target", target, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert differences(render(target, paths.topics_dir()), tmp_path) == []
    check = CliRunner().invoke(app, ["check", "--target", target, "--dir", str(tmp_path)])
    assert check.exit_code == 0, check.output


def test_check_names_a_stale_file(tmp_path: Path) -> None:
    CliRunner().invoke(app, ["render", "--target", "k8s", "--out", str(tmp_path)])
    (tmp_path / "users.yaml").write_text("# edited by hand\n")
    result = CliRunner().invoke(app, ["check", "--target", "k8s", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "users.yaml: differs" in result.output


def test_check_says_which_files_to_delete_and_refuses_a_missing_folder(tmp_path: Path) -> None:
    CliRunner().invoke(app, ["render", "--target", "k8s", "--out", str(tmp_path)])
    (tmp_path / "old.yaml").write_bytes(b"\xff\xfe not text")
    (tmp_path / "users.yaml").write_bytes(b"\xff\xfe not text")
    result = CliRunner().invoke(app, ["check", "--target", "k8s", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "users.yaml: differs" in result.output
    assert "old.yaml: not rendered" in result.output
    assert "delete the files marked 'not rendered'" in result.output
    missing = CliRunner().invoke(app, ["check", "--target", "k8s", "--dir", str(tmp_path / "no")])
    assert missing.exit_code == 2
    assert "is not a folder of rendered files" in " ".join(missing.output.split())


def test_every_yaml_file_parses(compose_files: dict[str, str]) -> None:
    for name, text in {**compose_files, **render("k8s", paths.topics_dir())}.items():
        if name.endswith((".yaml", ".yml")):
            assert list(yaml.safe_load_all(text)), name


def test_every_catalogue_topic_has_a_kafka_topic(catalog: Catalog, k8s: dict) -> None:
    topics = {doc["spec"]["topicName"]: doc["spec"] for doc in _kind(k8s, "KafkaTopic")}
    assert set(topics) == set(catalog.topics)
    for name, topic in catalog.topics.items():
        assert topics[name]["partitions"] == topic.partitions
        assert topics[name]["replicas"] == topic.replication_factor
        assert topics[name]["config"] == {
            "retention.ms": topic.retention_ms,
            "cleanup.policy": topic.cleanup_policy,
        }


def test_kafka_users_carry_exactly_the_derived_acls(catalog: Catalog, k8s: dict) -> None:
    users = {doc["metadata"]["name"]: doc["spec"] for doc in _kind(k8s, "KafkaUser")}
    principals = derive_principals(catalog, load_profile())
    assert set(users) == {p.name for p in principals}
    for principal in principals:
        spec = users[principal.name]
        assert spec["authentication"] == {"type": "scram-sha-512"}
        assert spec["authorization"]["type"] == "simple"
        rendered = {
            (
                rule["resource"]["type"],
                rule["resource"]["name"],
                rule["resource"]["patternType"],
                op,
            )
            for rule in spec["authorization"]["acls"]
            for op in rule["operations"]
        }
        expected = {(a.resource_type, a.name, a.pattern, a.operation) for a in principal.acls}
        assert rendered == expected, principal.name


def test_compose_setup_script_grants_exactly_the_derived_acls(
    catalog: Catalog, compose_files: dict[str, str]
) -> None:
    granted: set[tuple[str, str, str, str, str]] = set()
    users = set()
    for line in compose_files["setup/users-and-acls.sh"].splitlines():
        if not line.startswith(("user ", "acl ")):
            continue
        words = shlex.split(line)
        if words[:1] == ["user"]:
            users.add(words[1])
        if words[:1] != ["acl"]:
            continue
        options = list(zip(words[1::2], words[2::2]))
        principal = dict(options)["--allow-principal"].removeprefix("User:")
        operation = dict(options)["--operation"]
        pattern = dict(options)["--resource-pattern-type"]
        for flag, name in options:
            if flag in ("--topic", "--group"):
                granted.add((principal, flag[2:], name, pattern, operation))
    principals = derive_principals(catalog, load_profile())
    expected = {
        (p.name, a.resource_type, a.name, a.pattern, a.operation)
        for p in principals
        for a in p.acls
    }
    assert granted == expected
    assert users == {p.name for p in principals}


def test_compose_runs_the_cluster_the_tools_and_the_hub(compose_files: dict[str, str]) -> None:
    services = yaml.safe_load(compose_files["compose.yaml"])["services"]
    assert {"kafka-1", "kafka-2", "kafka-3", "kafka-setup", "topics", "router", "lag", "eures"} <= (
        set(services)
    )
    assert {f"connector-{code}" for code in CODES} <= set(services)
    assert all(services[f"kafka-{n}"]["image"] == "apache/kafka:4.1.0" for n in (1, 2, 3))
    assert services["topics"]["command"] == ["hub", "topics", "apply"]
    assert services["router"]["deploy"]["replicas"] == 2
    assert services["connector-vdab"]["command"][:3] == ["hub", "connector", "VDAB"]
    assert "--api-url" in services["connector-vdab"]["command"]
    assert services["lag"]["command"][:3] == ["hub", "lag", "serve"]
    assert services["eures"]["command"][:3] == ["hub", "eures", "serve"]
    assert "deploy" not in services["eures"]  # one replica
    grafana = services["grafana"]["volumes"]
    assert any(v.startswith("../grafana/hub-dashboard.json:") for v in grafana)
    for node in ("kafka-1", "kafka-2", "kafka-3"):
        properties = compose_files[f"kafka/{node}.properties"]
        assert "allow.everyone.if.no.acl.found=false" in properties
        assert "CLIENT:SASL_SSL" in properties


def test_prometheus_scrapes_router_connectors_and_lag(compose_files: dict[str, str]) -> None:
    config = yaml.safe_load(compose_files["prometheus/prometheus.yml"])
    names = {
        name
        for job in config["scrape_configs"]
        for sd in job["dns_sd_configs"]
        for name in sd["names"]
    }
    assert {"router", "lag", "connector-vdab", "connector-ft"} <= names
    assert "eures" not in names  # the Input API serves no /metrics


def test_hub_components_use_their_own_principal_and_a_referenced_secret(k8s: dict) -> None:
    for deployment in _kind(k8s, "Deployment"):
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e for e in container["env"]}
        user = env["HUB_SASL_USERNAME"]["value"]
        assert env["HUB_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
            "name": user,
            "key": "password",
        }
        assert env["HUB_SECURITY_PROTOCOL"]["value"] == "SASL_SSL"
        assert container["livenessProbe"] and container["readinessProbe"]
    users = {
        e["value"]
        for d in _kind(k8s, "Deployment")
        for e in d["spec"]["template"]["spec"]["containers"][0]["env"]
        if e["name"] == "HUB_SASL_USERNAME"
    }
    assert users == {
        "hub-router",
        "hub-lag",
        "hub-eures",
        *{f"connector-{code}" for code in CODES},
    }


def test_no_secret_is_written_into_a_rendered_file(
    compose_files: dict[str, str], k8s: dict
) -> None:
    services = yaml.safe_load(compose_files["compose.yaml"])["services"]
    for name, service in services.items():
        for key, value in service.get("environment", {}).items():
            if "PASSWORD" in key or "TOKEN" in key:
                assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]*\}", value), (name, key)
    for deployment in _kind(k8s, "Deployment"):
        for env in deployment["spec"]["template"]["spec"]["containers"][0]["env"]:
            if "PASSWORD" in env["name"] or "TOKEN" in env["name"]:
                assert "value" not in env


def test_each_compose_component_signs_in_as_its_own_principal(
    compose_files: dict[str, str],
) -> None:
    services = yaml.safe_load(compose_files["compose.yaml"])["services"]
    expected = {
        "router": "hub-router",
        "lag": "hub-lag",
        "eures": "hub-eures",
        **{f"connector-{c}": f"connector-{c}" for c in CODES},
    }
    for service, principal in expected.items():
        env = services[service]["environment"]
        assert env["HUB_SASL_USERNAME"] == principal
        assert env["HUB_SASL_PASSWORD"].startswith("${" + password_variable(principal) + ":?")
        assert env["HUB_SECURITY_PROTOCOL"] == "SASL_SSL"
        assert env["HUB_SSL_CAFILE"] == "/etc/hub/tls/ca.crt"
        assert env["HUB_BOOTSTRAP_SERVERS"] == "kafka-1:9094,kafka-2:9094,kafka-3:9094"


def _containers(k8s: dict) -> dict[str, dict]:
    return {
        d["metadata"]["name"]: d["spec"]["template"]["spec"]["containers"][0]
        for d in _kind(k8s, "Deployment")
    }


def _listen_host(command: list[str], env: dict[str, str]) -> str:
    """Return where a component's HTTP server binds: the router by setting, others by flag."""
    if "HUB_ROUTER_METRICS_HOST" in env:
        return env["HUB_ROUTER_METRICS_HOST"]
    return command[command.index("--host") + 1]


@pytest.mark.parametrize(
    ("component", "path"),
    [("router", "/metrics"), ("lag", "/health"), *[(f"connector-{c}", "/health") for c in CODES]],
)
def test_servers_listen_on_all_interfaces_and_are_probed_over_http(
    k8s: dict, compose_files: dict[str, str], component: str, path: str
) -> None:
    container = _containers(k8s)[component]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert _listen_host(container["command"], env) == "0.0.0.0"
    for probe in (container["livenessProbe"], container["readinessProbe"]):
        assert probe["httpGet"] == {"path": path, "port": "http"}
    service = yaml.safe_load(compose_files["compose.yaml"])["services"][component]
    assert _listen_host(service["command"], service["environment"]) == "0.0.0.0"


def test_eures_serves_on_all_interfaces_behind_its_token(
    k8s: dict, compose_files: dict[str, str]
) -> None:
    container = _containers(k8s)["eures"]
    assert _listen_host(container["command"], {}) == "0.0.0.0"
    env = {e["name"]: e for e in container["env"]}
    assert env["HUB_EURES_TOKEN"]["valueFrom"]["secretKeyRef"] == {
        "name": "hub-eures-token",
        "key": "token",
    }
    for probe in (container["livenessProbe"], container["readinessProbe"]):
        script = probe["exec"]["command"][-1]  # httpGet could not send the token
        assert EURES_PING in script and "os.environ['HUB_EURES_TOKEN']" in script
    deployment = next(d for d in _kind(k8s, "Deployment") if d["metadata"]["name"] == "eures")
    assert deployment["spec"]["replicas"] == 1
    assert "annotations" not in deployment["spec"]["template"]["metadata"]  # no /metrics
    service = next(s for s in _kind(k8s, "Service") if s["metadata"]["name"] == "eures")
    assert service["spec"]["ports"][0]["port"] == container["ports"][0]["containerPort"]

    compose = yaml.safe_load(compose_files["compose.yaml"])["services"]["eures"]
    assert compose["environment"]["HUB_EURES_TOKEN"].startswith("${HUB_EURES_TOKEN:?")
    assert EURES_PING in compose["healthcheck"]["test"][-1]
    assert "HUB_EURES_TOKEN=" in compose_files["env.example"].splitlines()
