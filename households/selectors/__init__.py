"""Reads of the households app. Every read that depends on who asks takes the user and applies the scope."""

from .registry import cccd_conflicts, cccd_owners, household_get, household_list
from .reviews import (
    approval_queue,
    last_approved_statuses,
    returned_reviews,
    review_get,
    review_list,
    review_round_counts,
    review_state_counts,
    round_get,
    round_list,
)
from .units import (
    TreeNode,
    unit_may_be_seen,
    unit_predecessors,
    unit_successors,
    unit_tree,
    units_visible_to,
    visible_unit_ids,
)

__all__ = [
    "TreeNode",
    "approval_queue",
    "cccd_conflicts",
    "cccd_owners",
    "household_get",
    "household_list",
    "last_approved_statuses",
    "returned_reviews",
    "review_get",
    "review_list",
    "review_round_counts",
    "review_state_counts",
    "round_get",
    "round_list",
    "unit_may_be_seen",
    "unit_predecessors",
    "unit_successors",
    "unit_tree",
    "units_visible_to",
    "visible_unit_ids",
]
