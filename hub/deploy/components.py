"""The hub's long-running components as both targets deploy them: command, principal,
replicas, port and environment. Compose and Kubernetes render from this one list so the
two deployments cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    loopback_health: bool = False  # its server binds 127.0.0.1: probe from inside the container

    @property
    def password_variable(self) -> str:
        """Return the variable holding this component's SCRAM password."""
        return password_variable(self.principal)


def health_command(component: Component) -> tuple[str, ...]:
    """Return a command that fails unless the component answers on its health path."""
    url = f"http://127.0.0.1:{component.port}{component.health_path}"
    return ("python", "-c", f"import urllib.request; urllib.request.urlopen({url!r}, timeout=3)")


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
    """Return router, one connector per service, and the lag monitor."""
    router = catalog.principals["router"]
    result = [
        Component(
            name="router",
            principal=router,
            command=("hub", "router"),
            replicas=profile.replicas["router"],
            port=profile.port("router_metrics"),
            health_path="/metrics",  # the router serves metrics only
            loopback_health=True,
            env={
                "HUB_ROUTER_APP_ID": profile.groups["router"],
                "HUB_ROUTER_METRICS_PORT": str(profile.port("router_metrics")),
                "HUB_ROUTER_CHANGELOG_REPLICATION_FACTOR": str(profile.brokers),
                "HUB_ROUTER_PSEUDONYM_KEYS_FILE": PSEUDONYM_KEYS_FILE,
            },
        )
    ]
    health_port = profile.port("connector_health")
    for code, service in catalog.services.items():
        result.append(
            Component(
                name=f"connector-{service.slug}",
                principal=service.principal,
                command=("hub", "connector", code, "--health-port", str(health_port)),
                replicas=profile.replicas["connector"],
                port=health_port,
                api_url=api_url_variable(code),
                loopback_health=True,
            )
        )
    lag_port = profile.port("lag")
    result.append(
        Component(
            name="lag",
            principal=catalog.principals["lag"],
            command=("hub", "lag", "serve", "--host", "0.0.0.0", "--port", str(lag_port)),
            replicas=profile.replicas["lag"],
            port=lag_port,
            env={"HUB_ROUTER_APP_ID": profile.groups["router"]},  # the group it watches
        )
    )
    return result
