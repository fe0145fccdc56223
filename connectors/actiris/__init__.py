"""Actiris (Brussels): bilingual French/Dutch vacancy records."""

from connectors.actiris.mapping import ActirisMapping

MAPPING = ActirisMapping()

__all__ = ["MAPPING", "ActirisMapping"]
