"""Administrative units of both hierarchies, before and after the 1 July 2025 reform.

Until 30 June 2025: province → district → commune → village. From 1 July 2025 (Resolution
202/2025/QH15 and the commune mergers under it): province → commune → village. Both trees live in the
same table, told apart by their validity dates, so that plans and reviews made before the reform keep
pointing at the units they were made on.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.regions import Region

# Resolution 202/2025/QH15: the 34-province, two-level structure takes effect on this day.
REFORM_DATE = date(2025, 7, 1)
LAST_LEGACY_DAY = date(2025, 6, 30)


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    VILLAGE = "village", _("Village")


class UnitType(models.TextChoices):
    # Labels are the official Vietnamese words: they are part of the unit's name, not interface text.
    TINH = "tinh", "Tỉnh"
    THANH_PHO_TW = "thanh_pho_tw", "Thành phố trực thuộc trung ương"
    HUYEN = "huyen", "Huyện"
    QUAN = "quan", "Quận"
    THI_XA = "thi_xa", "Thị xã"
    THANH_PHO = "thanh_pho", "Thành phố thuộc tỉnh"
    XA = "xa", "Xã"
    PHUONG = "phuong", "Phường"
    THI_TRAN = "thi_tran", "Thị trấn"
    DAC_KHU = "dac_khu", "Đặc khu"
    THON = "thon", "Thôn"
    BAN = "ban", "Bản"
    TO_DAN_PHO = "to_dan_pho", "Tổ dân phố"


def in_province(province_id: int, *, via: str = "") -> Q:
    """The communes of a province of either tree (``via``: the path to them, "commune" from a household): a commune
    of the 2025 tree is the province's child, a legacy commune its grandchild (under a district)."""
    prefix = f"{via}__" if via else ""
    return Q(**{f"{prefix}parent_id": province_id}) | Q(**{f"{prefix}parent__parent_id": province_id})


class AdministrativeUnitQuerySet(models.QuerySet):
    def valid_on(self, on: date) -> "AdministrativeUnitQuerySet":
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        )


class AdministrativeUnit(models.Model):
    code = models.CharField(
        _("official code"),
        max_length=10,
        blank=True,
        help_text=_("Province 2 digits, district 3, commune 5 (Decision 19/2025/QĐ-TTg). Villages may have none."),
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    unit_type = models.CharField(_("unit type"), max_length=20, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True, help_text=_("Empty: since before records."))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Last day; empty: still valid."))
    is_urban = models.BooleanField(_("urban"), default=False)
    # Decision 1143/2000/QĐ-LĐTBXH (standard 2001-2005): a lower poor line for rural mountainous and island
    # areas. Set on the commune by an administrator; a review keeps it as it was that day.
    is_mountain_island = models.BooleanField(
        _("mountainous or island area"),
        default=False,
        db_default=False,  # rows written by SQL (the package loader, the benchmarks) need no value
        help_text=_("Rural mountainous or island commune: the lower poor line of 2001-2005 applies."),
    )
    # Provinces only: the national tables' grouping (households.regions), filled by the loader when empty.
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True, db_default="")
    # The package key (e.g. "xabocbo") the unit was loaded from; joins the old→new converter data.
    source_key = models.CharField(max_length=200, blank=True, editable=False)

    objects = AdministrativeUnitQuerySet.as_manager()
    # Villages are created, renamed, merged and closed by users (households.services.villages): who changed
    # what, and when. The package loader writes in bulk and leaves no history of its own.
    history = HistoricalRecords(no_db_index=["code", "parent"], excluded_fields=["source_key"])

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code", "name"]
        constraints = [
            # A merged unit may keep a predecessor's code, so a code is unique only within a period.
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"],
                condition=~Q(code="") & Q(valid_from__isnull=False),
                name="unit_code_unique_per_period",
            ),
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=~Q(code="") & Q(valid_from__isnull=True),
                name="unit_code_unique_legacy",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="unit_validity_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["parent", "level"]),
            models.Index(fields=["level", "valid_to"]),
            # Units are asked for by code (the API's ``unit=``, the official codes): with the country's 47,000
            # units and villages a scan took 8 ms of every statistics answer.
            models.Index(fields=["code"], name="unit_code"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)


class CommuneGroup(models.TextChoices):
    """The groups of communes the ministry's tables count apart. No package carries them: an administrator marks the
    units from the decisions that list them (``mark_units``)."""

    # Communes of the ethnic-minority and mountainous areas, zones I-III (Decision 861/QĐ-TTg 2021), which the
    # ethnic-minority programme follows (Decision 1719/QĐ-TTg 2021).
    ETHNIC_MINORITY = "ethnic_minority", _("Ethnic-minority and mountainous area (Decision 861/QĐ-TTg 2021)")
    # The poor districts and the especially difficult coastal and island communes that the sustainable poverty
    # reduction programme's project 1 invests in (Decision 90/QĐ-TTg 2022), as listed by Decision 353/QĐ-TTg 2022.
    POOR_DISTRICT = "poor_district", _("Poor district (Decision 353/QĐ-TTg 2022)")
    COASTAL_ISLAND = "coastal_island", _("Especially difficult coastal or island commune (Decision 353/QĐ-TTg 2022)")
    # Communes on the land border (Decree 34/2014/NĐ-CP).
    BORDER = "border", _("Border commune (Decree 34/2014/NĐ-CP)")


# Groups hold districts (a poor district holds its communes) and communes; a province or a village marked would
# put every commune of a province in, or none.
GROUPED_LEVELS = ("district", "commune")


class UnitGroup(models.Model):
    """A unit in one of the groups the national tables count apart. A district's mark holds every commune under
    it; a commune of the 2025 tree is in a group when every old commune it was made of was."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="groups",
        limit_choices_to={"level__in": GROUPED_LEVELS},
    )
    group = models.CharField(_("group"), max_length=20, choices=CommuneGroup.choices)
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("The decision that lists it."))
    # Who put a unit in a group or took it out, and when: the national figures change with it.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit group")
        verbose_name_plural = _("unit groups")
        constraints = [models.UniqueConstraint(fields=["group", "unit"], name="unit_group_once")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.get_group_display()}"

    def clean(self):
        if self.unit_id and self.unit.level not in GROUPED_LEVELS:
            raise ValidationError({"unit": _("Only a district or a commune is put in a group.")})


class UnitBoundary(models.Model):
    """The outline of a unit for the dashboard's map, loaded from the province's GeoJSON (``load_boundaries``).

    One row per unit rather than a column on the unit: every unit picker, scope check and report loads units,
    and none of them should carry kilobytes of coordinates along. The geometry is already simplified and
    rounded (households.boundaries), ready to send to the browser.
    """

    unit = models.OneToOneField(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="boundary"
    )
    geometry = models.JSONField(_("boundary"), help_text=_("GeoJSON Polygon or MultiPolygon, longitude first."))
    label_lat = models.FloatField(_("label latitude"))
    label_lon = models.FloatField(_("label longitude"))
    source = models.CharField(_("source file"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("unit boundary")
        verbose_name_plural = _("unit boundaries")

    def __str__(self) -> str:
        return str(self.unit)


class UnitSuccession(models.Model):
    """An old unit and a new unit it became (part of) on ``effective_on``.

    Communes: the 2025 reform. An old commune that was split appears once per new commune, with
    ``is_split`` set on each row and ``is_default`` on the one the converter package picks when nothing
    else tells them apart. Villages: the village carried to the old commune's successor, or the village
    several villages were merged into (households.services.villages).
    """

    predecessor = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("old unit"), on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("new unit"), on_delete=models.CASCADE, related_name="predecessions"
    )
    effective_on = models.DateField(_("effective on"), default=REFORM_DATE)
    is_split = models.BooleanField(_("old unit was split"), default=False)
    is_default = models.BooleanField(_("default successor"), default=True)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique_pair")]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class VillageAssignment(models.Model):
    """The new commune a village of a split commune goes to, chosen by the province before the carry-over.

    A split commune's villages went to different successors; nothing tells which, so nothing is guessed.
    """

    village = models.OneToOneField(
        AdministrativeUnit, verbose_name=_("village"), on_delete=models.CASCADE, related_name="assignment"
    )
    successor = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("new commune"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("village assignment")
        verbose_name_plural = _("village assignments")

    def __str__(self) -> str:
        return f"{self.village} → {self.successor}"


class CarryOver(models.Model):
    """One committed carry-over of a province's registry across the 2025 reform: who, when, on what decision.

    Each household moved has a history entry whose reason names this record.
    """

    province = models.ForeignKey(AdministrativeUnit, verbose_name=_("province"), on_delete=models.PROTECT)
    decision = models.CharField(_("decision it rests on"), max_length=200)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("committed by"), null=True, on_delete=models.SET_NULL
    )
    committed_at = models.DateTimeField(_("committed at"), auto_now_add=True)
    villages_created = models.PositiveIntegerField(default=0)
    households_moved = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("carry-over")
        verbose_name_plural = _("carry-overs")
        ordering = ["-committed_at"]

    def __str__(self) -> str:
        return f"{self.province} {self.committed_at:%d/%m/%Y} ({self.decision})"


def province_key() -> models.ForeignKey:
    """The sharding key of a table that grows with the households (``households.sharding``): the province its rows
    belong to, set by the application on every write (``households.provinces``). No index of its own: on one
    PostgreSQL the table's other indexes find the rows; a distributed one routes by it."""
    return models.ForeignKey(
        "households.AdministrativeUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
