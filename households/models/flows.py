"""The households' flows from one year to the next (``StatisticFlow``), kept on approval beside the counts, so
that the change table of Circular 07/2021/TT-BLĐTBXH, Appendix VII (``reports.changes``) reads a few rows per
commune instead of every review of two years.
"""

from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class StatisticFlow(models.Model):
    """Households with the same start and end in a year under one standard.

    The start of a household in ``year`` is the review that stands for it in ``year - 1``, its end the one
    that stands for it in ``year`` (``StatisticSource``, both under ``standard``): the commune and status of
    each, and the end's transition. A household with only one of them counts with an empty other side (no
    commune, ""). ``households.services.statistics`` keeps the rows: on approval it takes back a household's
    old flows of the year and the next and adds the new ones; a rebuild recomputes them from the sources. A
    row that falls to zero goes.
    """

    year = models.PositiveSmallIntegerField()
    standard = models.CharField(max_length=9)
    # No index of their own: a report reads a year and a standard, the start of the unique index.
    start_commune = models.ForeignKey(
        "households.AdministrativeUnit", null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    start_status = models.CharField(max_length=10, blank=True)
    end_commune = models.ForeignKey(
        "households.AdministrativeUnit", null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    end_status = models.CharField(max_length=10, blank=True)
    transition = models.CharField(max_length=24, blank=True)
    households = models.IntegerField()

    class Meta:
        verbose_name = _("statistic flow")
        verbose_name_plural = _("statistic flows")
        constraints = [
            # The key of the approval's upsert (ON CONFLICT): a missing commune is one key, as NULLS NOT DISTINCT
            # would make it on PostgreSQL 15 alone.
            models.UniqueConstraint(
                F("year"),
                F("standard"),
                Coalesce("start_commune", 0),
                F("start_status"),
                Coalesce("end_commune", 0),
                F("end_status"),
                F("transition"),
                name="statistic_flow_unique",
            )
        ]

    def __str__(self) -> str:
        start = f"{self.start_commune_id or '-'} {self.start_status or '-'}"
        end = f"{self.end_commune_id or '-'} {self.end_status or '-'} {self.transition or '-'}"
        return f"{self.year} {self.standard} {start} → {end} = {self.households}"
