"""The household registry: households, their members, and the ethnic groups they belong to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from standards.indicators import Disability, EducationLevel, Employment

from .units import AdministrativeUnit, province_key


class Ethnicity(models.Model):
    """The 54 ethnic groups of the official list (Decision 121-TCTK/PPCĐ, 1979), loaded from a fixture."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=50)
    is_minority = models.BooleanField(_("ethnic minority"), default=True)

    class Meta:
        verbose_name = _("ethnicity")
        verbose_name_plural = _("ethnicities")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MOVED = "moved", _("Moved away")
    SPLIT = "split", _("Split")
    MERGED = "merged", _("Merged")


class Household(models.Model):
    code = models.CharField(_("household code"), max_length=30, unique=True)
    # No index of its own: the (commune, status) index of Meta begins with it.
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="households",
        db_index=False,
    )
    # The sharding key (households.sharding): the province of the household's commune, set on every write
    # (households.provinces). No index of its own: on one PostgreSQL the commune's index finds the rows.
    province = province_key()
    village = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="village_households"
    )
    head_name = models.CharField(_("head of household"), max_length=200, editable=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    head_ethnicity = models.ForeignKey(
        Ethnicity, verbose_name=_("ethnicity of the head"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Groups reported by Circular 07/2021/TT-BLĐTBXH. Người có công is a fact the officer records;
    # the others are derived from the members by households.registry_rules when members are saved.
    has_meritorious_person = models.BooleanField(_("household of a person with meritorious service"), default=False)
    is_ethnic_minority = models.BooleanField(_("ethnic minority household"), default=False, editable=False)
    has_no_labour = models.BooleanField(_("household with no labour capacity"), default=False, editable=False)
    is_female_headed = models.BooleanField(_("female-headed household"), default=False, editable=False)
    receives_social_allowance = models.BooleanField(_("receives social allowance"), default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    status_date = models.DateField(_("status since"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Derived from the code and the members' names when they are saved (households.search); not history.
    search_text = models.TextField(default="", editable=False)

    # History is read by household (its id) only; each index of a history table costs every write, and an
    # import of 100,000 households writes 600,000 history rows.
    history = HistoricalRecords(
        excluded_fields=["search_text"], no_db_index=["code", "commune", "village", "head_ethnicity", "created_by"]
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["code"]
        indexes = [models.Index(fields=["commune", "status"])]

    def __str__(self) -> str:
        return f"{self.code} – {self.head_name}"

    def get_absolute_url(self) -> str:
        return reverse("households:household-detail", args=[self.pk])


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other relative")


class Member(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    # The sharding key (households.sharding): the household's province, so that a member lives on the household's
    # shard; set on every write (households.provinces). No index of its own: the household's index finds the rows.
    province = province_key()
    full_name = models.CharField(_("full name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    relation = models.CharField(_("relation to head"), max_length=12, choices=Relation.choices)
    national_id = models.CharField(_("citizen ID (CCCD)"), max_length=12, blank=True)
    ethnicity = models.ForeignKey(
        Ethnicity, verbose_name=_("ethnicity"), null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    # Facts that decide the deprivation indicators (standards.indicators.MemberFacts); a review copies them.
    # Empty (None) is "not recorded": an unknown fact never reads as a deprivation (the review names it as
    # missing where it decides an indicator).
    in_school = models.BooleanField(_("attending school or training"), null=True, blank=True)
    at_age_appropriate_level = models.BooleanField(_("at the school level for their age"), null=True, blank=True)
    education = models.CharField(
        _("highest education completed"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    has_health_insurance = models.BooleanField(_("health insurance"), null=True, blank=True)
    employment = models.CharField(_("employment"), max_length=30, choices=Employment.choices, blank=True)
    has_labour_capacity = models.BooleanField(_("able to work"), default=True)
    disability = models.CharField(_("disability"), max_length=20, choices=Disability.choices, default=Disability.NONE)
    receives_social_allowance = models.BooleanField(_("monthly social allowance"), default=False)
    sick_untreated = models.BooleanField(_("ill and not treated (last 12 months)"), default=False)
    malnourished = models.BooleanField(_("malnourished (child)"), default=False)

    history = HistoricalRecords(no_db_index=["id", "ethnicity"])  # read by household only

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["household", "pk"]
        constraints = [
            # One person, one CCCD, anywhere in the database (Law on Identification 2023, art. 19).
            models.UniqueConstraint(fields=["national_id"], condition=~Q(national_id=""), name="member_cccd_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name
