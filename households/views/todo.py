"""The commune staff's to-do list: the reviews that wait for them, round by round and step by step.

The chair's decisions wait in the approval queue (``households.views.reviews.approval_queue_view``); what the chair
sent back waits here, for the staff who correct it.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from households.access import ReviewPolicy
from households.models import ReviewState
from households.selectors import returned_reviews, review_round_state_counts, reviews_at_steps, round_list
from households.views.guidance import STEP_NAMES
from households.views.reviews import STEP_FORMS
from households.workflow import FORWARD_STEPS, Step, consults_district, next_step

# The steps the staff take before the chair's decision: what waits for one of them is the staff's to do.
TODO_STEPS = (Step.EDIT, Step.CONFIRM_MEETING, Step.POST, Step.SUBMIT, Step.CONSULT_DISTRICT)
# Each list shows this many reviews; the counts say how many wait in all, and each step's page lists them.
TODO_ROWS = 100


@login_required
def todo_view(request):
    user = request.user
    policy = ReviewPolicy(user)
    steps = [step for step in TODO_STEPS if policy.may_take(step)]
    waiting = reviews_at_steps(user=user, steps=steps).exclude(state=ReviewState.RETURNED)
    counts = review_round_state_counts(waiting)
    # A narrow sort of the ids, then the rows themselves (without their facts and explanations).
    ids = list(
        waiting.order_by(
            "round__commune__name", "-round__year", "round_id", "village__name", "household__code"
        ).values_list("pk", flat=True)[:TODO_ROWS]
    )
    by_id = {review.pk: review for review in waiting.filter(pk__in=ids).defer("facts", "explanation")}
    rows = [by_id[pk] for pk in ids]
    rounds = (
        round_list(user=user)
        .filter(pk__in={round_id for round_id, _state in counts})
        .order_by("commune__name", "-year", "pk")
    )
    groups = [group for review_round in rounds if (group := _round_group(policy, review_round, counts, rows))]
    context = {
        "returned": list(returned_reviews(user=user)[:TODO_ROWS]) if Step.EDIT in steps else [],
        "groups": groups,
        "takes_steps": bool(steps),
        "may_approve": policy.may_take(Step.APPROVE),
        "today": timezone.localdate(),
    }
    return render(request, "households/todo.html", context)


def _round_group(policy, review_round, counts, rows) -> dict | None:
    """The round's reviews by the step that takes them forward, only the steps this user may take there."""
    with_district = consults_district(review_round.starts_on)
    states = {state: n for (round_id, state), n in counts.items() if round_id == review_round.pk}
    allowed = policy.steps_in(review_round, states)
    steps = []
    for step in FORWARD_STEPS:
        if step not in allowed:
            continue
        at_step = {s for s in states if next_step(s, with_district=with_district) == step}
        count = sum(states[s] for s in at_step)
        if count:
            steps.append(
                {
                    "step": step.value,
                    "name": STEP_NAMES[step],
                    "title": STEP_FORMS[step][1],
                    "count": count,
                    "rows": [r for r in rows if r.round_id == review_round.pk and r.state in at_step],
                    "url": reverse("households:round-step-choose", args=[review_round.pk, step.value]),
                }
            )
    return {"round": review_round, "steps": steps} if steps else None
