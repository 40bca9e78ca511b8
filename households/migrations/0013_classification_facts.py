"""The classification facts of issue 19, part A.

- ``ReviewRound.reference_date``: the day the members' ages are taken on; existing rounds get their first day
  (the start of the annual review, 1 September, or the day an ongoing round opened).
- ``AdministrativeUnit.is_mountain_island`` and ``HouseholdReview.is_mountain_island``: the lower 2001-2005
  line for rural mountainous and island communes (Decision 1143/2000/QĐ-LĐTBXH). No commune is marked: an
  administrator marks them; existing reviews keep "not mountainous".
- ``Member.has_health_insurance`` and ``Member.in_school`` become nullable: empty is "not recorded", never
  "no". Existing values are kept — a stored "no" cannot be told from an unrecorded one.
- ``EducationLevel.EMPLOYER_TRAINING``: on-the-job vocational training certified by the employer, which the
  adult-education indicator of Decree 07/2021/NĐ-CP accepts at 16 to 30.
- The thresholds of the unlocked standards, where they still hold the values first loaded from
  ``fixtures/standards.json`` (an administrator's own values are left alone): employment by the working
  age of Labour Code 2019, arts. 3 and 169, and Decree 135/2020/NĐ-CP (``working_age``, was 15 to 60 for
  everyone); dependants of 2021-2025 counting the members past working age (``elderly_past_working_age``,
  was 60); adult education in the appendix's bands, "16 to under 18" and "18 to 30" (``age_below``, was
  16-18 and 19-30, which put an 18-year-old in the lower band), with the employer-certified training. A
  locked standard is never changed (its approved reviews were decided under it): the code still reads its
  old keys, and a correction there is a new version.
"""

from django.db import migrations, models

_STATUSES = ["unemployed", "employee_without_contract"]
_DISABLED = ["severe", "especially_severe"]
EMPLOYMENT = (
    {"age_from": 15, "age_to": 60, "deprived_statuses": _STATUSES},
    {"working_age": True, "deprived_statuses": _STATUSES},
)
DEPENDANTS_2021 = (
    {
        "child_age_below": 16,
        "elderly_age_from": 60,
        "elderly_requires_allowance": False,
        "disabled_levels": _DISABLED,
        "disabled_requires_allowance": False,
        "share_above": 0.5,
    },
    {
        "child_age_below": 16,
        "elderly_past_working_age": True,
        "elderly_requires_allowance": False,
        "disabled_levels": _DISABLED,
        "disabled_requires_allowance": False,
        "share_above": 0.5,
    },
)
ADULT_EDUCATION = (
    {
        "groups": [
            {"age_from": 16, "age_to": 18, "accepted": ["lower_secondary", "upper_secondary", "vocational", "higher"]},
            {"age_from": 19, "age_to": 30, "accepted": ["upper_secondary", "vocational", "higher"]},
        ]
    },
    {
        "groups": [
            {
                "age_from": 16,
                "age_below": 18,
                "accepted": ["lower_secondary", "upper_secondary", "vocational", "higher", "employer_training"],
            },
            {
                "age_from": 18,
                "age_to": 30,
                "accepted": ["upper_secondary", "vocational", "higher", "employer_training"],
            },
        ]
    },
)
# (standard code, indicator code) → (the fixture's old thresholds, the new ones, the new notes)
CORRECTIONS = {
    ("2021-2025", "employment"): (
        *EMPLOYMENT,
        "Decree 07/2021/NĐ-CP, art. 3. Deprived: a member of working age unemployed or working without a labour "
        "contract. Working age: from 15 full years to the retirement age by sex and year (Labour Code 2019, arts. 3 "
        "and 169; Decree 135/2020/NĐ-CP, art. 4 and Appendix I). Check: the statuses.",
    ),
    ("2026-2030", "employment"): (
        *EMPLOYMENT,
        "Decree 351/2025/NĐ-CP. Deprived: a member of working age unemployed or working without a labour contract. "
        "Working age: from 15 full years to the retirement age by sex and year (Labour Code 2019, arts. 3 and 169; "
        "Decree 135/2020/NĐ-CP, art. 4 and Appendix I). Check: the statuses.",
    ),
    ("2021-2025", "dependants"): (
        *DEPENDANTS_2021,
        "Decree 07/2021/NĐ-CP, art. 3. Deprived: dependants are more than half the household. Dependants: children "
        "under 16, members past working age (Labour Code 2019, art. 169; Decree 135/2020/NĐ-CP), severely or "
        "especially severely disabled members. Check: who counts as a dependant.",
    ),
    ("2021-2025", "adult_education"): (
        *ADULT_EDUCATION,
        "Decree 07/2021/NĐ-CP, art. 3 (appendix). Deprived: a member aged 16 to 30 not studying and without the "
        "qualification for their age: 16 to under 18, lower secondary; 18 to 30, upper secondary or vocational "
        "training; at 16 to 30, on-the-job vocational training certified by the employer also counts. Check: the "
        "bands were read from a copy of the appendix, not the Official Gazette.",
    ),
    ("2026-2030", "adult_education"): (
        *ADULT_EDUCATION,
        "Decree 351/2025/NĐ-CP (appendix). Deprived: a member aged 16 to 30 not studying and without the "
        "qualification for their age: 16 to under 18, lower secondary; 18 to 30, upper secondary or vocational "
        "training; at 16 to 30, on-the-job vocational training certified by the employer also counts. Check: the "
        "bands were read from a copy of the appendix, not the Official Gazette.",
    ),
}


def reference_dates(apps, schema_editor):
    ReviewRound = apps.get_model("households", "ReviewRound")
    ReviewRound.objects.filter(reference_date__isnull=True).update(reference_date=models.F("starts_on"))


def correct_thresholds(apps, schema_editor):
    Indicator = apps.get_model("programmes", "Indicator")
    rows = Indicator.objects.filter(standard__locked=False).select_related("standard")
    for indicator in rows:
        correction = CORRECTIONS.get((indicator.standard.code, indicator.code))
        if correction is None:
            continue
        old, new, notes = correction
        if indicator.thresholds == old:
            Indicator.objects.filter(pk=indicator.pk).update(thresholds=new, notes=notes)


def restore_thresholds(apps, schema_editor):
    Indicator = apps.get_model("programmes", "Indicator")
    for indicator in Indicator.objects.filter(standard__locked=False).select_related("standard"):
        correction = CORRECTIONS.get((indicator.standard.code, indicator.code))
        if correction is not None and indicator.thresholds == correction[1]:
            Indicator.objects.filter(pk=indicator.pk).update(thresholds=correction[0])


_EDUCATION_CHOICES = [
    ("none", "No school completed"),
    ("primary", "Primary school"),
    ("lower_secondary", "Lower secondary school"),
    ("upper_secondary", "Upper secondary school"),
    ("vocational", "Vocational certificate or diploma"),
    ("higher", "College or university"),
    ("employer_training", "Vocational training certified by an employer"),
]


def _mountain_island():
    return models.BooleanField(
        db_default=False,
        default=False,
        help_text="Rural mountainous or island commune: the lower poor line of 2001-2005 applies.",
        verbose_name="mountainous or island area",
    )


class Migration(migrations.Migration):
    dependencies = [("households", "0012_villages_carry_over"), ("programmes", "0003_legal_calendar")]

    operations = [
        migrations.AddField(model_name="administrativeunit", name="is_mountain_island", field=_mountain_island()),
        migrations.AddField(
            model_name="historicaladministrativeunit", name="is_mountain_island", field=_mountain_island()
        ),
        migrations.AddField(
            model_name="householdreview",
            name="is_mountain_island",
            field=models.BooleanField(
                db_default=False, default=False, editable=False, verbose_name="mountainous or island area"
            ),
        ),
        migrations.AddField(
            model_name="historicalhouseholdreview",
            name="is_mountain_island",
            field=models.BooleanField(
                db_default=False, default=False, editable=False, verbose_name="mountainous or island area"
            ),
        ),
        migrations.AddField(
            model_name="reviewround",
            name="reference_date",
            field=models.DateField(
                blank=True,
                help_text="The day the members' ages are taken on. Empty: the day the round starts.",
                null=True,
                verbose_name="reference date",
            ),
        ),
        migrations.RunPython(reference_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="member",
            name="education",
            field=models.CharField(
                blank=True, choices=_EDUCATION_CHOICES, max_length=20, verbose_name="highest education completed"
            ),
        ),
        migrations.AlterField(
            model_name="historicalmember",
            name="education",
            field=models.CharField(
                blank=True, choices=_EDUCATION_CHOICES, max_length=20, verbose_name="highest education completed"
            ),
        ),
        migrations.AlterField(
            model_name="member",
            name="has_health_insurance",
            field=models.BooleanField(blank=True, null=True, verbose_name="health insurance"),
        ),
        migrations.AlterField(
            model_name="historicalmember",
            name="has_health_insurance",
            field=models.BooleanField(blank=True, null=True, verbose_name="health insurance"),
        ),
        migrations.AlterField(
            model_name="member",
            name="in_school",
            field=models.BooleanField(blank=True, null=True, verbose_name="attending school or training"),
        ),
        migrations.AlterField(
            model_name="historicalmember",
            name="in_school",
            field=models.BooleanField(blank=True, null=True, verbose_name="attending school or training"),
        ),
        migrations.RunPython(correct_thresholds, restore_thresholds),
    ]
