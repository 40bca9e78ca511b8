from django.contrib import admin

from .models import AdministrativeUnit, UnitSuccession


class SuccessionInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    autocomplete_fields = ("successor",)
    extra = 0


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "unit_type", "parent", "valid_from", "valid_to", "is_urban")
    list_filter = ("level", "unit_type", "is_urban", "valid_to")
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ("parent",)
    # The parent's name is shown in every row of the list.
    list_select_related = ("parent",)
    inlines = [SuccessionInline]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "is_split", "is_default", "effective_on")
    list_filter = ("is_split",)
    search_fields = ("predecessor__name", "successor__name", "predecessor__code", "successor__code")
    autocomplete_fields = ("predecessor", "successor")
    list_select_related = ("predecessor", "successor")
