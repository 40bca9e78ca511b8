"""Pages of imports and exports: upload, the dry run's report with a progress bar, confirm; file downloads."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.files import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, download
from common.numbers import MAX_ID, whole_number
from households.access import check_can_edit
from households.exports import export_households_csv, export_households_xlsx, export_reviews_csv, export_reviews_xlsx
from households.imports.forms import ImportForm
from households.imports.jobs import (
    annotated_exists,
    annotated_name,
    import_job_confirm,
    import_job_create,
    import_job_rerun,
)
from households.imports.selectors import import_communes, import_job_get, import_job_list, template_lists
from households.imports.template import template_bytes
from households.models import ImportJob
from households.selectors import household_list, round_get
from jobs.runner import stale_jobs_fail
from jobs.views import job_action_response


@login_required
def import_template_view(request):
    """The template; with ``?commune=<id>`` (a commune the user may import into), it offers that commune's
    villages in force and the ethnicities in drop-down lists."""
    raw = request.GET.get("commune")
    if not raw:
        return download(template_bytes(), "mau-nhap-ho-gia-dinh.xlsx", XLSX_CONTENT_TYPE)
    pk = whole_number(raw)
    commune = import_communes(user=request.user).filter(pk=pk).first() if pk is not None and pk <= MAX_ID else None
    if commune is None:
        raise Http404
    content = template_bytes(**template_lists(user=request.user, commune=commune, today=timezone.localdate()))
    return download(content, f"mau-nhap-ho-gia-dinh-{commune.code or commune.pk}.xlsx", XLSX_CONTENT_TYPE)


@login_required
def import_start_view(request):
    check_can_edit(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(job)
    jobs = import_job_list(user=request.user)[:20]
    communes = form.fields["commune"].queryset
    return render(request, "households/import_start.html", {"form": form, "jobs": jobs, "communes": communes})


@login_required
def import_detail_view(request, pk: int):
    # A job whose process died shows as failed (with the reason) rather than running forever.
    stale_jobs_fail(ImportJob)
    job = import_job_get(user=request.user, pk=pk)
    context = {
        "job": job,
        # The workbook given back is the uploader's own file: theirs alone to fetch.
        "annotated": job.is_finished and job.user_id == request.user.pk and annotated_exists(job),
        "created": [{"id": i, "code": c, "head": head} for i, c, head in job.counts.get("created_households", [])],
        "rounds": [{"year": year, "id": i} for year, i in job.counts.get("rounds", [])],
    }
    return render(request, "households/import_detail.html", context)


@login_required
def import_errors_view(request, pk: int):
    """The uploaded workbook with its errors written next to the cells (``households.imports.annotate``), for
    the person who uploaded it only."""
    job = import_job_get(user=request.user, pk=pk)
    if job.user_id != request.user.pk or not annotated_exists(job):
        raise Http404
    stem = job.file_name.rsplit(".", 1)[0]
    try:
        handle = job.file.storage.open(annotated_name(job), "rb")
    except FileNotFoundError as gone:  # dropped since by a run again of the job
        raise Http404 from gone
    # Streamed from the storage (a disk, or the bucket through this process): never a link to the file itself.
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{stem}-loi.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
@require_POST
def import_confirm_view(request, pk: int):
    return job_action_response(request, import_job_get(user=request.user, pk=pk), import_job_confirm)


@login_required
@require_POST
def import_rerun_view(request, pk: int):
    return job_action_response(request, import_job_get(user=request.user, pk=pk), import_job_rerun)


EXPORT_FORMATS = ("xlsx", "csv")


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


@login_required
def household_export_view(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    filters = household_list(user=request.user, filters=request.GET)
    if filters.is_bound and not filters.is_valid():
        # The list shows a filter in error beside its rows; a download has no form, and would hold the whole area.
        raise BadRequest(filters.errors.as_text())
    if fmt == "csv":
        content = export_households_csv(user=request.user, filters=request.GET)
        return download(content, f"ho-gia-dinh-{_stamp()}.csv", CSV_CONTENT_TYPE)
    content = export_households_xlsx(user=request.user, filters=request.GET)
    return download(content, f"ho-gia-dinh-{_stamp()}.xlsx", XLSX_CONTENT_TYPE)


@login_required
def round_export_view(request, pk: int, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    review_round = round_get(user=request.user, pk=pk)
    name = f"ra-soat-{review_round.year}-{review_round.commune.code or review_round.pk}"
    if fmt == "csv":
        return download(
            export_reviews_csv(user=request.user, review_round=review_round), f"{name}.csv", CSV_CONTENT_TYPE
        )
    return download(
        export_reviews_xlsx(user=request.user, review_round=review_round), f"{name}.xlsx", XLSX_CONTENT_TYPE
    )
