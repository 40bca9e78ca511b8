"""`?format=csv` and `?format=xlsx` on every API list and on the statistics."""

from django.utils.http import content_disposition_header
from rest_framework.renderers import BaseRenderer

from common.files import XLSX_CONTENT_TYPE, to_csv, to_xlsx


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
