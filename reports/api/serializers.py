from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from common.fields import WholeNumberField
from households.models import UnitLevel
from households.models.reviews import STATUS_CHOICES
from households.selectors.unit_codes import Tree
from reports.selectors import LONG, WIDE
from reports.statistics import GROUP_BY_CHOICES, MEASURES, SLICE_DIMENSIONS, WHOLE, check_group_by


class GroupByField(serializers.ListField):
    """Dimensions, repeated (``group_by=unit&group_by=status``, as a client generated from the description sends
    an array) or comma-separated (``group_by=unit,status``); the combination is checked as a whole."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.ChoiceField(choices=GROUP_BY_CHOICES), **kwargs)

    def to_internal_value(self, data):
        items = [data] if isinstance(data, str) else data
        if not isinstance(items, list | tuple):
            self.fail("not_a_list", input_type=type(data).__name__)
        parts = [part.strip() for item in items for part in str(item).split(",") if part.strip()]
        problem = check_group_by(parts)
        if problem:
            raise serializers.ValidationError(problem)
        return parts


class StatisticsQuerySerializer(serializers.Serializer):
    year = WholeNumberField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_(
            "Year of the annual review. By default the latest year in which every commune of the unit has "
            "reported (or, when none has, the latest year with figures); the answer's notes say so."
        ),
    )
    unit = serializers.CharField(
        required=False,
        max_length=10,
        help_text=_(
            "Code of a province, district or commune, of the legacy or the post-2025 tree. By default the top "
            "unit of your area; the answer's notes say so. A code both trees have needs tree."
        ),
    )
    tree = serializers.ChoiceField(
        choices=Tree.choices,
        required=False,
        help_text=_("Which tree the unit code is read in when both have it: legacy (until 30/6/2025) or current."),
    )
    group_by = GroupByField(
        required=False,
        default=list,
        help_text=_(
            "Any of unit, status and one of ethnicity, group, cause, transition, indicator; repeated or "
            "comma-separated (group_by=unit,status)."
        ),
    )
    compare = WholeNumberField(
        required=False, min_value=2000, max_value=2100, help_text=_("Another year: adds the change to each row.")
    )
    standard = serializers.CharField(
        required=False,
        max_length=9,
        help_text=_(
            "Period of the poverty standard the figures are under, e.g. 2021-2025: a year can have figures under "
            "two (the review at the end of a period opens the next one). By default the standard of the "
            "year's latest annual review. The compared year is read under the same standard."
        ),
    )
    shape = serializers.ChoiceField(
        choices=[WIDE, LONG],
        required=False,
        default=WIDE,
        help_text=_(
            "wide (the default): a row per unit (and slice, and status) with a column per figure. long: tidy rows "
            "(unit_code, unit_name, year, standard, dimension, key, measure, value), the compared year's rows beside "
            "the year's; the status counts are measures (poor, near_poor...), so status in group_by adds nothing."
        ),
    )


def _rate(**kwargs):
    return serializers.DecimalField(
        max_digits=6, decimal_places=2, coerce_to_string=False, allow_null=True, required=False, **kwargs
    )


def _count(**kwargs):
    return serializers.IntegerField(required=False, **kwargs)


class ChangeSerializer(serializers.Serializer):
    """The change since the compared year of each figure the row has (rates and shares in percentage points);
    null where either year has no value."""

    households = serializers.IntegerField(required=False, allow_null=True)
    poor = serializers.IntegerField(required=False, allow_null=True)
    near_poor = serializers.IntegerField(required=False, allow_null=True)
    average = serializers.IntegerField(required=False, allow_null=True)
    poor_rate = _rate()
    near_poor_rate = _rate()
    rate = _rate()
    share = _rate()
    deprived_poor = serializers.IntegerField(required=False, allow_null=True)
    deprived_near_poor = serializers.IntegerField(required=False, allow_null=True)


class StatisticsRowSerializer(serializers.Serializer):
    """A row of the wide shape. Which columns a row has depends on ``group_by``: the unit's columns with
    ``unit``; the slice's code and label with a slice (``ethnicity`` and ``ethnicity_label``...); with
    ``status``, one row per status holding ``households``, ``people``, ``rate`` and ``share`` only (an
    indicator's: ``deprived`` and ``share``); without it, the counts of every status and their rates."""

    unit_code = serializers.CharField(required=False, help_text=_("With group_by=unit. Text: keep its leading zeros."))
    unit_name = serializers.CharField(required=False)
    unit_level = serializers.ChoiceField(choices=UnitLevel.choices, required=False)
    ethnicity = serializers.CharField(required=False, help_text=_("Ethnicity code (01-54)"))
    ethnicity_label = serializers.CharField(required=False)
    group = serializers.CharField(required=False)
    group_label = serializers.CharField(required=False)
    cause = serializers.CharField(required=False)
    cause_label = serializers.CharField(required=False)
    transition = serializers.CharField(required=False)
    transition_label = serializers.CharField(required=False)
    indicator = serializers.CharField(required=False)
    indicator_label = serializers.CharField(required=False)
    status = serializers.ChoiceField(choices=STATUS_CHOICES, required=False)
    households = _count(help_text=_("Households whose review of the year was approved."))
    people = _count()
    poor = _count()
    near_poor = _count()
    average = _count()
    not_poor = _count()
    resident_households = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_(
            "Resident households (tổng số hộ dân cư) of the unit's communes, the rates' denominator; null when a "
            "commune has none entered for the year."
        ),
    )
    poor_rate = _rate(help_text=_("Poor households over resident households (%); null without resident households."))
    near_poor_rate = _rate()
    average_rate = _rate()
    poor_share = _rate(help_text=_("Poor households of the households reviewed (%)."))
    near_poor_share = _rate()
    average_share = _rate()
    rate = _rate(help_text=_("With status: the status's households over the resident households (%)."))
    share = _rate(help_text=_("With status: the status's households of the households reviewed (%)."))
    deprived = _count(help_text=_("With indicator and status: households of the status deprived in the indicator."))
    deprived_poor = _count()
    deprived_near_poor = _count()
    deprived_poor_share = _rate()
    deprived_near_poor_share = _rate()
    communes = _count(help_text=_("Communes of the unit within your area."))
    communes_reported = _count(help_text=_("Of them, communes with approved reviews in the year."))
    registry_households = _count()
    reviews_approved = _count()
    partial = serializers.BooleanField(required=False, help_text=_("True until every commune has reported."))
    change = ChangeSerializer(required=False)


class StatisticsLongRowSerializer(serializers.Serializer):
    """A row of the long shape: one figure (``measure``) of a unit, year, standard and slice."""

    unit_code = serializers.CharField(help_text=_("Text: keep its leading zeros."))
    unit_name = serializers.CharField()
    year = serializers.IntegerField()
    standard = serializers.CharField()
    dimension = serializers.ChoiceField(
        choices=[WHOLE, *SLICE_DIMENSIONS], help_text=_("all: the unit as a whole; else the slice.")
    )
    key = serializers.CharField(help_text=_("all, or the slice's code (e.g. ethnicity 01); text."))
    measure = serializers.ChoiceField(choices=MEASURES)
    value = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("Households and people are whole numbers, rates and shares percentages; null: no rate."),
    )


class CoverageSerializer(serializers.Serializer):
    communes = serializers.IntegerField(help_text=_("Communes of the unit within your area."))
    communes_reported = serializers.IntegerField(help_text=_("Of them, communes with approved reviews in the year."))
    registry_households = serializers.IntegerField(help_text=_("Households in the registry of those communes."))
    reviews_approved = serializers.IntegerField(help_text=_("Households whose review of the year was approved."))
    partial = serializers.BooleanField(help_text=_("True until every commune has reported."))


class StatisticsUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=UnitLevel.choices)
    tree = serializers.ChoiceField(choices=Tree.choices)


# The shape of an answer, one value each (settings.SPECTACULAR_SETTINGS names them): a client generated from the
# description reads an answer as the one model whose shape it has.
WIDE_SHAPE = [(WIDE, WIDE)]
LONG_SHAPE = [(LONG, LONG)]


class _StatisticsAnswer(serializers.Serializer):
    year = serializers.IntegerField()
    standard = serializers.CharField(help_text=_("Period of the poverty standard the figures are under."))
    compare = serializers.IntegerField(allow_null=True)
    unit = StatisticsUnitSerializer()
    defaults = serializers.ListField(
        child=serializers.ChoiceField(choices=["unit", "year"]),
        help_text=_("The parameters the request left out, filled in by default (the notes say how)."),
    )
    group_by = serializers.ListField(child=serializers.ChoiceField(choices=GROUP_BY_CHOICES))
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("What the figures leave out and why: the same for every grouping and shape of a unit and year."),
    )
    coverage = CoverageSerializer()


class StatisticsWideSerializer(_StatisticsAnswer):
    shape = serializers.ChoiceField(choices=WIDE_SHAPE)
    results = StatisticsRowSerializer(many=True)


class StatisticsLongSerializer(_StatisticsAnswer):
    shape = serializers.ChoiceField(choices=LONG_SHAPE)
    results = StatisticsLongRowSerializer(many=True)


STATISTICS_ANSWER = PolymorphicProxySerializer(
    component_name="StatisticsAnswer",
    serializers={WIDE: StatisticsWideSerializer, LONG: StatisticsLongSerializer},
    resource_type_field_name="shape",
)
