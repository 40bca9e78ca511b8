"""Review rounds and household reviews (rà soát), with the steps of Decision 24/2021/QĐ-TTg."""

from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.transitions import TRANSITION_LABELS
from standards.classification import Status

from .registry import Household
from .units import AdministrativeUnit, province_key

STATUS_CHOICES = [
    (Status.POOR.value, _("Poor")),
    (Status.NEAR_POOR.value, _("Near-poor")),
    (Status.AVERAGE.value, _("Average living standard")),
    (Status.NOT_POOR.value, _("Not poor")),
]
TRANSITION_CHOICES = [(t.value, label) for t, label in TRANSITION_LABELS.items()]


class ReviewKind(models.TextChoices):
    ANNUAL = "annual", _("Annual review")
    ONGOING = "ongoing", _("Ongoing review")


# Decision 24/2021/QĐ-TTg, art. 4: the annual review runs from 1 September to 14 December.
ANNUAL_REVIEW_START = (9, 1)
ANNUAL_REVIEW_END = (12, 14)


class ReviewRound(models.Model):
    commune = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="review_rounds"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=ReviewKind.choices)
    standard = models.ForeignKey(
        "standards.PovertyStandard", verbose_name=_("poverty standard"), on_delete=models.PROTECT
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # The day the members' ages are taken on (households.review_facts.review_reference_date): the start of
    # the review (Decision 24/2021/QĐ-TTg, art. 4: 1 September for the annual review), so that a review
    # entered late, or a past round imported years later, classifies people as they were.
    reference_date = models.DateField(
        _("reference date"),
        null=True,
        blank=True,
        help_text=_("The day the members' ages are taken on. Empty: the day the round starts."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-year", "commune__name", "kind"]
        constraints = [
            # A year can hold an annual round under each of two standards: the end-of-period review is
            # the baseline of the next period under the next standard (seed 003: 2021 under 2016-2020
            # and under 2021-2025).
            models.UniqueConstraint(
                fields=["commune", "year", "standard"],
                condition=Q(kind="annual"),
                name="one_annual_round_per_commune_year_standard",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} – {self.commune}"

    def get_absolute_url(self) -> str:
        return reverse("households:round-detail", args=[self.pk])

    @staticmethod
    def annual_period(year: int) -> tuple[date, date]:
        return date(year, *ANNUAL_REVIEW_START), date(year, *ANNUAL_REVIEW_END)

    @property
    def ages_on(self) -> date:
        """The round's reference date, by default its first day."""
        return self.reference_date or self.starts_on


class VillageMeeting(models.Model):
    """Step 3: the village meeting that confirms the list (minutes; at least half agreeing)."""

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("review round"), on_delete=models.CASCADE, related_name="meetings"
    )
    village = models.ForeignKey(AdministrativeUnit, verbose_name=_("village"), on_delete=models.PROTECT)
    held_on = models.DateField(_("held on"))
    attendance = models.PositiveIntegerField(_("attendance"), validators=[MinValueValidator(1)])
    agreeing = models.PositiveIntegerField(_("agreeing"))
    minutes = models.FileField(_("minutes"), upload_to="meeting-minutes/%Y/", blank=True)
    # The meeting's result, kept as it was decided: under half agreeing sends the reviews back to be checked
    # again and discussed at a new meeting (Decision 24/2021/QĐ-TTg, art. 4, step 3).
    agreed = models.BooleanField(_("agreed"), default=True)

    class Meta:
        verbose_name = _("village meeting")
        verbose_name_plural = _("village meetings")

    def __str__(self) -> str:
        return f"{self.village} {self.held_on:%d/%m/%Y}"


class ReviewDecision(models.Model):
    """Step 6: the commune chair's decision (Form 02) recognising the households of a round."""

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("review round"), on_delete=models.PROTECT, related_name="decisions"
    )
    number = models.CharField(_("decision number"), max_length=50)
    signed_on = models.DateField(_("signed on"))
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        constraints = [models.UniqueConstraint(fields=["round", "number"], name="decision_number_unique_in_round")]

    def __str__(self) -> str:
        return self.number


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # The village meeting did not agree (under half of those present): checked again, then a new meeting.
    RECHECKING = "rechecking", _("Being checked again")
    MEETING_CONFIRMED = "meeting_confirmed", _("Confirmed by the village meeting")
    POSTED = "posted", _("Posted publicly")
    SUBMITTED = "submitted", _("Submitted")
    # Until 30 June 2025 only: the district chair gave an opinion (Decision 24/2021/QĐ-TTg, art. 4, step 5).
    DISTRICT_CONSULTED = "district_consulted", _("District chair consulted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class Cause(models.TextChoices):
    # The eight causes of poverty of the review forms (Circular 07/2021/TT-BLĐTBXH).
    NO_LAND = "no_land", _("No land for production")
    NO_CAPITAL = "no_capital", _("No capital")
    NO_LABOUR = "no_labour", _("No labour")
    NO_TOOLS = "no_tools", _("No tools or means of production")
    NO_KNOWHOW = "no_knowhow", _("No know-how")
    NO_SKILLS = "no_skills", _("No vocational skills")
    ILLNESS = "illness", _("Illness or accident")
    OTHER = "other", _("Other")


class HouseholdReview(models.Model):
    # No index of its own: the constraint and review_round_state_idx below both begin with the round.
    round = models.ForeignKey(
        ReviewRound, verbose_name=_("review round"), on_delete=models.PROTECT, related_name="reviews", db_index=False
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="reviews"
    )
    # The unit and area as they were on the day of the review (domain.md §1).
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    village = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    # The sharding key (households.sharding): the household's province, not the reviewed commune's, so that a review
    # of an old commune lives on its household's shard; set on every write (households.provinces). No index of its
    # own: on one PostgreSQL the round's and the household's indexes find the rows.
    province = province_key()
    is_urban = models.BooleanField(_("urban"), editable=False)
    # The commune's mountainous or island flag that day (Decision 1143/2000/QĐ-LĐTBXH, 2001-2005 line).
    is_mountain_island = models.BooleanField(
        _("mountainous or island area"), default=False, db_default=False, editable=False
    )
    requested_on = models.DateField(_("requested on"), null=True, blank=True)
    income_per_capita = models.PositiveBigIntegerField(_("income per person per month (VND)"))
    facts = models.JSONField(_("indicator facts"), default=dict, blank=True)
    causes = models.JSONField(_("causes of poverty"), default=list, blank=True)
    # Computed by standards.classification.classify, never typed.
    deprived = models.JSONField(default=list, editable=False)
    deprived_count = models.PositiveSmallIntegerField(default=0, editable=False)
    status = models.CharField(_("classification"), max_length=10, choices=STATUS_CHOICES, editable=False)
    explanation = models.JSONField(default=list, editable=False)
    previous_status = models.CharField(max_length=10, choices=STATUS_CHOICES, blank=True, editable=False)
    transition = models.CharField(_("transition"), max_length=24, choices=TRANSITION_CHOICES, editable=False)
    state = models.CharField(_("state"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT)
    meeting = models.ForeignKey(VillageMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews")
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    complaints_until = models.DateField(_("complaints until"), null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The day it was reported to the chair (a past round is entered afterwards with its own dates).
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    district_consulted_on = models.DateField(_("district chair consulted on"), null=True, blank=True)
    decision = models.ForeignKey(
        ReviewDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(_("reason for return"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # History is read by review (its id) only: the other columns need no index there.
    history = HistoricalRecords(
        no_db_index=["round", "household", "commune", "village", "meeting", "decision", "created_by"]
    )

    class Meta:
        verbose_name = _("household review")
        verbose_name_plural = _("household reviews")
        ordering = ["round", "household__code"]
        constraints = [models.UniqueConstraint(fields=["round", "household"], name="one_review_per_household_round")]
        # (round, state, village) + household: a round's progress by state and the ids of its pages, within
        # the user's villages, read from the index alone (a commune's round holds thousands of reviews).
        indexes = [
            models.Index(fields=["state", "status"]),
            models.Index(
                fields=["round", "state", "village"], include=["household", "id"], name="review_round_state_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} ({self.round.year})"

    def get_absolute_url(self) -> str:
        return reverse("households:review-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in (ReviewState.DRAFT, ReviewState.RETURNED, ReviewState.RECHECKING)
