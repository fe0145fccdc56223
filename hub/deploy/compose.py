"""Docker Compose rendering: a 3-node Apache Kafka KRaft cluster with SASL/SCRAM and TLS,
the users and ACLs from the catalogue, the topics, the hub's services, Prometheus and Grafana.

Listeners: CONTROLLER (KRaft quorum, SASL PLAIN, the admin only), INTERNAL (inter-broker
and the one-shot admin jobs, SASL/SCRAM) and CLIENT (hub components, SASL/SCRAM over
TLS). Secrets never appear in the files: compose reads them from the environment (a
``.env`` next to compose.yaml, see env.example) and ``secrets/``.
"""

from __future__ import annotations

import posixpath
from typing import Any

from hub.catalog import Catalog
from hub.deploy.acls import Principal, derive_principals, password_variable
from hub.deploy.components import (
    CA_FILE,
    PSEUDONYM_KEYS_FILE,
    Component,
    components,
    health_command,
    kafka_environment,
)
from hub.deploy.files import Rendering, header, yaml_text
from hub.deploy.profile import DeployProfile

__all__ = ["COMPOSE_DIR", "render_compose"]

COMPOSE_DIR = "deploy/compose"
_ADMIN_PASSWORD = "KAFKA_ADMIN_PASSWORD"
_HUB_SERVICE_DEFAULTS: dict[str, Any] = {"restart": "unless-stopped"}


def _nodes(profile: DeployProfile) -> list[str]:
    return [f"kafka-{n}" for n in range(1, profile.brokers + 1)]


def _servers(profile: DeployProfile, port: str) -> str:
    return ",".join(f"{node}:{profile.port(port)}" for node in _nodes(profile))


def _required(variable: str, why: str = "see env.example") -> str:
    return f"${{{variable}:?{why}}}"


def _broker_properties(profile: DeployProfile, node_id: int) -> str:
    node = f"kafka-{node_id}"
    internal, controller = profile.port("kafka_internal"), profile.port("kafka_controller")
    client = profile.port("kafka_client")
    voters = ",".join(f"{i}@kafka-{i}:{controller}" for i in range(1, profile.brokers + 1))
    lines = [
        "process.roles=broker,controller",
        f"node.id={node_id}",
        f"controller.quorum.voters={voters}",
        f"listeners=INTERNAL://:{internal},CONTROLLER://:{controller},CLIENT://:{client}",
        f"advertised.listeners=INTERNAL://{node}:{internal},CLIENT://{node}:{client}",
        (
            "listener.security.protocol.map=INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT,"
            "CLIENT:SASL_SSL"
        ),
        "inter.broker.listener.name=INTERNAL",
        "controller.listener.names=CONTROLLER",
        "sasl.enabled.mechanisms=SCRAM-SHA-512",
        "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
        "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
        "sasl.mechanism.controller.protocol=PLAIN",
        # server side of SCRAM: the credentials live in the cluster metadata, not here
        (
            "listener.name.client.scram-sha-512.sasl.jaas.config="
            "org.apache.kafka.common.security.scram.ScramLoginModule required;"
        ),
        "listener.name.client.ssl.keystore.type=PEM",
        f"listener.name.client.ssl.keystore.location=/etc/hub/tls/{node}.pem",
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found=false",
        f"super.users=User:{profile.admin_user}",
        "log.dirs=/var/lib/kafka/data",
        "auto.create.topics.enable=false",
        f"default.replication.factor={profile.brokers}",
        f"min.insync.replicas={max(1, profile.brokers - 1)}",
        f"offsets.topic.replication.factor={profile.brokers}",
        f"transaction.state.log.replication.factor={profile.brokers}",
        f"transaction.state.log.min.isr={max(1, profile.brokers - 1)}",
    ]
    return header() + "\n".join(lines) + "\n"


def _start_script(profile: DeployProfile) -> str:
    """Format the log dir once with the admin's SCRAM credential, then start the node."""
    admin = profile.admin_user
    return (
        "#!/bin/bash\n"
        + header()
        + "# Formats the log dir once (with the admin's SCRAM credential), then starts the node;\n"
        "# the admin's JAAS settings come from the environment, never from a file.\n"
        "set -euo pipefail\n"
        "config=/etc/hub/kafka/${KAFKA_NODE}.properties\n"
        "/opt/kafka/bin/kafka-storage.sh format --ignore-formatted"
        ' --cluster-id "$KAFKA_CLUSTER_ID" --config "$config" \\\n'
        f'  --add-scram "SCRAM-SHA-512=[name={admin},password=${_ADMIN_PASSWORD}]"\n'
        'exec /opt/kafka/bin/kafka-server-start.sh "$config" \\\n'
        '  --override "listener.name.internal.scram-sha-512.sasl.jaas.config='
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
        f' username=\\"{admin}\\" password=\\"${_ADMIN_PASSWORD}\\";" \\\n'
        '  --override "listener.name.controller.plain.sasl.jaas.config='
        "org.apache.kafka.common.security.plain.PlainLoginModule required"
        f' username=\\"{admin}\\" password=\\"${_ADMIN_PASSWORD}\\"'
        f' user_{admin}=\\"${_ADMIN_PASSWORD}\\";"\n'
    )


def _acl_commands(principal: Principal) -> list[str]:
    """One kafka-acls call per (resource type, pattern, operation), naming every resource."""
    batches: dict[tuple[str, str, str], list[str]] = {}
    for acl in principal.acls:
        batches.setdefault((acl.resource_type, acl.pattern, acl.operation), []).append(acl.name)
    commands = []
    for (resource_type, pattern, operation), names in sorted(batches.items()):
        resources = " ".join(f"--{resource_type} {name}" for name in sorted(names))
        commands.append(
            f"acl --allow-principal User:{principal.name} --operation {operation}"
            f" --resource-pattern-type {pattern} {resources}"
        )
    return commands


def _setup_script(profile: DeployProfile, principals: list[Principal]) -> str:
    servers = _servers(profile, "kafka_internal")
    lines = [
        "#!/bin/bash",
        header().rstrip(),
        "# One SCRAM user per principal and exactly the ACLs the catalogue gives it.",
        "# Adding is idempotent; an ACL dropped from the catalogue must be removed by hand",
        "# (kafka-acls.sh --remove) — the rendered lists below are the reference.",
        "set -euo pipefail",
        "bin=/opt/kafka/bin",
        'config="$(mktemp)"',
        'cat > "$config" <<CONFIG',
        "security.protocol=SASL_PLAINTEXT",
        "sasl.mechanism=SCRAM-SHA-512",
        (
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
            f' username="{profile.admin_user}" password="${{{_ADMIN_PASSWORD}}}";'
        ),
        "CONFIG",
        f"servers={servers}",
        "user() {",
        '  "$bin/kafka-configs.sh" --bootstrap-server "$servers" --command-config "$config" \\',
        '    --alter --entity-type users --entity-name "$1" \\',
        '    --add-config "SCRAM-SHA-512=[iterations=8192,password=$2]"',
        "}",
        "acl() {",
        '  "$bin/kafka-acls.sh" --bootstrap-server "$servers" --command-config "$config" \\',
        '    --add --force "$@"',
        "}",
    ]
    for principal in principals:
        variable = password_variable(principal.name)
        lines.append("")
        lines.append(f"# {principal.name} ({principal.role})")
        lines.append(f'user {principal.name} "${{{variable}:?}}"')
        lines.extend(_acl_commands(principal))
    return "\n".join(lines) + "\n"


def _hub_service(component: Component, profile: DeployProfile) -> dict[str, Any]:
    command = list(component.command)
    if component.api_url:
        command += ["--api-url", _required(component.api_url, "the service's API URL")]
    environment = {
        **kafka_environment(component.principal, _servers(profile, "kafka_client"), CA_FILE),
        "HUB_SASL_PASSWORD": _required(component.password_variable),
        **component.env,
    }
    if component.bearer_token:
        environment[component.bearer_token] = _required(component.bearer_token)
    volumes = ["./secrets/tls/ca.crt:" + CA_FILE + ":ro"]
    if "HUB_ROUTER_PSEUDONYM_KEYS_FILE" in component.env:
        volumes.append(f"./secrets/pseudonym-keys.json:{PSEUDONYM_KEYS_FILE}:ro")
    service: dict[str, Any] = {
        "image": profile.image("hub"),
        "command": command,
        "environment": environment,
        "volumes": volumes,
        "depends_on": {"topics": {"condition": "service_completed_successfully"}},
        **_HUB_SERVICE_DEFAULTS,
    }
    if component.replicas != 1:
        service["deploy"] = {"replicas": component.replicas}
    service["healthcheck"] = {
        "test": ["CMD", *health_command(component)],
        "interval": "15s",
        "timeout": "5s",
        "retries": 4,
        "start_period": "30s",
    }
    return service


def _kafka_services(profile: DeployProfile) -> dict[str, Any]:
    services: dict[str, Any] = {}
    internal = profile.port("kafka_internal")
    for node in _nodes(profile):
        services[node] = {
            "image": profile.image("kafka"),
            "hostname": node,
            "command": ["/bin/bash", "/etc/hub/kafka/start.sh"],
            "environment": {
                "KAFKA_NODE": node,
                "KAFKA_CLUSTER_ID": _required("KAFKA_CLUSTER_ID"),
                _ADMIN_PASSWORD: _required(password_variable(profile.admin_user)),
            },
            "volumes": [
                "./kafka:/etc/hub/kafka:ro",
                "./secrets/tls:/etc/hub/tls:ro",
                f"{node}-data:/var/lib/kafka/data",
            ],
            "healthcheck": {
                "test": ["CMD", "bash", "-c", f"echo > /dev/tcp/localhost/{internal}"],
                "interval": "10s",
                "timeout": "5s",
                "retries": 30,
                "start_period": "20s",
            },
            "restart": "unless-stopped",
        }
    return services


def _admin_services(profile: DeployProfile, principals: list[Principal]) -> dict[str, Any]:
    brokers_up = {node: {"condition": "service_healthy"} for node in _nodes(profile)}
    setup_env = {_ADMIN_PASSWORD: _required(password_variable(profile.admin_user))}
    for principal in principals:
        variable = password_variable(principal.name)
        setup_env[variable] = _required(variable)
    return {
        "kafka-setup": {
            "image": profile.image("kafka"),
            "command": ["/bin/bash", "/etc/hub/setup/users-and-acls.sh"],
            "environment": setup_env,
            "volumes": ["./setup:/etc/hub/setup:ro"],
            "depends_on": brokers_up,
            "restart": "no",
        },
        "topics": {
            "image": profile.image("hub"),
            "build": {"context": "../..", "dockerfile": f"{COMPOSE_DIR}/Dockerfile"},
            "command": ["hub", "topics", "apply"],
            "environment": {
                "HUB_BOOTSTRAP_SERVERS": _servers(profile, "kafka_internal"),
                "HUB_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
                "HUB_SASL_MECHANISM": "SCRAM-SHA-512",
                "HUB_SASL_USERNAME": profile.admin_user,
                "HUB_SASL_PASSWORD": _required(password_variable(profile.admin_user)),
            },
            "depends_on": {"kafka-setup": {"condition": "service_completed_successfully"}},
            "restart": "no",
        },
    }


def _monitoring_services(profile: DeployProfile) -> dict[str, Any]:
    dashboard = posixpath.relpath(profile.grafana_dashboard, COMPOSE_DIR)
    grafana_port, prometheus_port = profile.port("grafana"), profile.port("prometheus")
    return {
        "prometheus": {
            "image": profile.image("prometheus"),
            "volumes": ["./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"],
            "ports": [f"{prometheus_port}:{prometheus_port}"],
            "restart": "unless-stopped",
        },
        "grafana": {
            "image": profile.image("grafana"),
            "environment": {"GF_SECURITY_ADMIN_PASSWORD": _required("GRAFANA_ADMIN_PASSWORD")},
            "volumes": [
                "./grafana/provisioning:/etc/grafana/provisioning:ro",
                f"{dashboard}:/var/lib/grafana/dashboards/hub-dashboard.json:ro",
            ],
            "ports": [f"{grafana_port}:{grafana_port}"],
            "depends_on": ["prometheus"],
            "restart": "unless-stopped",
        },
    }


def _prometheus_config(hub: list[Component]) -> dict[str, Any]:
    jobs: dict[str, list[Component]] = {}
    for component in (c for c in hub if c.metrics):
        jobs.setdefault(component.name.split("-")[0], []).append(component)
    return {
        "global": {"scrape_interval": "15s"},
        "scrape_configs": [
            {
                "job_name": job,
                "dns_sd_configs": [
                    {"names": [c.name], "type": "A", "port": c.port} for c in members
                ],
                "relabel_configs": [
                    {"source_labels": ["__meta_dns_name"], "target_label": "service"}
                ],
            }
            for job, members in jobs.items()
        ],
    }


def _grafana_files(profile: DeployProfile) -> dict[str, str]:
    prometheus = f"http://prometheus:{profile.port('prometheus')}"
    datasources = {
        "apiVersion": 1,
        "datasources": [
            {
                "name": "Prometheus",
                "uid": "prometheus",
                "type": "prometheus",
                "access": "proxy",
                "url": prometheus,
                "isDefault": True,
            }
        ],
    }
    providers = {
        "apiVersion": 1,
        "providers": [
            {
                "name": "hub",
                "folder": "PES hub",
                "type": "file",
                "options": {"path": "/var/lib/grafana/dashboards"},
            }
        ],
    }
    return {
        "grafana/provisioning/datasources/prometheus.yaml": yaml_text([datasources]),
        "grafana/provisioning/dashboards/hub.yaml": yaml_text([providers]),
    }


def _dockerfile(profile: DeployProfile) -> str:
    return (
        header()
        + "\n".join(
            [
                f"FROM {profile.image('python')}",
                "WORKDIR /app",
                "COPY pyproject.toml README.md ./",
                "COPY hub hub",
                "COPY connectors connectors",
                "COPY schemas schemas",
                "COPY topics topics",
                "RUN pip install --no-cache-dir . && mkdir /var/lib/hub && chown 10001 /var/lib/hub",
                "WORKDIR /var/lib/hub",  # writable: a worker may keep local state in its working dir
                "USER 10001",
                'CMD ["hub", "--help"]',
            ]
        )
        + "\n"
    )


def _env_example(profile: DeployProfile, principals: list[Principal], hub: list[Component]) -> str:
    lines = [
        header().rstrip(),
        "# Copy to .env (never commit it). Passwords: letters and digits only, e.g.",
        (
            "# `openssl rand -hex 24`. Cluster id: `docker run --rm "
            f"{profile.image('kafka')} /opt/kafka/bin/kafka-storage.sh random-uuid`."
        ),
        "# TLS: secrets/tls/ca.crt (the CA) and secrets/tls/kafka-N.pem (each node's",
        "# unencrypted PKCS#8 key followed by its certificate for host kafka-N).",
        "# Router keys: secrets/pseudonym-keys.json, {service: hex key}.",
        "# Bearer tokens (the one EURES presents to the Input API): e.g. `openssl rand -hex 32`.",
        "KAFKA_CLUSTER_ID=",
        f"{password_variable(profile.admin_user)}=",
        *[f"{password_variable(p.name)}=" for p in principals],
        *[f"{c.api_url}=" for c in hub if c.api_url],
        *[f"{c.bearer_token}=" for c in hub if c.bearer_token],
        "GRAFANA_ADMIN_PASSWORD=",
    ]
    return "\n".join(lines) + "\n"


def render_compose(catalog: Catalog, profile: DeployProfile) -> Rendering:
    """Return every file of the compose deployment, by path under deploy/compose/."""
    principals = derive_principals(catalog, profile)
    hub = components(catalog, profile)
    services: dict[str, Any] = {
        **_kafka_services(profile),
        **_admin_services(profile, principals),
        **{c.name: _hub_service(c, profile) for c in hub},
        **_monitoring_services(profile),
    }
    compose = {
        "name": f"pes-{profile.cluster_name}",
        "services": services,
        "volumes": {f"{node}-data": {} for node in _nodes(profile)},
    }
    files: dict[str, str] = {
        "compose.yaml": yaml_text([compose]),
        "kafka/start.sh": _start_script(profile),
        "setup/users-and-acls.sh": _setup_script(profile, principals),
        "prometheus/prometheus.yml": yaml_text([_prometheus_config(hub)]),
        "Dockerfile": _dockerfile(profile),
        "env.example": _env_example(profile, principals, hub),
        **_grafana_files(profile),
    }
    for node_id in range(1, profile.brokers + 1):
        files[f"kafka/kafka-{node_id}.properties"] = _broker_properties(profile, node_id)
    return files
