"""Whole numbers read from a request (a query string, a cursor) and the bounds of an id, shared by the filters
and the API's pagination."""

MAX_ID = 2**63 - 1  # BigAutoField, on PostgreSQL and SQLite alike


def whole_number(raw: str) -> int | None:
    """``raw`` as a whole number written in ASCII digits, or None: ``int()`` also reads "٣", " 5", "+5" and
    "1_0", which no client generated from the API's description sends, and refuses more than 4,300 digits."""
    if not (raw.isascii() and raw.isdigit()):
        return None
    try:
        return int(raw)
    except ValueError:
        return None
