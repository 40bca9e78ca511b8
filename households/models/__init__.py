"""Models of the households app: administrative units, the household registry and reviews."""

from .imports import ImportJob, ImportStatus
from .registry import Ethnicity, Household, HouseholdStatus, Member, Relation, Sex
from .reviews import (
    Cause,
    HouseholdReview,
    ReviewDecision,
    ReviewKind,
    ReviewRound,
    ReviewState,
    VillageMeeting,
)
from .units import (
    LAST_LEGACY_DAY,
    REFORM_DATE,
    AdministrativeUnit,
    AdministrativeUnitQuerySet,
    CarryOver,
    UnitLevel,
    UnitSuccession,
    UnitType,
    VillageAssignment,
)

__all__ = [
    "LAST_LEGACY_DAY",
    "REFORM_DATE",
    "AdministrativeUnit",
    "AdministrativeUnitQuerySet",
    "CarryOver",
    "Cause",
    "Ethnicity",
    "Household",
    "HouseholdReview",
    "HouseholdStatus",
    "ImportJob",
    "ImportStatus",
    "Member",
    "Relation",
    "ReviewDecision",
    "ReviewKind",
    "ReviewRound",
    "ReviewState",
    "Sex",
    "UnitLevel",
    "UnitSuccession",
    "UnitType",
    "VillageAssignment",
    "VillageMeeting",
]
