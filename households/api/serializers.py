from rest_framework import serializers

from households.models import AdministrativeUnit


class UnitSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)
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
