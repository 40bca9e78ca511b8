"""Models of the households app: administrative units, the household registry, reviews and the statistics tables."""

from .flows import StatisticFlow
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
from .statistics import STATUS_CELLS, RegistryCount, ResidentCount, StatisticCount, StatisticDimension, StatisticSource
from .units import (
    LAST_LEGACY_DAY,
    REFORM_DATE,
    AdministrativeUnit,
    AdministrativeUnitQuerySet,
    CarryOver,
    CommuneGroup,
    UnitBoundary,
    UnitGroup,
    UnitLevel,
    UnitSuccession,
    UnitType,
    VillageAssignment,
    in_province,
)

__all__ = [
    "LAST_LEGACY_DAY",
    "REFORM_DATE",
    "STATUS_CELLS",
    "AdministrativeUnit",
    "AdministrativeUnitQuerySet",
    "CarryOver",
    "Cause",
    "CommuneGroup",
    "Ethnicity",
    "Household",
    "HouseholdReview",
    "HouseholdStatus",
    "ImportJob",
    "ImportStatus",
    "Member",
    "RegistryCount",
    "Relation",
    "ResidentCount",
    "ReviewDecision",
    "ReviewKind",
    "ReviewRound",
    "ReviewState",
    "Sex",
    "StatisticCount",
    "StatisticDimension",
    "StatisticFlow",
    "StatisticSource",
    "UnitBoundary",
    "UnitGroup",
    "UnitLevel",
    "UnitSuccession",
    "UnitType",
    "VillageAssignment",
    "VillageMeeting",
    "in_province",
]
