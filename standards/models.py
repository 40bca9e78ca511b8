"""Poverty standards as data: one standard per period, with its income lines, dimensions and indicators.

The rule that runs on these rows is ``standards.classification.classify``; ``standards.selectors.
standard_rules`` turns a standard into the plain ``StandardRules`` it takes. Changes go through
``standards.services``: once an approved review uses a standard it is locked, and it changes only by
a new version. Values not yet confirmed against the legal text are marked ``confirmed=False`` and stay
editable data.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .classification import Area, Method

_YEAR = [MinValueValidator(1990), MaxValueValidator(2100)]


class MethodChoice(models.TextChoices):
    INCOME_ONLY = Method.INCOME_ONLY.value, _("Income only")
    INCOME_OR_DEPRIVATION = Method.INCOME_OR_DEPRIVATION.value, _("Income, or income and deprivations (2016-2020)")
    INCOME_AND_DEPRIVATION = Method.INCOME_AND_DEPRIVATION.value, _("Income and deprivations (from 2021)")


class AreaChoice(models.TextChoices):
    RURAL = Area.RURAL.value, _("Rural")
    URBAN = Area.URBAN.value, _("Urban")


class PovertyStandardQuerySet(models.QuerySet):
    def latest_versions(self) -> "PovertyStandardQuerySet":
        newest = PovertyStandard.objects.filter(code=OuterRef("code")).order_by("-version").values("version")[:1]
        return self.filter(version=Subquery(newest))

    def in_force(self, year: int) -> "PovertyStandardQuerySet":
        return self.filter(year_from__lte=year, year_to__gte=year)


class PovertyStandardManager(models.Manager.from_queryset(PovertyStandardQuerySet)):
    def get_by_natural_key(self, code: str, version: int) -> "PovertyStandard":
        return self.get(code=code, version=version)


class PovertyStandard(models.Model):
    code = models.CharField(
        _("period"),
        max_length=9,
        validators=[RegexValidator(r"^\d{4}-\d{4}$", _("Write the period as YYYY-YYYY."))],
        help_text=_("For example 2021-2025."),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    name = models.CharField(_("name"), max_length=200)
    document_number = models.CharField(_("legal document number"), max_length=50)
    document_date = models.DateField(_("legal document date"))
    document_title = models.CharField(_("legal document title"), max_length=300)
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Amendments, and values not yet confirmed against the legal text.")
    )
    year_from = models.PositiveSmallIntegerField(
        _("first year"), validators=_YEAR, help_text=_("First year the standard classifies households for.")
    )
    year_to = models.PositiveSmallIntegerField(_("last year"), validators=_YEAR)
    method = models.CharField(_("rule"), max_length=30, choices=MethodChoice.choices)
    deprivation_cutoff = models.PositiveSmallIntegerField(
        _("deprivation cut-off"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Poor with at least this many deprived indicators. Empty for income-only standards."),
    )
    locked = models.BooleanField(
        _("locked"),
        default=False,
        editable=False,
        help_text=_("Used by approved reviews: changes need a new version."),
    )
    based_on = models.ForeignKey(
        "self", verbose_name=_("based on"), null=True, blank=True, editable=False, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PovertyStandardManager()

    class Meta:
        # The table keeps the name it was made with: renaming a live table gains nothing.
        db_table = "programmes_povertystandard"
        verbose_name = _("poverty standard")
        verbose_name_plural = _("poverty standards")
        ordering = ["year_from", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="standard_code_version_unique"),
            models.CheckConstraint(condition=Q(year_from__lte=F("year_to")), name="standard_years_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def natural_key(self) -> tuple[str, int]:
        return (self.code, self.version)

    def clean(self):
        needs_cutoff = self.method != MethodChoice.INCOME_ONLY
        if needs_cutoff and self.deprivation_cutoff is None:
            raise ValidationError({"deprivation_cutoff": _("A rule with deprivations needs a cut-off.")})
        if not needs_cutoff and self.deprivation_cutoff is not None:
            raise ValidationError({"deprivation_cutoff": _("An income-only rule has no cut-off.")})


class StandardRowManager(models.Manager):
    """Rows of a standard are found by the standard's natural key and their own (fixtures carry no ids)."""

    key_field = "code"

    def get_by_natural_key(self, standard_code: str, standard_version: int, key) -> models.Model:
        return self.get(standard__code=standard_code, standard__version=standard_version, **{self.key_field: key})


class IncomeLineManager(StandardRowManager):
    key_field = "year_from"


class IncomeLine(models.Model):
    """The lines of a standard for a run of years (VND per person per month; "X and below" is poor)."""

    standard = models.ForeignKey(
        PovertyStandard, verbose_name=_("poverty standard"), on_delete=models.CASCADE, related_name="income_lines"
    )
    year_from = models.PositiveSmallIntegerField(_("first year"), validators=_YEAR)
    year_to = models.PositiveSmallIntegerField(_("last year"), validators=_YEAR)
    poor_rural = models.PositiveIntegerField(_("poor line, rural"))
    poor_urban = models.PositiveIntegerField(_("poor line, urban"))
    poor_rural_mountain = models.PositiveIntegerField(
        _("poor line, rural mountainous and island areas"), null=True, blank=True
    )
    near_poor_rural = models.PositiveIntegerField(_("near-poor upper bound, rural"), null=True, blank=True)
    near_poor_urban = models.PositiveIntegerField(_("near-poor upper bound, urban"), null=True, blank=True)
    minimum_living_rural = models.PositiveIntegerField(_("minimum living standard, rural"), null=True, blank=True)
    minimum_living_urban = models.PositiveIntegerField(_("minimum living standard, urban"), null=True, blank=True)
    average_rural = models.PositiveIntegerField(_("average living standard upper bound, rural"), null=True, blank=True)
    average_urban = models.PositiveIntegerField(_("average living standard upper bound, urban"), null=True, blank=True)
    confirmed = models.BooleanField(_("confirmed against the legal text"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    objects = IncomeLineManager()

    class Meta:
        # The table keeps the name it was made with: renaming a live table gains nothing.
        db_table = "programmes_incomeline"
        verbose_name = _("income line")
        verbose_name_plural = _("income lines")
        ordering = ["standard", "year_from"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "year_from"], name="income_line_unique_start"),
            models.CheckConstraint(condition=Q(year_from__lte=F("year_to")), name="income_line_years_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.standard.code}: {self.year_from}-{self.year_to}"

    def natural_key(self):
        return (*self.standard.natural_key(), self.year_from)

    natural_key.dependencies = ["standards.povertystandard"]

    def clean(self):
        errors = {}
        needs_minimum = self.standard_id and self.standard.method == MethodChoice.INCOME_OR_DEPRIVATION
        for area in AreaChoice.values:
            poor = getattr(self, f"poor_{area}")
            for name in ("near_poor", "minimum_living", "average"):
                value = getattr(self, f"{name}_{area}")
                if value is not None and poor is not None and value <= poor:
                    errors[f"{name}_{area}"] = _("Must be above the poor line.")
            # Decision 59/2015/QĐ-TTg, art. 2: the rule reads the minimum living standard.
            if needs_minimum and getattr(self, f"minimum_living_{area}") is None:
                errors[f"minimum_living_{area}"] = _("This rule needs a minimum living standard.")
        if self.standard_id and self.year_from is not None and self.year_to is not None:
            standard = self.standard
            if not standard.year_from <= self.year_from <= self.year_to <= standard.year_to:
                errors["year_to"] = _("The years must lie within the period of the standard.")
            siblings = IncomeLine.objects.filter(
                standard=standard, year_from__lte=self.year_to, year_to__gte=self.year_from
            ).exclude(pk=self.pk)
            if siblings.exists():
                errors["year_from"] = _("The years overlap another income line of this standard.")
        if errors:
            raise ValidationError(errors)


class Dimension(models.Model):
    """A basic social service (dịch vụ xã hội cơ bản) the indicators of a standard are grouped under."""

    standard = models.ForeignKey(
        PovertyStandard, verbose_name=_("poverty standard"), on_delete=models.CASCADE, related_name="dimensions"
    )
    code = models.SlugField(_("code"), max_length=40)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = StandardRowManager()

    class Meta:
        # The table keeps the name it was made with: renaming a live table gains nothing.
        db_table = "programmes_dimension"
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["standard", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="dimension_code_unique")]

    def __str__(self) -> str:
        return self.name_vi

    def natural_key(self):
        return (*self.standard.natural_key(), self.code)

    natural_key.dependencies = ["standards.povertystandard"]


class Indicator(models.Model):
    """A deprivation indicator; ``thresholds`` are the facts that decide it (see ``standards.indicators``)."""

    standard = models.ForeignKey(
        PovertyStandard, verbose_name=_("poverty standard"), on_delete=models.CASCADE, related_name="indicators"
    )
    dimension = models.ForeignKey(
        Dimension, verbose_name=_("dimension"), on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.SlugField(_("code"), max_length=40)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    thresholds = models.JSONField(_("thresholds"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    confirmed = models.BooleanField(_("confirmed against the legal text"), default=False)
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("The legal source of the indicator and its threshold.")
    )

    objects = StandardRowManager()

    class Meta:
        # The table keeps the name it was made with: renaming a live table gains nothing.
        db_table = "programmes_indicator"
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["standard", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="indicator_code_unique")]

    def __str__(self) -> str:
        return self.name_vi

    def natural_key(self):
        return (*self.standard.natural_key(), self.code)

    natural_key.dependencies = ["standards.povertystandard", "standards.dimension"]

    def clean(self):
        if self.dimension_id and self.standard_id and self.dimension.standard_id != self.standard_id:
            raise ValidationError({"dimension": _("The dimension belongs to another standard.")})
        if not isinstance(self.thresholds, dict):
            raise ValidationError({"thresholds": _("Thresholds are a JSON object.")})


class PublicHoliday(models.Model):
    """A weekday on which public servants do not work: a holiday of the Labour Code 2019 (art. 112), a day off
    in lieu of one that fell on a weekend (art. 112(3)), or a day off swapped for a weekend worked, as the
    Government announces each year. Data, so that an administrator adds the next years as they are announced;
    periods counted in working days (the review's complaint period) skip these days and the weekends.

    Weekends worked in exchange (ngày làm bù) are not stored: counting them as days off only lengthens a
    period in working days, to the advantage of those who may complain."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    note = models.CharField(
        _("note"), max_length=255, blank=True, help_text=_("Where the day comes from, and what is still to check.")
    )

    class Meta:
        # The table keeps the name it was made with: renaming a live table gains nothing.
        db_table = "programmes_publicholiday"
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class CertificateTerm(models.TextChoices):
    """Until when a certificate stays valid; ``standards.certificates.certificate_valid_until`` reads it."""

    NEXT_REVIEW = "next_review", _("Until the decision of the next annual review")
    END_OF_YEAR = "end_of_year", _("Until 31 December of the review's year")
    END_OF_NEXT_YEAR = "end_of_next_year", _("Until 31 December of the year after the review")
    END_OF_PERIOD = "end_of_period", _("Until 31 December of the standard's last year")


class CertificateValidity(models.Model):
    """How long the certificate of a poor or near-poor household (Form 03, Decision 24/2021/QĐ-TTg) is valid,
    for the reviews under the standards of a period. Data, not a constant: the form prints no term and the rule
    was not confirmed against the legal text; without a row the certificate is valid until the next annual
    review recognises the households again, which is what the annual review itself does."""

    period = models.CharField(
        _("period"),
        max_length=9,
        unique=True,
        validators=[RegexValidator(r"^\d{4}-\d{4}$", _("Write the period as YYYY-YYYY."))],
        help_text=_("The standard's period, for example 2021-2025."),
    )
    term = models.CharField(
        _("valid"), max_length=20, choices=CertificateTerm.choices, default=CertificateTerm.NEXT_REVIEW
    )
    confirmed = models.BooleanField(_("confirmed against the legal text"), default=False)
    note = models.CharField(_("note"), max_length=255, blank=True, help_text=_("The legal basis, or what is to check."))

    class Meta:
        verbose_name = _("certificate validity")
        verbose_name_plural = _("certificate validities")
        ordering = ["period"]

    def __str__(self) -> str:
        return f"{self.period}: {self.get_term_display()}"
