"""ADG (German-speaking Community): German vacancy records."""

from connectors.adg.mapping import AdgMapping

MAPPING = AdgMapping()

__all__ = ["MAPPING", "AdgMapping"]
