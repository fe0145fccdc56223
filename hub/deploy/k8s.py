"""Kubernetes rendering for the Strimzi operator: the Kafka cluster (KRaft, one node pool),
a KafkaTopic per catalogue topic, a KafkaUser per principal with its ACLs, and the hub's
Deployments and Services.

Strimzi's User Operator creates a Secret per KafkaUser (key ``password``); Deployments read
it with ``secretKeyRef``, like the cluster CA (``<cluster>-cluster-ca-cert``), the router's
pseudonym keys, a bearer token (Secret ``<principal>-token``, key ``token``) and the
services' API URLs: nothing secret is written here.
"""

from __future__ import annotations

from typing import Any

from hub.catalog import Catalog, Topic
from hub.deploy.acls import Principal, derive_principals
from hub.deploy.components import (
    CA_FILE,
    PSEUDONYM_KEYS_FILE,
    Component,
    components,
    health_command,
    kafka_environment,
)
from hub.deploy.files import Rendering, yaml_text
from hub.deploy.profile import DeployProfile

__all__ = ["K8S_DIR", "STRIMZI_API", "render_k8s"]

K8S_DIR = "deploy/k8s"
STRIMZI_API = "kafka.strimzi.io/v1beta2"
PSEUDONYM_KEYS_SECRET = "hub-router-pseudonym-keys"
API_URLS_CONFIGMAP = "hub-pes-api-urls"


def _labels(profile: DeployProfile) -> dict[str, str]:
    return {"strimzi.io/cluster": profile.cluster_name}


def _kafka(profile: DeployProfile) -> list[dict[str, Any]]:
    pool = {
        "apiVersion": STRIMZI_API,
        "kind": "KafkaNodePool",
        "metadata": {"name": "nodes", "labels": _labels(profile)},
        "spec": {
            "replicas": profile.brokers,
            "roles": ["controller", "broker"],
            "storage": {
                "type": "jbod",
                "volumes": [
                    {
                        "id": 0,
                        "type": "persistent-claim",
                        "size": "100Gi",
                        "deleteClaim": False,
                        "kraftMetadata": "shared",
                    }
                ],
            },
        },
    }
    replicas, isr = profile.brokers, max(1, profile.brokers - 1)
    kafka = {
        "apiVersion": STRIMZI_API,
        "kind": "Kafka",
        "metadata": {
            "name": profile.cluster_name,
            "annotations": {"strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled"},
        },
        "spec": {
            "kafka": {
                "version": profile.kafka_version,
                "metadataVersion": profile.metadata_version,
                "listeners": [
                    {
                        "name": "tls",
                        "port": profile.port("strimzi_client"),
                        "type": "internal",
                        "tls": True,
                        "authentication": {"type": "scram-sha-512"},
                    }
                ],
                "authorization": {"type": "simple"},
                "config": {
                    "auto.create.topics.enable": False,
                    "default.replication.factor": replicas,
                    "min.insync.replicas": isr,
                    "offsets.topic.replication.factor": replicas,
                    "transaction.state.log.replication.factor": replicas,
                    "transaction.state.log.min.isr": isr,
                },
            },
            "entityOperator": {"topicOperator": {}, "userOperator": {}},
        },
    }
    return [kafka, pool]


def _topic(topic: Topic, profile: DeployProfile) -> dict[str, Any]:
    return {
        "apiVersion": STRIMZI_API,
        "kind": "KafkaTopic",
        "metadata": {"name": topic.name, "labels": _labels(profile)},
        "spec": {
            "topicName": topic.name,
            "partitions": topic.partitions,
            "replicas": min(topic.replication_factor, profile.brokers),
            "config": {
                "retention.ms": topic.retention_ms,
                "cleanup.policy": topic.cleanup_policy,
            },
        },
    }


def _user(principal: Principal, profile: DeployProfile) -> dict[str, Any]:
    rules: dict[tuple[str, str, str], list[str]] = {}
    for acl in principal.acls:
        rules.setdefault((acl.resource_type, acl.name, acl.pattern), []).append(acl.operation)
    return {
        "apiVersion": STRIMZI_API,
        "kind": "KafkaUser",
        "metadata": {
            "name": principal.name,
            "labels": {**_labels(profile), "hub/role": principal.role},
        },
        "spec": {
            "authentication": {"type": "scram-sha-512"},
            "authorization": {
                "type": "simple",
                "acls": [
                    {
                        "resource": {"type": kind, "name": name, "patternType": pattern},
                        "operations": sorted(operations),
                        "host": "*",
                    }
                    for (kind, name, pattern), operations in sorted(rules.items())
                ],
            },
        },
    }


def _probe(component: Component) -> dict[str, Any]:
    if component.bearer_token:  # an httpGet probe cannot take a header from a Secret
        action: dict[str, Any] = {"exec": {"command": list(health_command(component))}}
    else:
        action = {"httpGet": {"path": component.health_path, "port": "http"}}
    return {**action, "periodSeconds": 15, "timeoutSeconds": 5, "failureThreshold": 4}


def _deployment(component: Component, profile: DeployProfile) -> dict[str, Any]:
    bootstrap = f"{profile.cluster_name}-kafka-bootstrap:{profile.port('strimzi_client')}"
    env: list[dict[str, Any]] = [
        {"name": key, "value": value}
        for key, value in {
            **kafka_environment(component.principal, bootstrap),
            **component.env,
        }.items()
    ]
    env.append(
        {
            "name": "HUB_SASL_PASSWORD",
            "valueFrom": {"secretKeyRef": {"name": component.principal, "key": "password"}},
        }
    )
    if component.bearer_token:
        env.append(
            {
                "name": component.bearer_token,
                "valueFrom": {
                    "secretKeyRef": {"name": f"{component.principal}-token", "key": "token"}
                },
            }
        )
    command = list(component.command)
    if component.api_url:
        env.append(
            {
                "name": component.api_url,
                "valueFrom": {
                    "configMapKeyRef": {"name": API_URLS_CONFIGMAP, "key": component.api_url}
                },
            }
        )
        command += ["--api-url", f"$({component.api_url})"]
    mounts = [{"name": "cluster-ca", "mountPath": CA_FILE.rsplit("/", 1)[0], "readOnly": True}]
    volumes: list[dict[str, Any]] = [
        {
            "name": "cluster-ca",
            "secret": {
                "secretName": f"{profile.cluster_name}-cluster-ca-cert",
                "items": [{"key": "ca.crt", "path": "ca.crt"}],
            },
        }
    ]
    if "HUB_ROUTER_PSEUDONYM_KEYS_FILE" in component.env:
        directory, filename = PSEUDONYM_KEYS_FILE.rsplit("/", 1)
        mounts.append({"name": "pseudonym-keys", "mountPath": directory, "readOnly": True})
        volumes.append(
            {
                "name": "pseudonym-keys",
                "secret": {
                    "secretName": PSEUDONYM_KEYS_SECRET,
                    "items": [{"key": filename, "path": filename}],
                },
            }
        )
    labels = {"app.kubernetes.io/name": component.name, "app.kubernetes.io/part-of": "pes-hub"}
    container = {
        "name": component.name,
        "image": profile.image("hub"),
        "command": command,
        "env": env,
        "ports": [{"name": "http", "containerPort": component.port}],
        "livenessProbe": {**_probe(component), "initialDelaySeconds": 30},
        "readinessProbe": _probe(component),
        "volumeMounts": mounts,
        "securityContext": {"runAsNonRoot": True, "allowPrivilegeEscalation": False},
    }
    metadata: dict[str, Any] = {"labels": labels}
    if component.metrics:
        metadata["annotations"] = {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(component.port),
            "prometheus.io/path": "/metrics",
        }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": component.name, "labels": labels},
        "spec": {
            "replicas": component.replicas,
            "selector": {"matchLabels": {"app.kubernetes.io/name": component.name}},
            "template": {
                "metadata": metadata,
                "spec": {"containers": [container], "volumes": volumes},
            },
        },
    }


def _service(component: Component) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": component.name, "labels": {"app.kubernetes.io/name": component.name}},
        "spec": {
            "selector": {"app.kubernetes.io/name": component.name},
            "ports": [{"name": "http", "port": component.port, "targetPort": "http"}],
        },
    }


def render_k8s(catalog: Catalog, profile: DeployProfile) -> Rendering:
    """Return every manifest, by path under deploy/k8s/."""
    hub = components(catalog, profile)
    workloads: list[dict[str, Any]] = []
    for component in hub:
        workloads += [_deployment(component, profile), _service(component)]
    return {
        "kafka.yaml": yaml_text(_kafka(profile)),
        "topics.yaml": yaml_text(
            _topic(t, profile) for t in sorted(catalog.topics.values(), key=lambda t: t.name)
        ),
        "users.yaml": yaml_text(_user(p, profile) for p in derive_principals(catalog, profile)),
        "hub.yaml": yaml_text(workloads),
    }
