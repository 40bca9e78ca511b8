"""Administration of poverty standards.

An unlocked standard is edited here like any row; every save first asks ``standard_ensure_editable``.
A locked standard (used by approved reviews) is shown read-only, with its inlines, and offers only
"Create a new version".
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from . import services
from .models import CertificateValidity, Dimension, IncomeLine, Indicator, PovertyStandard, PublicHoliday


class _LockedParentInline:
    """An inline that is read-only when its standard is locked."""

    extra = 0

    def _editable(self, obj) -> bool:
        return obj is None or not obj.locked

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class IncomeLineInline(_LockedParentInline, admin.TabularInline):
    model = IncomeLine
    fields = (
        "year_from",
        "year_to",
        "poor_rural",
        "poor_urban",
        "poor_rural_mountain",
        "near_poor_rural",
        "near_poor_urban",
        "minimum_living_rural",
        "minimum_living_urban",
        "average_rural",
        "average_urban",
        "confirmed",
        "notes",
    )


class DimensionInline(_LockedParentInline, admin.TabularInline):
    model = Dimension
    fields = ("order", "code", "name_vi", "name_en")


class IndicatorInline(_LockedParentInline, admin.StackedInline):
    model = Indicator
    fields = (("order", "code", "dimension"), ("name_vi", "name_en"), "thresholds", ("confirmed", "notes"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the dimensions of the standard being edited.
        if db_field.name == "dimension":
            standard_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Dimension.objects.filter(standard_id=standard_id or None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PovertyStandardForm(forms.ModelForm):
    class Meta:
        model = PovertyStandard
        fields = (
            "code",
            "name",
            "year_from",
            "year_to",
            "method",
            "deprivation_cutoff",
            "document_number",
            "document_date",
            "document_title",
            "notes",
        )

    def clean(self):
        cleaned = super().clean()
        # Locked since the page was opened: a form error (code "locked") rather than a failed save.
        services.standard_ensure_editable(self.instance)
        return cleaned


@admin.register(PovertyStandard)
class PovertyStandardAdmin(admin.ModelAdmin):
    form = PovertyStandardForm
    list_display = ("code", "version", "name", "document_number", "year_from", "year_to", "method", "locked")
    list_filter = ("method", "locked")
    search_fields = ("code", "name", "document_number")
    readonly_fields = ("version", "locked", "based_on", "created_at", "created_by")
    fieldsets = (
        (None, {"fields": ("code", "version", "name", ("year_from", "year_to"), ("method", "deprivation_cutoff"))}),
        (_("Legal basis"), {"fields": ("document_number", "document_date", "document_title", "notes")}),
        (_("Versions"), {"fields": ("locked", "based_on", "created_at", "created_by")}),
    )
    inlines = [IncomeLineInline, DimensionInline, IndicatorInline]
    actions = ["new_version"]

    def has_change_permission(self, request, obj=None):
        return (obj is None or not obj.locked) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not obj.locked) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.standard_ensure_editable(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        services.standard_ensure_editable(form.instance)
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        services.standard_ensure_editable(obj)
        super().delete_model(request, obj)

    def get_urls(self):
        view = self.admin_site.admin_view(self.new_version_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_new_version"
        return [path("<path:object_id>/new-version/", view, name=name), *super().get_urls()]

    @admin.action(description=_("Create a new version"), permissions=["add"])
    def new_version(self, request, queryset):
        for standard in queryset:
            copy = services.standard_new_version(standard=standard, user=request.user)
            self.message_user(request, _("Created %(standard)s.") % {"standard": copy}, messages.SUCCESS)

    def new_version_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        standard = get_object_or_404(PovertyStandard, pk=object_id)
        copy = services.standard_new_version(standard=standard, user=request.user)
        self.message_user(request, _("Created %(standard)s.") % {"standard": copy}, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[copy.pk])
        )


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    """The days off that periods in working days skip; the next years are added as the Government announces them."""

    list_display = ["date", "name", "note"]
    list_filter = [("date", admin.DateFieldListFilter)]
    search_fields = ["name", "note"]
    date_hierarchy = "date"


@admin.register(CertificateValidity)
class CertificateValidityAdmin(admin.ModelAdmin):
    """How long certificates are valid, per period: an administrator sets it once the legal text is checked."""

    list_display = ["period", "term", "confirmed", "note"]
    list_filter = ["term", "confirmed"]
