from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


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
