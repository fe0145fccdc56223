"""France Travail: the Offres d'emploi v2 API (OAuth2, range pagination), its simulator."""

from connectors.ft.mapping import FranceTravailMapping

MAPPING = FranceTravailMapping()

__all__ = ["MAPPING", "FranceTravailMapping"]
