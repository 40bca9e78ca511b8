"""A standard's rules as JSON tables, for the phone to classify a household with no network.

The device runs ``static/offline/classify.js`` over these tables. They are generated, never typed: the lines
and indicators from the standard's rows (``standards.selectors.standard_rules``), the retirement ages from
``standards.working_age``, the sentences of the explanation from the msgids of ``standards.classification``
and ``standards.indicators`` translated into the active language, so that the device writes the same
explanation the server stores. Only the decisions themselves (which fact makes which indicator deprived, the
order of the classification's steps) are written out again in JavaScript; ``tests/offline/test_rule_parity.py``
runs the same generated cases through ``households.review_outcome.review_outcome`` and the JavaScript and
compares the status, the deprivations, the missing facts and the explanation.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import get_language, gettext, pgettext

from standards.classification import STATUS_LABELS, Area, StandardRules, Status
from standards.indicators import (
    Device,
    Employment,
    HousingType,
    Latrine,
    TelecomService,
    WasteTreatment,
    WaterSource,
)
from standards.working_age import MIN_WORKING_AGE, SEXES, retirement_age

# Raised when the tables' shape changes: a phone holding older tables downloads them again.
FORMAT = 1

# The msgids the device writes, as ``standards.classification`` and ``standards.indicators`` mark them
# (``tests/offline/test_rule_tables.py`` reads the two modules and fails when this list falls behind).
MESSAGES = (
    # standards.classification: the steps of the rule.
    "income {income} ≤ poor line {poor} ({area}, {year})",
    "poor line {poor} < income {income} ≤ near-poor line {near_poor} ({area}, {year})",
    "income {income} > near-poor line {near_poor} ({area}, {year})",
    "income {income} > poor line {poor} ({area}, {year})",
    "poor line {poor} < income {income} ≤ minimum living standard {minimum} ({area}, {year})",
    "minimum living standard {minimum} < income {income} ≤ average living standard line {average} ({area}, {year})",
    "income {income} > average living standard line {average} ({area}, {year})",
    "income {income} > minimum living standard {minimum} ({area}, {year})",
    "poor line {poor} < income {income} ≤ average living standard line {average} ({area}, {year})",
    "deprived in {count} of {total} indicators, reaching the cut-off of {cutoff}: {names}",
    "deprived in {count} of {total} indicators, below the cut-off of {cutoff}: {names}",
    "deprived in none of the {total} indicators, below the cut-off of {cutoff}",
    "result: {status} ({document})",
    "result: {status}",
    # standards.classification: input the rule refuses.
    "Standard {code} has no income line for {year}.",
    "The income must be a whole number of VND.",
    "The income cannot be negative.",
    "Unknown area “{area}”: use “rural” or “urban”.",
    "The year must be a whole number.",
    "The year {year} is outside the period {year_from}-{year_to} of standard {code}.",
    "Standard {code} has no indicator {unknown}.",
    # standards.indicators: the reasons.
    "Facts needed to decide the indicators are missing: {facts}",
    "member {number}",
    "{names}: ill without medical care",
    "no member ill without medical care",
    "{names}: aged {age_from} or over without health insurance",
    "every member aged {age_from} or over has health insurance",
    "{names}: without the required schooling and not studying",
    "no member lacks the schooling required for their age",
    "{names}: not in school",
    "{names}: not at the school level for their age",
    "every child aged {age_from} to under {age_below} is in school",
    "house: {housing}",
    "{area} m² for {people} people: {per_person} m² each, below {minimum} m²",
    "{area} m² for {people} people: {per_person} m² each, not below {minimum} m²",
    "water source: {source}",
    "latrine: {latrine}",
    "no member uses any of: {services}",
    "members use: {services}",
    "has: {devices}",
    "hears the village loudspeaker system",
    "none of: {devices}",
    "working-age members deprived of employment: {members}",
    "no working-age member is deprived of employment",
    "{count} dependants of {people} people ({share}), more than {limit}",
    "{count} dependants of {people} people ({share}), not more than {limit}",
    "{names}: malnourished, under {age_below}",
    "no child under {age_below} is malnourished",
    "household waste: {waste}",
)

# The facts' choices whose labels a reason names (``standards.indicators``: ``c.label(...)``).
CHOICES: dict[str, type[TextChoices]] = {
    "housing": HousingType,
    "water_source": WaterSource,
    "latrine": Latrine,
    "telecom": TelecomService,
    "devices": Device,
    "employment": Employment,
    "waste": WasteTreatment,
}

# The retirement ages are tabulated over these years; before and after, the roadmap is constant (Labour Code
# 2012, art. 187, before 2021; Labour Code 2019, art. 169: 62 for men from 2028, 60 for women from 2035), which
# ``tests/offline/test_rule_tables.py`` checks, so the device holds the first and last values for the years out.
RETIREMENT_YEARS = range(2015, 2041)


def rule_tables(rules: StandardRules) -> dict[str, Any]:
    """Everything ``classify.js`` needs to decide a review under ``rules``, in the active language.

    Plain JSON values only (thresholds as the standard holds them). Cheap: no database read.
    """
    return {
        "format": FORMAT,
        "standard": _standard(rules),
        "working_age": working_age_table(),
        "texts": texts(),
    }


def texts() -> dict[str, Any]:
    """The explanation's words in the active language, keyed as the rule modules ask for them."""
    language = get_language() or "vi"
    return {
        "language": language,
        "vietnamese": language.startswith("vi"),
        "messages": {msgid: gettext(msgid) for msgid in MESSAGES},
        "areas": {
            Area.URBAN.value: pgettext("area", "urban"),
            Area.RURAL.value: pgettext("area", "rural"),
            "rural_mountain_island": pgettext("area", "rural, mountainous or island"),
        },
        "statuses": {status.value: str(STATUS_LABELS[status]) for status in Status},
        "choices": {name: {choice.value: str(choice.label) for choice in choices} for name, choices in CHOICES.items()},
    }


def working_age_table() -> dict[str, Any]:
    """The minimum working age and the retirement age (months) of each sex in each year of ``RETIREMENT_YEARS``."""
    return {
        "min_age": MIN_WORKING_AGE,
        "first_year": RETIREMENT_YEARS.start,
        "retirement_months": {
            sex: [years * 12 + months for years, months in (retirement_age(sex, y) for y in RETIREMENT_YEARS)]
            for sex in SEXES
        },
    }


def _standard(rules: StandardRules) -> dict[str, Any]:
    return {
        "code": rules.code,
        "version": rules.version,
        "name": rules.name,
        "document": rules.document,
        "method": rules.method.value,
        "deprivation_cutoff": rules.deprivation_cutoff,
        "year_from": rules.year_from,
        "year_to": rules.year_to,
        "lines": [asdict(lines) for lines in rules.lines],
        "indicators": [
            {
                "code": indicator.code,
                "name_vi": indicator.name_vi,
                "name_en": indicator.name_en,
                "dimension_code": indicator.dimension_code,
                "dimension_name_vi": indicator.dimension_name_vi,
                "dimension_name_en": indicator.dimension_name_en,
                "thresholds": dict(indicator.thresholds),
            }
            for indicator in rules.indicators
        ],
    }
