"""Indicators named for the reader: a code a review or a list keeps becomes the indicator's name in the active
language (Vietnamese by default, English for an English reader), never the code itself.

The names are the standard's data (``Indicator.name_vi`` and ``name_en``, loaded from ``fixtures/standards.json``):
the 10 indicators of Decision 59/2015/QĐ-TTg (2016-2020) and the 12 of Decree 07/2021/NĐ-CP (2022-2025, and
2026 under Decree 351/2025/NĐ-CP). Pure: the rules arrive as a ``StandardRules`` value.
"""

from __future__ import annotations

from collections.abc import Iterable

from .classification import StandardRules

# A review keeps the reason of each deprivation as ``"<indicator code>: <reason>"``
# (``households.review_outcome.review_outcome``): the code, not a name in one language.
REASON_SEPARATOR = ": "


def indicator_names(rules: StandardRules) -> dict[str, str]:
    """The standard's indicators by code, each named in the active language."""
    return {indicator.code: indicator.name for indicator in rules.indicators}


def reason_line(code: str, reason: str) -> str:
    """The stored form of one deprivation's reason: its code, then the reason (in the writer's language)."""
    return f"{code}{REASON_SEPARATOR}{reason}"


def named_explanation(lines: Iterable[str], rules: StandardRules) -> list[str]:
    """A stored explanation as a reader reads it: each ``code: reason`` line begins with the indicator's name
    in the active language; the other lines (the classification's sentences) are kept as they are."""
    names = indicator_names(rules)
    named = []
    for line in lines:
        code, separator, reason = line.partition(REASON_SEPARATOR)
        name = names.get(code) if separator else None
        named.append(f"{name}{REASON_SEPARATOR}{reason}" if name else line)
    return named
