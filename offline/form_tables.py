"""The offline forms' words and choices, written into the app shell (``offline/app.html``) as JSON.

The shell is the same for everyone and kept by the service worker, so these are the model's choices and the
review form's labels only (no data): the same values the pages' forms offer (``households.forms``,
``households.review_facts``), so a change queued on the phone is one the sync (``offline.sync``) can accept.
"""

from __future__ import annotations

from typing import Any

from django.db.models import TextChoices

from households.models import Cause, Member, Relation, Sex
from households.review_facts import _CHOICES, _MULTIPLE, _NONE_LABELS, FACT_LABELS, INDICATOR_FACTS, NONE_OF_CHOICE
from standards.indicators import Disability, EducationLevel, Employment

# The member fields the offline form asks, in form order (the rest of ``MEMBER_FIELDS`` keep their defaults).
MEMBER_FORM_FIELDS = (
    "full_name",
    "sex",
    "date_of_birth",
    "relation",
    "in_school",
    "at_age_appropriate_level",
    "education",
    "has_health_insurance",
    "employment",
    "has_labour_capacity",
    "disability",
    "receives_social_allowance",
    "sick_untreated",
    "malnourished",
)
_MEMBER_CHOICES: dict[str, type[TextChoices]] = {
    "sex": Sex,
    "relation": Relation,
    "education": EducationLevel,
    "employment": Employment,
    "disability": Disability,
}


def _choices(choices: type[TextChoices]) -> list[list[str]]:
    return [[value, str(label)] for value, label in choices.choices]


def form_tables() -> dict[str, Any]:
    """Labels and choices in the active language, for ``static/offline/app.js``."""
    members = {}
    for name in MEMBER_FORM_FIELDS:
        field = Member._meta.get_field(name)
        kind = "choice" if name in _MEMBER_CHOICES else "date" if name == "date_of_birth" else "text"
        if field.get_internal_type() == "BooleanField":
            kind = "nullboolean" if field.null else "boolean"
        entry: dict[str, Any] = {"name": name, "label": str(field.verbose_name), "kind": kind}
        if name in _MEMBER_CHOICES:
            entry["choices"] = _choices(_MEMBER_CHOICES[name])
        members[name] = entry
    facts = {}
    for name in dict.fromkeys(fact for needed in INDICATOR_FACTS.values() for fact in needed):
        entry = {"name": name, "label": str(FACT_LABELS[name])}
        if name in _MULTIPLE:
            entry.update(
                kind="multiple", choices=_choices(_CHOICES[name]), none=[NONE_OF_CHOICE, str(_NONE_LABELS[name])]
            )
        elif name in _CHOICES:
            entry.update(kind="choice", choices=_choices(_CHOICES[name]))
        elif name == "living_area_m2":
            entry["kind"] = "decimal"
        else:
            entry["kind"] = "nullboolean"
        facts[name] = entry
    return {
        "member_fields": list(members.values()),
        "facts": facts,
        "indicator_facts": {code: list(names) for code, names in INDICATOR_FACTS.items()},
        "causes": _choices(Cause),
    }
