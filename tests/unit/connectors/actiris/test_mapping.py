"""Actiris's bilingual vacancy records: what is Actiris's own (the contract test has the rest)."""

from __future__ import annotations

from connectors.actiris import MAPPING
from tests.unit.connectors.conftest import sample


def test_both_languages_become_two_texts() -> None:
    """French and Dutch titles both travel; Brussels is NUTS3 BE100."""
    vacancy = MAPPING.to_canonical(sample("ACTIRIS", "accountant"))
    assert [t["language"] for t in vacancy["texts"]] == ["fr", "nl"]
    assert vacancy["workplace"]["nuts3"] == "BE100"
    assert vacancy["workplace"]["municipality"] == "Bruxelles / Brussel"


def test_one_language_missing_employer_and_word_level() -> None:
    """One title is enough; no employer stays none; a level word is kept, not guessed."""
    vacancy = MAPPING.to_canonical(sample("ACTIRIS", "one_language_no_employer"))
    assert vacancy["texts"] == [{"language": "nl", "title": "Magazijnier", "description": None}]
    assert vacancy["employer"] is None
    assert (
        vacancy["languages"][0]["level"] == "UNKNOWN"
        and vacancy["languages"][0]["native_label"] == "goed"
    )
