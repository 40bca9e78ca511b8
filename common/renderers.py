"""`?format=csv` and `?format=xlsx` on every API list and on the statistics, and the streamed CSV of a whole list."""

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from rest_framework.renderers import BaseRenderer

from common.files import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, safe_cell, to_csv, to_xlsx


def _rows(data) -> list:
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return data["results"]
    if isinstance(data, list):
        return data
    return [data] if data is not None else []


class _TableRenderer(BaseRenderer):
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        view = (renderer_context or {}).get("view")
        name = getattr(view, "export_name", None) or getattr(view, "basename", None) or "povertyplan"
        if response is not None and response.status_code < 400:
            response["Content-Disposition"] = content_disposition_header(True, f"{name}.{self.format}")
        return self.convert(_rows(data))


class CSVRenderer(_TableRenderer):
    media_type = "text/csv"
    format = "csv"

    def convert(self, rows):
        return to_csv(rows)


class XLSXRenderer(_TableRenderer):
    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"

    def convert(self, rows):
        return to_xlsx(rows)


class _Line:
    """What ``csv.writer`` writes to: hands each line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_stream(columns: Sequence[str], rows: Iterable[Sequence], *, batch: int = 2000) -> Iterator[bytes]:
    """A CSV file (UTF-8 with BOM, as ``?format=csv``), written ``batch`` rows at a time as they come: the memory
    it takes does not grow with the rows. Cells that a spreadsheet would read as a formula are quoted as text."""
    writer = csv.writer(_Line())
    yield "\ufeff".encode() + writer.writerow(columns).encode()
    lines: list[str] = []
    for row in rows:
        lines.append(writer.writerow(["" if value is None else safe_cell(value) for value in row]))
        if len(lines) == batch:
            yield "".join(lines).encode()
            lines.clear()
    if lines:
        yield "".join(lines).encode()


def streaming_csv_response(name: str, columns: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """A download of a table too big to build in memory (``name.csv``), sent while it is read."""
    response = StreamingHttpResponse(csv_stream(columns, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.csv")
    return response
