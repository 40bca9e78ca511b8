"""The plan and project lists' filters in the API: ``unit`` is a code read as everywhere in the API (one unit, or a
400 asking for ``tree``, or a 404 naming it; ``households.api.filters``)."""

from django.db.models import Q

from households.api.filters import UnitCodeFilters, tree_filter, unit_code_filter
from programmes.filters import PlanFilter, ProjectFilter


class _OwnUnit(UnitCodeFilters):
    def unit_lookup(self, unit) -> Q:
        return Q(unit=unit)  # a plan or a project is of one unit, not of those below it


class PlanApiFilter(_OwnUnit, PlanFilter):
    unit = unit_code_filter()
    tree = tree_filter()


class ProjectApiFilter(_OwnUnit, ProjectFilter):
    unit = unit_code_filter()
    tree = tree_filter()
