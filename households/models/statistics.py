"""Aggregate tables behind the statistics: counts per commune, year, standard and slice, kept up to date on
approval, and the resident households each commune's rates are taken over.

Statistics never scan households per request. Each approved review contributes a few rows of counts
(``households.aggregates.contributions``); ``StatisticSource`` remembers which review currently stands for a
household in a year under a standard (an ongoing review approved later in the year replaces the annual one
of the same standard; the end-of-period annual review under the next standard stands beside it), so an
approval adds the new review's contributions and takes back the old one's, in the same transaction
(``households.services.statistics``). ``manage.py rebuild_statistics`` recomputes everything from the
approved reviews. The tables live in this app because its approval writes them; their database names keep
the ``reports_`` prefix they were created with.

``RegistryCount`` holds the registry's households per commune and village, counted by the year they left it:
the coverage's denominator, kept by PostgreSQL triggers on the households table (migration 0017), so that no
write (a form, an import's COPY, the carry-over's bulk move, a delete) can leave it behind.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .units import province_key


class StatisticDimension(models.TextChoices):
    STATUS = "status", _("Status")
    TRANSITION = "transition", _("Transition")
    ETHNICITY = "ethnicity", _("Ethnicity")
    GROUP = "group", _("Group")
    CAUSE = "cause", _("Cause")
    INDICATOR = "indicator", _("Indicator")


# The cells of the status dimension: one per commune, year, standard and status (``households.aggregates``).
STATUS_CELLS = Q(dimension="status", key="")


class StatisticCount(models.Model):
    """Households (and people) of a commune in a year, in one slice of one dimension, by status.

    ``key`` is the slice: empty for the status dimension, else a transition, ethnicity code, group, cause
    or indicator code. For the indicator dimension the counts are of households deprived in it.
    """

    year = models.PositiveSmallIntegerField()
    # The period code of the standard the reviews were classified under: a year can have official figures
    # under two standards (the end-of-period annual review is the next period's baseline), never added up.
    standard = models.CharField(max_length=9)
    commune = models.ForeignKey("households.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=12, choices=StatisticDimension.choices)
    key = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10)
    households = models.IntegerField(default=0)
    people = models.IntegerField(default=0)
    # The sharding key (households.sharding): the province of the cell's commune, set on every write
    # (households.provinces). No index of its own: on one PostgreSQL the unique index finds the rows.
    province = province_key()

    class Meta:
        db_table = "reports_statisticcount"
        verbose_name = _("statistic count")
        verbose_name_plural = _("statistic counts")
        constraints = [
            models.UniqueConstraint(
                # The province, a function of the commune, is in the key because a distributed table's unique
                # keys must hold its distribution column (the upsert's ON CONFLICT names it too).
                fields=["year", "standard", "dimension", "commune", "key", "status", "province"],
                name="statistic_cell_unique",
            )
        ]
        # The status cells, with their counts: a unit's figures and the years of an area are read from this
        # index alone, a few entries per commune and year whatever the number of households (the country's
        # 13,280 status cells of a year: 31 ms from the table's pages, 10 ms from here).
        indexes = [
            models.Index(
                fields=["year", "standard", "commune"],
                include=["province", "status", "households", "people"],  # the province: the shard filter
                condition=STATUS_CELLS,
                name="statistic_status_cells",
            )
        ]

    def __str__(self) -> str:
        cell = f"{self.year} {self.standard} {self.commune_id} {self.dimension}:{self.key} {self.status}"
        return f"{cell} = {self.households}"


class StatisticSource(models.Model):
    """The approved review that stands for a household in a year's statistics under one standard."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    standard = models.CharField(max_length=9)
    review = models.ForeignKey("households.HouseholdReview", on_delete=models.CASCADE, related_name="+")
    # The sharding key (households.sharding): the household's province, so that the source lives on the household's
    # shard; set on every write (households.provinces). No index of its own: the household's index finds the rows.
    province = province_key()

    class Meta:
        db_table = "reports_statisticsource"
        constraints = [
            models.UniqueConstraint(fields=["household", "year", "standard"], name="statistic_source_unique")
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year} {self.standard} → {self.review_id}"


class ResidentCount(models.Model):
    """Resident households and people of a commune in a year (tổng số hộ dân cư), from its population records.

    The denominator of the official poverty and near-poor rates (``households.selectors.rollup``): only listed
    and applying households are reviewed (Decision 24/2021/QĐ-TTg, art. 4), so the registry is not the
    population. Set through ``households.services.residents`` (the page, the .xlsx import), which check who may
    change a commune.
    """

    commune = models.ForeignKey(
        "households.AdministrativeUnit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    households = models.PositiveIntegerField(_("resident households"), validators=[MinValueValidator(1)])
    people = models.PositiveIntegerField(_("resident people"), validators=[MinValueValidator(1)])
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Where the figures come from, e.g. the commune police's population records at 31/12."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(no_db_index=["commune", "entered_by"], table_name="reports_historicalresidentcount")

    class Meta:
        db_table = "reports_residentcount"
        verbose_name = _("resident count")
        verbose_name_plural = _("resident counts")
        ordering = ["-year", "commune__name"]
        constraints = [models.UniqueConstraint(fields=["commune", "year"], name="resident_count_unique")]

    def __str__(self) -> str:
        return f"{self.commune} {self.year}: {self.households}"


class RegistryCount(models.Model):
    """Households of the registry in a commune and village, by the year they left it (empty: still in it).

    ``households.selectors.rollup`` counts a household in a year when it had not left by the year's end
    (31 December), so the year it left is all that matters: a few rows per village, whatever the number of
    households. Written by the database alone, on PostgreSQL: statement-level triggers on
    ``households_household`` (migration 0017) add each statement's change in one upsert: an import's COPY
    of 100,000 rows or the carry-over's ``UPDATE … FROM (VALUES …)`` makes one, not one per row. They fire
    ``ALWAYS``, also when the import turns triggers off with ``session_replication_role = replica``. A row
    that falls to zero goes. On SQLite the table stays empty and the registry is counted from the
    households (a first run with demo data).
    """

    commune = models.ForeignKey(
        "households.AdministrativeUnit", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # no index of its own: the unique index begins with it
    # The village says which old commune a carried household still counts in before the reform.
    village = models.ForeignKey("households.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    left_in = models.PositiveSmallIntegerField(null=True)
    # The sharding key (households.sharding): the province of the commune, which the triggers take from the
    # households' rows (the application set it there). No index of its own: the unique index finds the rows.
    province = province_key()
    households = models.IntegerField()

    class Meta:
        verbose_name = _("registry count")
        verbose_name_plural = _("registry counts")
        constraints = [
            # The key of the triggers' upsert (ON CONFLICT); an empty year is one key, as NULLS NOT DISTINCT
            # would make it on PostgreSQL 15 alone. The province (the commune's) as in ``statistic_cell_unique``.
            models.UniqueConstraint(
                F("commune"), F("village"), Coalesce("left_in", 0), F("province"), name="registry_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.village_id} {self.left_in or '-'} = {self.households}"
