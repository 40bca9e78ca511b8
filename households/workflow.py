"""Who may take which step of a household review, and from which state (Decision 24/2021/QĐ-TTg, art. 4).

Pure: roles and states in, a refusal message (or None) out. The services enforce it; the pages use it to
show only the buttons a user may press.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from accounts.models import Role

from .models.reviews import ReviewState


class Step(StrEnum):
    EDIT = "edit"
    CONFIRM_MEETING = "confirm_meeting"  # step 3: village meeting
    POST = "post"  # step 4: posted publicly, complaints heard
    SUBMIT = "submit"  # step 5: reported to the commune chair
    APPROVE = "approve"  # step 6: the chair's decision (Form 02)
    RETURN = "return"


_STAFF = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER})
_CHAIR = frozenset({Role.COMMUNE_CHAIR})
_EDITABLE = frozenset({ReviewState.DRAFT, ReviewState.RETURNED})

STEP_ROLES: dict[Step, frozenset[str]] = {
    Step.EDIT: _STAFF,
    Step.CONFIRM_MEETING: _STAFF,
    Step.POST: _STAFF,
    Step.SUBMIT: _STAFF,
    Step.APPROVE: _CHAIR,
    Step.RETURN: _CHAIR,
}
STEP_FROM: dict[Step, frozenset[str]] = {
    Step.EDIT: _EDITABLE,
    Step.CONFIRM_MEETING: _EDITABLE,
    Step.POST: frozenset({ReviewState.MEETING_CONFIRMED}),
    Step.SUBMIT: frozenset({ReviewState.POSTED}),
    Step.APPROVE: frozenset({ReviewState.SUBMITTED}),
    Step.RETURN: frozenset({ReviewState.MEETING_CONFIRMED, ReviewState.POSTED, ReviewState.SUBMITTED}),
}
STEP_TO: dict[Step, str] = {
    Step.CONFIRM_MEETING: ReviewState.MEETING_CONFIRMED,
    Step.POST: ReviewState.POSTED,
    Step.SUBMIT: ReviewState.SUBMITTED,
    Step.APPROVE: ReviewState.APPROVED,
    Step.RETURN: ReviewState.RETURNED,
}

LOCKED = _("This review is approved and locked; a correction goes through a new ongoing review.")
WRONG_STATE = _("This step cannot be taken while the review is “%(state)s”.")
WRONG_ROLE = _("Your role (%(role)s) may not take this step.")


def step_refusal(step: Step, *, role: str, is_superuser: bool, state: str) -> str | None:
    """Why ``step`` is refused to a user of ``role`` on a review in ``state``, or None if it is allowed."""
    if state == ReviewState.APPROVED:
        return str(LOCKED)
    if state not in STEP_FROM[step]:
        return str(WRONG_STATE % {"state": ReviewState(state).label})
    if not is_superuser and role not in STEP_ROLES[step]:
        return str(WRONG_ROLE % {"role": Role(role).label})
    return None
