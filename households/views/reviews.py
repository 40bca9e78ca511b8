"""Pages of review rounds and household reviews: entry, the workflow steps, and the documents (PDF).

A view parses the request, calls a selector or a service and renders. Which step a user may take (Decision
24/2021/QĐ-TTg, art. 4) is asked of ``households.access.ReviewPolicy``, the answer the services enforce: a page
offers a step exactly when the service would take it, and the services stay the place that refuses it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.files import pdf_response
from households.access import ReviewPolicy
from households.forms import (
    ApproveForm,
    ConsultForm,
    MeetingForm,
    PostForm,
    PostingCorrectForm,
    ReturnForm,
    ReviewForm,
    RoundForm,
    SubmitForm,
)
from households.models import Cause, ReviewKind, ReviewState, UnitLevel
from households.ongoing import DECISION_DAYS, ongoing_schedule
from households.review_facts import fact_form_fields
from households.selectors import (
    approval_queue,
    decision_reviews,
    household_get,
    household_list,
    last_approved_review,
    ongoing_requests,
    review_get,
    review_list,
    review_round_counts,
    review_state_counts,
    round_get,
    round_list,
    units_visible_to,
)
from households.services import (
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
from households.transitions import escaped_from
from households.views.guidance import review_next_step, step_page_url
from households.workflow import Step, consults_district, step_from
from standards.certificates import certificate_validity
from standards.selectors import standard_rules

# The steps taken on the round's page, each with its form and title, in the order of the workflow.
STEP_FORMS = {
    Step.CONFIRM_MEETING: (MeetingForm, gettext_lazy("Village meeting")),
    Step.POST: (PostForm, gettext_lazy("Post publicly")),
    Step.CORRECT_POSTING: (PostingCorrectForm, gettext_lazy("Correct the posting date")),
    Step.SUBMIT: (SubmitForm, gettext_lazy("Submit to the commune chair")),
    Step.CONSULT_DISTRICT: (ConsultForm, gettext_lazy("District chair's opinion")),
    Step.APPROVE: (ApproveForm, gettext_lazy("Approve (decision)")),
    Step.RETURN: (ReturnForm, gettext_lazy("Return")),
}
STEP_ACTIONS = {
    Step.CONFIRM_MEETING: review_meeting_confirm,
    Step.POST: review_post,
    Step.CORRECT_POSTING: review_posting_correct,
    Step.SUBMIT: review_submit,
    Step.CONSULT_DISTRICT: review_district_consult,
    Step.APPROVE: review_approve,
    Step.RETURN: review_return,
}
ROUND_PAGE_SIZE = 50
# The ongoing round's block lists this many late requests; the count says how many there are in all.
SCHEDULE_ROWS = 20
# The queue lists this many reviews in all; a round with more is approved with "all households at this step".
QUEUE_ROWS = 100


@login_required
def round_list_view(request):
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            review_round = round_open(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(review_round)
    rounds = round_list(user=request.user).order_by("-year", "commune__name")
    return render(request, "households/round_list.html", {"rounds": rounds, "form": form})


@login_required
def round_detail_view(request, pk: int):
    review_round = round_get(user=request.user, pk=pk)
    return _round_page(request, review_round, _step_forms(request, review_round))


@login_required
@require_POST
def round_step_view(request, pk: int, step: str):
    step = _step(step)
    review_round = round_get(user=request.user, pk=pk)
    ReviewPolicy(request.user).require(step, review_round.commune)
    forms = _step_forms(request, review_round, bound_step=step)
    if _take_step(request, step, forms[step]):
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        return redirect(review_round)
    # Refused or invalid: the round's page again, the form with its errors and what was typed.
    return _round_page(request, review_round, forms)


@login_required
def approval_queue_view(request):
    """What waits for the chair's decision, round by round, with the approval form of each round. What the chair
    sent back waits in the staff's to-do list (``households.views.todo``), not here. Counts come from one
    aggregate, rows are limited to ``QUEUE_ROWS``."""
    policy = ReviewPolicy(request.user)
    # The queue holds only reviews the approval is taken from, in the user's area (``approval_queue``): the
    # role decides whether its forms are offered.
    may_approve = policy.may_take(Step.APPROVE)
    context = {
        "groups": _queue_groups(request.user, may_approve=may_approve),
        # The staff find what waits for them, and what was sent back, in their to-do list.
        "takes_steps": policy.may_take(Step.EDIT),
        "may_approve": may_approve,
    }
    return render(request, "households/approval_queue.html", context)


@login_required
def review_create_view(request, pk: int):
    review_round = round_get(user=request.user, pk=pk)
    ReviewPolicy(request.user).require(Step.EDIT, review_round.commune)
    form = _review_form(request, review_round)
    if request.method == "POST" and form.is_valid():
        try:
            review = review_create(
                user=request.user,
                review_round=review_round,
                household=form.cleaned_data["household"],
                requested_on=form.cleaned_data.get("requested_on"),
                **_entered(form),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(review)
    # A review refused for what the household's form holds (the members' work, insurance, schooling) links
    # to that form, in a new tab, so that what was typed here is still here to be saved again.
    chosen = form.cleaned_data.get("household") if form.is_bound and form.errors else None
    return render(request, "households/review_form.html", {"form": form, "round": review_round, "chosen": chosen})


@login_required
def review_detail_view(request, pk: int):
    review = review_get(user=request.user, pk=pk)
    allowed = ReviewPolicy(request.user).steps_for(review)
    following = review_next_step(review, allowed=allowed)
    context = {
        "review": review,
        "history": review.history.select_related("history_user").order_by("-history_date")[:50],
        "causes": [Cause(code).label for code in review.causes],
        "with_district": consults_district(review.round.starts_on),
        # The links to the steps the user may take (editing; a mistyped posting date, corrected on the round's
        # page before submission).
        "allowed_steps": allowed,
        # What comes next and who takes it; the buttons to the pages of the steps this user may take on it.
        "next_step": following,
        "step_links": _step_links(review, allowed, first=following["step"] if following else None),
    }
    return render(request, "households/review_detail.html", context)


@login_required
def review_edit_view(request, pk: int):
    review = review_get(user=request.user, pk=pk)
    # Outside the user's area: 403. A review the rule does not let them change: back to it, saying why.
    refusal = ReviewPolicy(request.user).refusal(Step.EDIT, review)
    if refusal:
        messages.error(request, refusal)
        return redirect(review)
    form = _review_form(request, review.round, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            review_update(
                user=request.user, review=review, expected_version=form.cleaned_data["version"] or 0, **_entered(form)
            )
        except ValidationError as error:  # a ConflictError too: someone saved the review meanwhile
            form.add_error(None, error)
        else:
            return redirect(review)
    return render(request, "households/review_form.html", {"form": form, "round": review.round, "review": review})


@login_required
def decision_pdf_view(request, pk: int, decision_pk: int):
    review_round = round_get(user=request.user, pk=pk)
    decision = get_object_or_404(review_round.decisions.select_related("signer"), pk=decision_pk)
    reviews = decision_reviews(user=request.user, review_round=review_round, decision=decision)
    context = {"round": review_round, "decision": decision, "standard": review_round.standard, **_form02(reviews)}
    return pdf_response("pdf/decision_form02.html", context, filename=f"quyet-dinh-{decision.pk}.pdf")


@login_required
def certificate_pdf_view(request, pk: int):
    review = review_get(user=request.user, pk=pk)
    if review.state != ReviewState.APPROVED or review.status not in ("poor", "near_poor"):
        raise Http404(_("A certificate is issued only for an approved poor or near-poor household."))
    context = {
        "review": review,
        "members": review.household.members.order_by("pk"),
        "standard": review.round.standard,
        "validity": certificate_validity(standard=review.round.standard, review_year=review.round.year),
    }
    return pdf_response("pdf/certificate_form03.html", context, filename=f"giay-chung-nhan-{review.household.code}.pdf")


@login_required
def escape_request_pdf_view(request, pk: int):
    """Form 04 of Decision 24/2021/QĐ-TTg: the household's request to be recognised as having escaped poverty
    or near-poverty, printed prefilled from the registry for the household to complete and sign. Staff of
    the household's area print it; others may not."""
    household = household_get(user=request.user, pk=pk)
    if not request.user.can_edit:
        raise PermissionDenied
    members = list(household.members.all())
    context = {
        "household": household,
        "members": members,
        "head": next((m for m in members if m.relation == "head"), None),
        "last": last_approved_review(user=request.user, household_id=household.pk),
    }
    return pdf_response("pdf/request_form04.html", context, filename=f"de-nghi-thoat-ngheo-{household.code}.pdf")


# --- what the pages are made of -----------------------------------------------------------------------------


def _step(code: str) -> Step:
    try:
        return Step(code)
    except ValueError:
        raise Http404 from None


def _step_links(review, allowed, *, first: Step | None) -> list[dict]:
    """The pages of the steps the user may take on ``review`` (``allowed``), the step that takes it forward first.
    The posting date's correction keeps its own link to the round's page (review_detail.html)."""
    offered = [step for step in STEP_FORMS if step in allowed and step != Step.CORRECT_POSTING]
    steps = sorted(offered, key=lambda step: step != first)
    return [{"title": STEP_FORMS[s][1], "url": step_page_url(review, s), "primary": s == first} for s in steps]


def _step_forms(request, review_round, *, bound_step: Step | None = None) -> dict[Step, object]:
    """One form per step, each checked against the round's reviews the step may be taken from; the posted one
    bound."""
    villages = units_visible_to(request.user).filter(level=UnitLevel.VILLAGE, parent=review_round.commune)
    round_reviews = review_list(user=request.user, review_round=review_round)
    with_district = consults_district(review_round.starts_on)
    forms = {}
    for step, (form_class, _title) in STEP_FORMS.items():
        posted = (request.POST, request.FILES) if step == bound_step else (None, None)
        kwargs = {"reviews": round_reviews.filter(state__in=step_from(step, with_district=with_district))}
        if form_class is MeetingForm:
            kwargs["villages"] = villages
        forms[step] = form_class(*posted, prefix=step.value, **kwargs)
    return forms


def _take_step(request, step: Step, form) -> bool:
    """Take ``step`` on the reviews ``form`` chose, saying how it went; False with the refusal on the form."""
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    data.pop("everything")
    chosen = list(data.pop("reviews").select_related("household"))
    try:
        result = STEP_ACTIONS[step](user=request.user, reviews=chosen, **data)
    except (ValidationError, PermissionDenied) as error:
        form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        return False
    if step == Step.CONFIRM_MEETING and not result.agreed:
        # Decision 24/2021/QĐ-TTg, art. 4, step 3: under half agreeing, the households are checked again.
        message = _("Fewer than half of those present agreed: %(count)s households are to be checked again.")
        messages.warning(request, message % {"count": len(chosen)})
    else:
        messages.success(request, _("Done for %(count)s households.") % {"count": len(chosen)})
    return True


def _round_page(request, review_round, forms):
    """The round's progress by state (one aggregate), its reviews a page at a time (optionally one state), and
    the forms of the steps the user may take on the reviews there are."""
    user = request.user
    queryset = review_list(user=user, review_round=review_round).order_by("household__code", "pk")
    counts = review_state_counts(queryset)
    state = request.GET.get("state", "")
    if state in ReviewState.values:
        queryset = queryset.filter(state=state)
    page, reviews = _review_page(user, review_round, queryset, request.GET.get("page"))
    with_district = consults_district(review_round.starts_on)
    for step, form in forms.items():
        eligible = step_from(step, with_district=with_district)
        form.offer([r for r in reviews if r.state in eligible], eligible_count=sum(counts.get(s, 0) for s in eligible))
    policy = ReviewPolicy(user)
    allowed = policy.steps_in(review_round, [s for s, n in counts.items() if n])
    context = {
        "round": review_round,
        "reviews": reviews,
        "page": page,
        "state": state,
        # The district chair's step exists only in rounds before 1 July 2025.
        "progress": [
            {"code": s.value, "label": s.label, "count": counts.get(s.value, 0)}
            for s in ReviewState
            if with_district or s != ReviewState.DISTRICT_CONSULTED
        ],
        "steps": [
            {"code": step.value, "title": title, "form": forms[step]}
            for step, (_form, title) in STEP_FORMS.items()
            if step in allowed
        ],
        "may_enter": policy.may_enter(review_round),
        "decisions": review_round.decisions.order_by("signed_on"),
        "meetings": review_round.meetings.select_related("village").order_by("held_on", "pk"),
        "schedule": _schedule(user, review_round),
        "schedule_decision_days": DECISION_DAYS,
        "late_shown": SCHEDULE_ROWS,
    }
    return render(request, "households/round_detail.html", context)


def _review_page(user, review_round, queryset, number):
    # The page's ids first (a narrow sort), then its rows: sorting thousands of whole rows with their JSON
    # facts and explanations cost most of the page's time.
    page = Paginator(queryset.values_list("pk", flat=True), ROUND_PAGE_SIZE).get_page(number)
    ids = list(page.object_list)
    rows = review_list(user=user, review_round=review_round).filter(pk__in=ids).defer("facts", "explanation")
    by_id = {review.pk: review for review in rows}
    return page, [by_id[pk] for pk in ids]


def _schedule(user, review_round):
    if review_round.kind != ReviewKind.ONGOING:
        return None
    requests = ongoing_requests(user=user, review_round=review_round)
    return ongoing_schedule(requests, today=timezone.localdate(), year=review_round.year)


def _queue_groups(user, *, may_approve: bool) -> list[dict]:
    queue = approval_queue(user=user)
    counts = review_round_counts(queue)
    ids = list(queue.values_list("pk", flat=True)[:QUEUE_ROWS])  # a narrow sort, then the rows themselves
    by_id = {review.pk: review for review in queue.filter(pk__in=ids).defer("facts", "explanation")}
    rows = [by_id[pk] for pk in ids]
    groups = []
    for review_round in round_list(user=user).filter(pk__in=list(counts)).order_by("commune__name", "year", "pk"):
        shown = [r for r in rows if r.round_id == review_round.pk]
        form = None
        if may_approve:
            form = ApproveForm(
                reviews=review_list(user=user, review_round=review_round),
                prefix=Step.APPROVE.value,
                auto_id=f"id_%s_{review_round.pk}",  # one form per round on the page: ids stay unique
            )
            form.offer(shown, eligible_count=counts[review_round.pk])
        groups.append({"round": review_round, "reviews": shown, "count": counts[review_round.pk], "form": form})
    return groups


def _review_form(request, review_round, *, review=None) -> ReviewForm:
    households = initial = None
    if review is None:
        households = household_list(user=request.user, filters={"commune": review_round.commune_id}).qs
        households = households.exclude(reviews__round=review_round)
        # "Review this household" on the household's page comes here with it chosen.
        initial = {"household": request.GET.get("household")}
    else:
        initial = {
            "income_per_capita": review.income_per_capita,
            "causes": review.causes,
            "version": review.version,
            **{f"fact_{k}": v for k, v in review.facts.items()},
        }
    return ReviewForm(
        request.POST or None,
        initial=initial,
        households=households,
        fact_fields=fact_form_fields(standard_rules(review_round.standard)),
        requested=review is None and review_round.kind == ReviewKind.ONGOING,
    )


def _entered(form: ReviewForm) -> dict:
    """What the officer entered of a review, as the services take it."""
    return {
        "income_per_capita": form.cleaned_data["income_per_capita"],
        "facts": form.facts(),
        "causes": form.cleaned_data["causes"],
    }


def _form02(reviews) -> dict:
    """The lists of Form 02 of Decision 24/2021/QĐ-TTg: poor, near-poor, escaped-poverty and escaped-near-poverty
    households; the escaped are those who left the status recognised before this decision."""
    reviews = list(reviews)
    escaped = {r.pk: escaped_from(r.status_before, r.status) for r in reviews}
    lists = {
        "poor": [r for r in reviews if r.status == "poor"],
        "near_poor": [r for r in reviews if r.status == "near_poor"],
        "escaped_poor": [r for r in reviews if escaped[r.pk] == "poor"],
        "escaped_near_poor": [r for r in reviews if escaped[r.pk] == "near_poor"],
    }
    titles = {
        "poor": "hộ nghèo",
        "near_poor": "hộ cận nghèo",
        "escaped_poor": "hộ thoát nghèo",
        "escaped_near_poor": "hộ thoát cận nghèo",
    }
    return {"lists": [{"title": titles[key], "reviews": found} for key, found in lists.items()], **lists}
