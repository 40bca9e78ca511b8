"""Exports of household and review lists: the import workbook (``.xlsx``) and a flat CSV.

The workbook has the sheets and columns of the import template (``households.imports.columns``), so an
export of what was imported imports back with no changes; the review sheet also carries the computed
status, transition and state, which the import ignores. Rows come from the selectors, within the user's
area and filters. CSV files are UTF-8 with a BOM, so that Excel shows the diacritics.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from common.files import safe_cell
from households.imports.columns import (
    HOUSEHOLD_COLUMNS,
    MEMBER_COLUMNS,
    REVIEW_COLUMNS,
    REVIEW_FACT_KEYS,
    Column,
    Kind,
    Sheet,
)
from households.imports.template import build_workbook, cell_value
from households.models import Household, HouseholdReview, Member, ReviewKind, ReviewRound
from households.selectors import household_list, review_list

if TYPE_CHECKING:
    from accounts.models import User

REVIEW_EXTRA = (
    Column("status", "Phân loại", "Classification", width=18),
    Column("transition", "Biến động", "Transition", width=22),
    Column("state", "Bước rà soát", "State", width=18),
)


def _household_row(household: Household) -> list[Any]:
    return [
        household.code,
        household.village.name,
        household.address,
        household.phone,
        household.head_ethnicity.name if household.head_ethnicity else "",
        household.has_meritorious_person,
    ]


def _member_row(member: Member, code: str) -> list[Any]:
    values = []
    for column in MEMBER_COLUMNS:
        if column.key == "household":
            values.append(code)
        elif column.key == "ethnicity":
            values.append(member.ethnicity.name if member.ethnicity else "")
        else:
            values.append(getattr(member, column.key))
    return values


def _review_row(review: HouseholdReview) -> list[Any]:
    row: list[Any] = [review.household.code, review.round.year, review.income_per_capita]
    row += [review.facts.get(key) for key in REVIEW_FACT_KEYS]
    row.append(list(review.causes))
    row += [review.get_status_display(), review.get_transition_display(), review.get_state_display()]
    return row


def _sheets(households: QuerySet[Household], reviews: QuerySet[HouseholdReview]) -> dict[Sheet, list[list[Any]]]:
    # village, ethnicity: shown on every household row; household and ethnicity on every member row.
    household_rows = [_household_row(h) for h in households.select_related("village", "head_ethnicity")]
    members = (
        Member.objects.filter(household__in=households.values("pk"))
        .select_related("ethnicity", "household")
        .order_by("household__code", "pk")
    )
    member_rows = [_member_row(m, m.household.code) for m in members]
    review_rows = [_review_row(r) for r in reviews.order_by("household__code", "round__year")]
    sheets = {Sheet.HOUSEHOLDS: household_rows, Sheet.MEMBERS: member_rows, Sheet.REVIEWS: review_rows}
    # A text starting like a formula (=HYPERLINK(...) in an address) would be written as a live formula: the
    # guard of the CSV and report writers keeps it as text.
    return {sheet: [[safe_cell(value) for value in row] for row in rows] for sheet, rows in sheets.items()}


def household_export_queryset(*, user: User, filters: Mapping[str, Any] | None) -> QuerySet[Household]:
    """The households of the list page with the same filters: its FilterSet reads the query as it is (a
    ``QueryDict`` keeps one value per filter, where ``dict()`` of it made lists no filter understood)."""
    return household_list(user=user, filters=filters or None).qs


def export_households_xlsx(*, user: User, filters: Mapping[str, Any] | None = None) -> bytes:
    """The filtered households the user can see, their members and their annual reviews, as the import workbook."""
    households = household_export_queryset(user=user, filters=filters)
    reviews = review_list(user=user).filter(household__in=households.values("pk"), round__kind=ReviewKind.ANNUAL)
    return build_workbook(_sheets(households, reviews), extra={Sheet.REVIEWS: REVIEW_EXTRA})


def export_reviews_xlsx(*, user: User, review_round: ReviewRound) -> bytes:
    """The reviews of a round the user can see, with their households and members, as the import workbook."""
    reviews = review_list(user=user, review_round=review_round)
    households = Household.objects.filter(pk__in=reviews.values("household_id")).order_by("code")
    return build_workbook(_sheets(households, reviews), extra={Sheet.REVIEWS: REVIEW_EXTRA})


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def _text(column: Column, value: Any) -> Any:
    written = cell_value(column, value)
    if column.kind == Kind.DATE and written is not None:
        return written.strftime("%d/%m/%Y")
    return written


def export_households_csv(*, user: User, filters: Mapping[str, Any] | None = None) -> bytes:
    """One row per household, headers in the user's language."""
    households = household_export_queryset(user=user, filters=filters).select_related(
        "village", "commune", "head_ethnicity"
    )
    header = [
        *(c.label for c in HOUSEHOLD_COLUMNS),
        _("Commune"),
        _("Head of household"),
        _("Ethnic minority"),
        _("No labour capacity"),
        _("Female-headed"),
        _("Status"),
    ]
    flag = HOUSEHOLD_COLUMNS[-1]
    rows = [
        [
            *(_text(c, v) for c, v in zip(HOUSEHOLD_COLUMNS, _household_row(h), strict=True)),
            h.commune.name,
            h.head_name,
            cell_value(flag, h.is_ethnic_minority),
            cell_value(flag, h.has_no_labour),
            cell_value(flag, h.is_female_headed),
            h.get_status_display(),
        ]
        for h in households
    ]
    return _csv(header, rows)


def export_reviews_csv(*, user: User, review_round: ReviewRound) -> bytes:
    """One row per review of the round, headers in the user's language."""
    reviews = review_list(user=user, review_round=review_round).order_by("household__code")
    columns = [*REVIEW_COLUMNS, *REVIEW_EXTRA]
    header = [c.label for c in columns[:1]] + [_("Head of household"), _("Village")] + [c.label for c in columns[1:]]
    rows = []
    for review in reviews:
        cells = [_text(c, v) for c, v in zip(columns, _review_row(review), strict=True)]
        rows.append([cells[0], review.household.head_name, review.village.name, *cells[1:]])
    return _csv(header, rows)
