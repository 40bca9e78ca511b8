"""Exceptions the households services raise, with messages a user can read."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

OUT_OF_SCOPE = _("This unit is outside your area.")
READ_ONLY_ROLE = _("Your role may not change data.")
LEGACY_ONLY = _(
    "Your units ended with the 2025 reform: you may read their history, but the new communes' data is changed "
    "by their own officers."
)
EDITED_MEANWHILE = _(
    "Someone else saved this record while you were editing it. Reload the page to see their changes, "
    "then enter yours again."
)


class ScopeError(PermissionDenied):
    """The user may not act on this unit, or not with this role."""


class ConflictError(ValidationError):
    """The record changed since the user loaded it (optimistic locking)."""

    def __init__(self):
        super().__init__(EDITED_MEANWHILE, code="conflict")


class WorkflowError(ValidationError):
    """A review step that may not be taken now or by this user."""
