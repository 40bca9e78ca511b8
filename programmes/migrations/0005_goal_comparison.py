"""Goals worded "dưới"/"trên" are judged strictly (issue 19, part D).

Until now a goal was "at least" or "at most", both judged including the target. The existing goals whose
description says "dưới" (below) or "trên" (above) about their target were stored as "at most" / "at least"
only because nothing stricter existed: they become "below" / "above", so that a goal "dưới 10%" is no
longer reached at exactly 10,00 %. An end-of-period rate stored as "at least" was judged "at most" all along
(the verdict forced it): it becomes what its text says, or "at most". Other goals keep their comparison.
"""

import re
from decimal import Decimal, InvalidOperation

from django.db import migrations, models

# A frozen copy of the reading of programmes.progress.comparison_in, limited to the strict words: a
# migration must not change with later code. "không dưới"/"không trên" (not below/above) are not strict.
_STRICT = re.compile(r"(?<!\w)(không\s+)?(dưới|trên)(?:\s+(?:mức|là|còn))*\s*(\d+(?:[.,]\d+)*)")


def _figure(text):
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _strict_word(description, target):
    """ "below" or "above" when the description says "dưới"/"trên" about the target; otherwise None."""
    found = [
        ("below" if m.group(2) == "dưới" else "above", _figure(m.group(3)))
        for m in _STRICT.finditer(description.lower())
        if not m.group(1)
    ]
    about_target = [f for f in found if f[1] is not None and f[1] == target]
    words = {word for word, _ in (about_target or found)}
    return words.pop() if len(words) == 1 else None


def strict_wordings(apps, schema_editor):
    PlanGoal = apps.get_model("programmes", "PlanGoal")
    for goal in PlanGoal.objects.all():
        word = _strict_word(goal.description, goal.target_low)
        direction = goal.direction
        if goal.kind == "end_rate" and direction == "at_least":
            direction = "below" if word == "below" else "at_most"
        elif (direction, word) in (("at_most", "below"), ("at_least", "above")):
            direction = word
        if direction != goal.direction:
            PlanGoal.objects.filter(pk=goal.pk).update(direction=direction)


def inclusive_wordings(apps, schema_editor):
    """Back to the two inclusive comparisons: the nearest the old code could judge."""
    PlanGoal = apps.get_model("programmes", "PlanGoal")
    PlanGoal.objects.filter(direction="below").update(direction="at_most")
    PlanGoal.objects.filter(direction="above").update(direction="at_least")


class Migration(migrations.Migration):
    dependencies = [("programmes", "0004_public_holidays")]

    operations = [
        migrations.AlterField(
            model_name="plangoal",
            name="direction",
            field=models.CharField(
                choices=[
                    ("below", "below"),
                    ("at_most", "not more than"),
                    ("above", "above"),
                    ("at_least", "at least / reaching"),
                ],
                default="at_least",
                help_text=(
                    "How the goal is worded: “below” and “above” leave the target itself out; “not more than” and "
                    "“at least / reaching” count the target itself as reached."
                ),
                max_length=8,
                verbose_name="direction",
            ),
        ),
        migrations.RunPython(strict_wordings, inclusive_wordings),
    ]
