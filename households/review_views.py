"""Pages of review rounds and household reviews: entry, the workflow steps, and the documents (PDF)."""

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
from standards.selectors import standard_rules

from .access import check_can_edit_unit
from .errors import ConflictError
from .forms import (
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
from .models import Cause, ReviewKind, ReviewState, UnitLevel
from .ongoing import DECISION_DAYS, ongoing_schedule
from .review_facts import fact_form_fields
from .selectors import (
    approval_queue,
    decision_reviews,
    household_get,
    household_list,
    last_approved_review,
    ongoing_requests,
    returned_reviews,
    review_get,
    review_list,
    review_round_counts,
    review_state_counts,
    round_get,
    round_list,
    units_visible_to,
)
from .services import (
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
from .transitions import escaped_from
from .workflow import STEP_ROLES, Step, consults_district, step_from, step_refusal

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


ROUND_PAGE_SIZE = 50


def _step_forms(request, review_round, *, bound_step=None):
    """One form per step, each checked against the round's reviews the step may apply to."""
    villages = units_visible_to(request.user).filter(level=UnitLevel.VILLAGE, parent=review_round.commune)
    round_reviews = review_list(user=request.user, review_round=review_round)
    with_district = consults_district(review_round.starts_on)
    forms = {}
    for step, (form_class, _title) in STEP_FORMS.items():
        bound = step == bound_step
        eligible = step_from(step, with_district=with_district)
        kwargs = {"reviews": round_reviews.filter(state__in=eligible), "prefix": step.value}
        if form_class is MeetingForm:
            kwargs["villages"] = villages
        forms[step.value] = form_class(request.POST if bound else None, request.FILES if bound else None, **kwargs)
    return forms


@login_required
def round_detail_view(request, pk: int, bound_step=None, step_forms=None):
    """The round's progress by state (one aggregate), its reviews a page at a time (optionally one state), and
    the workflow steps the user may take on the reviews there are."""
    review_round = round_get(user=request.user, pk=pk)
    queryset = review_list(user=request.user, review_round=review_round).order_by("household__code", "pk")
    counts = review_state_counts(queryset)
    state = request.GET.get("state", "")
    if state in ReviewState.values:
        queryset = queryset.filter(state=state)
    # The page's ids first (a narrow sort), then its rows: sorting thousands of whole rows with their JSON
    # facts and explanations cost most of the page's time.
    page = Paginator(queryset.values_list("pk", flat=True), ROUND_PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    rows = review_list(user=request.user, review_round=review_round).filter(pk__in=ids).defer("facts", "explanation")
    by_id = {review.pk: review for review in rows}
    reviews = [by_id[pk] for pk in ids]
    user = request.user
    with_district = consults_district(review_round.starts_on)
    forms = step_forms or _step_forms(request, review_round)
    for step in STEP_FORMS:
        eligible = step_from(step, with_district=with_district)
        forms[step.value].offer(
            [r for r in reviews if r.state in eligible], eligible_count=sum(counts.get(s, 0) for s in eligible)
        )
    present = [s for s, n in counts.items() if n]
    # A step's form is shown when the user may take it on at least one review of the round.
    steps = [
        {"code": step.value, "title": title, "form": forms[step.value]}
        for step, (_form, title) in STEP_FORMS.items()
        if any(
            not step_refusal(step, role=user.role, is_superuser=user.is_superuser, state=s, with_district=with_district)
            for s in present
        )
    ]
    # The district chair's step exists only in rounds before 1 July 2025.
    progress = [
        {"code": s.value, "label": s.label, "count": counts.get(s.value, 0)}
        for s in ReviewState
        if with_district or s != ReviewState.DISTRICT_CONSULTED
    ]
    schedule = None
    if review_round.kind == ReviewKind.ONGOING:
        schedule = ongoing_schedule(
            ongoing_requests(user=user, review_round=review_round), today=timezone.localdate(), year=review_round.year
        )
    context = {
        "round": review_round,
        "reviews": reviews,
        "page": page,
        "state": state,
        "progress": progress,
        "steps": steps,
        "decisions": review_round.decisions.order_by("signed_on"),
        "meetings": review_round.meetings.select_related("village").order_by("held_on", "pk"),
        "schedule": schedule,
        "schedule_decision_days": DECISION_DAYS,
        "late_shown": SCHEDULE_ROWS,
    }
    return render(request, "households/round_detail.html", context)


# The ongoing round's block lists this many late requests; the count says how many there are in all.
SCHEDULE_ROWS = 20


# The queue lists this many reviews in all; a round with more is approved with "all households at this step".
QUEUE_ROWS = 100


@login_required
def approval_queue_view(request):
    """What waits for the chair's decision, round by round, with the approval form of each round; and, for
    the staff, what the chair sent back. Counts come from one aggregate, rows are limited to ``QUEUE_ROWS``."""
    user = request.user
    may_approve = user.is_superuser or user.role in STEP_ROLES[Step.APPROVE]
    queue = approval_queue(user=user)
    counts = review_round_counts(queue)
    ids = list(queue.values_list("pk", flat=True)[:QUEUE_ROWS])  # a narrow sort, then the rows themselves
    by_id = {review.pk: review for review in queue.filter(pk__in=ids).defer("facts", "explanation")}
    rows = [by_id[pk] for pk in ids]
    rounds = round_list(user=user).filter(pk__in=list(counts)).order_by("commune__name", "year", "pk")
    groups = []
    for review_round in rounds:
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
    returned = (
        list(returned_reviews(user=user)[:QUEUE_ROWS])
        if user.is_superuser or user.role in STEP_ROLES[Step.EDIT]
        else []
    )
    context = {"groups": groups, "returned": returned, "may_approve": may_approve}
    return render(request, "households/approval_queue.html", context)


@login_required
@require_POST
def round_step_view(request, pk: int, step: str):
    try:
        step = Step(step)
    except ValueError:
        raise Http404 from None
    review_round = round_get(user=request.user, pk=pk)
    check_can_edit_unit(request.user, review_round.commune)
    if not request.user.is_superuser and request.user.role not in STEP_ROLES[step]:
        raise PermissionDenied(_("Your role may not take this step."))
    forms = _step_forms(request, review_round, bound_step=step)
    form = forms[step.value]
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("everything")
        chosen = list(data.pop("reviews").select_related("household"))
        try:
            result = STEP_ACTIONS[step](user=request.user, reviews=chosen, **data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            if step == Step.CONFIRM_MEETING and not result.agreed:
                # Decision 24/2021/QĐ-TTg, art. 4, step 3: under half agreeing, the households are checked again.
                messages.warning(
                    request,
                    _("Fewer than half of those present agreed: %(count)s households are to be checked again.")
                    % {"count": len(chosen)},
                )
            else:
                messages.success(request, _("Done for %(count)s households.") % {"count": len(chosen)})
            back = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return redirect(back)
            return redirect(review_round)
    return round_detail_view(request, pk, step_forms=forms)


def _review_form(request, review_round, *, review=None):
    rules = standard_rules(review_round.standard)
    households = None
    if review is None:
        households = household_list(user=request.user, filters={"commune": review_round.commune_id}).qs
        households = households.exclude(reviews__round=review_round)
    initial = None
    if review is not None:
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
        fact_fields=fact_form_fields(rules),
        requested=review is None and review_round.kind == ReviewKind.ONGOING,
    )


@login_required
def review_create_view(request, pk: int):
    review_round = round_get(user=request.user, pk=pk)
    check_can_edit_unit(request.user, review_round.commune)
    if not request.user.is_superuser and request.user.role not in STEP_ROLES[Step.EDIT]:
        raise PermissionDenied(_("Your role may not take this step."))
    form = _review_form(request, review_round)
    if request.method == "POST" and form.is_valid():
        try:
            review = review_create(
                user=request.user,
                review_round=review_round,
                household=form.cleaned_data["household"],
                income_per_capita=form.cleaned_data["income_per_capita"],
                facts=form.facts(),
                causes=form.cleaned_data["causes"],
                requested_on=form.cleaned_data.get("requested_on"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(review)
    return render(request, "households/review_form.html", {"form": form, "round": review_round})


@login_required
def review_detail_view(request, pk: int):
    review = review_get(user=request.user, pk=pk)
    history = review.history.select_related("history_user").order_by("-history_date")[:50]
    causes = [Cause(code).label for code in review.causes]
    user = request.user
    with_district = consults_district(review.round.starts_on)
    context = {
        "review": review,
        "history": history,
        "causes": causes,
        "with_district": with_district,
        # A mistyped posting date is corrected on the round page, before submission.
        "may_correct_posting": not step_refusal(
            Step.CORRECT_POSTING,
            role=user.role,
            is_superuser=user.is_superuser,
            state=review.state,
            with_district=with_district,
        ),
    }
    return render(request, "households/review_detail.html", context)


@login_required
def review_edit_view(request, pk: int):
    review = review_get(user=request.user, pk=pk)
    check_can_edit_unit(request.user, review.village)
    refusal = step_refusal(
        Step.EDIT,
        role=request.user.role,
        is_superuser=request.user.is_superuser,
        state=review.state,
        with_district=consults_district(review.round.starts_on),
    )
    if refusal:
        messages.error(request, refusal)
        return redirect(review)
    form = _review_form(request, review.round, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            review_update(
                user=request.user,
                review=review,
                expected_version=form.cleaned_data["version"] or 0,
                income_per_capita=form.cleaned_data["income_per_capita"],
                facts=form.facts(),
                causes=form.cleaned_data["causes"],
            )
        except (ConflictError, ValidationError) as error:
            form.add_error(None, error)
        else:
            return redirect(review)
    return render(request, "households/review_form.html", {"form": form, "round": review.round, "review": review})


@login_required
def decision_pdf_view(request, pk: int, decision_pk: int):
    review_round = round_get(user=request.user, pk=pk)
    decision = get_object_or_404(review_round.decisions.select_related("signer"), pk=decision_pk)
    # Form 02 of Decision 24/2021/QĐ-TTg recognises poor, near-poor, escaped-poverty and escaped-near-poverty
    # households; the escaped are those whose status recognised before this decision they left.
    reviews = list(decision_reviews(user=request.user, review_round=review_round, decision=decision))
    escaped = {r.pk: escaped_from(r.status_before, r.status) for r in reviews}
    lists = {
        "poor": [r for r in reviews if r.status == "poor"],
        "near_poor": [r for r in reviews if r.status == "near_poor"],
        "escaped_poor": [r for r in reviews if escaped[r.pk] == "poor"],
        "escaped_near_poor": [r for r in reviews if escaped[r.pk] == "near_poor"],
    }
    titles = {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo", "escaped_poor": "hộ thoát nghèo"}
    titles["escaped_near_poor"] = "hộ thoát cận nghèo"
    context = {
        "round": review_round,
        "decision": decision,
        "lists": [{"title": titles[key], "reviews": found} for key, found in lists.items()],
        **lists,
        "standard": review_round.standard,
    }
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
