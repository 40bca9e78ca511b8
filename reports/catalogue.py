"""The reports a user can pick: the form that chooses what a report is about, the definition that builds it,
and, for reports that can be long, how long they are (households) so that a download can go to the
background and the page can show the first part."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from .definitions.circular07 import circular07_report
from .definitions.lists import poverty_list_households, poverty_list_report
from .definitions.plan import plan_report, progress_report
from .forms import ListForm, PlanChoiceForm, PlanYearForm, ReportForm
from .tables import Report


@dataclass(frozen=True)
class ReportKind:
    form: type[forms.Form]
    build: Callable[..., Report]
    title: Any  # a lazy translation
    # Households the report would hold for the form's choices; None: the report is always short.
    size: Callable[..., int] | None = None


REPORTS: dict[str, ReportKind] = {
    "circular07": ReportKind(
        ReportForm, circular07_report, gettext_lazy("Review results (Circular 07/2021/TT-BLĐTBXH)")
    ),
    "lists": ReportKind(
        ListForm,
        poverty_list_report,
        gettext_lazy("Lists of poor and near-poor households"),
        size=poverty_list_households,
    ),
    "plan": ReportKind(PlanChoiceForm, plan_report, gettext_lazy("Provincial plan")),
    "progress": ReportKind(PlanYearForm, progress_report, gettext_lazy("Progress against the plan")),
}
