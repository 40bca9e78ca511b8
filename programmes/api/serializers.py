"""Serializers of plans, target tables, progress and projects. Read-only and explicit: every field named."""

from rest_framework import serializers

from common.fields import WholeNumberField
from programmes.models import (
    TARGET_ROW_FIGURES,
    Plan,
    PlanGoal,
    PlanTask,
    Project,
    ProjectBudget,
    ProjectOutput,
    TargetRow,
)


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanGoal
        fields = [
            "id",
            "kind",
            "group",
            "description",
            "direction",
            "target_low",
            "target_high",
            "unit_of_measure",
            "year",
            "actual",
            "actual_note",
        ]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanTask
        fields = [
            "id",
            "order",
            "title",
            "lead_agency",
            "partner_agencies",
            "approving_body",
            "deadline_text",
            "deadline",
            "status",
            "progress_notes",
        ]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer()
    standard = serializers.CharField(source="standard.code", allow_null=True, default=None)
    goals = GoalSerializer(many=True)
    tasks = TaskSerializer(many=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "decision_number",
            "decision_date",
            "issuing_body",
            "signer",
            "unit",
            "period_from",
            "period_to",
            "year_from",
            "year_to",
            "baseline_year",
            "standard",
            "notes",
            "goals",
            "tasks",
        ]
        read_only_fields = fields


class CheckSerializer(serializers.Serializer):
    name = serializers.CharField()
    computed = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    printed = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    difference = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="Printed minus computed; null when not printed."
    )


class FiguresSerializer(serializers.Serializer):
    households = serializers.IntegerField()
    poor = serializers.IntegerField()
    poor_rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    reduction = serializers.IntegerField()
    reduction_pp = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    near_poor = serializers.IntegerField(allow_null=True)
    near_poor_rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class TargetRowSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer()
    computed = serializers.SerializerMethodField(help_text="Rates computed from the row's counts.")
    checks = serializers.SerializerMethodField(help_text="Each printed figure beside the computed one.")

    class Meta:
        model = TargetRow
        fields = [
            "id",
            "year",
            "order",
            "unit",
            *TARGET_ROW_FIGURES,
            "computed",
            "checks",
        ]
        read_only_fields = fields

    def _table_row(self, row):
        return self.context["table_rows"][row.pk]

    def get_computed(self, row) -> dict:
        return FiguresSerializer(_figures(self._table_row(row).figures)).data

    def get_checks(self, row) -> list:
        return CheckSerializer(self._table_row(row).checks, many=True).data


def _figures(figures) -> dict:
    return {
        "households": figures.households,
        "poor": figures.poor,
        "poor_rate": figures.poor_rate,
        "reduction": figures.reduction,
        "reduction_pp": figures.reduction_pp,
        "near_poor": figures.near_poor,
        "near_poor_rate": figures.near_poor_rate,
    }


class YearQuerySerializer(serializers.Serializer):
    year = WholeNumberField(
        min_value=1990,
        max_value=2100,
        required=False,
        help_text="Target year; the plan's first target year when omitted.",
    )


class CountsSerializer(serializers.Serializer):
    households = serializers.IntegerField(help_text="Households whose review of the year was approved.")
    poor = serializers.IntegerField()
    near_poor = serializers.IntegerField()
    resident_households = serializers.IntegerField(
        allow_null=True,
        help_text="Resident households (tổng số hộ dân cư) the rates are over; null when a commune has none entered.",
    )
    poor_rate = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, help_text="Poor households over resident households (%)."
    )
    near_poor_rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    communes = serializers.IntegerField(help_text="Communes of the unit within the caller's area.")
    communes_reported = serializers.IntegerField(help_text="Of them, communes with approved reviews in the year.")
    partial = serializers.BooleanField(help_text="True until every commune of the unit has reported.")


class JudgementSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["reached", "on_track", "behind", "no_data"])
    gap = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text=(
            "How far the actual is from the target; 0 when reached. A goal worded below or above (dưới, trên) "
            "excludes the target itself: met exactly, it is behind with a gap of 0."
        ),
    )


class RowProgressSerializer(serializers.Serializer):
    unit = UnitRefSerializer(allow_null=True)
    target = FiguresSerializer()
    actual = CountsSerializer(allow_null=True)
    reduction_households = serializers.IntegerField(allow_null=True)
    reduction_pp = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    verdict_households = JudgementSerializer(help_text="Actual reduction in households against the planned one.")
    verdict_pp = JudgementSerializer(help_text="Actual reduction in percentage points against the planned one.")
    near_poor_reduction_households = serializers.IntegerField(allow_null=True)
    verdict_near_poor = JudgementSerializer(help_text="Near-poor reduction against the plan, where it sets one.")


class GoalProgressSerializer(serializers.Serializer):
    goal = GoalSerializer()
    actual = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    judgement = JudgementSerializer()
    basis = serializers.ChoiceField(choices=["reviews", "entered"])


class ProjectionSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    slope = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    method = serializers.CharField()


class SeriesSerializer(CountsSerializer):
    year = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    year = serializers.IntegerField()
    rows = RowProgressSerializer(many=True)
    total = RowProgressSerializer(allow_null=True)
    goals = GoalProgressSerializer(many=True)
    series = SeriesSerializer(many=True)
    projection = ProjectionSerializer(allow_null=True)
    notes = serializers.ListField(
        child=serializers.CharField(), help_text="Communes left out of a total, and rates not shown, with why."
    )


class BudgetSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectBudget
        fields = ["year", "source", "allocated", "disbursed"]
        read_only_fields = fields


class OutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectOutput
        fields = ["name", "unit_of_measure", "year", "target", "actual"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer()
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)
    budgets = BudgetSerializer(many=True)
    outputs = OutputSerializer(many=True)
    beneficiary_count = serializers.IntegerField()

    class Meta:
        model = Project
        fields = [
            "id",
            "programme",
            "code",
            "name",
            "parent",
            "unit",
            "plan",
            "budgets",
            "outputs",
            "beneficiary_count",
        ]
        read_only_fields = fields
