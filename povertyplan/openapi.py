"""Additions to the generated OpenAPI description that hold for every endpoint.

The description promises exactly what the server accepts, so a client generated from it never sends a request
the server refuses, and a fuzzer that trusts it finds no gap (tests/hardening/test_api_fuzz.py).
"""

from django import forms
from drf_spectacular.contrib.django_filters import DjangoFilterExtension

from common.files import XLSX_CONTENT_TYPE

NO_NUL = "^[^\\x00]*$"


class FilterParameters(DjangoFilterExtension):
    """django-filter's query parameters as its filters read them: an empty value is no filter
    (``allowEmptyValue``), a number's kind and bounds (the form field's: whole or not, ``min_value``,
    ``max_value``) are stated, and text holds no NUL character."""

    priority = 1  # before drf-spectacular's own extension for the same backend

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        bounds = {
            keyword: filter_field.extra[key]
            for key, keyword in (("min_value", "minimum"), ("max_value", "maximum"))
            if filter_field.extra.get(key) is not None
        }
        whole = issubclass(filter_field.field_class, forms.IntegerField)
        for parameter in parameters:
            parameter["allowEmptyValue"] = True
            schema = parameter.get("schema", {})
            if schema.get("type") == "string" and not {"enum", "format", "pattern"} & schema.keys():
                # Django's form fields refuse a NUL character (a 400): the description says so.
                parameter["schema"] = {**schema, "pattern": NO_NUL}
            if parameter.get("schema", {}).get("type") in ("integer", "number"):
                # A filter with a method is typed by its class (a number); its form field may take whole numbers only.
                kind = {"type": "integer"} if whole else {}
                parameter["schema"] = {**parameter["schema"], **kind, **bounds}
        return parameters


ERROR = {
    "type": "object",
    "description": "Field errors ({field: [messages]}) or {detail: message}.",
    "additionalProperties": True,
}
ERRORS = {
    "400": "Bad input: field errors, in the caller's language (Lỗi dữ liệu vào: lỗi theo từng trường).",
    "401": "No or wrong credentials (Chưa đăng nhập hoặc token sai).",
    "403": "Not allowed for this role (Vai trò không được phép).",
    "404": "Not found, or outside the caller's area (Không có, hoặc ngoài địa bàn được giao).",
    "429": "Too many requests for this token (Quá nhiều yêu cầu).",
}


# Every answer can also come as a table (``?format=csv`` or ``?format=xlsx``).
TABLES = {
    "text/csv": {"schema": {"type": "string"}},
    XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}},
}


def add_error_responses(result, generator, request, public):
    """Document the error answers every operation may give (400, 401, 403, 404, 429), with one shape,
    and the table formats of every answer (an empty ``?format=`` is the default, JSON)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] == "format":
                    parameter["allowEmptyValue"] = True
            responses = operation.setdefault("responses", {})
            for response in responses.values():
                if "application/json" in response.get("content", {}):
                    response["content"].update(TABLES)
            for code, description in ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}, **TABLES},
                    },
                )
    return result
