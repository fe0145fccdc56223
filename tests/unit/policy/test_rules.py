"""Each shipped rule, decision by decision: who gets what, and why the others do not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hub import paths
from hub.policy import AgreementError, Outcome, PolicyContext, SubjectState, decide, load_agreements
from tests.unit.policy.conftest import DAY, T0, consent, event, make_context, registration, sample


def _by_destination(decisions):
    return {d.destination: d for d in decisions}


class TestVacancies:
    def test_bottleneck_vacancy_goes_to_synerjob_partners_without_recruiter(
        self, context: PolicyContext
    ) -> None:
        """A VDAB bottleneck vacancy reaches Le Forem and Actiris; the recruiter is removed."""
        decisions = _by_destination(
            decide(event("vacancy", sample("Vacancy"), source="VDAB"), SubjectState(), context)
        )
        assert set(decisions) == {"FOREM", "ACTIRIS", "BF", "ADG", "FT"}
        for destination in ("FOREM", "ACTIRIS"):
            decision = decisions[destination]
            assert decision.outcome is Outcome.ALLOW_MINIMISED
            assert decision.rule_id == "vac-synerjob-bottleneck"
            assert decision.fields_removed == ("recruiter_contact",)
            assert decision.payload["recruiter_contact"] is None
        assert decisions["ADG"].outcome is Outcome.DENY
        assert decisions["ADG"].reason_code == "NO_AGREEMENT"
        assert decisions["BF"].reason_code == "NO_AGREEMENT"

    def test_public_recruiter_contact_is_kept(self, context: PolicyContext) -> None:
        """When the employer made the contact public, the vacancy crosses whole."""
        vacancy = sample("Vacancy") | {"contact_public": True}
        decision = _by_destination(
            decide(event("vacancy", vacancy, source="VDAB"), SubjectState(), context)
        )["FOREM"]
        assert decision.outcome is Outcome.ALLOW
        assert decision.payload["recruiter_contact"] == vacancy["recruiter_contact"]

    def test_west_flanders_vacancy_reaches_france_travail(self, context: PolicyContext) -> None:
        """Kortrijk (BE254) is a border province: the vacancy goes to France Travail."""
        decision = _by_destination(
            decide(event("vacancy", sample("Vacancy"), source="VDAB"), SubjectState(), context)
        )["FT"]
        assert decision.outcome is Outcome.ALLOW_MINIMISED
        assert decision.rule_id == "vac-border-to-france"
        assert "ROME_V4:N1101" in decision.codes_added

    def test_ordinary_recent_vacancy_in_west_zone_goes_to_forem_only(
        self, context: PolicyContext
    ) -> None:
        """Not a bottleneck, newly published, forklift driver in Kortrijk: zone West to Le Forem."""
        vacancy = sample("Vacancy") | {"bottleneck": False, "published_at": T0 - 2 * DAY}
        decisions = _by_destination(
            decide(event("vacancy", vacancy, source="VDAB"), SubjectState(), context)
        )
        assert decisions["FOREM"].rule_id == "vac-zone-west"
        assert decisions["FOREM"].outcome is not Outcome.DENY
        assert decisions["ACTIRIS"].reason_code == "FILTER_NOT_MET"

    def test_zone_occupation_list_is_enforced(self, context: PolicyContext) -> None:
        """In zone Centre only listed occupations cross; an IT developer does not."""
        vacancy = sample("Vacancy") | {
            "bottleneck": False,
            "published_at": T0 - 2 * DAY,
            "workplace": sample("Vacancy")["workplace"] | {"nuts3": "BE242", "postal_code": "3000"},
            "occupations": [
                {"scheme": "ROME_V3", "code": "M1805", "label": None, "unmapped": False}
            ],
        }
        decision = _by_destination(
            decide(event("vacancy", vacancy, source="VDAB"), SubjectState(), context)
        )["FOREM"]
        assert decision.outcome is Outcome.DENY
        assert decision.reason_code == "FILTER_NOT_MET"

    def test_long_open_vacancy_crosses_without_bottleneck_flag(
        self, context: PolicyContext
    ) -> None:
        """Open for more than 30 days counts like a bottleneck for the SYNERJOB exchange."""
        vacancy = sample("Vacancy") | {"bottleneck": False, "published_at": T0 - 31 * DAY}
        decision = _by_destination(
            decide(event("vacancy", vacancy, source="VDAB"), SubjectState(), context)
        )["ACTIRIS"]
        assert decision.rule_id == "vac-synerjob-bottleneck"
        assert decision.outcome is not Outcome.DENY

    def test_forem_vacancy_reaches_adg(self, context: PolicyContext) -> None:
        """Le Forem and ADG exchange all their vacancies."""
        vacancy = sample("Vacancy") | {
            "source_pes": "FOREM",
            "bottleneck": False,
            "published_at": T0 - DAY,
        }
        decision = _by_destination(
            decide(event("vacancy", vacancy, source="FOREM"), SubjectState(), context)
        )["ADG"]
        assert decision.rule_id == "vac-forem-adg"

    @pytest.mark.parametrize(
        ("nuts3", "allowed"), [("FRE11", True), ("FRE12", True), ("FR101", False)]
    )
    def test_france_travail_vacancy_crosses_only_from_the_border(
        self, context: PolicyContext, nuts3: str, allowed: bool
    ) -> None:
        """Nord and Pas-de-Calais vacancies reach VDAB; Paris ones do not."""
        vacancy = sample("Vacancy") | {
            "source_pes": "FT",
            "bottleneck": False,
            "workplace": {
                "postal_code": "59000",
                "municipality": "Lille",
                "nuts3": nuts3,
                "country": "FR",
                "insee_commune": "59350",
                "label": None,
                "latitude": None,
                "longitude": None,
            },
        }
        decision = _by_destination(
            decide(event("vacancy", vacancy, source="FT"), SubjectState(), context)
        )["VDAB"]
        assert (decision.outcome is not Outcome.DENY) is allowed

    def test_unknown_occupation_is_kept_and_flagged(self, context: PolicyContext) -> None:
        """A code the crosswalk does not know crosses as it is, flagged unmapped, nothing guessed."""
        vacancy = sample("Vacancy") | {
            "occupations": [{"scheme": "ROME_V3", "code": "Z9999", "label": "?", "unmapped": False}]
        }
        decision = _by_destination(
            decide(event("vacancy", vacancy, source="VDAB"), SubjectState(), context)
        )["ACTIRIS"]
        assert decision.payload["occupations"] == [
            {"scheme": "ROME_V3", "code": "Z9999", "label": "?", "unmapped": True}
        ]
        assert decision.codes_added == ()

    def test_destination_scheme_is_added(self, context: PolicyContext) -> None:
        """Actiris reads Competent: the Competent code is added next to the ROME one."""
        decision = _by_destination(
            decide(event("vacancy", sample("Vacancy"), source="VDAB"), SubjectState(), context)
        )["ACTIRIS"]
        assert decision.codes_added == ("COMPETENT:N1101",)
        assert {o["scheme"] for o in decision.payload["occupations"]} >= {"ROME_V3", "COMPETENT"}


class TestJobseekers:
    def _decide(self, context: PolicyContext, state: SubjectState, time_ms: int = T0):
        profile = sample("JobseekerProfile")
        return _by_destination(
            decide(event("jobseeker", profile, source="FOREM", time_ms=time_ms), state, context)
        )

    def test_unknown_person_is_denied_everywhere(self, context: PolicyContext) -> None:
        """No consent and no registration known: every destination is denied (fail closed)."""
        decisions = self._decide(context, SubjectState())
        assert {d.outcome for d in decisions.values()} == {Outcome.DENY}
        assert {d.reason_code for d in decisions.values()} == {"NO_SUBJECT_STATE"}

    def test_consent_allows_only_its_destination_and_sections(self, context: PolicyContext) -> None:
        """Consent to VDAB for mediation: VDAB gets the consented sections, others nothing."""
        grant = consent(destinations=["VDAB"], sections=["IDENTITY", "OCCUPATIONS"])
        decisions = self._decide(context, SubjectState(consents=(grant,)))
        vdab = decisions["VDAB"]
        assert vdab.outcome is Outcome.ALLOW_MINIMISED
        assert vdab.relied_on == (grant.ref,)
        assert vdab.basis_reference == "c1"
        assert vdab.payload["given_name"] == "Julie"
        assert vdab.payload["contact"] is None and vdab.payload["residence"] is None
        assert vdab.payload["national_register_number"] is None
        assert len(vdab.payload["national_register_pseudonym"]) == 64
        assert "national_register_number" in vdab.fields_pseudonymised
        assert decisions["ACTIRIS"].outcome is Outcome.DENY
        assert "not consented to mediation at ACTIRIS" in decisions["ACTIRIS"].reason

    def test_each_person_gets_their_own_sections(self) -> None:
        """Plans are kept per rule and destination: two people who consented to different
        sections, routed one after the other by one context, each get their own."""
        context = make_context()
        narrow = consent(destinations=["VDAB"], sections=["IDENTITY", "OCCUPATIONS"])
        wide = consent(destinations=["VDAB"], sections=["IDENTITY", "OCCUPATIONS", "CONTACT"])
        first = self._decide(context, SubjectState(consents=(narrow,)))["VDAB"]
        second = self._decide(context, SubjectState(consents=(wide,)))["VDAB"]
        again = self._decide(context, SubjectState(consents=(narrow,)))["VDAB"]
        assert first.payload["contact"] is None
        assert second.payload["contact"] is not None
        assert "contact" in first.fields_removed and "contact" not in second.fields_removed
        assert again.fields_removed == first.fields_removed

    def test_pseudonyms_differ_per_destination(self) -> None:
        """The same number gets unlinkable pseudonyms at two destinations."""
        context = make_context()
        grant = consent(destinations=["VDAB", "ACTIRIS"])
        decisions = self._decide(context, SubjectState(consents=(grant,)))
        assert (
            decisions["VDAB"].payload["national_register_pseudonym"]
            != decisions["ACTIRIS"].payload["national_register_pseudonym"]
        )

    def test_without_a_key_the_number_is_removed(self) -> None:
        """No pseudonym key for the destination: the number is removed, not sent in clear."""
        context = make_context(keys={})
        decision = self._decide(context, SubjectState(consents=(consent(destinations=["VDAB"]),)))[
            "VDAB"
        ]
        assert decision.payload["national_register_number"] is None
        assert decision.payload["national_register_pseudonym"] is None
        assert "national_register_number" in decision.fields_removed

    def test_revocation_denies_and_names_the_revocation(self, context: PolicyContext) -> None:
        """A revocation before the event stops the transfer."""
        revocation = consent(
            action="REVOKED", destinations=[], purposes=[], recorded_at=T0 - DAY, consent_id="c2"
        )
        state = SubjectState(consents=(consent(destinations=["VDAB"]), revocation))
        decision = self._decide(context, state)["VDAB"]
        assert decision.outcome is Outcome.DENY
        assert "revoked consent" in decision.reason
        assert decision.relied_on == (revocation.ref,)

    def test_known_revocation_stops_even_an_older_event(self, context: PolicyContext) -> None:
        """An event older than a revocation the hub already holds is not transferred."""
        revocation = consent(
            action="REVOKED", destinations=[], purposes=[], recorded_at=T0 + DAY, consent_id="c9"
        )
        state = SubjectState(consents=(consent(destinations=["VDAB"]), revocation))
        decision = self._decide(context, state)["VDAB"]
        assert decision.outcome is Outcome.DENY
        assert revocation.ref in decision.relied_on

    def test_consent_recorded_after_the_event_does_not_count(self, context: PolicyContext) -> None:
        """The state as of the event's time decides, not what arrived later."""
        late = consent(destinations=["VDAB"], recorded_at=T0 + DAY)
        assert (
            "not consented" in self._decide(context, SubjectState(consents=(late,)))["VDAB"].reason
        )

    def test_expired_consent_is_not_in_force(self, context: PolicyContext) -> None:
        """A consent whose validity ended before the event no longer allows anything."""
        old = consent(destinations=["VDAB"], valid_until=T0 - DAY)
        assert (
            "not valid at the event time"
            in self._decide(context, SubjectState(consents=(old,)))["VDAB"].reason
        )

    def test_stale_consent_denies(self, context: PolicyContext) -> None:
        """A consent older than the agreed maximum age is stale: fail closed."""
        stale = consent(destinations=["VDAB"], recorded_at=T0 - 400 * DAY)
        assert "stale" in self._decide(context, SubjectState(consents=(stale,)))["VDAB"].reason

    def test_registration_at_destination_allows_with_the_number(
        self, context: PolicyContext
    ) -> None:
        """Registered at VDAB too: the KSZ-integration basis keeps the national number."""
        record = registration(pes="VDAB")
        decisions = self._decide(context, SubjectState(registrations=(record,)))
        vdab = decisions["VDAB"]
        assert vdab.outcome is Outcome.ALLOW
        assert vdab.rule_id == "js-registered-at-destination"
        assert vdab.payload["national_register_number"] == "85073003328"
        assert vdab.relied_on == (record.ref,)
        assert decisions["ACTIRIS"].reason_code == "NOT_REGISTERED_AT_DESTINATION"

    def test_ended_registration_does_not_count(self, context: PolicyContext) -> None:
        """A later record with the same id that ends the registration wins."""
        start = registration(pes="VDAB", recorded_at=T0 - 10 * DAY)
        end = registration(pes="VDAB", recorded_at=T0 - 2 * DAY, valid_until=T0 - 2 * DAY)
        decision = self._decide(context, SubjectState(registrations=(start, end)))["VDAB"]
        assert decision.outcome is Outcome.DENY

    def test_france_travail_gets_nothing_without_consent(self, context: PolicyContext) -> None:
        """France Travail is not covered by the registration rule; it needs consent."""
        decision = self._decide(context, SubjectState(registrations=(registration(pes="FT"),)))[
            "FT"
        ]
        assert decision.outcome is Outcome.DENY


class TestApplicationFeedback:
    def test_sanction_relevant_feedback_goes_home_only_without_note(
        self, context: PolicyContext
    ) -> None:
        """A no-show reported by VDAB reaches Le Forem (home) only, with the note removed."""
        feedback = sample("ApplicationFeedback")
        state = SubjectState(
            consents=(consent(destinations=["VDAB"], purposes=["APPLICATION_FEEDBACK"]),)
        )
        decisions = _by_destination(
            decide(event("feedback", feedback, source="VDAB"), state, context)
        )
        home = decisions["FOREM"]
        assert home.outcome is Outcome.ALLOW_MINIMISED
        assert home.basis_kind == "LEGAL_BASIS"
        assert home.payload["note"] is None
        assert home.payload["sanction_relevant"] is True
        assert {d for d, x in decisions.items() if x.outcome is not Outcome.DENY} == {"FOREM"}

    def test_other_feedback_reaches_the_vacancy_owner_with_consent(
        self, context: PolicyContext
    ) -> None:
        """Reported by Le Forem on an Actiris vacancy: home VDAB by law, Actiris by consent."""
        feedback = sample("ApplicationFeedback") | {
            "subject": {"home_pes": "VDAB", "jobseeker_id": "VD-1"},
            "reporting_pes": "FOREM",
            "vacancy": {"source_pes": "ACTIRIS", "vacancy_id": "A-1"},
            "sanction_relevant": False,
            "outcome": "HIRED",
        }
        state = SubjectState(
            consents=(consent(destinations=["ACTIRIS"], purposes=["APPLICATION_FEEDBACK"]),)
        )
        decisions = _by_destination(
            decide(event("feedback", feedback, source="FOREM"), state, context)
        )
        assert decisions["VDAB"].rule_id == "fb-home"
        assert decisions["ACTIRIS"].rule_id == "fb-vacancy-owner"
        assert decisions["ACTIRIS"].payload["reason"] is None
        assert decisions["ADG"].outcome is Outcome.DENY


class TestAgreementsFile:
    def test_shipped_agreements_load(self) -> None:
        """The agreements in topics/agreements load and name their version."""
        path = next((paths.topics_dir() / "agreements").glob("*.yaml"))
        assert load_agreements(path).version == path.stem

    def test_number_in_clear_without_legal_basis_is_refused(self, tmp_path: Path) -> None:
        """A consent rule that would pass the national number in clear does not load."""
        source = next((paths.topics_dir() / "agreements").glob("*.yaml"))
        raw = yaml.safe_load(source.read_text())
        for rule in raw["rules"]:
            if rule["id"] == "js-consent-mediation":
                rule["fields"] = {}
        target = tmp_path / source.name
        target.write_text(yaml.safe_dump(raw))
        with pytest.raises(AgreementError, match="national_register_number"):
            load_agreements(target)

    @pytest.mark.parametrize(
        ("edit", "message"),
        [
            (lambda raw: raw.update(consent_max_age_days="forever"), "consent_max_age_days"),
            (
                lambda raw: raw["rules"][0].update(filter={"open_longer_than_days": "30"}),
                "open_longer_than_days '30' is not a number of days",
            ),
        ],
        ids=["consent-age", "open-days"],
    )
    def test_days_that_are_not_a_number_are_refused(self, tmp_path: Path, edit, message) -> None:
        """Refused when loading, not when the first event meets the rule."""
        source = next((paths.topics_dir() / "agreements").glob("*.yaml"))
        raw = yaml.safe_load(source.read_text())
        edit(raw)
        target = tmp_path / source.name
        target.write_text(yaml.safe_dump(raw))
        with pytest.raises(AgreementError, match=message):
            load_agreements(target)
