"""What a household's review stores, decided from its facts and the household's past: ``review_outcome``.

Pure: plain data in, a ``ReviewOutcome`` out. The indicators are decided from the facts
(``standards.indicators.decide_indicators``), the status from the income and the deprivations
(``standards.classification.classify``) and the transition from the household's approved past
(``households.transitions.transition_in_year``). The review form and the API (through
``households.services.reviews``), the import (``households.imports.checking``) and the demo generator
(``demo.history``) all store what this function returns, so that a household entered any of these ways has
the same status, explanation and transition.
"""

from __future__ import annotations

import datetime
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from standards.classification import Area, Classification, StandardRules, Status, classify
from standards.explanation_text import reason_line
from standards.indicators import HouseholdFacts, decide_indicators

from .transitions import Transition, transition_in_year

# A memo of classifications kept by a caller that classifies many households in one run (``review_outcome``),
# over rules that do not change meanwhile: it knows a standard by its code and version.
Classifications = MutableMapping[tuple[Any, ...], Classification]


@dataclass(frozen=True)
class ReviewOutcome:
    """Everything a review stores that is decided, never typed."""

    # The facts used, the members' included: kept on the review, so that a later change in the registry does
    # not rewrite the past.
    facts: HouseholdFacts
    status: Status
    deprived: tuple[str, ...]  # the codes of the indicators the household is deprived in, in the standard's order
    deprived_count: int
    # The classification's sentences, then ``code: reason`` for each deprivation: the indicator's code, never its
    # name in the writer's language, so that each reader sees the name in theirs
    # (``standards.explanation_text.named_explanation``, ``households.explanations.review_explanation``).
    explanation: tuple[str, ...]
    previous_status: str  # the status the household is compared with, "" if none
    transition: Transition


def review_outcome(
    *,
    rules: StandardRules,
    year: int,
    income_year: int,
    is_urban: bool,
    income: int,
    facts: HouseholdFacts,
    on: datetime.date,
    mountain_island: bool = False,
    history: Sequence[tuple[int, str, str]] = (),
    language: str | None = None,
    classifications: Classifications | None = None,
) -> ReviewOutcome:
    """The outcome of a household's review of the round year ``year`` under ``rules``.

    ``income_year`` is the year whose income line applies (``standards.selectors.rules_year``: the next year
    for an annual round, whose list is that year's; Decision 24/2021/QĐ-TTg, art. 4). ``facts`` are the
    household's facts with its members'; their ages are taken ``on`` the review's reference date
    (``households.review_facts.review_reference_date``), never the day of entry. ``mountain_island`` is the
    commune's flag for the 2001-2005 rural mountainous and island line (Decision 1143/2000/QĐ-LĐTBXH).
    ``history`` holds the household's approved ``(round year, standard code, status)`` triples, oldest first
    (``households.selectors.last_approved_statuses``): the transition compares the status with the end of
    the previous round year under the same standard only (Circular 07/2021/TT-BLĐTBXH, Appendix VII).

    The explanation is the classification's, followed by the reason of each indicator the household is
    deprived in (``code: reason``), written in ``language`` (by default the active one). A caller classifying
    many households passes ``language`` and a ``classifications`` memo: ``classify`` is pure, and many
    households share its inputs, so each combination is classified once.

    Raises ``standards.indicators.MissingFactsError`` when the facts miss what an indicator needs, and
    ``standards.classification.ClassificationError`` for an income or a year the standard cannot classify.
    """
    deprived: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    if rules.uses_deprivation:
        # Only the deprived indicators' reasons are kept: the text of the others (most of the cost) is not made.
        decisions = decide_indicators(rules, facts, on=on, explain="deprived", language=language)
        deprived = tuple(code for code, decision in decisions.items() if decision.deprived)
        reasons = tuple(reason_line(code, decisions[code].reason) for code in deprived if decisions[code].reason)
    area = Area.URBAN if is_urban else Area.RURAL
    # Not ``rules`` itself: hashing it costs more than the rest of a memo's look-up.
    key = (rules.code, rules.version, income_year, area, mountain_island, income, deprived, language)
    classification = classifications.get(key) if classifications is not None else None
    if classification is None:
        classification = classify(
            rules,
            year=income_year,
            area=area,
            income=income,
            deprived=deprived,
            mountain_island=mountain_island,
            language=language,
        )
        if classifications is not None:
            classifications[key] = classification
    previous, change = transition_in_year(history, classification.status, year=year, standard_code=rules.code)
    return ReviewOutcome(
        facts=facts,
        status=classification.status,
        deprived=classification.deprived,
        deprived_count=classification.deprived_count,
        explanation=classification.explanation + reasons,
        previous_status=previous,
        transition=change,
    )
