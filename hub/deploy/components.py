"""The hub's long-running components as both targets deploy them: command, principal,
replicas, port and environment. Compose and Kubernetes render from this one list so the
two deployments cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from connectors.eures.api import PREFIX as EURES_API_PREFIX
from hub.catalog import Catalog
from hub.deploy.acls import password_variable
from hub.deploy.profile import DeployProfile

__all__ = [
    "Component",
    "api_url_variable",
    "components",
    "health_command",
    "kafka_environment",
]

PSEUDONYM_KEYS_FILE = "/etc/hub/keys/pseudonym-keys.json"
CA_FILE = "/etc/hub/tls/ca.crt"
ALL_INTERFACES = "0.0.0.0"  # in a container: Prometheus and the probes come from outside


@dataclass(frozen=True)
class Component:
    """One deployable hub process."""

    name: str
    principal: str
    command: tuple[str, ...]
    replicas: int
    port: int
    env: dict[str, str] = field(default_factory=dict)
    health_path: str = "/health"
    api_url: str | None = None  # connectors: the variable holding the service's API URL
    bearer_token: str | None = None  # the secret variable its API, health path too, requires
    metrics: bool = True  # serves Prometheus /metrics on its port

    @property
    def password_variable(self) -> str:
        """Return the variable holding this component's SCRAM password."""
        return password_variable(self.principal)


def health_command(component: Component) -> tuple[str, ...]:
    """Return a command, run in the container, that fails unless the health path answers.

    Compose health checks can only run a command, and a bearer token is only in the
    container's environment, never in a rendered file.
    """
    url = f"http://127.0.0.1:{component.port}{component.health_path}"
    if component.bearer_token is None:
        code = f"import urllib.request; urllib.request.urlopen({url!r}, timeout=3)"
    else:
        token = f"os.environ[{component.bearer_token!r}]"
        code = (
            "import os, urllib.request; urllib.request.urlopen(urllib.request.Request("
            f"{url!r}, headers={{'Authorization': 'Bearer ' + {token}}}), timeout=3)"
        )
    return ("python", "-c", code)


def api_url_variable(code: str) -> str:
    """Return the variable that holds a service's API URL (as ``hub up --no-simulators``)."""
    return f"HUB_{code}_API_URL"


def kafka_environment(
    principal: str, bootstrap_servers: str, ca_file: str = CA_FILE
) -> dict[str, str]:
    """Return the non-secret HUB_* Kafka settings of a component (see hub.settings)."""
    return {
        "HUB_BOOTSTRAP_SERVERS": bootstrap_servers,
        "HUB_SECURITY_PROTOCOL": "SASL_SSL",
        "HUB_SASL_MECHANISM": "SCRAM-SHA-512",
        "HUB_SASL_USERNAME": principal,
        "HUB_SSL_CAFILE": ca_file,
        # a real broker wakes waiting fetches, so a longer wait costs no latency
        "HUB_FETCH_MAX_WAIT_MS": "500",
        "HUB_LOG_FORMAT": "json",
    }


def components(catalog: Catalog, profile: DeployProfile) -> list[Component]:
    """Return router, one connector per service, the lag monitor and the EURES Input API."""
    router = catalog.principals["router"]
    result = [
        Component(
            name="router",
            principal=router,
            command=("hub", "router"),
            replicas=profile.replicas["router"],
            port=profile.port("router_metrics"),
            health_path="/metrics",  # the router serves metrics only
            env={
                "HUB_ROUTER_APP_ID": profile.groups["router"],
                "HUB_ROUTER_METRICS_PORT": str(profile.port("router_metrics")),
                "HUB_ROUTER_METRICS_HOST": ALL_INTERFACES,
                "HUB_ROUTER_CHANGELOG_REPLICATION_FACTOR": str(profile.brokers),
                "HUB_ROUTER_PSEUDONYM_KEYS_FILE": PSEUDONYM_KEYS_FILE,
            },
        )
    ]
    health_port = profile.port("connector_health")
    health_server = ("--host", ALL_INTERFACES, "--health-port", str(health_port))
    for code, service in catalog.services.items():
        result.append(
            Component(
                name=f"connector-{service.slug}",
                principal=service.principal,
                command=("hub", "connector", code, *health_server),
                replicas=profile.replicas["connector"],
                port=health_port,
                api_url=api_url_variable(code),
            )
        )
    lag_port = profile.port("lag")
    result.append(
        Component(
            name="lag",
            principal=catalog.principals["lag"],
            command=("hub", "lag", "serve", "--host", ALL_INTERFACES, "--port", str(lag_port)),
            replicas=profile.replicas["lag"],
            port=lag_port,
            env={"HUB_ROUTER_APP_ID": profile.groups["router"]},  # the group it watches
        )
    )
    eures_port = profile.port("eures")
    result.append(
        Component(
            name="eures",
            principal=catalog.principals["eures"],
            command=("hub", "eures", "serve", "--host", ALL_INTERFACES, "--port", str(eures_port)),
            replicas=profile.replicas["eures"],
            port=eures_port,
            health_path=f"{EURES_API_PREFIX}/ping",
            bearer_token="HUB_EURES_TOKEN",
            metrics=False,  # the Input API serves EURES only
        )
    )
    return result
