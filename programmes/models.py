"""Plans and what they set: goals, the target table, the task table, and the national programme's projects.

A plan is a decision of the provincial People's Committee (seed 002: 397/QĐ-UBND). Its target table
holds, per unit and year, the figures the document printed; totals and rates are computed from the rows
(``programmes.progress``), and where the document printed a total or a rate it is kept as printed so any
difference from the computed value can be shown (domain.md §5). Writes go through
``programmes.services``; reads through ``programmes.selectors``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .progress import Comparison, comparison_in

_YEAR = [MinValueValidator(1990), MaxValueValidator(2100)]


def _percent(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=6, decimal_places=2, null=True, blank=True, **kwargs)


class Plan(models.Model):
    title = models.CharField(_("title"), max_length=300)
    decision_number = models.CharField(_("decision number"), max_length=50)
    decision_date = models.DateField(_("decision date"))
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    signer = models.CharField(_("signed by"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "households.AdministrativeUnit",
        verbose_name=_("unit covered"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    period_from = models.PositiveSmallIntegerField(_("programme period from"), validators=_YEAR)
    period_to = models.PositiveSmallIntegerField(_("programme period to"), validators=_YEAR)
    year_from = models.PositiveSmallIntegerField(_("first year covered"), validators=_YEAR)
    year_to = models.PositiveSmallIntegerField(_("last year covered"), validators=_YEAR)
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"),
        validators=_YEAR,
        help_text=_("The year of the review whose results the target table starts from."),
    )
    standard = models.ForeignKey(
        "standards.PovertyStandard",
        verbose_name=_("poverty standard"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("The standard the rates are measured under."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-decision_date", "decision_number"]
        constraints = [
            models.UniqueConstraint(fields=["decision_number", "issuing_body"], name="plan_decision_unique"),
            models.CheckConstraint(condition=Q(period_from__lte=F("period_to")), name="plan_period_ordered"),
            models.CheckConstraint(condition=Q(year_from__lte=F("year_to")), name="plan_years_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} – {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:plan-detail", args=[self.pk])

    def clean(self):
        if self.year_from and self.year_to and self.year_from > self.year_to:
            raise ValidationError({"year_to": _("The last year comes before the first.")})
        if self.period_from and self.period_to and self.period_from > self.period_to:
            raise ValidationError({"period_to": _("The period ends before it starts.")})

    @property
    def years(self) -> range:
        return range(self.year_from, self.year_to + 1)


class GoalKind(models.TextChoices):
    END_RATE = "end_rate", _("Poverty rate at the end of the period")
    REDUCTION_PP = "reduction_pp", _("Reduction of the poverty rate per year (percentage points)")
    REDUCTION_HOUSEHOLDS = "reduction_households", _("Reduction of poor households per year")
    OUTPUT = "output", _("Output target")


class GoalGroup(models.TextChoices):
    ALL = "all", _("Whole unit")
    ETHNIC_MINORITY_COMMUNES = "ethnic_minority_communes", _("Ethnic-minority communes")
    POOR_DISTRICTS = "poor_districts", _("Poor districts")
    SPECIAL_DIFFICULTY_COMMUNES = "special_difficulty_communes", _("Special-difficulty communes")
    OTHER = "other", _("Other group")


class Direction(models.TextChoices):
    """The wording of a goal, labelled by the words the plans use; ``programmes.progress.meets`` reads it.

    "dưới" and "trên" exclude the target itself, "không quá" and "ít nhất"/"đạt" include it (Vietnamese legal
    drafting; the seeds' own use is quoted at ``programmes.progress.Comparison``).
    """

    BELOW = Comparison.BELOW.value, _("below")
    AT_MOST = Comparison.AT_MOST.value, _("not more than")
    ABOVE = Comparison.ABOVE.value, _("above")
    AT_LEAST = Comparison.AT_LEAST.value, _("at least / reaching")


class PlanGoal(models.Model):
    """A headline goal or an output target. A range such as "2-2.5%" keeps both ends; the verdict uses the low end.

    Rate goals of a group with ``units`` are measured from approved reviews; every other goal compares
    the ``actual`` an officer enters.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="goals")
    kind = models.CharField(_("kind"), max_length=24, choices=GoalKind.choices)
    group = models.CharField(_("group"), max_length=30, choices=GoalGroup.choices, default=GoalGroup.ALL)
    description = models.CharField(_("description"), max_length=300)
    direction = models.CharField(
        _("direction"),
        max_length=8,
        choices=Direction.choices,
        default=Direction.AT_LEAST,
        help_text=_(
            "How the goal is worded: “below” and “above” leave the target itself out; “not more than” and "
            "“at least / reaching” count the target itself as reached."
        ),
    )
    target_low = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    target_high = models.DecimalField(_("target, upper end"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=50, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=_YEAR, help_text=_("Empty: the goal is for every year.")
    )
    units = models.ManyToManyField(
        "households.AdministrativeUnit",
        verbose_name=_("units of the group"),
        blank=True,
        related_name="+",
        help_text=_("For a group goal on rates: measured from the approved reviews of these units."),
    )
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual_note = models.CharField(_("source of the actual"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.description

    def clean(self):
        errors = {}
        if self.target_high is not None and self.target_low is not None and self.target_high < self.target_low:
            errors["target_high"] = _("The upper end is below the target.")
        # An unknown value is the field's own error; the wording is checked only against a known one.
        chosen = Comparison(self.direction) if self.direction in Direction.values else None
        if chosen is not None and self.kind == GoalKind.END_RATE and not chosen.ceiling:
            errors["direction"] = _(
                "A poverty rate at the end of the period is a ceiling: choose “below” or “not more than”."
            )
        stated = comparison_in(self.description or "", self.target_low)
        if chosen is not None and stated is not None and stated != chosen and "direction" not in errors:
            errors["direction"] = _("The description says “%(stated)s”, but the comparison chosen is “%(chosen)s”.") % {
                "stated": Direction(stated).label,
                "chosen": Direction(chosen).label,
            }
        if errors:
            raise ValidationError(errors)


# The figures of a target row, in the column order of seed 002's table (counts, then the printed rates).
TARGET_ROW_FIGURES = (
    "households",
    "poor_households",
    "poor_rate_printed",
    "reduction_households",
    "reduction_pp_printed",
    "near_poor_households",
    "near_poor_rate_printed",
    "near_poor_reduction_households",
    "near_poor_reduction_pp_printed",
)


class TargetRow(models.Model):
    """One row of the target table, as printed: a unit's start figures and planned reduction for a year."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="target_rows")
    unit = models.ForeignKey(
        "households.AdministrativeUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("target year"), validators=_YEAR)
    order = models.PositiveSmallIntegerField(_("row number"), default=0)
    households = models.PositiveIntegerField(_("households"))
    poor_households = models.PositiveIntegerField(_("poor households at the start"))
    poor_rate_printed = _percent(_("poverty rate at the start, as printed (%)"))
    reduction_households = models.PositiveIntegerField(_("planned reduction (households)"))
    reduction_pp_printed = _percent(_("planned reduction, as printed (percentage points)"))
    near_poor_households = models.PositiveIntegerField(_("near-poor households at the start"), null=True, blank=True)
    near_poor_rate_printed = _percent(_("near-poor rate at the start, as printed (%)"))
    near_poor_reduction_households = models.PositiveIntegerField(
        _("planned near-poor reduction (households)"), null=True, blank=True
    )
    near_poor_reduction_pp_printed = _percent(_("planned near-poor reduction, as printed (percentage points)"))

    class Meta:
        verbose_name = _("target row")
        verbose_name_plural = _("target rows")
        ordering = ["plan", "year", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit", "year"], name="target_row_unique_unit_year"),
            models.CheckConstraint(
                condition=Q(poor_households__lte=F("households")),
                name="target_poor_le_total",
                violation_error_message=_("There are more poor households than households."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class PrintedTotal(models.Model):
    """The total row of a target table as the document printed it; never used for computing."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="printed_totals")
    year = models.PositiveSmallIntegerField(_("target year"), validators=_YEAR)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    poor_households = models.PositiveIntegerField(_("poor households"), null=True, blank=True)
    poor_rate = _percent(_("poverty rate (%)"))
    reduction_households = models.PositiveIntegerField(_("planned reduction (households)"), null=True, blank=True)
    reduction_pp = _percent(_("planned reduction (percentage points)"))
    near_poor_households = models.PositiveIntegerField(_("near-poor households"), null=True, blank=True)
    near_poor_rate = _percent(_("near-poor rate (%)"))

    class Meta:
        verbose_name = _("printed total")
        verbose_name_plural = _("printed totals")
        ordering = ["plan", "year"]
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="printed_total_unique_year")]

    def __str__(self) -> str:
        return f"{self.plan.decision_number} {self.year}"


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlanTask(models.Model):
    """A row of the task-assignment table (seed 002, table 2)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("row number"), default=0)
    title = models.TextField(_("task"))
    lead_agency = models.CharField(_("lead agency"), max_length=300)
    partner_agencies = models.TextField(_("partner agencies"), blank=True)
    approving_body = models.CharField(_("approving body"), max_length=200, blank=True)
    deadline_text = models.CharField(_("deadline, as printed"), max_length=100, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True, help_text=_("The last day, for reminders."))
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    progress_notes = models.TextField(_("progress notes"), blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.title[:80]


class RateBand(models.Model):
    """A band of poverty rates for grouping communes and districts (seed 000's brackets are the default).

    A rate belongs to the first band, highest first, whose lower bound it passes; an empty lower bound
    catches everything below.
    """

    label = models.CharField(_("label"), max_length=50)
    minimum = models.DecimalField(_("lower bound (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    minimum_inclusive = models.BooleanField(_("lower bound included"), default=True)

    class Meta:
        verbose_name = _("poverty-rate band")
        verbose_name_plural = _("poverty-rate bands")
        ordering = [F("minimum").desc(nulls_last=True)]

    def __str__(self) -> str:
        return self.label


class Programme(models.TextChoices):
    NTP_2021_2025 = "2021-2025", _("National target programme for sustainable poverty reduction 2021-2025")
    NTP_2026_2035 = "2026-2035", _("Merged national target programme 2026-2035")


class Project(models.Model):
    """A project or sub-project of a national target programme (Decision 90/QĐ-TTg; Resolution 257/2025/QH15)."""

    programme = models.CharField(_("programme"), max_length=9, choices=Programme.choices)
    code = models.CharField(_("code"), max_length=10, help_text=_("For example 4.1."))
    name = models.CharField(_("name"), max_length=300)
    parent = models.ForeignKey(
        "self", verbose_name=_("project"), null=True, blank=True, on_delete=models.CASCADE, related_name="subprojects"
    )
    unit = models.ForeignKey(
        "households.AdministrativeUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The province (or commune) carrying the project out."),
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    beneficiaries = models.ManyToManyField(
        "households.Household", verbose_name=_("beneficiary households"), blank=True, related_name="projects"
    )

    class Meta:
        verbose_name = _("programme project")
        verbose_name_plural = _("programme projects")
        ordering = ["programme", "unit", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "unit", "code"], name="project_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("Central budget")
    PROVINCIAL = "provincial", _("Provincial budget")
    CREDIT = "credit", _("Policy credit")
    PEOPLE = "people", _("People's contribution")


class ProjectBudget(models.Model):
    """Allocation and disbursement of a project for a year from one source (million VND)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("year"), validators=_YEAR)
    source = models.CharField(_("source"), max_length=12, choices=FundingSource.choices)
    allocated = models.DecimalField(_("allocated (million VND)"), max_digits=14, decimal_places=2, default=0)
    disbursed = models.DecimalField(_("disbursed (million VND)"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["project", "year", "source"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "source"], name="budget_unique_year_source"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.year} {self.get_source_display()}"


class ProjectOutput(models.Model):
    """An output indicator of a project for a year: target and actual."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="outputs")
    name = models.CharField(_("indicator"), max_length=300)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=50)
    year = models.PositiveSmallIntegerField(_("year"), validators=_YEAR)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("output indicator")
        verbose_name_plural = _("output indicators")
        ordering = ["project", "year", "pk"]

    def __str__(self) -> str:
        return self.name
