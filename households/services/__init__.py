"""Writes of the households app. Views, imports and the API change data only through these functions."""

from .registry import household_create, household_update
from .reviews import (
    review_approve,
    review_create,
    review_meeting_confirm,
    review_post,
    review_return,
    review_submit,
    review_update,
    round_open,
)
from .units import LoadResult, units_load, village_create

__all__ = [
    "LoadResult",
    "household_create",
    "household_update",
    "review_approve",
    "review_create",
    "review_meeting_confirm",
    "review_post",
    "review_return",
    "review_submit",
    "review_update",
    "round_open",
    "units_load",
    "village_create",
]
