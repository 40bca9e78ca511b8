from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from households.models import LAST_LEGACY_DAY, UnitLevel
from households.selectors import units_visible_to
from reports.selectors import statistics_years

from .dashboard import dashboard, default_unit
from .definitions.circular07 import circular07_report
from .definitions.plan import plan_report, progress_report
from .forms import DashboardForm, PlanChoiceForm, PlanYearForm, ReportForm
from .rendering import report_context, report_pdf, report_xlsx


def home(request):
    """The landing page: public welcome, and for a signed-in user the size of their area."""
    context = {}
    if request.user.is_authenticated:
        visible = units_visible_to(request.user)
        context["area"] = {
            "communes_now": visible.valid_on(timezone.localdate()).filter(level=UnitLevel.COMMUNE).count(),
            "communes_before_reform": visible.valid_on(LAST_LEGACY_DAY).filter(level=UnitLevel.COMMUNE).count(),
            "assigned": list(request.user.units.order_by("level", "name")),
        }
    return render(request, "reports/home.html", context)


# Each report: the form that picks what it is about, and the definition that builds it from that choice.
REPORTS = {
    "circular07": (ReportForm, circular07_report, gettext_lazy("Review results (Circular 07/2021/TT-BLĐTBXH)")),
    "plan": (PlanChoiceForm, plan_report, gettext_lazy("Provincial plan")),
    "progress": (PlanYearForm, progress_report, gettext_lazy("Progress against the plan")),
}


@login_required
def report_view(request, kind: str):
    """Pick what the report is about, see it, download it as PDF or Excel (`?format=pdf|xlsx`)."""
    if kind not in REPORTS:
        raise Http404
    form_class, build, title = REPORTS[kind]
    form = form_class(request.GET or None, user=request.user)
    report = None
    if form.is_valid():
        report = build(user=request.user, **form.cleaned_data)
        output = request.GET.get("format")
        if output == "pdf":
            return _download(report_pdf(report), "application/pdf", f"{report.filename}.pdf")
        if output == "xlsx":
            return _download(report_xlsx(report), XLSX, f"{report.filename}.xlsx")
    reports = [(code, label) for code, (_form, _build, label) in REPORTS.items()]
    context = {
        "form": form,
        "kind": kind,
        "title": title,
        "reports": reports,
        **(report_context(report) if report else {}),
    }
    return render(request, "reports/report.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def dashboard_view(request):
    """Headline figures, the trend against the years before, the units below with a map."""
    years = statistics_years(user=request.user)
    form = DashboardForm(request.GET or None, user=request.user, years=years)
    year = (
        form.cleaned_data["year"]
        if form.is_valid() and form.cleaned_data.get("year")
        else (years[-1] if years else None)
    )
    unit = form.cleaned_data.get("unit") if form.is_valid() else None
    data = None
    if year is not None:
        unit = unit or default_unit(request.user, year)
        if unit is not None:
            data = dashboard(user=request.user, unit=unit, year=year, years=years)
    if not request.GET and data is not None:
        form = DashboardForm(initial={"unit": data.unit, "year": data.year}, user=request.user, years=years)
    map_points = [
        {
            "name": row["unit"].name,
            "lat": row["lat"],
            "lon": row["lon"],
            "poor_rate": row["poor_rate"],
            "pk": row["unit"].pk,
        }
        for row in (data.units if data else [])
        if row["lat"] is not None
    ]
    context = {"form": form, "data": data, "map_points": map_points, "year": year}
    return render(request, "reports/dashboard.html", context)
