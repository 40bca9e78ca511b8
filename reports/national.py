"""The ministry's national table: every province in force at the end of a year (or the six regions), by status,
with the country's total — from the one roll-up, so a province's row is the figure its own dashboard shows.

Figures are read under one standard (the year's default, ``default_standard``, unless another is asked for). The
table is the ministry's (``User.sees_every_unit``): an officer whose area is a district or communes across the
reform has no province of their own to make rows of, and their dashboard already sums their area.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.models import CommuneGroup, UnitLevel
from households.regions import Region
from households.selectors.rollup import Figures, figures, figures_sum, year_end
from households.selectors.statistics import default_standard
from households.selectors.units import units_visible_to

from .selectors import StatisticsError, check_standard, statistics_years
from .statistics import status_row

if TYPE_CHECKING:
    from accounts.models import User

BY_PROVINCE, BY_REGION = "province", "region"
NATIONAL_BY = (BY_PROVINCE, BY_REGION)
NATIONAL_BY_CHOICES = [(BY_PROVINCE, gettext_lazy("Provinces")), (BY_REGION, gettext_lazy("Regions"))]


def national_year(*, user: User, year: int | None, standard: str | None) -> int:
    """The year the table is of: the one asked for, or the latest with figures (under ``standard`` when one is
    asked for). ``StatisticsError`` names the parameter when the standard is unknown or the year has no figures."""
    if standard:
        check_standard(standard)
    years = statistics_years(user=user, standard=standard or None)
    if not years:
        raise StatisticsError("year", _("No approved reviews in your area yet."))
    if year is None:
        return years[-1]
    if year not in years:
        raise StatisticsError("year", _("No approved reviews in your area for %(year)s.") % {"year": year})
    return year


@dataclass
class NationalTable:
    year: int
    standard: str
    by: str
    group: str  # a ``CommuneGroup`` value, or "" for every commune
    rows: list[dict]
    total: dict
    notes: list[str]


def _row(code: str, name: str, region: str, each: Figures) -> dict:
    return {
        "unit_pk": each.unit.pk if each.unit else None,  # the page links a province's row to its dashboard
        "code": code,
        "name": name,
        "region": region,
        **status_row({s: h for s, (h, _p) in each.by_status.items()}, resident_households=each.resident_households),
        "communes": each.communes,
        "communes_reported": each.communes_reported,
        "partial": each.partial,
    }


def national_table(
    *, user: User, year: int, standard: str | None = None, by: str = BY_PROVINCE, group: str = ""
) -> NationalTable:
    """The provinces (or regions) in force at the end of ``year``, by status, and the country's total.

    One roll-up over every province: five queries whatever the number of provinces and households, three more
    with a ``group``. A region's figures are the sum of its provinces'; a province without a region is shown
    under "Region not set" until an administrator sets it.
    """
    standard = standard or default_standard(year=year) or ""
    provinces = list(
        units_visible_to(user, on=year_end(year)).filter(level=UnitLevel.PROVINCE).order_by("code", "valid_from")
    )
    found = figures(user=user, units=provinces, years=[year], standards={year: standard}, group=group)
    by_province = [(province, found[(province.pk, year)]) for province in provinces]
    regions = dict(Region.choices)
    if by == BY_REGION:
        rows = []
        for region in [*Region.values, ""]:
            members = [each for province, each in by_province if province.region == region]
            if members:
                name = regions[region] if region else _("Region not set")
                rows.append(_row(region, str(name), region, figures_sum(members, year=year, standard=standard)))
    else:
        rows = [_row(p.code, p.name, p.region, each) for p, each in by_province]
    whole = figures_sum([each for _p, each in by_province], year=year, standard=standard)
    total = _row("", _("Whole country"), "", whole)
    notes = sorted(set(whole.notes))
    if group:
        notes.insert(0, _("Only the communes of the group %(group)s.") % {"group": CommuneGroup(group).label})
    return NationalTable(year, standard, by, group, rows, total, notes)
