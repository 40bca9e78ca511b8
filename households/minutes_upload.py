"""What a village meeting's minutes may be when uploaded: a PDF or a photo of the signed paper, of a sane size.

The type is told from the file's first bytes as well as its name, so that a page or a script renamed ``.pdf``
is refused: the minutes are kept to be opened later by other people.
"""

from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

# Suffix → the first bytes of a file of that type.
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
# What a kept file is sent as (``households.views.minutes``); only these suffixes are ever kept.
CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def minutes_problems(upload) -> list[str]:
    """Why an uploaded file cannot be kept as minutes; empty when it may."""
    limit = settings.MINUTES_MAX_BYTES
    if upload.size > limit:
        return [
            _("The file is %(size)s MB; the limit is %(limit)s MB. Scan the minutes at a lower resolution.")
            % {"size": round(upload.size / 2**20, 1), "limit": limit // 2**20}
        ]
    signatures = SIGNATURES.get(PurePath(upload.name or "").suffix.lower())
    head = upload.read(8)
    upload.seek(0)
    if signatures is None or not head.startswith(signatures):
        return [_("Upload the minutes as a PDF or a photo (JPEG or PNG).")]
    return []
