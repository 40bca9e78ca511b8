"""The report forms of Circular 07/2021/TT-BLĐTBXH, Appendix VII, for a unit, a year and its children.

Summary of households by status; changes in poor and in near-poor households (columns 1–8 and the end
figure); deprivations by indicator; by group, ethnicity and cause.
Every column of the change tables is counted from the households' start and end (``reports.changes``),
none is a residual, so "end = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8" is a check: a row where it does not hold is
named in a note under the table, never hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from common.documents import place_name
from households.models import AdministrativeUnit, Cause, Ethnicity
from households.registry_rules import HouseholdGroup
from households.selectors.rollup import Figures
from households.selectors.statistics import default_standard
from reports.changes import NEAR_POOR_CHANGES, POOR_CHANGES, ChangeKinds, Flow, change_flows, change_row
from reports.selectors import UnitCounts, counts_by_unit
from reports.tables import Column, Report, Table, format_value, percent, signature_titles
from standards.models import PovertyStandard
from standards.selectors import standard_get, standard_rules

if TYPE_CHECKING:
    from accounts.models import User


def _count_and_rate(key: str, group: str, over: str = "households") -> list[Column]:
    """A status's number and rate, under one merged header; the total row recomputes the rate.

    ``over="resident_households"``: the official rate (Decision 24/2021/QĐ-TTg, art. 4); ``"households"``:
    the share of the households reviewed, for slices the resident households are not counted by.
    """
    label = _("Rate (%)") if over == "resident_households" else _("Share of reviewed (%)")
    return [
        Column(key, _("Number"), group=group),
        Column(f"{key}_rate", label, "rate", group=group, rate_of=(key, over)),
    ]


def _status_columns() -> list[Column]:
    return [
        Column("unit", _("Unit"), "text"),
        Column("resident_households", _("Resident households"), total_needs_all=True),
        Column("households", _("Households reviewed")),
        Column("people", _("People")),
        *_count_and_rate("poor", _("Poor households"), over="resident_households"),
        *_count_and_rate("near_poor", _("Near-poor households"), over="resident_households"),
        *_count_and_rate("average", _("Average living standard"), over="resident_households"),
    ]


def _summary(units) -> Table:
    rows = []
    for counts in units:
        statuses = counts.by_status()
        resident = counts.figures.resident_households if counts.figures else None
        row = {
            "unit": counts.unit.name,
            "resident_households": resident,
            "households": sum(statuses.values()),
            "people": sum(n for (k, _s), n in counts.people.items() if k == ""),
            "poor": statuses.get("poor", 0),
            "near_poor": statuses.get("near_poor", 0),
            "average": statuses.get("average", 0),
        }
        for key in ("poor", "near_poor", "average"):
            row[f"{key}_rate"] = percent(row[key], resident)
        rows.append(row)
    return Table(_("Households by classification"), _status_columns(), rows, total_label=_("Total"), wide=True)


def coverage_note(figures: Figures) -> str:
    """How far a total goes: communes that reported, reviews approved of the registry, a partial year."""
    note = _(
        "Communes reported: %(reported)s of %(communes)s. Reviews approved: %(reviews)s of %(registry)s "
        "households in the registry."
    ) % {
        "reported": figures.communes_reported,
        "communes": figures.communes,
        "reviews": format_value(figures.reviewed, "int"),
        "registry": format_value(figures.registry_households, "int"),
    }
    if figures.partial:
        note = f"{note} {_('Partial year: not every commune has reported.')}"
    return note


def _change_columns(kinds: ChangeKinds) -> list[Column]:
    """The columns of a change table, each labelled for its status (Circular 07/2021/TT-BLĐTBXH, Appendix
    VII): the near-poor table has its own decreases (became poor, escaped near-poverty — thoát cận nghèo)
    and increases (poor became near-poor, fell back into near-poverty — tái cận nghèo, newly near-poor —
    cận nghèo phát sinh mới)."""
    decrease, increase = _("Decreases"), _("Increases")
    if kinds.status == POOR_CHANGES.status:
        labels = (
            _("(2) Escaped to near-poor"),
            _("(3) Escaped above near-poor"),
            _("(5) Near-poor became poor"),
            _("(6) Fell back into poverty"),
            _("(7) Newly poor"),
        )
    else:
        labels = (
            _("(2) Near-poor became poor"),
            _("(3) Escaped near-poverty"),
            _("(5) Poor became near-poor"),
            _("(6) Fell back into near-poverty"),
            _("(7) Newly near-poor"),
        )
    c2, c3, c5, c6, c7 = labels
    return [
        Column("unit", _("Unit"), "text"),
        Column("c1", _("(1) At the start of the year")),
        Column("c2", c2, group=decrease),
        Column("c3", c3, group=decrease),
        Column("c4", _("(4) Other"), group=decrease),
        Column("c5", c5, group=increase),
        Column("c6", c6, group=increase),
        Column("c7", c7, group=increase),
        Column("c8", _("(8) Other"), group=increase),
        Column("end", _("At the end = 1−2−3−4+5+6+7+8")),
    ]


def _changes(units: Sequence[AdministrativeUnit], flows: Sequence[Flow], *, kinds: ChangeKinds, title: str) -> Table:
    rows, notes = [], []
    for unit in units:
        row = change_row(flows, unit=unit.pk, kinds=kinds)
        rows.append({"unit": unit.name, **row.as_dict()})
        if not row.adds_up:
            # Never hidden: a household whose stored transition does not match its status at the start.
            notes.append(
                _(
                    "%(unit)s: 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 = %(formula)s, but %(end)s households are counted "
                    "at the end. The transitions of some households do not match their status at the start of "
                    "the year: review them again."
                )
                % {"unit": unit.name, "formula": format_value(row.formula, "int"), "end": format_value(row.end, "int")}
            )
    return Table(title, _change_columns(kinds), rows, total_label=_("Total"), notes=notes, wide=True)


def _deprivations(indicators, totals: dict[str, int], standard: str) -> Table:
    try:
        names = {i.code: i.name for i in standard_rules(standard_get(standard)).indicators}
    except PovertyStandard.DoesNotExist:
        names = {}
    rows = []
    for code, name in names.items():
        deprived = {s: n for (k, s), n in indicators.items() if k == code}
        rows.append(
            {
                "indicator": name,
                "poor": deprived.get("poor", 0),
                "poor_share": percent(deprived.get("poor", 0), totals.get("poor", 0)),
                "near_poor": deprived.get("near_poor", 0),
                "near_poor_share": percent(deprived.get("near_poor", 0), totals.get("near_poor", 0)),
            }
        )
    columns = [
        Column("indicator", _("Indicator"), "text"),
        Column("poor", _("Number"), group=_("Poor households deprived")),
        Column("poor_share", _("Share (%)"), "rate", group=_("Poor households deprived")),
        Column("near_poor", _("Number"), group=_("Near-poor households deprived")),
        Column("near_poor_share", _("Share (%)"), "rate", group=_("Near-poor households deprived")),
    ]
    return Table(_("Deprivations by indicator"), columns, rows)


def _slices(title: str, first: str, labels: dict[str, str], counts: dict[tuple[str, str], int]) -> Table:
    rows = []
    for key in sorted({k for k, _s in counts}, key=lambda k: labels.get(k, k)):
        statuses = {s: n for (k, s), n in counts.items() if k == key}
        households = sum(statuses.values())
        rows.append(
            {
                "slice": labels.get(key, key) or _("Unknown"),
                "households": households,
                "poor": statuses.get("poor", 0),
                "poor_rate": percent(statuses.get("poor", 0), households),
                "near_poor": statuses.get("near_poor", 0),
                "near_poor_rate": percent(statuses.get("near_poor", 0), households),
            }
        )
    columns = [
        Column("slice", first, "text"),
        Column("households", _("Households")),
        *_count_and_rate("poor", _("Poor households")),
        *_count_and_rate("near_poor", _("Near-poor households")),
    ]
    return Table(title, columns, rows)


def subtitle(unit: AdministrativeUnit, standard: str) -> str:
    """The line under a report's title: the unit, the form's legal basis and the standard of the figures."""
    if not standard:
        return _("%(unit)s — Circular 07/2021/TT-BLĐTBXH, Appendix VII") % {"unit": unit.name}
    return _("%(unit)s — Circular 07/2021/TT-BLĐTBXH, Appendix VII — poverty standard %(standard)s") % {
        "unit": unit.name,
        "standard": standard,
    }


def circular07_report(*, user: User, unit: AdministrativeUnit, year: int, standard: str | None = None) -> Report:
    """The Circular 07/2021/TT-BLĐTBXH tables for ``unit`` in ``year`` under ``standard`` (the year's default
    when none is given), scoped to the user.

    Every figure, last year's start of the change tables included, is read under that one standard: the
    transitions compare a household's statuses under the same standard only (domain notes §2), so a
    period's baseline year starts from nothing under the new standard.
    """
    standard = standard or default_standard(year=year) or ""
    summary_counts, notes = counts_by_unit(user=user, unit=unit, year=year, standard=standard)
    row_units = [counts.unit for counts in summary_counts]
    flows, change_notes = change_flows(user=user, units=row_units, year=year, standard=standard)

    def whole(dimension: str) -> UnitCounts:
        (counts,), _notes = counts_by_unit(
            user=user, unit=unit, year=year, dimension=dimension, per_child=False, standard=standard
        )
        return counts

    own = whole("status")
    status_totals = {s: n for (_k, s), n in own.households.items()}
    tables = [
        _summary(summary_counts),
        _changes(row_units, flows, kinds=POOR_CHANGES, title=_("Changes in poor households")),
        _changes(row_units, flows, kinds=NEAR_POOR_CHANGES, title=_("Changes in near-poor households")),
        _deprivations(whole("indicator").households, status_totals, standard),
        _slices(
            _("By group"),
            _("Group"),
            {value: str(label) for value, label in HouseholdGroup.choices},
            whole("group").households,
        ),
        _slices(
            _("By ethnicity of the head"),
            _("Ethnicity"),
            dict(Ethnicity.objects.values_list("code", "name")),
            whole("ethnicity").households,
        ),
        _slices(
            _("By cause of poverty"), _("Cause"), {c.value: str(c.label) for c in Cause}, whole("cause").households
        ),
    ]
    return Report(
        title=_("Results of the review of poor and near-poor households, %(year)s") % {"year": year},
        subtitle=subtitle(unit, standard),
        heading=[_("People's Committee"), unit.name.upper()],
        tables=tables,
        notes=[coverage_note(own.figures), *notes, *(n for n in change_notes if n not in notes)],
        signature=signature_titles(),
        place=place_name(unit.name),
        filename=f"thong-tu-07-{unit.code}-{year}",
    )
