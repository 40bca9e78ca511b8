"""A step of a review round on its own page: the households it may be taken on, ticked one by one or village by
village, on a screen a phone can use. The step is taken as the round's page takes it (the services), and the
page is offered for the steps ``households.access.ReviewPolicy`` lets the user take.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from households.access import ReviewPolicy
from households.forms import MeetingForm
from households.models import UnitLevel
from households.selectors import (
    review_list,
    review_village_counts,
    round_get,
    units_visible_to,
)
from households.views.reviews import STEP_FORMS, _step, _take_step
from households.workflow import Step, consults_district, step_from

# The step page lists this many households; "all households at this step" takes the step on every one.
STEP_PAGE_ROWS = 200


@login_required
def round_step_choose_view(request, pk: int, step: str):
    """One step of the round on its own page: the households it may be taken on, ticked one by one or village by
    village; posted, the step is taken (``households.views.reviews._take_step``) and the user sent back."""
    step = _step(step)
    review_round = round_get(user=request.user, pk=pk)
    ReviewPolicy(request.user).require(step, review_round.commune)
    data = request.POST if request.method == "POST" else request.GET
    eligible = review_list(user=request.user, review_round=review_round).filter(
        state__in=step_from(step, with_district=consults_district(review_round.starts_on))
    )
    villages = review_village_counts(eligible)
    village_id = _number(data.get("village"))
    if village_id not in {v[0] for v in villages}:
        # A village meeting confirms the households of one village (Decision 24/2021/QĐ-TTg, art. 4, step 3).
        village_id = villages[0][0] if villages and step == Step.CONFIRM_MEETING else None
    shown = eligible.filter(village_id=village_id) if village_id else eligible
    form = _form(request, review_round, step, shown, village_id=village_id, review_id=_number(data.get("review")))
    back = data.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if request.method == "POST" and _take_step(request, step, form):
        return redirect(back or review_round.get_absolute_url())
    rows = list(shown.order_by("village__name", "household__code", "pk").defer("facts", "explanation")[:STEP_PAGE_ROWS])
    total = sum(count for vid, _name, count in villages if not village_id or vid == village_id)
    form.offer(rows, eligible_count=total)
    context = {
        "round": review_round,
        "step": step.value,
        "title": STEP_FORMS[step][1],
        "form": form,
        "villages": villages,
        "village_id": village_id,
        "all_villages": step != Step.CONFIRM_MEETING,
        "shown": len(rows),
        "total": total,
        "next": back,
    }
    return render(request, "households/round_step.html", context)


def _form(request, review_round, step: Step, reviews, *, village_id: int | None, review_id: int | None):
    form_class = STEP_FORMS[step][0]
    kwargs = {"reviews": reviews, "prefix": step.value}
    initial = {"reviews": [review_id] if review_id else []}
    if form_class is MeetingForm:
        villages = units_visible_to(request.user).filter(level=UnitLevel.VILLAGE, parent=review_round.commune)
        kwargs["villages"] = villages
        initial["village"] = village_id
    if request.method == "POST":
        return form_class(request.POST, request.FILES, **kwargs)
    return form_class(initial=initial, **kwargs)


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
