"""Accent-insensitive search of households by code, head's name, a member's name or citizen ID: "nguyen van"
finds "Nguyễn Văn", "đông" and "dong" find each other.

Each household keeps its ``search_text``: the words of its code, its head's name and its members' names and
citizen IDs, folded (lower case, no diacritics, đ → d). The services that save a
household and its members set it (``search_words.search_text``), as they set the groups derived from the
members; the import computes it from the rows it writes. Searching reads one table through one index:

The words typed are a phrase whose last word may be unfinished ("nguyen thi d" finds "Nguyễn Thị Đông", "thi
dong" does not find "Đông Thị Nguyễn"): ``' ' || search_text LIKE '% nguyen thi d%'``, the same on both
databases. On PostgreSQL a full-text GIN index on ``to_tsvector('simple', search_text)`` (migration 0008)
first finds the households holding every word (``nguyen & thi & d:*``); that index answers exactly, so only the
LIKE looks at the rows it found. (Asking the index for the phrase itself, ``nguyen <-> thi <-> d:*``, made
PostgreSQL parse every found row's text again: 90 instead of 30 ms for 12,000 households of a million.)

An earlier version folded the names in SQL with trigram indexes on households and members; a name shared by
12,000 of a million households then took 0.7–1.4 s (two tables, a UNION and PostgreSQL's ``unaccent`` on
every candidate row), and the member index cost an import of 100,000 households 4 s.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, F, Func, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.db.models.lookups import Contains

from .models import Household, Member
from .search_words import search_text, words


class _HasWords(Func):
    """PostgreSQL: ``to_tsvector('simple', search_text) @@ to_tsquery('simple', query)``, the expression of the
    index of migration 0008."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    arg_joiner = ") @@ to_tsquery('simple'::regconfig, "
    output_field = BooleanField()


def households_matching(households: QuerySet[Household], term: str) -> QuerySet[Household]:
    """The households of ``households`` (already limited to the user's area) that the term finds."""
    typed = words(term)
    if not typed:
        return households if not term.strip() else households.none()
    phrase = Contains(Concat(Value(" "), F("search_text"), output_field=TextField()), " " + " ".join(typed))
    if connection.vendor != "postgresql":
        return households.filter(phrase)
    # Words are letters and digits only (``words``), so nothing typed can change the query's syntax.
    every_word = " & ".join([*typed[:-1], f"{typed[-1]}:*"])
    return households.filter(_HasWords(F("search_text"), Value(every_word)), phrase)


def household_search_refresh(households: QuerySet, members: QuerySet | None = None) -> None:
    """Recompute the search text of ``households`` from their rows, 5,000 at a time: for writes that bypass
    the services (the migration that added the text, the demo data, the benchmarks' bulk loads, the test
    factories). A migration passes its historical models' querysets."""
    members = Member.objects.all() if members is None else members
    last = 0
    while True:
        part = list(households.filter(pk__gt=last).order_by("pk").only("pk", "code", "head_name")[:5000])
        if not part:
            return
        names: dict[int, list[tuple[str, str]]] = {h.pk: [] for h in part}
        for household_id, name, national_id in members.filter(household_id__in=names).values_list(
            "household_id", "full_name", "national_id"
        ):
            names[household_id].append((name, national_id))
        for household in part:
            household.search_text = search_text(household.code, household.head_name, names[household.pk])
        households.model.objects.using(households.db).bulk_update(part, ["search_text"], batch_size=1000)
        last = part[-1].pk
