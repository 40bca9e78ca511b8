"""Pagination of every API list: page numbers for short lists, keyset pages for the big ones.

Both refuse a malformed ``page_size`` with a 400 instead of quietly using the default, and the OpenAPI
description states the bounds, so a client generated from it never sends a size the server refuses.
"""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination


class _StrictPageSize:
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
                parameter["description"] = f"Rows per page, 1 to {self.max_page_size} ({self.page_size} by default)."
            elif parameter["name"] == getattr(self, "page_query_param", None):
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class StandardPagination(_StrictPageSize, PageNumberPagination):
    page_size = 100


class LargeListPagination(_StrictPageSize, CursorPagination):
    """Keyset pages for lists that reach a million rows: no COUNT(*), no OFFSET, same speed on every page."""

    ordering = "pk"
    page_size = 100
