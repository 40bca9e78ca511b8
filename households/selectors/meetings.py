"""Reads of the village meetings (step 3 of the review): a meeting is seen by whoever sees its village."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from households.models import VillageMeeting

from .units import visible_unit_ids

if TYPE_CHECKING:
    from accounts.models import User


def meeting_get(*, user: User, pk: int) -> VillageMeeting:
    """The meeting, if its village is in the user's area; 404 otherwise, the same answer as a meeting that does
    not exist, so that no one learns which meetings another commune held."""
    meetings = VillageMeeting.objects.select_related("village", "round")
    ids = visible_unit_ids(user)
    if ids is not None:
        meetings = meetings.filter(village_id__any_of=ids)
    meeting = meetings.filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting
