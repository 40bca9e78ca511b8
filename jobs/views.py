"""What the pages of every kind of job share."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from .models import BackgroundJob


def job_action_response(request, job: BackgroundJob, action: Callable[..., BackgroundJob]):
    """Take ``action`` on the job as the user (confirm, run again) and go back to the job's page; a refusal is
    shown there as a message."""
    try:
        job = action(user=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(job)
