"""The transition of a household between two reviews, as Circular 07/2021/TT-BLĐTBXH counts it.

Pure: statuses in, a transition out. The columns of the change tables (Appendix VII, forms 7.x):
poor at the start (1); decreases — escaped to near-poor (2), escaped above near-poor (3), other (4);
increases — near-poor became poor (5), fell back into poverty (6), newly poor (7), other (8); and the same
for near-poor households.

Statuses are compared under one standard only (domain.md §2): a household first classified under a new
standard after statuses under an earlier one is at the baseline of the new period, not "newly poor" nor
"escaped" — its lines and indicators are not those of its past (``Transition.BASELINE``, counted in the
"other" columns of the change tables).
"""

from collections.abc import Sequence
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from standards.classification import Status


class Transition(StrEnum):
    STAYED_POOR = "stayed_poor"
    STAYED_NEAR_POOR = "stayed_near_poor"
    STAYED_NOT_POOR = "stayed_not_poor"
    POOR_TO_NEAR_POOR = "poor_to_near_poor"  # column 2: thoát nghèo thành cận nghèo
    POOR_ESCAPED = "poor_escaped"  # column 3: thoát nghèo vượt cận nghèo
    NEAR_POOR_TO_POOR = "near_poor_to_poor"  # column 5: hộ cận nghèo thành hộ nghèo
    FELL_BACK_POOR = "fell_back_poor"  # column 6: tái nghèo
    NEWLY_POOR = "newly_poor"  # column 7: nghèo phát sinh mới
    NEAR_POOR_ESCAPED = "near_poor_escaped"  # thoát cận nghèo
    FELL_BACK_NEAR_POOR = "fell_back_near_poor"  # tái cận nghèo
    NEWLY_NEAR_POOR = "newly_near_poor"  # cận nghèo phát sinh mới
    BASELINE = "baseline"  # first status under a new standard: nothing to compare it with

    @property
    def label(self) -> str:
        return str(TRANSITION_LABELS[self])


TRANSITION_LABELS = {
    Transition.STAYED_POOR: _("Stayed poor"),
    Transition.STAYED_NEAR_POOR: _("Stayed near-poor"),
    Transition.STAYED_NOT_POOR: _("Stayed out of poverty"),
    Transition.POOR_TO_NEAR_POOR: _("Escaped poverty to near-poor"),
    Transition.POOR_ESCAPED: _("Escaped poverty above near-poor"),
    Transition.NEAR_POOR_TO_POOR: _("Near-poor became poor"),
    Transition.FELL_BACK_POOR: _("Fell back into poverty"),
    Transition.NEWLY_POOR: _("Newly poor"),
    Transition.NEAR_POOR_ESCAPED: _("Escaped near-poverty"),
    Transition.FELL_BACK_NEAR_POOR: _("Fell back into near-poverty"),
    Transition.NEWLY_NEAR_POOR: _("Newly near-poor"),
    Transition.BASELINE: _("First review under a new standard"),
}

_ABOVE = {Status.AVERAGE, Status.NOT_POOR}


def transition(
    history: Sequence[Status | str], current: Status | str, *, under_earlier_standard: bool = False
) -> Transition:
    """The transition of a household whose approved statuses so far were ``history`` (oldest first).

    ``history`` holds the statuses under the current review's standard only; ``under_earlier_standard``
    says the household also had statuses under another one. With no status under this standard, such a
    household is at the baseline of the new standard. "Fell back" (tái nghèo / tái cận nghèo) needs the
    household to have been in that status before and to have left it; a household never so classified is
    "newly" poor or near-poor.
    """
    current = Status(current)
    past = [Status(s) for s in history]
    if not past and under_earlier_standard:
        return Transition.BASELINE
    last = past[-1] if past else None
    if current == Status.POOR:
        if last == Status.POOR:
            return Transition.STAYED_POOR
        if last == Status.NEAR_POOR:
            return Transition.NEAR_POOR_TO_POOR
        return Transition.FELL_BACK_POOR if Status.POOR in past else Transition.NEWLY_POOR
    if current == Status.NEAR_POOR:
        if last == Status.POOR:
            return Transition.POOR_TO_NEAR_POOR
        if last == Status.NEAR_POOR:
            return Transition.STAYED_NEAR_POOR
        return Transition.FELL_BACK_NEAR_POOR if Status.NEAR_POOR in past else Transition.NEWLY_NEAR_POOR
    if last == Status.POOR:
        return Transition.POOR_ESCAPED
    if last == Status.NEAR_POOR:
        return Transition.NEAR_POOR_ESCAPED
    return Transition.STAYED_NOT_POOR


def transition_under(
    history: Sequence[tuple[str, Status | str]], current: Status | str, *, standard_code: str
) -> tuple[str, Transition]:
    """The previous status ("" if none) and the transition of a household under the standard
    ``standard_code``, from its approved ``(standard code, status)`` pairs, oldest first: statuses under
    another standard are not compared with this one. The historical migration
    ``programmes/migrations/0003_legal_calendar.py`` uses it; the app uses ``transition_in_year``, which also
    keeps to the statuses before the review's year."""
    same = [status for code, status in history if code == standard_code]
    earlier = len(same) < len(history)
    return (str(same[-1]) if same else ""), transition(same, current, under_earlier_standard=earlier)


def transition_in_year(
    history: Sequence[tuple[int, str, Status | str]], current: Status | str, *, year: int, standard_code: str
) -> tuple[str, Transition]:
    """The previous status ("" if none) and the transition of a household's review of ``year`` under the
    standard ``standard_code``, from its approved ``(year, standard code, status)`` triples, oldest first
    (by year, then by approval: the last of a year is the one that stands for it, as
    ``households.models.StatisticSource`` keeps it).

    **Against the status at the end of the previous year.** Only statuses of years before ``year`` are
    compared: a year's ongoing reviews (Decision 24/2021/QĐ-TTg, art. 5: monthly, decided within the
    month) show their change in the month they were decided, and the annual review of the same year is
    compared again with the end of the previous year, so that the change is not counted twice and the
    change table of the year (Circular 07/2021/TT-BLĐTBXH, Appendix VII: end = 1 − 2 − 3 − 4 + 5 + 6 + 7
    + 8) adds up from the start of the year to its end.

    ``year`` is the **round's year**, the year the review is held in (``ReviewRound.year``, the year the
    statistics and the change table count it in), not the year of its list: an annual round of 2024
    (1 September – 14 December 2024) gives the list of 2025 (``standards.selectors.rules_year``) and the
    ongoing reviews of 2025 amend that list; the annual round of 2025 is compared with the 2024 round's
    result, not with the ongoing reviews of 2025 — its "previous year" is the previous round year.

    **Under the same standard only** (domain notes §2): "fell back" (tái nghèo, tái cận nghèo) looks only at
    statuses under ``standard_code``. A household whose first status under this standard comes after
    statuses under an *earlier* standard is at the new period's baseline. Period codes begin with their
    first year ("2016-2020" < "2021-2025"), so an earlier standard is one whose code sorts first; a status
    under a later standard (the next period's baseline, taken the same year) never makes this one a baseline.
    """
    same = [status for past_year, code, status in history if code == standard_code and past_year < year]
    earlier = any(code < standard_code for past_year, code, _status in history if past_year <= year)
    return (str(same[-1]) if same else ""), transition(same, current, under_earlier_standard=earlier)


def escaped_from(before: Status | str, current: Status | str) -> Status | None:
    """The status a household is recognised as having escaped (thoát nghèo, thoát cận nghèo) when its
    recognised status was ``before`` ("" if none under this standard) and a decision recognises
    ``current``; None when it escapes nothing.

    Decision 24/2021/QĐ-TTg, Form 02: the commune chair's decision recognises poor, near-poor, escaped-poverty
    and escaped-near-poverty households. ``before`` is the household's last status recognised before the
    decision (an ongoing decision earlier in the year included): a household already recognised as escaped
    in the month it escaped is not recognised again by the annual decision. A poor household that becomes
    near-poor escapes poverty and is recognised as near-poor.
    """
    if not before:
        return None
    before, current = Status(before), Status(current)
    if before == Status.POOR and current != Status.POOR:
        return Status.POOR
    if before == Status.NEAR_POOR and current not in (Status.POOR, Status.NEAR_POOR):
        return Status.NEAR_POOR
    return None
