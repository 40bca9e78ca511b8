"""Writes of the households app. Views, imports and the API change data only through these functions."""

from .boundaries import BoundaryLoad, BoundaryLoadError, boundaries_load
from .reform import carry_over_commit, village_assign
from .registry import household_create, household_update
from .reviews import (
    review_approve,
    review_create,
    review_district_consult,
    review_meeting_confirm,
    review_post,
    review_posting_correct,
    review_return,
    review_submit,
    review_update,
    round_open,
)
from .units import LoadResult, units_load
from .village_import import villages_import
from .villages import households_follow, village_close, village_create, village_merge, village_rename

__all__ = [
    "BoundaryLoad",
    "BoundaryLoadError",
    "LoadResult",
    "boundaries_load",
    "carry_over_commit",
    "household_create",
    "household_update",
    "households_follow",
    "review_approve",
    "review_create",
    "review_district_consult",
    "review_meeting_confirm",
    "review_post",
    "review_posting_correct",
    "review_return",
    "review_submit",
    "review_update",
    "round_open",
    "units_load",
    "village_assign",
    "village_close",
    "village_create",
    "village_merge",
    "village_rename",
    "villages_import",
]
