"""Deploying the hub on a real Kafka cluster: principals and ACLs from the catalogue,
Docker Compose and Kubernetes (Strimzi) renderings."""

from hub.deploy.acls import Acl, Principal, derive_principals, password_variable
from hub.deploy.components import Component, components
from hub.deploy.exceptions import DeployError
from hub.deploy.files import differences, write_tree
from hub.deploy.profile import DeployProfile, load_profile
from hub.deploy.render import TARGETS, render

__all__ = [
    "TARGETS",
    "Acl",
    "Component",
    "DeployError",
    "DeployProfile",
    "Principal",
    "components",
    "derive_principals",
    "differences",
    "load_profile",
    "password_variable",
    "render",
    "write_tree",
]
