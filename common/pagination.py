"""Pagination of every API list: page numbers for short lists, keyset pages for the big ones.

A malformed ``page`` or ``page_size`` is a 400 naming it (DRF answered a malformed page with a 404 and let
``page_size`` fall back to the default), and the OpenAPI description states their bounds, so a client generated
from it never sends one the server refuses. A page past the end, or a cursor the list never wrote, names no
place in the list: a 404, as in DRF.
"""

from base64 import b64decode
from urllib.parse import parse_qs

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination

from .numbers import MAX_ID, whole_number


class _StrictPageSize:
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = whole_number(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            message = _("A whole number from 1 to %(max)s.") % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
                parameter["description"] = f"Rows per page, 1 to {self.max_page_size} ({self.page_size} by default)."
            elif parameter["name"] == getattr(self, "page_query_param", None):
                parameter["schema"] = {"type": "integer", "minimum": 1}
                # ``?page=`` is the first page, as get_page_number reads it (and DRF did).
                parameter["allowEmptyValue"] = True
        return parameters


class StandardPagination(_StrictPageSize, PageNumberPagination):
    page_size = 100

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if not raw:  # absent or empty: the first page, as in DRF
            return 1
        number = whole_number(raw)
        if number is None or number < 1:  # DRF's "last" too: the description promises an integer
            raise ValidationError({self.page_query_param: [_("A whole number, 1 or more.")]})
        return number


class LargeListPagination(_StrictPageSize, CursorPagination):
    """Keyset pages for lists that reach a million rows: no COUNT(*), no OFFSET, same speed on every page."""

    ordering = "pk"
    page_size = 100

    def decode_cursor(self, request):
        """The cursor as ``encode_cursor`` writes it, or a 404: base64 of ``o`` (an offset up to the cutoff),
        ``r=1`` (backwards) and ``p`` (a pk, the list being ordered by pk). DRF's own decoding read base64 of
        anything as the first page and handed any ``p`` to the database: ``p=abc`` was a 500."""
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return None
        try:
            text = b64decode(encoded, validate=True).decode("ascii")
            tokens = parse_qs(text, strict_parsing=True, max_num_fields=3)
        except ValueError:  # binascii.Error, a non-ASCII cursor, more than three fields
            raise NotFound(self.invalid_cursor_message) from None
        values = {key: value for key, (value, *more) in tokens.items() if not more}
        offset = whole_number(values.get("o", "0"))
        position = values.get("p")
        if (
            values.keys() != tokens.keys()  # a key given twice
            or not values.keys() <= {"o", "r", "p"}
            or offset is None
            or offset > self.offset_cutoff
            or values.get("r", "0") not in ("0", "1")
            or (position is not None and not _is_pk(position))
        ):
            raise NotFound(self.invalid_cursor_message)
        return Cursor(offset=offset, reverse=values.get("r") == "1", position=position)


def _is_pk(text: str) -> bool:
    number = whole_number(text)
    return number is not None and number <= MAX_ID
