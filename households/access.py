"""Permission checks that go with the area scope: may this user change this unit's data, and take this step of
a review?"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

from .errors import LEGACY_ONLY, OUT_OF_SCOPE, READ_ONLY_ROLE, ScopeError
from .models import AdministrativeUnit, ReviewState
from .selectors import visible_unit_ids
from .workflow import STEP_ROLES, Step, consults_district, step_refusal

if TYPE_CHECKING:
    from accounts.models import User

    from .models import HouseholdReview, ReviewRound

ROLE_NEVER_TAKES_STEP = _("Your role may not take this step.")


def check_can_edit(user: User) -> None:
    """Raise ``ScopeError`` unless the user's role changes data at all: viewers and API clients only read."""
    if not user.can_edit:
        raise ScopeError(READ_ONLY_ROLE)


def check_can_edit_unit(user: User, unit: AdministrativeUnit) -> None:
    """Raise ``ScopeError`` unless the user may change data of ``unit``."""
    check_can_edit(user)
    ids = visible_unit_ids(user)
    if ids is not None and unit.pk not in ids:
        raise ScopeError(OUT_OF_SCOPE)
    if ids is not None and unit.valid_to is None and not _has_current_unit(user):
        raise ScopeError(LEGACY_ONLY)


def _has_current_unit(user: User) -> bool:
    # Whose assigned units all ended with the 2025 reform (a district, an old commune) reads the new
    # communes their units became part of, but the new communes' data is their own officers' to change.
    # Asked once per user object (per request), like the scope.
    cached = getattr(user, "_has_current_unit", None)
    if cached is None:
        cached = user._has_current_unit = user.units.filter(valid_to__isnull=True).exists()
    return cached


def may_carry_over(user: User) -> bool:
    """Carrying a registry over the 2025 reform is the province's decision (domain.md §7)."""
    return user.is_superuser or (user.can_edit and user.role == Role.PROVINCE_OFFICER)


class ReviewPolicy:
    """Whether one user may take a step of a household review: the one answer the services enforce and the
    pages and templates ask, in the manner of Wagtail's permission policies.

    Two checks, always in this order: the area (``check_can_edit_unit``: a review outside it is refused with
    ``ScopeError``, a 403), then the rule of Decision 24/2021/QĐ-TTg, art. 4 (``households.workflow.step_refusal``:
    which role takes which step, from which state, with or without the district chair), whose refusal is a
    message the user reads. The rule is a pure function of plain data; this class only feeds it the user, the
    review and the round's period, so that a page offers a step exactly when the service would take it.
    """

    def __init__(self, user: User) -> None:
        self.user = user

    def may_take(self, step: Step) -> bool:
        """Whether the user's role takes ``step`` at all, on some review in some state."""
        return self.user.is_superuser or self.user.role in STEP_ROLES[step]

    def require(self, step: Step, unit: AdministrativeUnit) -> None:
        """For a page that takes ``step`` on reviews of ``unit``: raise ``ScopeError`` outside the user's area and
        ``PermissionDenied`` for a role that never takes the step; which reviews it applies to is the services'
        check."""
        check_can_edit_unit(self.user, unit)
        if not self.may_take(step):
            raise PermissionDenied(str(ROLE_NEVER_TAKES_STEP))

    def refusal(self, step: Step, review: HouseholdReview, *, starts_on: datetime.date | None = None) -> str | None:
        """Why the user may not take ``step`` on ``review`` in its present state, or None if they may.

        Raises ``ScopeError`` where the review is outside the user's area. ``starts_on``: the first day of the
        review's round where the caller read it with the review's row (the services do, under the row lock,
        rather than fetch each review's round); it says whether the district chair is consulted."""
        check_can_edit_unit(self.user, review.village)
        return self._rule(step, state=review.state, starts_on=starts_on or review.round.starts_on)

    def may(self, step: Step, review: HouseholdReview) -> bool:
        """Whether the user may take ``step`` on ``review`` now: in their area, and allowed by the rule."""
        try:
            return self.refusal(step, review) is None
        except ScopeError:
            return False

    def steps_for(self, review: HouseholdReview) -> frozenset[Step]:
        """The steps the user may take on ``review`` now (``may``), for its page to offer."""
        return frozenset(step for step in Step if self.may(step, review))

    def steps_in(self, review_round: ReviewRound, states: Iterable[str]) -> frozenset[Step]:
        """The steps the user may take on at least one review of ``review_round`` in one of ``states``: the round's
        commune in their area, and the rule allowing the step from one of the states."""
        try:
            check_can_edit_unit(self.user, review_round.commune)
        except ScopeError:
            return frozenset()
        states = set(states)
        return frozenset(
            step
            for step in Step
            if any(self._rule(step, state=state, starts_on=review_round.starts_on) is None for state in states)
        )

    def may_enter(self, review_round: ReviewRound) -> bool:
        """Whether the user may enter a new review in ``review_round``: a new review is a draft, so it is the
        edit step from a draft (``households.services.review_create``)."""
        return Step.EDIT in self.steps_in(review_round, [ReviewState.DRAFT])

    def may_open_round(self, commune: AdministrativeUnit) -> bool:
        """Whether the user may open a review round in ``commune`` (``households.services.round_open``): whoever
        changes the commune's data."""
        try:
            check_can_edit_unit(self.user, commune)
        except ScopeError:
            return False
        return True

    def _rule(self, step: Step, *, state: str, starts_on: datetime.date) -> str | None:
        user = self.user
        return step_refusal(
            step,
            role=user.role,
            is_superuser=user.is_superuser,
            state=state,
            with_district=consults_district(starts_on),
        )
