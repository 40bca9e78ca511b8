"""The review workflow: open a round, enter a household's review, and take it through the steps to approval.

Each step is one function; who may take it, and from which state, is decided by ``households.workflow``.
What a review stores (status, deprivations, explanation, transition) is decided by
``households.review_outcome.review_outcome`` from the facts and the household's past, never typed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record
from accounts.models import AuditAction, Role
from households.access import ReviewPolicy, check_can_edit_unit
from households.errors import EDITED_MEANWHILE, ConflictError, WorkflowError
from households.models import (
    AdministrativeUnit,
    Cause,
    Household,
    HouseholdReview,
    ReviewDecision,
    ReviewKind,
    ReviewRound,
    ReviewState,
    UnitLevel,
    VillageMeeting,
)
from households.review_facts import registry_review_outcome, review_reference_date
from households.selectors import last_approved_statuses
from households.services.statistics import statistics_apply
from households.transitions import transition_in_year
from households.workflow import (
    COMPLAINT_WORKING_DAYS,
    MEETING_DISAGREED_TO,
    STEP_TO,
    Step,
    consults_district,
    meeting_agrees,
    step_refusal,
)
from standards.models import PovertyStandard
from standards.selectors import public_holidays, rules_year, standard_for_round
from standards.services import standard_lock
from standards.working_days import SPAN_MARGIN, add_working_days

if TYPE_CHECKING:
    from accounts.models import User


# What the steps record and check against each other.
_STEP_FIELDS = ("state", "meeting_id", "posted_on", "complaints_until", "submitted_on", "district_consulted_on")


def _refuse_unless_allowed(step: Step, *, user: User, reviews: Sequence[HouseholdReview]) -> None:
    # Lock the rows and re-read their state: of two people taking a step at once, the second one sees the
    # state the first left and is refused with its message. The dates of the steps taken are re-read with it
    # (the steps check their dates against them), and the round's start, which says whether the district
    # chair is consulted (before 1 July 2025).
    rows = {
        row["pk"]: row
        for row in HouseholdReview.objects.select_for_update()
        .filter(pk__in=[r.pk for r in reviews])
        .values("pk", "round__starts_on", *_STEP_FIELDS)
    }
    # The decision is the policy's, the one the pages ask to offer the step (``households.access.ReviewPolicy``:
    # the area, then Decision 24/2021/QĐ-TTg, art. 4); here it is enforced on the rows as they are now.
    policy = ReviewPolicy(user)
    for review in reviews:
        row = rows.get(review.pk, {})
        for field in _STEP_FIELDS:
            if field in row:
                setattr(review, field, row[field])
        refusal = policy.refusal(step, review, starts_on=row.get("round__starts_on"))
        if refusal:
            raise WorkflowError(f"{review.household.code}: {refusal}")


def _move(reviews: Sequence[HouseholdReview], *, step: Step, user: User, to: str | None = None, **changes: Any) -> None:
    """Take ``step`` on ``reviews``: to ``STEP_TO[step]``, or to ``to`` where the step has another outcome."""
    to = to or STEP_TO[step]
    for review in reviews:
        # Claim the step with a conditional update: of two people taking it at once, only one changes the
        # row, even where the database ignores the row locks (SQLite).
        claimed = HouseholdReview.objects.filter(pk=review.pk, state=review.state).update(state=to)
        if not claimed:
            raise WorkflowError(f"{review.household.code}: {EDITED_MEANWHILE}")
        review.state = to
        for field, value in changes.items():
            setattr(review, field, value)
        review.version += 1
        review._history_user = user
        review.save()


@transaction.atomic
def round_open(
    *,
    user: User,
    commune: AdministrativeUnit,
    year: int,
    kind: str,
    starts_on: datetime.date | None = None,
    standard: PovertyStandard | None = None,
    reference_date: datetime.date | None = None,
) -> ReviewRound:
    """Open a review round in a commune, under ``standard`` or by default the one the legal calendar gives
    it (``standards.selectors.standard_for_round``: an annual round gives the list of the next year)."""
    if commune.level != UnitLevel.COMMUNE:
        raise ValidationError({"commune": _("Choose a commune.")})
    check_can_edit_unit(user, commune)
    if kind == ReviewKind.ANNUAL:
        starts, ends = ReviewRound.annual_period(year)
    else:
        starts = starts_on or timezone.localdate()
        ends = datetime.date(year, 12, 31)
    if not commune.is_valid_on(starts):
        raise ValidationError(
            {
                "commune": _("%(commune)s was not in force on %(date)s.")
                % {"commune": commune, "date": starts.strftime("%d/%m/%Y")}
            }
        )
    try:
        default = standard_for_round(year=year, kind=kind)
    except PovertyStandard.DoesNotExist:
        default = None
    if standard is None or standard == default:
        standard = default
    else:
        _check_may_set_standard(user)
    if standard is None:
        raise ValidationError({"year": _("No poverty standard is in force in %(year)s.") % {"year": year}})
    review_round = ReviewRound(
        commune=commune,
        year=year,
        kind=kind,
        standard=standard,
        starts_on=starts,
        ends_on=ends,
        # The day the members' ages are taken on: the start of the review unless the officer gives another.
        reference_date=reference_date or starts,
        created_by=user,
    )
    review_round.full_clean()
    review_round.save()
    return review_round


def _check_may_set_standard(user: User) -> None:
    # The province sets a round's standard when its guidance departs from the legal calendar.
    if not (user.is_superuser or user.role == Role.PROVINCE_OFFICER):
        raise WorkflowError(_("Only a province officer may choose the standard of a review round."))


ROUND_STANDARD_FIXED = gettext_lazy(
    "The standard of this round cannot be changed: %(count)s of its reviews are approved under %(standard)s."
)


@transaction.atomic
def round_standard_change(*, user: User, review_round: ReviewRound, standard: PovertyStandard) -> ReviewRound:
    """Put a round under another standard (the province's guidance changed) and classify its reviews again.

    Refused once a review of the round is approved: its status was decided under the round's standard, and
    the standard is then locked. The round's row is locked first, so that an approval cannot slip in between.
    Reviews whose facts miss what the new standard's indicators need keep their facts and are returned to
    the commune staff to complete them.
    """
    check_can_edit_unit(user, review_round.commune)
    _check_may_set_standard(user)
    review_round = ReviewRound.objects.select_for_update().select_related("commune", "standard").get(pk=review_round.pk)
    reviews = list(
        HouseholdReview.objects.select_for_update()
        .filter(round=review_round)
        .select_related("household", "village")
        .prefetch_related("household__members")
    )
    approved = sum(r.state == ReviewState.APPROVED for r in reviews)
    if approved:
        raise ValidationError(
            ROUND_STANDARD_FIXED % {"count": approved, "standard": review_round.standard},
            code="round_standard_fixed",
        )
    if standard.pk == review_round.standard_id:
        return review_round
    audit_record(
        action=AuditAction.ROUND_STANDARD,
        user=user,
        round=review_round.pk,
        commune=review_round.commune.code,
        year=review_round.year,
        standard_from=review_round.standard.code,
        standard_to=standard.code,
        reviews=len(reviews),
    )
    review_round.standard = standard
    review_round.full_clean()
    review_round.save(update_fields=["standard"])
    for review in reviews:
        review.round = review_round
        try:
            _classify(review)
        except ValidationError as error:
            review.state = ReviewState.RETURNED
            review.returned_reason = _("The round's standard is now %(standard)s: %(missing)s") % {
                "standard": standard,
                "missing": " ".join(error.messages),
            }
        review.version += 1
        review._history_user = user
        review.save()
    return review_round


def _check_causes(causes: Iterable[str]) -> list[str]:
    causes = list(dict.fromkeys(causes))
    unknown = [c for c in causes if c not in Cause.values]
    if unknown:
        raise ValidationError({"causes": _("Unknown cause: %(causes)s.") % {"causes": ", ".join(unknown)}})
    return causes


def _classify(review: HouseholdReview) -> None:
    """Decide what the review stores (``households.review_outcome.review_outcome``) from its facts, the
    household's members and its approved past; keep the facts used.

    Ages are taken on the review's reference date, not on the day of entry (``review_reference_date``), and
    the commune's mountainous or island flag is the one stored on the review (Decision 1143/2000/QĐ-LĐTBXH).
    The transition is against the household's status at the end of the previous round year, under the
    round's standard only (``_approved_history``)."""
    review_round = review.round
    outcome = registry_review_outcome(
        standard=review_round.standard,
        year=review_round.year,
        # The year whose income line applies: the next year for an annual round (its list is that year's).
        income_year=rules_year(year=review_round.year, kind=review_round.kind, standard=review_round.standard),
        is_urban=review.is_urban,
        income=review.income_per_capita,
        facts=review.facts,
        members=list(review.household.members.all()),
        on=review_reference_date(
            kind=review_round.kind, round_date=review_round.ages_on, requested_on=review.requested_on
        ),
        mountain_island=review.is_mountain_island,
        history=_approved_history(review),
    )
    review.facts = outcome.facts.to_json()
    review.status = outcome.status
    review.deprived = list(outcome.deprived)
    review.deprived_count = outcome.deprived_count
    review.explanation = list(outcome.explanation)
    review.previous_status, review.transition = outcome.previous_status, outcome.transition


def _approved_history(review: HouseholdReview) -> list[tuple[int, str, str]]:
    """The household's approved ``(round year, standard code, status)`` triples up to the review's round year,
    the review itself left out: what its transition is compared with (domain.md §2;
    ``households.transitions.transition_in_year``). An ongoing review earlier in the same year is not compared
    with, its change was counted in its own month (Decision 24/2021/QĐ-TTg, art. 5; Circular
    07/2021/TT-BLĐTBXH, Appendix VII). The year is the round's year, the year the review is held and counted
    in, not the year of the list an annual round gives."""
    return last_approved_statuses(
        household_ids=[review.household_id], up_to_year=review.round.year, exclude_review_id=review.pk
    ).get(review.household_id, [])


def _set_transition(review: HouseholdReview) -> None:
    """Compare the review again with the household's approved past, which may have changed since the review
    was entered (an earlier round approved meanwhile): the transition as ``review_outcome`` gives it, the
    status kept as it was decided from the facts entered."""
    review.previous_status, review.transition = transition_in_year(
        _approved_history(review), review.status, year=review.round.year, standard_code=review.round.standard.code
    )


@transaction.atomic
def review_create(
    *,
    user: User,
    review_round: ReviewRound,
    household: Household,
    income_per_capita: int,
    facts: Mapping[str, Any],
    causes: Iterable[str] = (),
    requested_on: datetime.date | None = None,
) -> HouseholdReview:
    check_can_edit_unit(user, household.village)
    refusal = step_refusal(
        Step.EDIT,
        role=user.role,
        is_superuser=user.is_superuser,
        state=ReviewState.DRAFT,
        with_district=consults_district(review_round.starts_on),
    )
    if refusal:
        raise WorkflowError(refusal)
    if household.commune_id != review_round.commune_id:
        raise ValidationError({"household": _("The household does not belong to the round's commune.")})
    review = HouseholdReview(
        round=review_round,
        household=household,
        commune=household.commune,
        village=household.village,
        province_id=household.province_id,  # the sharding key: the review lives on its household's shard
        is_urban=household.village.is_urban,
        is_mountain_island=household.commune.is_mountain_island,
        income_per_capita=income_per_capita,
        facts=dict(facts),
        causes=_check_causes(causes),
        requested_on=requested_on,
        created_by=user,
    )
    _classify(review)
    review.full_clean(exclude=["round", "household"])
    review._history_user = user
    review.save()
    return review


@transaction.atomic
def review_update(
    *,
    user: User,
    review: HouseholdReview,
    expected_version: int,
    income_per_capita: int,
    facts: Mapping[str, Any],
    causes: Iterable[str] = (),
) -> HouseholdReview:
    _refuse_unless_allowed(Step.EDIT, user=user, reviews=[review])
    bumped = HouseholdReview.objects.filter(pk=review.pk, version=expected_version).update(version=F("version") + 1)
    if not bumped:
        raise ConflictError()
    review.version = expected_version + 1
    review.income_per_capita = income_per_capita
    review.facts = dict(facts)
    review.causes = _check_causes(causes)
    _classify(review)
    review._history_user = user
    review.save()
    return review


# --- the steps (Decision 24/2021/QĐ-TTg, art. 4), each with the dates it is given checked -----------------

MEETING_IN_FUTURE = gettext_lazy("The village meeting cannot be dated in the future.")
POSTED_BEFORE_MEETING = gettext_lazy("%(code)s: the list cannot be posted before the village meeting of %(date)s.")
POSTED_IN_FUTURE = gettext_lazy("The posting date cannot be in the future.")
SUBMITTED_IN_FUTURE = gettext_lazy("The submission date cannot be in the future.")
COMPLAINTS_OPEN = gettext_lazy("The complaint period runs until %(date)s; submit after it.")
CONSULTED_IN_FUTURE = gettext_lazy("The date of the district chair's opinion cannot be in the future.")
CONSULTED_BEFORE_SUBMISSION = gettext_lazy(
    "%(code)s: the district chair cannot be consulted before the submission of %(date)s."
)
SIGNED_IN_FUTURE = gettext_lazy("The decision cannot be signed in the future.")
SIGNED_TOO_EARLY = gettext_lazy(
    "%(code)s: the decision cannot be signed before %(date)s, the day of the step before it."
)
DECISION_NUMBER_TAKEN = gettext_lazy(
    "Decision %(number)s of %(commune)s already exists in %(year)s: a new decision needs a number of its own."
)
DECISION_NUMBER_MISSING = gettext_lazy("Give the decision's number.")


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _refuse_future(day: datetime.date, *, field: str, message) -> None:
    # The real clock, not one a caller passes: a step cannot be recorded as taken on a day still to come.
    if day > timezone.localdate():
        raise ValidationError({field: str(message)})


def _complaints_until(posted_on: datetime.date) -> datetime.date:
    """The last day of the complaint period: 3 working days after the posting (Decision 24/2021/QĐ-TTg, art. 4,
    step 4; weekends and ``PublicHoliday`` skipped, the posting day itself not counted, Civil Code 2015,
    art. 147)."""
    holidays = public_holidays(
        start=posted_on, end=posted_on + datetime.timedelta(days=COMPLAINT_WORKING_DAYS + SPAN_MARGIN)
    )
    return add_working_days(posted_on, COMPLAINT_WORKING_DAYS, holidays)


def _check_posting(reviews: Sequence[HouseholdReview], posted_on: datetime.date) -> None:
    _refuse_future(posted_on, field="posted_on", message=POSTED_IN_FUTURE)
    held = dict(
        VillageMeeting.objects.filter(pk__in={r.meeting_id for r in reviews if r.meeting_id}).values_list(
            "pk", "held_on"
        )
    )
    for review in reviews:
        meeting_day = held.get(review.meeting_id)
        if meeting_day and posted_on < meeting_day:
            raise ValidationError(
                {"posted_on": str(POSTED_BEFORE_MEETING % {"code": review.household.code, "date": _date(meeting_day)})}
            )


@transaction.atomic
def review_meeting_confirm(
    *,
    user: User,
    reviews: Sequence[HouseholdReview],
    village: AdministrativeUnit,
    held_on: datetime.date,
    attendance: int,
    agreeing: int,
    minutes=None,
) -> VillageMeeting:
    """Step 3: the village meeting on these reviews (minutes; Decision 24/2021/QĐ-TTg, art. 4, step 3).

    At least half of those present agreeing confirms them. Under half, the meeting is recorded with its result
    and the reviews go back to be checked again (``RECHECKING``): the staff may change them and hold a new
    meeting. ``meeting.agreed`` tells which."""
    _refuse_unless_allowed(Step.CONFIRM_MEETING, user=user, reviews=reviews)
    if any(r.village_id != village.pk for r in reviews):
        raise ValidationError({"village": _("Every review must be of a household of this village.")})
    if attendance <= 0 or agreeing > attendance:
        raise ValidationError({"agreeing": _("Those agreeing cannot be more than those present.")})
    _refuse_future(held_on, field="held_on", message=MEETING_IN_FUTURE)
    agreed = meeting_agrees(attendance=attendance, agreeing=agreeing)
    meeting = VillageMeeting(
        round=reviews[0].round,
        village=village,
        held_on=held_on,
        attendance=attendance,
        agreeing=agreeing,
        agreed=agreed,
    )
    if minutes:
        meeting.minutes = minutes
    meeting.full_clean()
    meeting.save()
    if agreed:
        _move(reviews, step=Step.CONFIRM_MEETING, user=user, meeting=meeting, returned_reason="")
    else:
        reason = _("The village meeting of %(date)s did not agree (%(agreeing)s of %(attendance)s present).") % {
            "date": _date(held_on),
            "agreeing": agreeing,
            "attendance": attendance,
        }
        _move(
            reviews,
            step=Step.CONFIRM_MEETING,
            user=user,
            to=MEETING_DISAGREED_TO,
            meeting=meeting,
            returned_reason=reason,
        )
    return meeting


@transaction.atomic
def review_post(*, user: User, reviews: Sequence[HouseholdReview], posted_on: datetime.date) -> None:
    """Step 4: the list is posted publicly, on or after the village meeting; complaints are heard for 3 working
    days (``complaints_until``)."""
    _refuse_unless_allowed(Step.POST, user=user, reviews=reviews)
    _check_posting(reviews, posted_on)
    until = _complaints_until(posted_on)
    _move(reviews, step=Step.POST, user=user, posted_on=posted_on, complaints_until=until)


@transaction.atomic
def review_posting_correct(*, user: User, reviews: Sequence[HouseholdReview], posted_on: datetime.date) -> None:
    """Correct a mistyped posting date before submission; the complaint period follows it. The history of each
    review keeps the date it replaced."""
    _refuse_unless_allowed(Step.CORRECT_POSTING, user=user, reviews=reviews)
    _check_posting(reviews, posted_on)
    until = _complaints_until(posted_on)
    for review in reviews:
        review._change_reason = _("Posting date corrected from %(date)s.") % {
            "date": _date(review.posted_on) if review.posted_on else "—"
        }
    _move(reviews, step=Step.CORRECT_POSTING, user=user, posted_on=posted_on, complaints_until=until)


@transaction.atomic
def review_submit(*, user: User, reviews: Sequence[HouseholdReview], submitted_on: datetime.date | None = None) -> None:
    """Reported to the commune chair once the complaint period is over, on the real clock: ``submitted_on`` (by
    default today) is after the period and not in the future. A past round entered afterwards gives its own
    day."""
    _refuse_unless_allowed(Step.SUBMIT, user=user, reviews=reviews)
    submitted_on = submitted_on or timezone.localdate()
    _refuse_future(submitted_on, field="submitted_on", message=SUBMITTED_IN_FUTURE)
    open_complaints = [r for r in reviews if r.complaints_until and submitted_on <= r.complaints_until]
    if open_complaints:
        raise WorkflowError(COMPLAINTS_OPEN % {"date": _date(open_complaints[0].complaints_until)})
    _move(reviews, step=Step.SUBMIT, user=user, submitted_on=submitted_on, submitted_at=timezone.now())


@transaction.atomic
def review_district_consult(*, user: User, reviews: Sequence[HouseholdReview], consulted_on: datetime.date) -> None:
    """Until 30 June 2025: the commune reported to the district chair and had the opinion before the decision
    (Decision 24/2021/QĐ-TTg, art. 4, step 5), recorded by the district officer. Rounds that start from 1 July
    2025 have no district and skip it (``households.workflow.consults_district``)."""
    _refuse_unless_allowed(Step.CONSULT_DISTRICT, user=user, reviews=reviews)
    _refuse_future(consulted_on, field="consulted_on", message=CONSULTED_IN_FUTURE)
    for review in reviews:
        if review.submitted_on and consulted_on < review.submitted_on:
            message = CONSULTED_BEFORE_SUBMISSION % {"code": review.household.code, "date": _date(review.submitted_on)}
            raise ValidationError({"consulted_on": str(message)})
    _move(reviews, step=Step.CONSULT_DISTRICT, user=user, district_consulted_on=consulted_on)


def _check_decision_number(*, review_round: ReviewRound, number: str, signed_on: datetime.date) -> None:
    """A decision's number is its own in the commune and the year: documents are numbered from 01 each year
    (Decree 30/2020/NĐ-CP on clerical work, Appendix I (check)). A number already used is refused rather than
    the reviews joined to a decision already signed."""
    # Lock the commune's row: two chairs signing in the same commune at once take their numbers one after the
    # other (PostgreSQL; SQLite serialises writers anyway).
    list(AdministrativeUnit.objects.select_for_update().filter(pk=review_round.commune_id).values_list("pk"))
    taken = ReviewDecision.objects.filter(number__iexact=number).filter(
        Q(round=review_round) | Q(round__commune_id=review_round.commune_id, signed_on__year=signed_on.year)
    )
    if taken.exists():
        raise ValidationError(
            {
                "decision_number": str(
                    DECISION_NUMBER_TAKEN % {"number": number, "commune": review_round.commune, "year": signed_on.year}
                )
            },
            code="decision_number_taken",
        )


@transaction.atomic
def review_approve(
    *, user: User, reviews: Sequence[HouseholdReview], decision_number: str, signed_on: datetime.date
) -> ReviewDecision:
    """Step 6: the commune chair's decision (Form 02), a new one with a number of its own, signed on or after the
    step before it and not in the future. Approved reviews are locked, as is their standard."""
    _refuse_unless_allowed(Step.APPROVE, user=user, reviews=reviews)
    rounds = {r.round_id for r in reviews}
    if len(rounds) != 1:
        raise ValidationError(_("A decision approves reviews of one round."))
    number = " ".join(decision_number.split())
    if not number:
        raise ValidationError({"decision_number": str(DECISION_NUMBER_MISSING)})
    _refuse_future(signed_on, field="signed_on", message=SIGNED_IN_FUTURE)
    for review in reviews:
        before = max((d for d in (review.submitted_on, review.district_consulted_on) if d), default=None)
        if before and signed_on < before:
            raise ValidationError(
                {"signed_on": str(SIGNED_TOO_EARLY % {"code": review.household.code, "date": _date(before)})}
            )
    review_round = reviews[0].round
    _check_decision_number(review_round=review_round, number=number, signed_on=signed_on)
    decision = ReviewDecision(round=review_round, number=number, signed_on=signed_on, signer=user)
    decision.full_clean()
    decision.save()
    for review in reviews:
        # The household's past may have changed since the review was entered (an earlier round approved).
        _set_transition(review)
    _move(reviews, step=Step.APPROVE, user=user, decision=decision, approved_at=timezone.now())
    standard_lock(standard=review_round.standard)
    # The statistics count the approved reviews, updated in the same transaction.
    statistics_apply(reviews=reviews)
    audit_record(action=AuditAction.APPROVAL, user=user, decision=decision.number, reviews=[r.pk for r in reviews])
    return decision


@transaction.atomic
def review_return(*, user: User, reviews: Sequence[HouseholdReview], reason: str) -> None:
    """Send reviews back to the commune staff with a reason; they become editable again."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for returning the review.")})
    _refuse_unless_allowed(Step.RETURN, user=user, reviews=reviews)
    _move(reviews, step=Step.RETURN, user=user, returned_reason=reason.strip())
