"""Reads of the households app. Every read that depends on who asks takes the user and applies the scope."""

from .reform import CarryOverPlan, carry_over_plan, reform_provinces
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
    commune_get,
    commune_villages,
    province_list,
    unit_may_be_seen,
    unit_predecessors,
    unit_successors,
    unit_tree,
    units_visible_to,
    village_history,
    visible_unit_ids,
)

__all__ = [
    "CarryOverPlan",
    "TreeNode",
    "approval_queue",
    "carry_over_plan",
    "cccd_conflicts",
    "cccd_owners",
    "commune_get",
    "commune_villages",
    "household_get",
    "household_list",
    "last_approved_statuses",
    "province_list",
    "reform_provinces",
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
    "village_history",
    "visible_unit_ids",
]
