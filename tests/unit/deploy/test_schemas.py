"""The rendered manifests validate against published schemas, without a cluster or engine.

Kubernetes' own kinds are checked with kubernetes-validate (strict: unknown fields fail).
Strimzi's CRD schemas ship in no package on the registries this project installs from,
so Kafka, KafkaNodePool, KafkaTopic and KafkaUser are checked by the structural tests in
test_render.py instead. The compose file is checked against the compose-spec JSON schema
that check-jsonschema vendors.
"""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import kubernetes_validate
import pytest
import yaml

from hub import paths
from hub.deploy import render

KUBERNETES_VERSION = "1.33.0"
STRIMZI_KINDS = {"Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser"}


def _k8s_documents() -> list[dict]:
    return [
        doc
        for text in render("k8s", paths.topics_dir()).values()
        for doc in yaml.safe_load_all(text)
    ]


@pytest.mark.parametrize(
    "document",
    [d for d in _k8s_documents() if d["kind"] not in STRIMZI_KINDS],
    ids=lambda d: f"{d['kind']}/{d['metadata']['name']}",
)
def test_kubernetes_objects_validate_strictly(document: dict) -> None:
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_strimzi_kinds_have_no_schema_here() -> None:
    """If a Strimzi schema ever becomes available, this fails: then validate against it."""
    kafka = next(d for d in _k8s_documents() if d["kind"] == "Kafka")
    with pytest.raises(kubernetes_validate.utils.SchemaNotFoundError):
        kubernetes_validate.validate(kafka, KUBERNETES_VERSION, strict=True)


def test_a_misspelt_field_is_caught() -> None:
    deployment = next(d for d in _k8s_documents() if d["kind"] == "Deployment")
    deployment["spec"]["replica"] = 2
    with pytest.raises(kubernetes_validate.utils.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def _compose_schema() -> dict:
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads(vendor.joinpath("compose-spec.json").read_text(encoding="utf-8"))


def test_compose_file_validates_against_the_compose_spec() -> None:
    compose = yaml.safe_load(render("compose", paths.topics_dir())["compose.yaml"])
    jsonschema.Draft7Validator(_compose_schema()).validate(compose)


def test_compose_spec_catches_a_wrong_depends_on_condition() -> None:
    compose = yaml.safe_load(render("compose", paths.topics_dir())["compose.yaml"])
    compose["services"]["topics"]["depends_on"]["kafka-setup"]["condition"] = "finished"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(_compose_schema()).validate(compose)
