"""The guided review: what a household's page offers for reviewing it, and a review's next step and who takes it.

Which steps a user may take is asked of ``households.access.ReviewPolicy``; which step comes next, of the table in
``households.workflow``. The pages of the steps are ``households.views.steps``.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from households.access import ReviewPolicy
from households.models import ReviewState
from households.selectors import open_rounds, review_list
from households.workflow import Step, consults_district, next_step, step_takers

# The next step as a sentence names it ("Next step: village meeting — Commune officer").
STEP_NAMES = {
    Step.CONFIRM_MEETING: _("village meeting"),
    Step.POST: _("public posting"),
    Step.SUBMIT: _("submission to the commune chair"),
    Step.CONSULT_DISTRICT: _("district chair's opinion"),
    Step.APPROVE: _("approval by decision"),
}


def household_review_offers(user, household, *, today: datetime.date) -> dict:
    """What the household's page offers for reviewing it: in each open round of its commune (``open_rounds``), its
    review there to view or continue, or a new one for whoever may enter it; where no round is open, that it is
    not, and who opens one."""
    policy = ReviewPolicy(user)
    rounds = list(open_rounds(user=user, commune_id=household.commune_id, today=today))
    existing = {r.round_id: r for r in review_list(user=user).filter(household=household, round__in=rounds)}
    offers = []
    for review_round in rounds:
        review = existing.get(review_round.pk)
        if review is not None or policy.may_enter(review_round):
            offers.append({"round": review_round, "review": review})
    return {
        "review_offers": offers,
        # Said to the staff, who review households; the others have nothing to do with an open round.
        "no_open_round": not rounds and policy.may_take(Step.EDIT),
        "may_open_round": not rounds and policy.may_take(Step.EDIT) and policy.may_open_round(household.commune),
        "round_year": today.year,
    }


def review_next_step(review, *, allowed: frozenset[Step]) -> dict | None:
    """The step that takes ``review`` forward, who takes it, and whether this user may (``allowed``: the steps
    ``ReviewPolicy.steps_for`` gives them on it); None once it is approved."""
    with_district = consults_district(review.round.starts_on)
    step = next_step(review.state, with_district=with_district)
    if step is None:
        return None
    today = timezone.localdate()
    return {
        "step": step,
        "name": STEP_NAMES[step],
        "who": ", ".join(str(Role(role).label) for role in step_takers(step, with_district=with_district)),
        "mine": step in allowed,
        # A returned review, or one the village meeting did not agree on, is corrected before a new meeting.
        "correct_first": review.state in (ReviewState.RETURNED, ReviewState.RECHECKING),
        # Submitted only once the complaint period is over (Decision 24/2021/QĐ-TTg, art. 4, step 4).
        "complaints_until": review.complaints_until
        if step == Step.SUBMIT and review.complaints_until and review.complaints_until >= today
        else None,
    }


def step_page_url(review, step: Step) -> str:
    """The page of ``step`` in ``review``'s round with ``review`` ticked, its village shown, and the way back."""
    url = reverse("households:round-step-choose", args=[review.round_id, step.value])
    query = {"review": review.pk, "village": review.village_id, "next": review.get_absolute_url()}
    return f"{url}?{urlencode(query)}"
