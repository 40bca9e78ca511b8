from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ResidentCount


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
