"""Principals and ACLs: exactly what the catalogue says, plus the groups the profile names."""

from __future__ import annotations

import dataclasses

import pytest

from hub import paths
from hub.catalog import Catalog, load_catalog
from hub.deploy import DeployError, DeployProfile, Principal, derive_principals, load_profile


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(paths.topics_dir())


@pytest.fixture(scope="module")
def profile() -> DeployProfile:
    return load_profile()


@pytest.fixture(scope="module")
def principals(catalog: Catalog, profile: DeployProfile) -> dict[str, Principal]:
    return {p.name: p for p in derive_principals(catalog, profile)}


def test_one_principal_per_service_and_per_hub_role(
    catalog: Catalog, principals: dict[str, Principal]
) -> None:
    expected = {s.principal for s in catalog.services.values()} | set(catalog.principals.values())
    assert set(principals) == expected
    assert {"connector-vdab", "hub-router", "hub-lag", "hub-auditor", "hub-eures"} <= set(
        principals
    )


def test_topic_reads_and_writes_equal_the_catalogue(
    catalog: Catalog, principals: dict[str, Principal]
) -> None:
    for name, principal in principals.items():
        reads = {t.name for t in catalog.topics.values() if name in t.readers}
        writes = {t.name for t in catalog.topics.values() if name in t.writers}
        assert principal.topics("Read") == reads, name
        assert principal.topics("Write") == writes, name


def test_prefixed_grants_never_cover_a_catalogue_topic(
    catalog: Catalog, principals: dict[str, Principal]
) -> None:
    for principal in principals.values():
        for acl in principal.acls:
            if acl.pattern == "prefixed":
                assert not [t for t in catalog.topics if t.startswith(acl.name)], acl


@pytest.mark.parametrize(
    ("principal", "operation", "topic", "allowed"),
    [
        ("connector-vdab", "Write", "pes.vdab.out.vacancy", True),
        ("connector-vdab", "Read", "pes.vdab.in.jobseeker", True),
        ("connector-vdab", "Read", "pes.forem.in.jobseeker", False),
        ("connector-vdab", "Write", "pes.forem.out.vacancy", False),
        ("connector-vdab", "Read", "pes.vdab.out.vacancy", False),
        ("connector-vdab", "Write", "pes.vdab.in.vacancy", False),
        ("connector-vdab", "Read", "hub.audit", False),
        ("hub-router", "Read", "pes.ft.out.consent", True),
        ("hub-router", "Write", "pes.ft.in.erasure", True),
        ("hub-router", "Write", "hub.audit", True),
        ("hub-router", "Read", "hub.audit", True),
        ("hub-router", "Write", "hub.deadletter", True),
        ("hub-router", "Write", "pes.ft.out.consent", False),
        ("hub-auditor", "Read", "pes.bf.in.jobseeker", True),
        ("hub-auditor", "Write", "hub.audit", False),
        ("hub-lag", "Read", "pes.vdab.out.jobseeker", False),
        ("hub-eures", "Read", "pes.adg.out.vacancy", True),
        ("hub-eures", "Write", "hub.deadletter", True),
        ("hub-eures", "Read", "pes.adg.out.jobseeker", False),
        ("hub-eures", "Read", "pes.adg.in.vacancy", False),
        ("hub-eures", "Read", "hub.deadletter", False),
        ("hub-eures", "Write", "pes.adg.out.vacancy", False),
    ],
)
def test_who_may_do_what(
    principals: dict[str, Principal], principal: str, operation: str, topic: str, allowed: bool
) -> None:
    assert (topic in principals[principal].topics(operation)) is allowed  # type: ignore[arg-type]


def test_auditor_only_reads(principals: dict[str, Principal]) -> None:
    assert {acl.operation for acl in principals["hub-auditor"].acls} == {"Read"}
    assert {acl.resource_type for acl in principals["hub-auditor"].acls} == {"topic"}


def test_eures_reads_only_published_vacancies_and_writes_only_dead_letters(
    catalog: Catalog, principals: dict[str, Principal]
) -> None:
    eures = principals["hub-eures"]
    published = {f"pes.{code.lower()}.out.vacancy" for code in catalog.services}
    assert eures.topics("Read") == published
    assert eures.topics("Write") == {"hub.deadletter"}
    # group-less: no group, no prefix, no Describe
    assert {(a.resource_type, a.pattern, a.operation) for a in eures.acls} == {
        ("topic", "literal", "Read"),
        ("topic", "literal", "Write"),
    }


def test_groups_each_role_consumes_with(principals: dict[str, Principal]) -> None:
    def groups(name: str) -> set[tuple[str, str]]:
        return {(a.name, a.operation) for a in principals[name].acls if a.resource_type == "group"}

    assert groups("connector-vdab") == {("connector-vdab", "Read")}
    assert groups("hub-router") == {("hub-router", "Read")}
    assert groups("hub-auditor") == set()
    assert groups("hub-eures") == set()
    assert ("connector-ft", "Describe") in groups("hub-lag")
    assert all(operation == "Describe" for _, operation in groups("hub-lag"))


def test_lag_describes_only_what_the_groups_read(principals: dict[str, Principal]) -> None:
    described = principals["hub-lag"].topics("Describe")
    consumed = principals["hub-router"].topics("Read")
    for code in ("vdab", "forem", "actiris", "bf", "adg", "ft"):
        consumed |= principals[f"connector-{code}"].topics("Read")
    assert described == consumed


def test_router_creates_only_its_own_internal_topics(principals: dict[str, Principal]) -> None:
    prefixed = {
        (a.name, a.operation) for a in principals["hub-router"].acls if a.pattern == "prefixed"
    }
    assert prefixed == {
        ("hub-router-", "Create"),
        ("hub-router-", "Read"),
        ("hub-router-", "Write"),
    }


def test_profile_naming_an_unknown_role_is_refused(
    catalog: Catalog, profile: DeployProfile
) -> None:
    broken = dataclasses.replace(profile, groups={**profile.groups, "janitor": "j"})
    with pytest.raises(DeployError, match="janitor"):
        derive_principals(catalog, broken)


def test_internal_prefix_that_covers_catalogue_topics_is_refused(
    catalog: Catalog, profile: DeployProfile
) -> None:
    broken = dataclasses.replace(profile, internal_topic_prefixes={"router": "pes."})
    with pytest.raises(DeployError, match="would match"):
        derive_principals(catalog, broken)
