"""The signed minutes of a village meeting, for those who see the village: kept to be opened later (by the
commune, the district, an inspector), as Decision 24/2021/QĐ-TTg, art. 4, step 3, asks them to be filed."""

from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from households.minutes_upload import CONTENT_TYPES
from households.selectors.meetings import meeting_get


@login_required
@require_GET
def meeting_minutes_view(request, pk: int):
    meeting = meeting_get(user=request.user, pk=pk)
    if not meeting.minutes:
        raise Http404
    suffix = PurePath(meeting.minutes.name).suffix.lower()
    try:
        handle = meeting.minutes.open("rb")
    except FileNotFoundError as missing:  # the row survived a restore of the database without the files
        raise Http404 from missing
    name = f"bien-ban-hop-{slugify(meeting.village.name)}-{meeting.held_on:%Y%m%d}{suffix}"
    # Always a download, never shown in the page's origin: the file came from a user.
    return FileResponse(handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[suffix])
