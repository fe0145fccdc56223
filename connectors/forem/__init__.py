"""Le Forem (Wallonia): open-data vacancy records."""

from connectors.forem.mapping import ForemMapping

MAPPING = ForemMapping()

__all__ = ["MAPPING", "ForemMapping"]
