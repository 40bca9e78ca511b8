from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.files import PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE, download
from common.replica.scope import replica_reads
from households.errors import READ_ONLY_ROLE
from households.models import LAST_LEGACY_DAY, UnitLevel
from households.selectors import units_visible_to
from households.selectors.residents import resident_counts
from households.services.residents import resident_counts_import
from jobs.models import JobState
from jobs.runner import stale_jobs_fail
from jobs.views import job_action_response
from reports.selectors import StatisticsError, statistics_years

from .catalogue import REPORTS
from .dashboard import dashboard, default_unit, map_data
from .forms import DashboardForm, NationalForm, ResidentCountsForm, ResidentImportForm, ResidentYearForm
from .jobs import RENDERERS, report_job_create, report_job_get, report_job_list, report_job_rerun
from .models import ReportJob
from .national import BY_PROVINCE, national_table, national_year
from .report_formats import report_context


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


@replica_reads
@login_required
def report_view(request, kind: str):
    """Pick what the report is about, see it, download it as PDF or Excel (`?format=pdf|xlsx`).

    A long report (more households than ``REPORT_INLINE_HOUSEHOLDS``) is downloaded through a background
    job, and its page shows the first ``REPORT_PAGE_HOUSEHOLDS`` households of each list.
    """
    if kind not in REPORTS:
        raise Http404
    choice = REPORTS[kind]
    # A report opens on the latest year with approved reviews in the user's area, not on a year without any.
    years = [] if request.GET else statistics_years(user=request.user)
    initial = {"year": years[-1]} if years else {}
    form = choice.form(request.GET or None, user=request.user, initial=initial)
    report = None
    if form.is_valid():
        size = choice.size(user=request.user, **form.cleaned_data) if choice.size else 0
        output = request.GET.get("format")
        if output in RENDERERS:
            if output == "pdf" and size > settings.REPORT_PDF_MAX_HOUSEHOLDS:
                messages.error(
                    request,
                    _(
                        "A PDF of %(size)s households would run to thousands of pages: choose a smaller unit, "
                        "or download Excel."
                    )
                    % {"size": intcomma(size)},
                )
            elif size > settings.REPORT_INLINE_HOUSEHOLDS:
                query = {k: v for k, v in request.GET.items() if k != "format"}
                job = report_job_create(user=request.user, kind=kind, query=query, output=output)
                return redirect(job)
            else:
                report = choice.build(user=request.user, **form.cleaned_data)
                content_type = PDF_CONTENT_TYPE if output == "pdf" else XLSX_CONTENT_TYPE
                return download(RENDERERS[output](report), f"{report.filename}.{output}", content_type)
        limit = {"limit": settings.REPORT_PAGE_HOUSEHOLDS} if size > settings.REPORT_PAGE_HOUSEHOLDS else {}
        report = choice.build(user=request.user, **form.cleaned_data, **limit)
    context = {
        "form": form,
        "kind": kind,
        "title": choice.title,
        "reports": [(code, c.title) for code, c in REPORTS.items()],
        "jobs": report_job_list(user=request.user)[:5],
        **(report_context(report) if report else {}),
    }
    return render(request, "reports/report.html", context)


@login_required
def job_detail_view(request, pk: int):
    stale_jobs_fail(ReportJob)
    job = report_job_get(user=request.user, pk=pk)
    return render(request, "reports/job_detail.html", {"job": job})


@login_required
def job_download_view(request, pk: int):
    job = report_job_get(user=request.user, pk=pk)
    if job.status != JobState.DONE or not job.file:
        raise Http404
    content_type = PDF_CONTENT_TYPE if job.output == "pdf" else XLSX_CONTENT_TYPE
    try:
        handle = job.file.storage.open(job.file.name, "rb")
    except FileNotFoundError as gone:  # the row survived a restore of the database without the files
        raise Http404 from gone
    # Streamed from the storage (a disk, or the bucket through this process), never a link to the file itself.
    return FileResponse(handle, as_attachment=True, filename=job.file_name, content_type=content_type)


@login_required
@require_POST
def job_rerun_view(request, pk: int):
    return job_action_response(request, report_job_get(user=request.user, pk=pk), report_job_rerun)


@replica_reads
@login_required
def dashboard_view(request):
    """Headline figures, the trend against the years before, the units below with a map."""
    years = statistics_years(user=request.user)
    form = DashboardForm(request.GET or None, user=request.user, years=years)
    asked = form.cleaned_data["year"] if form.is_valid() and form.cleaned_data.get("year") else None
    unit = form.cleaned_data.get("unit") if form.is_valid() else None
    data = None
    if years:
        unit = unit or default_unit(request.user, asked or years[-1])
        if unit is not None:
            # Without a year asked, the dashboard opens on the unit's latest complete year.
            standard = request.GET.get("standard") or None
            data = dashboard(user=request.user, unit=unit, year=asked, years=years, standard=standard)
    year = data.year if data else asked
    if not request.GET and data is not None:
        form = DashboardForm(initial={"unit": data.unit, "year": data.year}, user=request.user, years=years)
    context = {"form": form, "data": data, "map_points": map_data(data), "year": year}
    return render(request, "reports/dashboard.html", context)


@replica_reads
@login_required
def national_view(request):
    """The provinces (or regions) by status with the country's total: the ministry's table."""
    if not request.user.sees_every_unit:
        raise PermissionDenied(_("The national figures are for the ministry's officers."))
    years = statistics_years(user=request.user)
    form = NationalForm(request.GET or None, years=years)
    table = None
    if years and (not form.is_bound or form.is_valid()):
        asked = form.cleaned_data if form.is_bound else {}
        try:
            year = national_year(user=request.user, year=asked.get("year"), standard=asked.get("standard"))
        except StatisticsError as error:
            form.add_error(error.field, error.message)
        else:
            table = national_table(
                user=request.user,
                year=year,
                standard=asked.get("standard") or None,
                by=asked.get("by") or BY_PROVINCE,
                group=asked.get("group") or "",
            )
            if not form.is_bound:
                form = NationalForm(initial={"year": year}, years=years)
    return render(request, "reports/national.html", {"form": form, "table": table, "years": years})


@login_required
def resident_counts_view(request):
    """Resident households and people of the communes of the user's area, for a year (the rates' denominator)."""
    if not request.user.can_edit:
        raise PermissionDenied(READ_ONLY_ROLE)
    choice = ResidentYearForm(request.GET or None)
    if choice.is_bound and not choice.is_valid():
        # Not this year's page instead: counts entered on it would be saved under a year not asked for.
        raise BadRequest(choice.errors.as_text())
    year = (choice.cleaned_data["year"] if choice.is_bound else None) or timezone.localdate().year
    rows = resident_counts(user=request.user, year=year)
    form = ResidentCountsForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        saved = form.save(user=request.user, year=year)
        if saved is not None:
            messages.success(request, _("Resident counts of %(count)s communes saved.") % {"count": saved})
            return redirect(f"{request.path}?year={year}")
    context = {"form": form, "year": year, "import_form": ResidentImportForm()}
    return render(request, "reports/resident_counts.html", context)


@login_required
def resident_import_view(request):
    """An .xlsx of resident counts, one row per commune; nothing is saved when a row is wrong."""
    if not request.user.can_edit:
        raise PermissionDenied(READ_ONLY_ROLE)
    form = ResidentImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = resident_counts_import(user=request.user, source=form.cleaned_data["workbook"])
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Resident counts of %(count)s communes imported.") % {"count": count})
            return redirect("reports:resident-counts")
    return render(request, "reports/resident_import.html", {"form": form, "errors": errors})
