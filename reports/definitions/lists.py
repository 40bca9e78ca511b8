"""The lists of poor and of near-poor households with their members (Circular 07/2021/TT-BLĐTBXH,
Appendix VII): one row per member, the household's code, village and deprivations on its first row.

A whole province's list runs to tens of thousands of households: the page shows the first ones
(``limit``) and the downloads are prepared as background jobs (``reports.jobs``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from common.documents import place_name
from households.models import Relation, Sex
from households.selectors.statistics import default_standard
from reports.definitions.circular07 import subtitle
from reports.list_selectors import ListedHousehold, poverty_list, poverty_list_size
from reports.tables import Column, Report, Table, format_value, signature_titles
from standards.classification import Status
from standards.explanation_text import indicator_names
from standards.models import PovertyStandard
from standards.selectors import standard_get, standard_rules

if TYPE_CHECKING:
    from accounts.models import User
    from households.models import AdministrativeUnit

# Which statuses a list is about: the form's choice → the review statuses listed, in this order.
LIST_STATUSES = {
    "both": (Status.POOR, Status.NEAR_POOR),
    Status.POOR.value: (Status.POOR,),
    Status.NEAR_POOR.value: (Status.NEAR_POOR,),
}


def _columns() -> list[Column]:
    household, members = _("Household"), _("Members")
    return [
        Column("order", _("No."), "int", group=household),
        Column("code", _("Household code"), "text", group=household),
        Column("village", _("Village"), "text", group=household),
        Column("name", _("Full name"), "text", group=members),
        Column("relation", _("Relation to head"), "text", group=members),
        Column("sex", _("Sex"), "text", group=members),
        Column("born", _("Date of birth"), "date", group=members),
        Column("ethnicity", _("Ethnicity"), "text", group=members),
        Column("national_id", _("Citizen ID"), "text", group=members),
        Column("deprived", _("Deprivations (indicators)"), "text"),
    ]


def household_rows(
    order: int, household: ListedHousehold, indicators: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The rows of one household (pure): the household's cells on the first member's row only.

    ``indicators`` names the deprivations (code → name in the reader's language, ``_indicator_names``)."""
    relations, sexes = dict(Relation.choices), dict(Sex.choices)
    names = indicators or {}
    first = {
        "order": order,
        "code": household.code,
        "village": f"{household.village}, {household.commune}",
        "deprived": ", ".join(names.get(code, code) for code in household.deprived),
    }
    members = household.members or ()
    if not members:
        return [{**first, "name": household.head_name}]
    return [
        {
            **(first if index == 0 else {}),
            "name": member.full_name,
            "relation": str(relations.get(member.relation, member.relation)),
            "sex": str(sexes.get(member.sex, member.sex)),
            "born": member.date_of_birth,
            "ethnicity": member.ethnicity,
            "national_id": member.national_id,
        }
        for index, member in enumerate(members)
    ]


def _indicator_names(standard: str) -> dict[str, str]:
    """The indicators of ``standard`` (a period's code) by code, named in the active language; none for a
    standard that does not exist (an income-only list has no deprivations to name)."""
    try:
        rules = standard_rules(standard_get(standard))
    except PovertyStandard.DoesNotExist:
        return {}
    return indicator_names(rules)


def _table(status: Status, households: list[ListedHousehold], *, total: int, indicators: Mapping[str, str]) -> Table:
    rows: list[dict[str, Any]] = []
    people = 0
    for order, household in enumerate(households, start=1):
        rows.extend(household_rows(order, household, indicators))
        people += len(household.members)
    title = _("List of poor households") if status == Status.POOR else _("List of near-poor households")
    count = {"households": format_value(len(households), "int"), "people": format_value(people, "int")}
    notes = [_("%(households)s households, %(people)s people.") % count]
    if total > len(households):
        notes.append(
            _("The first %(shown)s of %(total)s households are shown; the downloads hold them all.")
            % {"shown": format_value(len(households), "int"), "total": format_value(total, "int")}
        )
    # The spreadsheet repeats the household's code and village on each member's row, for sorting and filters.
    return Table(title, _columns(), rows, notes=notes, wide=True, fill_down=("code", "village"))


def poverty_list_report(
    *,
    user: User,
    unit: AdministrativeUnit,
    year: int,
    status: str,
    limit: int | None = None,
    standard: str | None = None,
) -> Report:
    """The list(s) for ``unit`` in ``year`` under ``standard`` (the year's default when none is given);
    ``limit`` keeps the first households of each list (page view)."""
    standard = standard or default_standard(year=year) or ""
    indicators = _indicator_names(standard)
    tables = []
    for listed_status in LIST_STATUSES[status]:
        households = list(
            poverty_list(user=user, unit=unit, year=year, statuses=[listed_status], limit=limit, standard=standard)
        )
        total = len(households)
        if limit is not None and total == limit:
            total = poverty_list_size(user=user, unit=unit, year=year, statuses=[listed_status], standard=standard)
        tables.append(_table(listed_status, households, total=total, indicators=indicators))
    return Report(
        title=_("Lists of poor and near-poor households, %(year)s") % {"year": year},
        subtitle=subtitle(unit, standard),
        heading=[_("People's Committee"), unit.name.upper()],
        tables=tables,
        notes=[_("Members as registered on the day the list is printed.")],
        signature=signature_titles(),
        place=place_name(unit.name),
        filename=f"danh-sach-{status.replace('_', '-')}-{unit.code}-{year}",
    )


def poverty_list_households(
    *, user: User, unit: AdministrativeUnit, year: int, status: str, standard: str | None = None
) -> int:
    """The size of the list, to decide whether a download is prepared in the background."""
    return poverty_list_size(user=user, unit=unit, year=year, statuses=LIST_STATUSES[status], standard=standard)
