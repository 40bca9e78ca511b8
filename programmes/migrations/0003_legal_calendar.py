"""The years each standard is in force for reviews, corrected to the legal calendar (domain.md §2).

- 2016-2020 (Decision 59/2015/QĐ-TTg): 2016-2021, as Decree 07/2021/NĐ-CP kept it during 2021.
- 2021-2025 (Decree 07/2021/NĐ-CP, amended by Decree 30/2025/NĐ-CP): 2022-2026, as Decree 351/2025/NĐ-CP
  keeps Decree 07's art. 3 (its lines and its 12 indicators) until 31/12/2026.
- 2026-2030 (Decree 351/2025/NĐ-CP): 2027-2030. It used to hold 2026 with Decree 07's lines and its own
  indicators, which no text provides.
The standards of 2001-2015 are left as they are.

The years a standard is in force are a correction of the legal calendar, not of its rules, so they are
corrected in every version, locked or not, and each standard's income lines are brought to those years
(the first and last line clipped or extended; the 2021-2025 line now runs 2022-2026). A line wholly
outside the corrected years (the 2026 line of 2026-2030) is deleted where the version is unlocked; a
locked version keeps it, as what its approved reviews were decided under — no round uses it again, since
a round's year of rules is brought within its standard's years.

Review rounds: each round is given the standard the legal calendar gives it (an annual round of Y uses the
standard in force in Y+1, an ongoing one the standard of its year) and classified by the line of its year of
rules (Y+1 for an annual round). A round none of whose reviews is approved is moved to that standard and
its reviews are classified again (ongoing rounds of 2026 move from 2026-2030 to 2021-2025; the end-of-2026
annual round stays under 2026-2030 but is classified by the 2027 lines); a review whose facts miss what the
new standard's indicators need keeps its status and is returned to the commune staff with the reason. A
round with an approved review is left as it is — its reviews and the statistics were decided under its
standard — and is listed on the console, for the province to decide (a new review in a round under the
right standard). Reversing restores nothing: the old calendar was wrong.
"""

from django.db import migrations
from django.utils import timezone

YEARS = {"2016-2020": (2016, 2021), "2021-2025": (2022, 2026), "2026-2030": (2027, 2030)}
ANNUAL = "annual"
APPROVED = "approved"
RETURNED = "returned"
EDITABLE = ("draft", "returned")


def correct_calendar(apps, schema_editor):
    PovertyStandard = apps.get_model("programmes", "PovertyStandard")
    IncomeLine = apps.get_model("programmes", "IncomeLine")
    for code, (first, last) in YEARS.items():
        for standard in PovertyStandard.objects.filter(code=code):
            PovertyStandard.objects.filter(pk=standard.pk).update(year_from=first, year_to=last)
            lines = list(IncomeLine.objects.filter(standard=standard).order_by("year_from"))
            outside = [line for line in lines if line.year_to < first or line.year_from > last]
            if not standard.locked:
                IncomeLine.objects.filter(pk__in=[line.pk for line in outside]).delete()
            inside = [line for line in lines if line not in outside]
            if not inside:
                continue
            if inside[0].year_from != first:
                IncomeLine.objects.filter(pk=inside[0].pk).update(year_from=first)
            if inside[-1].year_to != last:
                IncomeLine.objects.filter(pk=inside[-1].pk).update(year_to=last)


def correct_rounds(apps, schema_editor):
    PovertyStandard = apps.get_model("programmes", "PovertyStandard")
    ReviewRound = apps.get_model("households", "ReviewRound")
    HouseholdReview = apps.get_model("households", "HouseholdReview")
    rules_cache = {}
    left = []

    def in_force(year):
        return (
            PovertyStandard.objects.filter(year_from__lte=year, year_to__gte=year)
            .order_by("-year_from", "-version")
            .first()
        )

    for review_round in ReviewRound.objects.select_related("standard", "commune").order_by("year", "pk"):
        if review_round.kind == ANNUAL:
            default = in_force(review_round.year + 1) or in_force(review_round.year)
        else:
            default = in_force(review_round.year)
        standard = review_round.standard
        if default is not None and default.code != standard.code:
            standard = default
        year = _rules_year(review_round, standard)
        if standard.pk == review_round.standard_id and year == review_round.year:
            continue  # classified as before
        reviews = HouseholdReview.objects.filter(round=review_round)
        approved = reviews.filter(state=APPROVED).count()
        clash = (
            review_round.kind == ANNUAL
            and standard.pk != review_round.standard_id
            and ReviewRound.objects.filter(
                commune=review_round.commune_id, year=review_round.year, kind=ANNUAL, standard=standard
            ).exists()
        )
        if approved or clash:
            left.append((review_round, standard, approved))
            continue
        if standard.pk != review_round.standard_id:
            ReviewRound.objects.filter(pk=review_round.pk).update(standard=standard)
        if standard.pk not in rules_cache:
            rules_cache[standard.pk] = _rules(apps, standard)
        for review in reviews.select_related("round__standard"):
            _classify_again(apps, review, rules_cache[standard.pk], year=year)
    for review_round, standard, approved in left:
        print(
            f"\n  Review round {review_round.pk} ({review_round.kind} {review_round.year}, {review_round.commune.name})"
            f" left under {review_round.standard.code} ({approved} approved reviews); the legal calendar gives it"
            f" {standard.code}."
        )


def _rules_year(review_round, standard):
    wanted = review_round.year + 1 if review_round.kind == ANNUAL else review_round.year
    return min(max(wanted, standard.year_from), standard.year_to)


def _rules(apps, standard):
    """``standards.selectors.standard_rules`` over the historical rows."""
    from standards.classification import IncomeLines, IndicatorRule, StandardRules

    IncomeLine = apps.get_model("programmes", "IncomeLine")
    Indicator = apps.get_model("programmes", "Indicator")
    lines = tuple(
        IncomeLines(
            year_from=line.year_from,
            year_to=line.year_to,
            poor_rural=line.poor_rural,
            poor_urban=line.poor_urban,
            near_poor_rural=line.near_poor_rural,
            near_poor_urban=line.near_poor_urban,
            minimum_living_rural=line.minimum_living_rural,
            minimum_living_urban=line.minimum_living_urban,
            average_rural=line.average_rural,
            average_urban=line.average_urban,
            poor_rural_mountain=line.poor_rural_mountain,
        )
        for line in IncomeLine.objects.filter(standard=standard).order_by("year_from")
    )
    indicators = tuple(
        IndicatorRule(
            code=indicator.code,
            name_vi=indicator.name_vi,
            name_en=indicator.name_en,
            dimension_code=indicator.dimension.code,
            dimension_name_vi=indicator.dimension.name_vi,
            dimension_name_en=indicator.dimension.name_en,
            thresholds=indicator.thresholds,
        )
        for indicator in Indicator.objects.filter(standard=standard).select_related("dimension").order_by("order", "code")
    )
    return StandardRules(
        code=standard.code,
        name=standard.name,
        method=standard.method,
        deprivation_cutoff=standard.deprivation_cutoff,
        year_from=standard.year_from,
        year_to=standard.year_to,
        lines=lines,
        indicators=indicators,
        version=standard.version,
        document=standard.document_number,
    )


def _classify_again(apps, review, rules, *, year):
    """``households.services.reviews._classify`` and ``_set_transition`` over the historical rows, with the
    pure rules (no history row is written: the migration is not a user's change)."""
    from households.review_facts import household_facts
    from households.transitions import transition_under
    from standards.classification import Area, ClassificationError, classify
    from standards.indicators import MissingFactsError, decide_indicators, deprived_codes

    Member = apps.get_model("households", "Member")
    HouseholdReview = apps.get_model("households", "HouseholdReview")
    members = list(Member.objects.filter(household_id=review.household_id).order_by("pk"))
    facts = household_facts(review.facts, members)
    try:
        decisions = decide_indicators(rules, facts, on=timezone.localdate()) if rules.uses_deprivation else {}
        result = classify(
            rules,
            year=year,
            area=Area.URBAN if review.is_urban else Area.RURAL,
            income=review.income_per_capita,
            deprived=deprived_codes(decisions),
        )
    except (MissingFactsError, ClassificationError):
        if review.state != APPROVED:
            HouseholdReview.objects.filter(pk=review.pk).update(
                state=RETURNED,
                returned_reason=f"Chuẩn nghèo của đợt rà soát được sửa thành {rules.code}: bổ sung thông tin và lưu lại.",
            )
        return
    history = [
        (code, status)
        for code, status in HouseholdReview.objects.filter(
            household_id=review.household_id, state=APPROVED, round__year__lte=review.round.year
        )
        .exclude(pk=review.pk)
        .order_by("round__year", "approved_at", "pk")
        .values_list("round__standard__code", "status")
    ]
    previous, change = transition_under(history, result.status, standard_code=rules.code)
    reasons = tuple(f"{code}: {d.reason}" for code, d in decisions.items() if d.deprived and d.reason)
    HouseholdReview.objects.filter(pk=review.pk).update(
        facts=facts.to_json(),
        status=result.status.value,
        deprived=list(result.deprived),
        deprived_count=result.deprived_count,
        explanation=[*result.explanation, *reasons],
        previous_status=previous,
        transition=change.value,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0002_plans_targets_projects"),
        ("households", "0011_annual_round_per_standard"),
    ]

    operations = [
        migrations.RunPython(correct_calendar, migrations.RunPython.noop),
        migrations.RunPython(correct_rounds, migrations.RunPython.noop),
    ]
