from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.fields import WholeNumberField
from standards.classification import Area, AreaLines, StandardRules, Status
from standards.models import PovertyStandard
from standards.selectors import standard_rules


class AreaLinesSerializer(serializers.Serializer):
    poor = serializers.IntegerField(help_text="Poor line: income at or below it is poor (VND per person per month).")
    near_poor = serializers.IntegerField(allow_null=True, help_text="Upper bound of the near-poor band.")
    minimum_living = serializers.IntegerField(allow_null=True, help_text="Minimum living standard (2016-2020).")
    average = serializers.IntegerField(allow_null=True, help_text="Upper bound of the average living standard.")


class YearLinesSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    rural = AreaLinesSerializer()
    urban = AreaLinesSerializer()
    rural_mountain_island = AreaLinesSerializer(
        allow_null=True, help_text="Rural mountainous and island areas, where the standard has a line of their own."
    )


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()
    dimension_code = serializers.CharField()
    dimension_name_vi = serializers.CharField()
    dimension_name_en = serializers.CharField()
    thresholds = serializers.DictField()


class LegalBasisSerializer(serializers.Serializer):
    document_number = serializers.CharField()
    document_date = serializers.DateField()
    document_title = serializers.CharField()
    notes = serializers.CharField()


class StandardSerializer(serializers.ModelSerializer):
    method_label = serializers.CharField(source="get_method_display")
    legal_basis = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = PovertyStandard
        fields = [
            "code",
            "version",
            "name",
            "year_from",
            "year_to",
            "method",
            "method_label",
            "deprivation_cutoff",
            "locked",
            "legal_basis",
            "lines",
            "indicators",
        ]
        read_only_fields = fields

    def _rules(self, standard: PovertyStandard) -> StandardRules:
        # Built once per standard from the rows the selector prefetched.
        cache = self.context.setdefault("_rules", {})
        if standard.pk not in cache:
            cache[standard.pk] = standard_rules(standard)
        return cache[standard.pk]

    @extend_schema_field(LegalBasisSerializer)
    def get_legal_basis(self, standard: PovertyStandard) -> dict:
        return LegalBasisSerializer(standard).data

    @extend_schema_field(YearLinesSerializer(many=True))
    def get_lines(self, standard: PovertyStandard) -> list:
        rules = self._rules(standard)
        rows = []
        for year in range(rules.year_from, rules.year_to + 1):
            mountain = rules.lines_for(year, Area.RURAL, mountain_island=True)
            rows.append(
                {
                    "year": year,
                    "rural": _area_lines(rules.lines_for(year, Area.RURAL)),
                    "urban": _area_lines(rules.lines_for(year, Area.URBAN)),
                    "rural_mountain_island": _area_lines(mountain) if mountain.mountain_island else None,
                }
            )
        return YearLinesSerializer(rows, many=True).data

    @extend_schema_field(IndicatorSerializer(many=True))
    def get_indicators(self, standard: PovertyStandard) -> list:
        return IndicatorSerializer(self._rules(standard).indicators, many=True).data


def _area_lines(lines: AreaLines) -> dict:
    return {
        "poor": lines.poor,
        "near_poor": lines.near_poor,
        "minimum_living": lines.minimum_living,
        "average": lines.average,
    }


class ClassifyRequestSerializer(serializers.Serializer):
    year = WholeNumberField(help_text="The year the household is classified for.")
    area = serializers.ChoiceField(choices=[a.value for a in Area])
    income = serializers.IntegerField(min_value=0, help_text="Income per person per month, in VND.")
    deprived = serializers.ListField(
        child=serializers.CharField(), default=list, help_text="Codes of the indicators the household is deprived in."
    )
    mountain_island = serializers.BooleanField(
        default=False, help_text="Rural mountainous or island area (only the 2001-2005 standard has its own line)."
    )


class ClassifyResponseSerializer(serializers.Serializer):
    standard = serializers.CharField()
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=[s.value for s in Status])
    deprived_count = serializers.IntegerField()
    deprived = serializers.ListField(child=serializers.CharField())
    explanation = serializers.ListField(child=serializers.CharField())
