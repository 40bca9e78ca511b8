from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.replica.scope import replica_reads
from households.api.filters import unit_from_query
from households.models import AdministrativeUnit
from households.selectors.rollup import NAMED_IN_NOTE, year_end
from households.selectors.unit_codes import unit_tree_of
from reports.selectors import (
    StatisticsError,
    check_standard,
    statistics_home_units,
    statistics_latest_year,
    statistics_table,
    statistics_years,
)

from .serializers import STATISTICS_ANSWER, StatisticsQuerySerializer


@replica_reads
class StatisticsView(APIView):
    """Counts and rates of households by unit, status, ethnicity, group, cause, transition or indicator.

    Thống kê số hộ, tỷ lệ hộ nghèo, cận nghèo theo đơn vị, phân loại, dân tộc, nhóm đối tượng, nguyên nhân,
    biến động hoặc chỉ số thiếu hụt. Read from aggregate tables kept up to date on each approval. Without
    ``unit`` the figures are of the top unit of your area, without ``year`` of the latest year every commune
    of it has reported: the answer says which (``unit``, ``year``, ``defaults`` and a note).
    """

    export_name = "statistics"

    @extend_schema(
        parameters=[StatisticsQuerySerializer],
        responses={
            200: STATISTICS_ANSWER,
            400: OpenApiResponse(
                description=(
                    "Field errors, e.g. a code both trees have without tree: "
                    '{"unit": ["The code 02143 names 2 units: … Say which with tree=legacy or tree=current."]}'
                )
            ),
            404: OpenApiResponse(
                description='No unit with this code in your area: {"detail": "No administrative unit has the code '
                '999 in your area."}'
            ),
        },
        examples=[
            OpenApiExample(
                "Bắc Kạn by district and status (theo huyện và phân loại)",
                value={"year": 2019, "unit": "06", "group_by": "unit,status"},
                request_only=True,
            ),
            OpenApiExample(
                "2021 under the 2016-2020 standard (năm 2021 theo chuẩn nghèo 2016-2020)",
                value={"year": 2021, "unit": "06", "standard": "2016-2020"},
                request_only=True,
            ),
        ],
    )
    def get(self, request: Request) -> Response:
        query = StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        years = _years(request.user, params)
        unit, year, defaults, notes = _unit_and_year(request.user, params, years)
        table = statistics_table(
            user=request.user,
            unit=unit,
            year=year,
            group_by=params["group_by"],
            compare=params.get("compare"),
            standard=params.get("standard"),
            shape=params["shape"],
        )
        body = {
            "shape": table.shape,
            "year": table.year,
            "standard": table.standard,
            "compare": table.compare,
            "unit": {"code": unit.code, "name": unit.name, "level": unit.level, "tree": unit_tree_of(unit).value},
            "defaults": defaults,
            "group_by": table.group_by,
            "notes": [*notes, *table.notes],
            # How far the figures go: communes that reported of the unit's, reviews approved of the registry.
            "coverage": table.figures.coverage(),
            "results": table.rows,
        }
        return Response(body)


def _years(user, params: dict) -> list[int]:
    """The years with figures in the user's area (under the standard asked for); a 400 naming the parameter
    when the year, the compared year or the standard has none."""
    years = statistics_years(user=user)
    for name in ("year", "compare"):
        if name in params and params[name] not in years:
            message = _("No approved reviews in your area for %(year)s.") % {"year": params[name]}
            raise serializers.ValidationError({name: [message]})
    standard = params.get("standard")
    if standard is not None:
        try:
            check_standard(standard)
        except StatisticsError as error:
            raise serializers.ValidationError({error.field: [error.message]}) from None
        years = statistics_years(user=user, standard=standard)
        if "year" in params and params["year"] not in years:
            message = _("No approved reviews under %(standard)s in your area for %(year)s.")
            raise serializers.ValidationError({"standard": [message % {"standard": standard, "year": params["year"]}]})
    if not years:
        raise serializers.ValidationError({"year": [_("No approved reviews in your area yet.")]})
    return years


def _unit_and_year(user, params: dict, years: list[int]) -> tuple[AdministrativeUnit, int, list[str], list[str]]:
    """The unit and year asked for, or their defaults: the top unit of the user's area (in force at the end of
    the year asked for, or today) and the latest year every commune of it has reported. Also which parameters
    were filled in, and the notes that say how."""
    defaults: list[str] = []
    notes: list[str] = []
    if "unit" in params:
        unit = unit_from_query(user=user, code=params["unit"], tree=params.get("tree"))
    else:
        defaults.append("unit")
        on = year_end(params["year"]) if "year" in params else timezone.localdate()
        home = statistics_home_units(user=user, on=on)
        if not home:
            raise serializers.ValidationError({"unit": [_("No unit is assigned to you: ask for one with unit.")]})
        unit = home[0]
        notes.append(
            _("No unit was asked for: the figures are of %(unit)s (%(code)s, tree=%(tree)s), your area's top unit.")
            % {"unit": unit.name, "code": unit.code, "tree": unit_tree_of(unit).value}
        )
        if len(home) > 1:
            others = ", ".join(f"{u.name} ({u.code})" for u in home[1 : NAMED_IN_NOTE + 1])
            if len(home) > NAMED_IN_NOTE + 1:
                others += " …"
            notes.append(_("Your area also holds %(units)s: ask for one with unit.") % {"units": others})
    if "year" in params:
        return unit, params["year"], defaults, notes
    defaults.append("year")
    year, complete = statistics_latest_year(user=user, unit=unit, years=years, standard=params.get("standard"))
    if complete:
        message = _("No year was asked for: %(year)s, the latest year every commune of %(unit)s has reported.")
    else:
        message = _(
            "No year was asked for: %(year)s, the latest year with figures; in no year has every commune of "
            "%(unit)s reported."
        )
    notes.append(message % {"year": year, "unit": unit.name})
    return unit, year, defaults, notes
