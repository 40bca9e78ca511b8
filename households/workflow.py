"""Who may take which step of a household review, from which state, and in which period (Decision 24/2021/QĐ-TTg,
art. 4).

Pure: roles, states and dates in, a refusal message (or None) out. ``households.access.ReviewPolicy`` applies it
to a user and a review, with the area: the services enforce the policy's answer and the pages ask it, to show only
the buttons a user may press.
"""

import datetime
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from accounts.models import Role

from .models.reviews import ReviewState
from .models.units import REFORM_DATE


class Step(StrEnum):
    EDIT = "edit"
    CONFIRM_MEETING = "confirm_meeting"  # step 3: village meeting (under half agreeing: re-checking)
    POST = "post"  # step 4: posted publicly, complaints heard
    CORRECT_POSTING = "correct_posting"  # a mistyped posting date, corrected before submission
    SUBMIT = "submit"  # reported to the commune chair once the complaint period is over
    CONSULT_DISTRICT = "consult_district"  # step 5, until 30 June 2025: the district chair's opinion
    APPROVE = "approve"  # step 6: the chair's decision (Form 02)
    RETURN = "return"


_STAFF = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER})
_CHAIR = frozenset({Role.COMMUNE_CHAIR})
_DISTRICT = frozenset({Role.DISTRICT_OFFICER})
# Staff may change a review while it is a draft, sent back by the chair, or being checked again after a
# village meeting where fewer than half agreed (Decision 24/2021/QĐ-TTg, art. 4, step 3).
_EDITABLE = frozenset({ReviewState.DRAFT, ReviewState.RETURNED, ReviewState.RECHECKING})

STEP_ROLES: dict[Step, frozenset[str]] = {
    Step.EDIT: _STAFF,
    Step.CONFIRM_MEETING: _STAFF,
    Step.POST: _STAFF,
    Step.CORRECT_POSTING: _STAFF,
    Step.SUBMIT: _STAFF,
    Step.CONSULT_DISTRICT: _DISTRICT,
    Step.APPROVE: _CHAIR,
    Step.RETURN: _CHAIR,
}

# The states each step is taken from. Two periods: until 30 June 2025 the commune reports to the district
# chair and asks for an opinion before the chair of the commune decides (Decision 24/2021/QĐ-TTg, art. 4, step 5);
# from 1 July 2025 there is no district level (Law on Organisation of Local Government 2025), so no such step.
_FROM_IN_BOTH: dict[Step, frozenset[str]] = {
    Step.EDIT: _EDITABLE,
    Step.CONFIRM_MEETING: _EDITABLE,
    Step.POST: frozenset({ReviewState.MEETING_CONFIRMED}),
    Step.CORRECT_POSTING: frozenset({ReviewState.POSTED}),
    Step.SUBMIT: frozenset({ReviewState.POSTED}),
    Step.RETURN: frozenset(
        {
            ReviewState.MEETING_CONFIRMED,
            ReviewState.POSTED,
            ReviewState.SUBMITTED,
            ReviewState.DISTRICT_CONSULTED,
        }
    ),
}
STEP_FROM_WITH_DISTRICT: dict[Step, frozenset[str]] = {
    **_FROM_IN_BOTH,
    Step.CONSULT_DISTRICT: frozenset({ReviewState.SUBMITTED}),
    Step.APPROVE: frozenset({ReviewState.DISTRICT_CONSULTED}),
}
STEP_FROM_WITHOUT_DISTRICT: dict[Step, frozenset[str]] = {
    **_FROM_IN_BOTH,
    Step.CONSULT_DISTRICT: frozenset(),
    Step.APPROVE: frozenset({ReviewState.SUBMITTED}),
}
# Either period: for a list that spans rounds of both (e.g. which states a step may ever start from).
STEP_FROM: dict[Step, frozenset[str]] = {
    step: STEP_FROM_WITH_DISTRICT[step] | STEP_FROM_WITHOUT_DISTRICT[step] for step in Step
}
STEP_TO: dict[Step, str] = {
    Step.CONFIRM_MEETING: ReviewState.MEETING_CONFIRMED,
    Step.POST: ReviewState.POSTED,
    Step.CORRECT_POSTING: ReviewState.POSTED,
    Step.SUBMIT: ReviewState.SUBMITTED,
    Step.CONSULT_DISTRICT: ReviewState.DISTRICT_CONSULTED,
    Step.APPROVE: ReviewState.APPROVED,
    Step.RETURN: ReviewState.RETURNED,
}
# Decision 24/2021/QĐ-TTg, art. 4, step 3: where fewer than half of those present agree, the households are
# checked again and discussed at a new meeting; the step then leads here instead of STEP_TO.
MEETING_DISAGREED_TO = ReviewState.RECHECKING

# Decision 24/2021/QĐ-TTg, art. 4, step 3: the meeting confirms the list when at least half of those present agree.
MEETING_MIN_SHARE = 0.5
# Decision 24/2021/QĐ-TTg, art. 4, step 4: the list is posted for 3 working days to hear complaints (check:
# domain.md §3). Counted by ``standards.working_days`` over weekends and ``programmes.PublicHoliday``.
COMPLAINT_WORKING_DAYS = 3
# The district level ends with the 2025 reform: rounds that start before it consult the district chair.
DISTRICT_ABOLISHED_ON = REFORM_DATE

LOCKED = _("This review is approved and locked; a correction goes through a new ongoing review.")
WRONG_STATE = _("This step cannot be taken while the review is “%(state)s”.")
WRONG_ROLE = _("Your role (%(role)s) may not take this step.")


def consults_district(starts_on: datetime.date) -> bool:
    """Whether a round that starts on ``starts_on`` asks the district chair before the decision: only before
    1 July 2025, when districts still existed (Decision 24/2021/QĐ-TTg, art. 4, step 5; domain.md §1)."""
    return starts_on < DISTRICT_ABOLISHED_ON


def step_from(step: Step, *, with_district: bool) -> frozenset[str]:
    """The states ``step`` is taken from, in a round that consults the district (before 1 July 2025) or not."""
    return (STEP_FROM_WITH_DISTRICT if with_district else STEP_FROM_WITHOUT_DISTRICT)[step]


def meeting_agrees(*, attendance: int, agreeing: int) -> bool:
    """Decision 24/2021/QĐ-TTg, art. 4, step 3: the village meeting confirms when at least half of those present
    agree."""
    return attendance > 0 and agreeing / attendance >= MEETING_MIN_SHARE


def step_refusal(step: Step, *, role: str, is_superuser: bool, state: str, with_district: bool) -> str | None:
    """Why ``step`` is refused to a user of ``role`` on a review in ``state``, or None if it is allowed.

    ``with_district``: the review's round consults the district chair (``consults_district``)."""
    if state == ReviewState.APPROVED:
        return str(LOCKED)
    if state not in step_from(step, with_district=with_district):
        return str(WRONG_STATE % {"state": ReviewState(state).label})
    if not is_superuser and role not in STEP_ROLES[step]:
        return str(WRONG_ROLE % {"role": Role(role).label})
    return None


# The steps that move a review forward, in the order of Decision 24/2021/QĐ-TTg, art. 4 (steps 3 to 6). Editing,
# the posting date's correction and the return are taken beside them, never as "the next step".
FORWARD_STEPS = (Step.CONFIRM_MEETING, Step.POST, Step.SUBMIT, Step.CONSULT_DISTRICT, Step.APPROVE)


def next_step(state: str, *, with_district: bool) -> Step | None:
    """The step that takes a review in ``state`` forward (a draft, one checked again or one returned go to the
    village meeting), or None once it is approved: read from the table of the states each step is taken from."""
    return next((step for step in FORWARD_STEPS if state in step_from(step, with_district=with_district)), None)


def step_takers(step: Step, *, with_district: bool) -> list[str]:
    """The roles that take ``step``, in the order of ``Role``. In a round without the district level (from 1 July
    2025, Law on Organisation of Local Government 2025) the commune's own staff take the staff's steps."""
    roles = STEP_ROLES[step] if with_district or step == Step.CONSULT_DISTRICT else STEP_ROLES[step] - _DISTRICT
    return [role for role in Role.values if role in roles]


def may_enter_reviews(*, role: str, is_superuser: bool) -> bool:
    """Whether the role may enter and change reviews on any path (form, Excel import): the commune staff only,
    never the chair who decides on them (Decision 24/2021/QĐ-TTg, art. 4) nor the province."""
    return is_superuser or role in STEP_ROLES[Step.EDIT]
