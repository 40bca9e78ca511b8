"""The review workflow: open a round, enter a household's review, and take it through the steps to approval.

Each step is one function; who may take it, and from which state, is decided by ``households.workflow``.
The status is computed by ``programmes.classification.classify`` from the facts, never typed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_record
from accounts.models import AuditAction, Role
from households.access import check_can_edit_unit
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
from households.review_facts import classify_household
from households.selectors import last_approved_statuses
from households.transitions import transition_under
from households.workflow import STEP_TO, Step, step_refusal
from programmes.models import PovertyStandard
from programmes.selectors import rules_year, standard_for_round
from programmes.services import standard_lock
from reports.services import statistics_apply

if TYPE_CHECKING:
    from accounts.models import User

# Decision 24/2021/QĐ-TTg, art. 4(2)(c): the list is posted for 3 working days for complaints. (check)
# Counted here in calendar days; an administrator setting is planned.
COMPLAINT_DAYS = 3
# Decision 24/2021/QĐ-TTg, art. 4: the village meeting confirms the list when at least half agree.
MEETING_MIN_SHARE = 0.5


def _refuse_unless_allowed(step: Step, *, user: User, reviews: Sequence[HouseholdReview]) -> None:
    # Lock the rows and re-read their state: of two people taking a step at once, the second one sees the
    # state the first left and is refused with its message.
    states = dict(
        HouseholdReview.objects.select_for_update().filter(pk__in=[r.pk for r in reviews]).values_list("pk", "state")
    )
    for review in reviews:
        review.state = states.get(review.pk, review.state)
        check_can_edit_unit(user, review.village)
        refusal = step_refusal(step, role=user.role, is_superuser=user.is_superuser, state=review.state)
        if refusal:
            raise WorkflowError(f"{review.household.code}: {refusal}")


def _move(reviews: Sequence[HouseholdReview], *, step: Step, user: User, **changes: Any) -> None:
    for review in reviews:
        # Claim the step with a conditional update: of two people taking it at once, only one changes the
        # row, even where the database ignores the row locks (SQLite).
        claimed = HouseholdReview.objects.filter(pk=review.pk, state=review.state).update(state=STEP_TO[step])
        if not claimed:
            raise WorkflowError(f"{review.household.code}: {EDITED_MEANWHILE}")
        review.state = STEP_TO[step]
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
) -> ReviewRound:
    """Open a review round in a commune, under ``standard`` or by default the one the legal calendar gives
    it (``programmes.selectors.standard_for_round``: an annual round gives the list of the next year)."""
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
    review_round.standard = standard
    review_round.full_clean()
    review_round.save(update_fields=["standard"])
    today = timezone.localdate()
    for review in reviews:
        review.round = review_round
        try:
            _classify(review, on=today)
        except ValidationError as error:
            review.state = ReviewState.RETURNED
            review.returned_reason = _("The round's standard is now %(standard)s: %(missing)s") % {
                "standard": standard,
                "missing": " ".join(error.messages),
            }
        else:
            _set_transition(review)
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


def _classify(review: HouseholdReview, *, on: datetime.date) -> None:
    """Classify the review from its facts and the household's members; keep the facts used."""
    review_round = review.round
    result = classify_household(
        standard=review_round.standard,
        # The year whose income line applies: the next year for an annual round (its list is that year's).
        year=rules_year(year=review_round.year, kind=review_round.kind, standard=review_round.standard),
        is_urban=review.is_urban,
        income=review.income_per_capita,
        facts=review.facts,
        members=list(review.household.members.all()),
        on=on,
    )
    review.facts = result.facts
    review.status = result.status
    review.deprived = list(result.deprived)
    review.deprived_count = result.deprived_count
    review.explanation = list(result.explanation)


def _set_transition(review: HouseholdReview) -> None:
    """The transition against the household's approved statuses up to the review's year, under the round's
    standard only (domain.md §2)."""
    history = last_approved_statuses(
        household_ids=[review.household_id], up_to_year=review.round.year, exclude_review_id=review.pk
    ).get(review.household_id, [])
    review.previous_status, review.transition = transition_under(
        history, review.status, standard_code=review.round.standard.code
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
    refusal = step_refusal(Step.EDIT, role=user.role, is_superuser=user.is_superuser, state=ReviewState.DRAFT)
    if refusal:
        raise WorkflowError(refusal)
    if household.commune_id != review_round.commune_id:
        raise ValidationError({"household": _("The household does not belong to the round's commune.")})
    review = HouseholdReview(
        round=review_round,
        household=household,
        commune=household.commune,
        village=household.village,
        is_urban=household.village.is_urban,
        income_per_capita=income_per_capita,
        facts=dict(facts),
        causes=_check_causes(causes),
        requested_on=requested_on,
        created_by=user,
    )
    _classify(review, on=timezone.localdate())
    _set_transition(review)
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
    _classify(review, on=timezone.localdate())
    _set_transition(review)
    review._history_user = user
    review.save()
    return review


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
    """Step 3: the village meeting confirmed these reviews (minutes; at least half of those present agree)."""
    _refuse_unless_allowed(Step.CONFIRM_MEETING, user=user, reviews=reviews)
    if any(r.village_id != village.pk for r in reviews):
        raise ValidationError({"village": _("Every review must be of a household of this village.")})
    if attendance <= 0 or agreeing > attendance:
        raise ValidationError({"agreeing": _("Those agreeing cannot be more than those present.")})
    if agreeing / attendance < MEETING_MIN_SHARE:
        raise ValidationError(
            {
                "agreeing": _("Fewer than half of those present agreed (%(agreeing)s of %(attendance)s).")
                % {"agreeing": agreeing, "attendance": attendance}
            }
        )
    meeting = VillageMeeting(
        round=reviews[0].round, village=village, held_on=held_on, attendance=attendance, agreeing=agreeing
    )
    if minutes:
        meeting.minutes = minutes
    meeting.full_clean()
    meeting.save()
    _move(reviews, step=Step.CONFIRM_MEETING, user=user, meeting=meeting, returned_reason="")
    return meeting


@transaction.atomic
def review_post(*, user: User, reviews: Sequence[HouseholdReview], posted_on: datetime.date) -> None:
    """Step 4: the list is posted publicly; complaints are heard until ``complaints_until``."""
    _refuse_unless_allowed(Step.POST, user=user, reviews=reviews)
    until = posted_on + datetime.timedelta(days=COMPLAINT_DAYS)
    _move(reviews, step=Step.POST, user=user, posted_on=posted_on, complaints_until=until)


@transaction.atomic
def review_submit(*, user: User, reviews: Sequence[HouseholdReview], today: datetime.date | None = None) -> None:
    """Step 5: reported to the commune chair, once the complaint period is over."""
    _refuse_unless_allowed(Step.SUBMIT, user=user, reviews=reviews)
    today = today or timezone.localdate()
    open_complaints = [r for r in reviews if r.complaints_until and today <= r.complaints_until]
    if open_complaints:
        raise WorkflowError(
            _("The complaint period runs until %(date)s; submit after it.")
            % {"date": open_complaints[0].complaints_until.strftime("%d/%m/%Y")}
        )
    _move(reviews, step=Step.SUBMIT, user=user, submitted_at=timezone.now())


@transaction.atomic
def review_approve(
    *, user: User, reviews: Sequence[HouseholdReview], decision_number: str, signed_on: datetime.date
) -> ReviewDecision:
    """Step 6: the commune chair's decision (Form 02). Approved reviews are locked, as is their standard."""
    _refuse_unless_allowed(Step.APPROVE, user=user, reviews=reviews)
    rounds = {r.round_id for r in reviews}
    if len(rounds) != 1:
        raise ValidationError(_("A decision approves reviews of one round."))
    review_round = reviews[0].round
    decision, _created = ReviewDecision.objects.get_or_create(
        round=review_round, number=decision_number.strip(), defaults={"signed_on": signed_on, "signer": user}
    )
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
