from rest_framework.pagination import CursorPagination


class LargeListPagination(CursorPagination):
    """Keyset pages for lists that reach a million rows: no COUNT(*), no OFFSET, same speed on every page."""

    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
