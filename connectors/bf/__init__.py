"""Bruxelles Formation: training offers, carried as vacancies."""

from connectors.bf.mapping import BruxellesFormationMapping

MAPPING = BruxellesFormationMapping()

__all__ = ["MAPPING", "BruxellesFormationMapping"]
