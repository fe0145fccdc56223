"""The parts of a native vacancy that the services shape alike, read and written by key names.

The services call the same things by their own names (``werkgever.naam``,
``employeur.nom``, ``arbeitgeber.name``). Each ``...Keys`` table holds one service's names
for one part and reads that part into its canonical record and writes it back, so a
mapping holds only its key tables and what is truly its own. Code lists stay in each
package's ``data/tables.json``; ``coded``, ``language_code`` and ``language_name`` read
them by the table names the packages share (``languages``, ``language_label``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from connectors.base.canonical import (
    application,
    empty_vacancy,
    from_epoch_ms,
    iso_date,
    occupation,
    occupation_code,
    to_epoch_ms,
)
from connectors.base.exceptions import MappingError
from connectors.base.mapping import VacancyMapping

__all__ = [
    "ContactKeys",
    "EmployerKeys",
    "NativeRecordMapping",
    "OccupationKeys",
    "TimeKeys",
    "coded",
    "language_code",
    "language_name",
    "main_text",
    "read_application",
    "write_application",
]

# the occupation schemes, in the order a service falls back to when its own is missing
_SCHEMES = ("ROME_V3", "ROME_V4", "COMPETENT")


class NativeRecordMapping(VacancyMapping):
    """A service whose native vacancy is one JSON object with an id and a title.

    Both are required: without them a record cannot be keyed or shown, so a missing one
    raises MappingError naming it rather than taking a default.
    """

    #: the native key of the vacancy id, e.g. "vacatureId"
    id_key: ClassVar[str]
    #: the native key of the title, e.g. "functietitel"
    title_key: ClassVar[str]
    #: what a native record is called in errors, e.g. "VDAB vacancy"
    record_name: ClassVar[str]

    def native_id(self, native: dict[str, Any]) -> str:
        return str(native[self.id_key])

    def new_vacancy(self, native: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        """Return an empty Vacancy of this service with the native id, and the native title."""
        try:
            return empty_vacancy(self.code, self.native_id(native)), native[self.title_key]
        except KeyError as exc:
            raise MappingError(f"{self.record_name} without {exc.args[0]}") from exc


@dataclass(frozen=True)
class OccupationKeys:
    """Where a service keeps its occupation: its scheme, the code's and the label's keys."""

    scheme: str
    code: str
    label: str | None = None

    def read(self, source: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Return the canonical occupations of a record (or of its occupation object)."""
        code = source.get(self.code)
        if not code:
            return []
        return [occupation(self.scheme, code, source.get(self.label) if self.label else None)]

    def best(self, vacancy: dict[str, Any]) -> tuple[str | None, str | None]:
        """Return (code, label) of the vacancy's occupation in this scheme, else in another."""
        return occupation_code(vacancy, self.scheme, *(s for s in _SCHEMES if s != self.scheme))

    def write(self, vacancy: dict[str, Any]) -> dict[str, Any] | None:
        """Return the service's occupation object, or None when the vacancy has no code."""
        code, label = self.best(vacancy)
        if not code:
            return None
        return {self.code: code, self.label: label} if self.label else {self.code: code}


@dataclass(frozen=True)
class EmployerKeys:
    """A service's names for the employer's name, enterprise number and NACE code."""

    name: str
    number: str
    nace: str = "nace"
    #: the number comes formatted ('0412.345.614'): keep its digits only
    digits: bool = False

    def read(self, employer: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """Return the canonical Employer of a native employer object; its name is required."""
        if not employer:
            return None
        name = employer[self.name]
        number = employer.get(self.number)
        if self.digits:
            number = re.sub(r"\D", "", number) if number else None
        return {
            "name": name,
            "enterprise_number": number,
            "nace": employer.get(self.nace),
            "size": None,
        }

    def write(self, employer: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """Return the service's employer object for a canonical Employer."""
        if not employer:
            return None
        return {
            self.name: employer["name"],
            self.number: employer.get("enterprise_number"),
            self.nace: employer.get("nace"),
        }


@dataclass(frozen=True)
class ContactKeys:
    """A service's names for the recruiter's name, phone, e-mail and the 'public' flag."""

    name: str
    phone: str
    email: str = "email"
    #: None: the service has no flag, its contacts are published with the offer
    public: str | None = None

    def read(self, contact: Mapping[str, Any] | None) -> tuple[dict[str, Any] | None, bool]:
        """Return the canonical ContactPerson and whether it may be shown; (None, False) if none."""
        if not contact:
            return None, False
        person = {
            "name": contact.get(self.name),
            "email": contact.get(self.email),
            "phone": contact.get(self.phone),
        }
        return person, bool(contact.get(self.public)) if self.public else True

    def write(self, vacancy: Mapping[str, Any]) -> dict[str, Any] | None:
        """Return the service's contact object (with its public flag, if it has one), or None."""
        contact = vacancy.get("recruiter_contact")
        if not contact:
            return None
        native = {
            self.name: contact.get("name"),
            self.email: contact.get("email"),
            self.phone: contact.get("phone"),
        }
        if self.public:
            native[self.public] = vacancy.get("contact_public", False)
        return native


@dataclass(frozen=True)
class TimeKeys:
    """A service's names for when a vacancy was published, last changed and stays valid."""

    published: str
    #: None: the service does not say; the vacancy changed when it was published
    updated: str | None = None
    #: None: the service does not say
    valid_until: str | None = None
    #: the service keeps days, not moments, for the publication
    days: bool = False

    def read(self, native: Mapping[str, Any], *, published_or: int = 0) -> dict[str, int | None]:
        """Return published_at, updated_at and valid_until of a native record, in epoch ms.

        A record without a publication time gets *published_or*; one without a change
        time was last changed when it was published.
        """
        published = to_epoch_ms(native.get(self.published), field=self.published) or published_or
        updated = self._epoch_ms(native, self.updated)
        return {
            "published_at": published,
            "updated_at": updated or published,
            "valid_until": self._epoch_ms(native, self.valid_until),
        }

    def write(self, vacancy: Mapping[str, Any]) -> dict[str, str | None]:
        """Return the native publication, change and validity times of a canonical Vacancy."""
        moment = iso_date if self.days else from_epoch_ms
        native = {self.published: moment(vacancy.get("published_at"))}
        if self.updated:
            native[self.updated] = moment(vacancy.get("updated_at"))
        if self.valid_until:
            native[self.valid_until] = iso_date(vacancy.get("valid_until"))
        return native

    @staticmethod
    def _epoch_ms(native: Mapping[str, Any], key: str | None) -> int | None:
        return to_epoch_ms(native.get(key), field=key) if key else None


def coded(table: Mapping[str, str], label: str | None, default: str | None) -> str | None:
    """Return the canonical code of a native label (case folded), else *default*, never a guess."""
    return table.get((label or "").lower(), default)


def language_code(tables: Mapping[str, Any], name: str) -> str:
    """Return the ISO 639-1 code of a native language name, else "und" (ISO 639 undetermined)."""
    return tables["languages"].get(name.lower(), "und")


def language_name(tables: Mapping[str, Any], language: Mapping[str, Any]) -> str:
    """Return the service's name of a canonical language: its table's, else the one it came with."""
    return tables["language_label"].get(
        language["language"], language.get("native_label") or language["language"]
    )


def main_text(vacancy: Mapping[str, Any], *languages: str) -> dict[str, Any]:
    """Return the vacancy's text in the first of *languages* it has, else its first text."""
    texts = {t["language"]: t for t in vacancy.get("texts") or []}
    for language in languages:
        if texts.get(language):
            return texts[language]
    return next(iter(texts.values()), {"title": "", "description": None})


def read_application(method: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Return the canonical ApplicationMethod of a native ``{"url", "email"}`` object."""
    return application(method.get("url"), method.get("email")) if method else None


def write_application(method: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Return the native ``{"url", "email"}`` object of a canonical ApplicationMethod."""
    return {"url": method.get("url"), "email": method.get("email")} if method else None
