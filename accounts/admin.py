from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "get_full_name", "role", "is_active", "is_superuser")
    list_filter = ("role", "is_active", "is_superuser")
    autocomplete_fields = ("units",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Role and area"), {"fields": ("role", "units")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and area"), {"fields": ("role", "units")}),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "username", "action", "ip_address", "detail")
    list_filter = ("action",)
    search_fields = ("username",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
