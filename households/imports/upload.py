"""What an uploaded file must be before it is read: a spreadsheet, of a sane size."""

from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

ALLOWED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
# The first bytes of the formats: zip (xlsx, xlsm, ods) and the old binary Excel format (xls).
SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def upload_problems(upload) -> list[str]:
    """Why an uploaded file cannot be imported; empty when it may be read.

    Formulas and external links in a workbook are never evaluated: calamine reads the cached values only.
    """
    limit = settings.IMPORT_MAX_BYTES
    problems = []
    if PurePath(upload.name or "").suffix.lower() not in ALLOWED_SUFFIXES:
        problems.append(_("Upload an Excel workbook (.xlsx); this file is not one."))
    if upload.size > limit:
        problems.append(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it by village.")
            % {"size": round(upload.size / 2**20, 1), "limit": limit // 2**20}
        )
    if not problems:
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(SIGNATURES):
            problems.append(_("The file is damaged or is not an Excel workbook."))
    return problems
