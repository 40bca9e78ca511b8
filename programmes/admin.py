"""Administration of plans, goals, target tables, tasks and projects. Province officers enter plans on the plan
pages (import, actuals, tasks); administrators edit every part here."""

from django.contrib import admin

from .models import (
    TARGET_ROW_FIGURES,
    Plan,
    PlanGoal,
    PlanTask,
    PrintedTotal,
    Project,
    ProjectBudget,
    ProjectOutput,
    RateBand,
    TargetRow,
)


class PlanGoalInline(admin.TabularInline):
    model = PlanGoal
    extra = 0
    fields = (
        "order",
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
    )


class TargetRowInline(admin.TabularInline):
    model = TargetRow
    extra = 0
    autocomplete_fields = ("unit",)
    fields = ("year", "order", "unit", *TARGET_ROW_FIGURES)


class PrintedTotalInline(admin.TabularInline):
    model = PrintedTotal
    extra = 0


class PlanTaskInline(admin.StackedInline):
    model = PlanTask
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("decision_number", "decision_date", "title", "unit", "year_from", "year_to")
    search_fields = ("decision_number", "title")
    autocomplete_fields = ("unit",)
    # The unit's name is shown in every row.
    list_select_related = ("unit",)
    inlines = [PlanGoalInline, TargetRowInline, PrintedTotalInline, PlanTaskInline]


class ProjectBudgetInline(admin.TabularInline):
    model = ProjectBudget
    extra = 0


class ProjectOutputInline(admin.TabularInline):
    model = ProjectOutput
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "programme", "unit", "parent")
    list_filter = ("programme",)
    search_fields = ("code", "name")
    autocomplete_fields = ("unit", "parent")
    raw_id_fields = ("beneficiaries",)
    # unit and parent are shown in every row.
    list_select_related = ("unit", "parent")
    inlines = [ProjectBudgetInline, ProjectOutputInline]


@admin.register(RateBand)
class RateBandAdmin(admin.ModelAdmin):
    list_display = ("label", "minimum", "minimum_inclusive")
