from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reports.statistics import GROUP_BY_CHOICES, check_group_by


class StatisticsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("Year of the annual review."))
    unit = serializers.CharField(
        max_length=10,
        help_text=_("Code of a province, district or commune, of the legacy or the post-2025 tree."),
    )
    tree = serializers.ChoiceField(
        choices=["legacy", "current"],
        required=False,
        help_text=_("Which tree the unit code is read in when both have it: legacy (until 30/6/2025) or current."),
    )
    group_by = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text=_("Comma-separated, any of: %(choices)s. E.g. unit,status.")
        % {"choices": ", ".join(GROUP_BY_CHOICES)},
    )
    compare = serializers.IntegerField(
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

    def validate_group_by(self, value: str) -> list[str]:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        problem = check_group_by(parts)
        if problem:
            raise serializers.ValidationError(problem)
        return parts


class StatisticsRowSerializer(serializers.Serializer):
    unit_code = serializers.CharField(required=False)
    unit_name = serializers.CharField(required=False)
    status = serializers.CharField(required=False)
    households = serializers.IntegerField(help_text=_("Households whose review of the year was approved."))
    people = serializers.IntegerField(required=False)
    poor = serializers.IntegerField()
    near_poor = serializers.IntegerField()
    average = serializers.IntegerField()
    resident_households = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Resident households (tổng số hộ dân cư) of the unit's communes, the rates' denominator; null when a "
            "commune has none entered for the year, or for a slice (ethnicity, group, cause, transition)."
        ),
    )
    poor_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        help_text=_("Poor households over resident households (%); null without resident households."),
    )
    near_poor_rate = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    poor_share = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, help_text=_("Poor households of the households reviewed (%).")
    )
    near_poor_share = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    communes = serializers.IntegerField(required=False, help_text=_("Communes of the unit within your area."))
    communes_reported = serializers.IntegerField(
        required=False, help_text=_("Of them, communes with approved reviews in the year.")
    )
    registry_households = serializers.IntegerField(required=False)
    reviews_approved = serializers.IntegerField(required=False)
    partial = serializers.BooleanField(required=False, help_text=_("True until every commune has reported."))


class CoverageSerializer(serializers.Serializer):
    communes = serializers.IntegerField(help_text=_("Communes of the unit within your area."))
    communes_reported = serializers.IntegerField(help_text=_("Of them, communes with approved reviews in the year."))
    registry_households = serializers.IntegerField(help_text=_("Households in the registry of those communes."))
    reviews_approved = serializers.IntegerField(help_text=_("Households whose review of the year was approved."))
    partial = serializers.BooleanField(help_text=_("True until every commune has reported."))


class StatisticsResponseSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    standard = serializers.CharField(help_text=_("Period of the poverty standard the figures are under."))
    compare = serializers.IntegerField(allow_null=True)
    unit = serializers.DictField()
    group_by = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(child=serializers.CharField())
    coverage = CoverageSerializer()
    results = StatisticsRowSerializer(many=True)
