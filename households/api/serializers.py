from django.utils.text import capfirst
from rest_framework import serializers

from households.models import AdministrativeUnit, Household, HouseholdReview, Member
from standards.indicators import (
    Device,
    EducationLevel,
    Employment,
    HousingType,
    Latrine,
    TelecomService,
    WasteTreatment,
    WaterSource,
)


class UnitSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None, allow_null=True)
    unit_type_label = serializers.CharField(source="get_unit_type_display", read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "level",
            "unit_type",
            "unit_type_label",
            "parent",
            "parent_code",
            "valid_from",
            "valid_to",
            "is_urban",
        ]
        read_only_fields = fields


GROUP_FIELDS = (
    "is_ethnic_minority",
    "has_no_labour",
    "has_meritorious_person",
    "is_female_headed",
    "receives_social_allowance",
)


class RecordedChoiceField(serializers.ChoiceField):
    """A choice the record may leave empty: null when not recorded, so the answer is always one of the enum's
    values or null, as the schema says (never ``""``, which no client generated from the enum accepts)."""

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)


class MemberSerializer(serializers.ModelSerializer):
    ethnicity = serializers.CharField(source="ethnicity.name", default=None, read_only=True, allow_null=True)
    education = RecordedChoiceField(
        choices=EducationLevel.choices,
        allow_null=True,
        read_only=True,
        label=capfirst(Member._meta.get_field("education").verbose_name),
    )
    employment = RecordedChoiceField(
        choices=Employment.choices,
        allow_null=True,
        read_only=True,
        label=capfirst(Member._meta.get_field("employment").verbose_name),
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "full_name",
            "sex",
            "date_of_birth",
            "relation",
            "national_id",
            "ethnicity",
            # null: not recorded (the model's nullable facts); never read as "no".
            "in_school",
            "education",
            "has_health_insurance",
            "employment",
            "has_labour_capacity",
            "disability",
            "receives_social_allowance",
        ]
        read_only_fields = fields


class HouseholdSerializer(serializers.ModelSerializer):
    commune_code = serializers.CharField(source="commune.code", read_only=True)
    commune_name = serializers.CharField(source="commune.name", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    head_ethnicity = serializers.CharField(source="head_ethnicity.name", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "code",
            "head_name",
            "commune_code",
            "commune_name",
            "village_name",
            "address",
            "head_ethnicity",
            *GROUP_FIELDS,
            "status",
            "status_date",
        ]
        read_only_fields = fields


class HouseholdDetailSerializer(HouseholdSerializer):
    members = MemberSerializer(many=True, read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "members"]
        read_only_fields = fields


def _several(choices, what: str, none: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices),
        allow_null=True,
        read_only=True,
        help_text=(
            f"{what}. An empty list states that {none}: a fact, which the access-to-information indicator reads "
            "(Decree 07/2021/NĐ-CP: deprived). null: not recorded (never read as none)."
        ),
    )


class ReviewFactsSerializer(serializers.Serializer):
    """The household facts the review was decided from, as the form, the import and the API's callers meet them:
    null is "not recorded", an empty list of telecom services or devices is "none" (the form's "None" box, the
    import's "Không"). The members' facts stay in the registry (``/households/{id}/``)."""

    housing = RecordedChoiceField(choices=HousingType.choices, allow_null=True, read_only=True)
    living_area_m2 = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, allow_null=True, read_only=True
    )
    water_source = RecordedChoiceField(choices=WaterSource.choices, allow_null=True, read_only=True)
    latrine = RecordedChoiceField(choices=Latrine.choices, allow_null=True, read_only=True)
    telecom = _several(TelecomService.choices, "Telecom services any member uses", "no member uses any")
    devices = _several(Device.choices, "Means of information access the household has", "it has none")
    village_loudspeaker = serializers.BooleanField(allow_null=True, read_only=True)
    waste = RecordedChoiceField(choices=WasteTreatment.choices, allow_null=True, read_only=True)


class ReviewSerializer(serializers.ModelSerializer):
    household_code = serializers.CharField(source="household.code", read_only=True)
    year = serializers.IntegerField(source="round.year", read_only=True)
    kind = serializers.CharField(source="round.kind", read_only=True)
    standard = serializers.CharField(source="round.standard.code", read_only=True)
    commune_code = serializers.CharField(source="commune.code", read_only=True)
    previous_status = serializers.CharField(read_only=True, help_text="Empty for a household's first review.")
    facts = ReviewFactsSerializer(read_only=True)

    class Meta:
        model = HouseholdReview
        fields = [
            "id",
            "household_code",
            "year",
            "kind",
            "standard",
            "commune_code",
            "is_urban",
            "income_per_capita",
            "status",
            "deprived",
            "deprived_count",
            "facts",
            "previous_status",
            "transition",
            "causes",
            "state",
            "approved_at",
            "updated_at",
        ]
        read_only_fields = fields
