"""Who may work offline: the commune officers, who enter the reviews in the villages.

The phone holds the personal data of the households it downloads, so offline work is given to the role whose
work needs it and whose area is one commune (Decision 24/2021/QĐ-TTg, art. 4: the commune's staff and the
village heads survey the households):

- a commune officer downloads the villages of their commune for an open round in which they may enter reviews
  (``households.access.ReviewPolicy.may_enter``, which also keeps them to their area);
- a province officer is refused: their area is a whole province, a copy of which on a phone would be a risk out
  of proportion to a need they do not have (they enter no review in the field and work online);
- a commune chair is refused: the chair decides on the list, online, and enters no review;
- a district officer is refused: the district level ended on 1 July 2025 (Resolution 202/2025/QH15), so no
  round open now is theirs to enter;
- viewers and API clients only read, and an administrator has no area.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from households.access import ReviewPolicy

if TYPE_CHECKING:
    from accounts.models import User
    from households.models import ReviewRound

OFFLINE_ROLES = frozenset({Role.COMMUNE_OFFICER})

NOT_FOR_YOUR_ROLE = _("Offline work is for commune officers, who enter the reviews in the villages.")
MAY_NOT_ENTER = _("You may not enter reviews in this round.")


def may_work_offline(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in OFFLINE_ROLES


def check_may_work_offline(user: User) -> None:
    """Raise ``PermissionDenied`` unless the user's role works offline."""
    if not may_work_offline(user):
        raise PermissionDenied(str(NOT_FOR_YOUR_ROLE))


def check_may_download(user: User, review_round: ReviewRound) -> None:
    """Raise ``PermissionDenied`` unless the user may take ``review_round``'s households offline: their role works
    offline and they may enter reviews in the round (its commune is theirs)."""
    check_may_work_offline(user)
    if not ReviewPolicy(user).may_enter(review_round):
        raise PermissionDenied(str(MAY_NOT_ENTER))
