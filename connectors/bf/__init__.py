"""Bruxelles Formation: training offers, carried as vacancies, and trainee referrals."""

from connectors.bf.mapping import BruxellesFormationMapping
from connectors.bf.referral import ReferralMapping

MAPPING = BruxellesFormationMapping()
# referrals of other services' jobseekers to its trainings, as Registrations
RECORD_MAPPINGS = {"registrations": ReferralMapping()}

__all__ = ["MAPPING", "RECORD_MAPPINGS", "BruxellesFormationMapping", "ReferralMapping"]
