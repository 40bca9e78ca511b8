"""A review's explanation in its reader's language, each indicator by its name: ``review_explanation``.

A review keeps its explanation as written when it was classified, in the language of whoever entered it
(``households.review_outcome.review_outcome``: the classification's sentences, then ``code: reason`` per
deprivation). A reader sees it in their own language: the explanation is written again from what the review
keeps (its facts, income, area and the round's standard) by the same pure functions that decided it. Where that
cannot give what was decided (facts of an older form, or the standard's data changed before it was locked),
the stored lines are shown, each deprivation under the indicator's name (``standards.explanation_text``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from standards.classification import ClassificationError
from standards.explanation_text import named_explanation
from standards.indicators import HouseholdFacts, MissingFactsError
from standards.selectors import rules_year, standard_rules

from .review_facts import review_reference_date
from .review_outcome import review_outcome

if TYPE_CHECKING:
    from .models import HouseholdReview

logger = logging.getLogger(__name__)


def review_explanation(review: HouseholdReview) -> list[str]:
    """The lines explaining the review's classification, in the active language.

    Reads the round's standard (two queries unless its rules are prefetched); the review's round and
    standard are expected selected with it."""
    review_round = review.round
    standard = review_round.standard
    rules = standard_rules(standard)
    lines = review.explanation or []
    try:
        outcome = review_outcome(
            rules=rules,
            year=review_round.year,
            income_year=rules_year(year=review_round.year, kind=review_round.kind, standard=standard),
            is_urban=review.is_urban,
            income=review.income_per_capita,
            facts=HouseholdFacts.from_json(review.facts or {}),
            on=review_reference_date(
                kind=review_round.kind, round_date=review_round.ages_on, requested_on=review.requested_on
            ),
            mountain_island=review.is_mountain_island,
        )
    except (MissingFactsError, ClassificationError, TypeError, ValueError, KeyError) as error:
        # Facts kept by an older form or an import that held fewer of them: the stored text stands.
        logger.debug("Review %s explained from its stored text: %s", review.pk, error)
    else:
        # Only what was decided may be explained: the same status from the same deprivations.
        if outcome.status == review.status and list(outcome.deprived) == list(review.deprived or []):
            lines = outcome.explanation
    return named_explanation(lines, rules)
