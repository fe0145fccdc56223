"""VDAB (Flanders): Dutch vacancy records with Competent codes."""

from connectors.vdab.mapping import VdabMapping

MAPPING = VdabMapping()

__all__ = ["MAPPING", "VdabMapping"]
