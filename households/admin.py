from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AdministrativeUnit,
    CarryOver,
    Ethnicity,
    Household,
    HouseholdReview,
    Member,
    ResidentCount,
    ReviewRound,
    UnitGroup,
    UnitSuccession,
    VillageAssignment,
)


class GroupInline(admin.TabularInline):
    model = UnitGroup
    extra = 0


class SuccessionInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    autocomplete_fields = ("successor",)
    extra = 0


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "code",
        "level",
        "unit_type",
        "parent",
        "valid_from",
        "valid_to",
        "is_urban",
        "is_mountain_island",
        "region",
    )
    # The mountainous or island flag decides the 2001-2005 rural line (Decision 1143/2000/QĐ-LĐTBXH); the
    # region and the groups, the national tables' grouping (households.regions, UnitGroup).
    list_filter = ("level", "unit_type", "is_urban", "is_mountain_island", "region", "groups__group", "valid_to")
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ("parent",)
    # The parent's name is shown in every row of the list.
    list_select_related = ("parent",)
    inlines = [GroupInline, SuccessionInline]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "is_split", "is_default", "effective_on")
    list_filter = ("is_split",)
    search_fields = ("predecessor__name", "successor__name", "predecessor__code", "successor__code")
    autocomplete_fields = ("predecessor", "successor")
    list_select_related = ("predecessor", "successor")


class ReadOnlyAdmin:
    """Registry rows change only through the services (derived groups, workflow, locking): the admin shows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberInline(ReadOnlyAdmin, admin.TabularInline):
    model = Member
    extra = 0
    fields = ("full_name", "sex", "date_of_birth", "relation", "national_id", "ethnicity")


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("code", "head_name", "village", "commune", "status")
    list_filter = ("status", "is_ethnic_minority", "has_no_labour", "has_meritorious_person")
    search_fields = ("code", "head_name", "members__national_id")
    # Village and commune names are shown in every row.
    list_select_related = ("village", "commune")
    raw_id_fields = ("village", "commune")
    inlines = [MemberInline]


@admin.register(HouseholdReview)
class HouseholdReviewAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("household", "round", "status", "transition", "state")
    list_filter = ("state", "status", "transition", "round__year")
    search_fields = ("household__code", "household__head_name")
    list_select_related = ("household", "round", "round__commune")
    raw_id_fields = ("household", "round", "meeting", "decision")
    readonly_fields = ("status", "deprived", "deprived_count", "explanation", "transition", "previous_status")


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("__str__", "commune", "year", "kind", "standard")
    list_filter = ("year", "kind")
    list_select_related = ("commune", "standard")
    raw_id_fields = ("commune",)


admin.site.register(Ethnicity)


@admin.register(VillageAssignment)
class VillageAssignmentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("village", "successor", "assigned_by", "assigned_at")
    list_select_related = ("village", "successor", "assigned_by")


@admin.register(CarryOver)
class CarryOverAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("province", "decision", "committed_by", "committed_at", "villages_created", "households_moved")
    list_select_related = ("province", "committed_by")


@admin.register(ResidentCount)
class ResidentCountAdmin(SimpleHistoryAdmin):
    """Shown with its history; changed through the page or the import, which check who may change a commune."""

    list_display = ("commune", "year", "households", "people", "source", "entered_by", "updated_at")
    list_filter = ("year",)
    search_fields = ("commune__name", "commune__code")
    # The commune's and the user's names are shown in every row.
    list_select_related = ("commune", "entered_by")
    raw_id_fields = ("commune",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
