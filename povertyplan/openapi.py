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


# The two error shapes of common.api_errors, as models a generated client parses (DRF answered a nested field
# with a nested object and an error raised with a list with a bare list; the handler makes both one level).
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "A request the API refuses: {field: [messages]}, in the caller's language (Accept-Language). An error "
        "inside a field (an item of a list) is a message of the field led by its place ('0: …'), an error of no "
        "one field is under non_field_errors; a body that cannot be read is {detail: message}."
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
ERROR_DETAIL = {
    "type": "object",
    "description": "{detail: message}, in the caller's language (Accept-Language).",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
ERRORS = {
    "400": "Bad input: field errors, in the caller's language (Lỗi dữ liệu vào: lỗi theo từng trường).",
    "401": "No or wrong credentials (Chưa đăng nhập hoặc token sai).",
    "403": "Not allowed for this role (Vai trò không được phép).",
    "404": "Not found, or outside the caller's area (Không có, hoặc ngoài địa bàn được giao).",
    "429": "Too many requests for this token (Quá nhiều yêu cầu).",
}


# An answer of a view with the table renderers can also come as a table (``?format=csv`` or ``?format=xlsx``).
TABLES = {
    "text/csv": {"schema": {"type": "string"}},
    XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}},
}


def _operations(result):
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            yield path, method, operation


def add_error_responses(result, generator, request, public):
    """Document the error answers every operation may give (400, 401, 403, 404, 429), each with its model
    (``FieldErrors`` for a 400, ``ErrorDetail`` for the others) even where a view wrote only a description,
    and the table formats of the answers of every operation that takes ``?format=`` (empty: the default, JSON);
    an operation that renders JSON alone (the offline download and sync) has no table."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["FieldErrors"] = FIELD_ERRORS
    schemas["ErrorDetail"] = ERROR_DETAIL
    for _path, _method, operation in _operations(result):
        tables = {}
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] == "format":
                parameter["allowEmptyValue"] = True
                tables = TABLES
        responses = operation.setdefault("responses", {})
        for response in responses.values():
            if "application/json" in response.get("content", {}):
                response["content"].update(tables)
        for code, description in ERRORS.items():
            response = responses.setdefault(code, {"description": description})
            model = "FieldErrors" if code == "400" else "ErrorDetail"
            response["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}, **tables}
    return result


def name_parameter_enums(result, generator, request, public):
    """Every enum of a query parameter becomes a component with an English name: the component of the same
    values (the review's ``status`` is ``ReviewStatusEnum``), else ``<Parameter>Enum`` (``FormatEnum``), else
    ``<Resource><Parameter>Enum`` (``HouseholdGroupEnum``). Left inline, a generated client named them after the
    parameter's title, in the language the schema was generated in (``V1HouseholdsListTìNhTrẠNg``). A set's
    items are unique."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    named = {frozenset(schema["enum"]): name for name, schema in schemas.items() if "enum" in schema}
    for path, _method, operation in _operations(result):
        resource = path.removeprefix("/api/v1/").split("/")[0].title().replace("_", "").removesuffix("s")
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            schema.pop("title", None)
            inline = schema.get("items", schema)
            if "enum" not in inline:
                continue
            values = [value for value in inline["enum"] if value not in ("", None)]
            name = named.get(frozenset(values))
            if name is None:
                base = "".join(part.title() for part in parameter["name"].split("_"))
                name = next(n for n in (f"{base}Enum", f"{resource}{base}Enum") if n not in schemas)
                schemas[name] = {"enum": values, "type": "string"}
                named[frozenset(values)] = name
            reference = {"$ref": f"#/components/schemas/{name}"}
            if inline is schema:
                parameter["schema"] = reference  # its default, if any, is the server's and said in the text
            else:
                schema["items"] = reference
                schema["uniqueItems"] = True
    return result


# Columns that hold codes, which may be all digits with leading zeros (province 06, district 066, ethnicity 01).
CODE_COLUMNS = ("code", "key", "ethnicity")


def csv_text_columns(result, operation) -> list[str]:
    """The columns of the operation's CSV answer that hold codes: its rows' string properties named ``code``,
    ``*_code``, ``key`` or ``ethnicity``, a nested object's as dotted columns (``unit.code``). pandas reads a
    column of digits as numbers (06 → 6) unless told."""
    schemas = result.get("components", {}).get("schemas", {})

    def resolve(schema):
        while "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    content = operation.get("responses", {}).get("200", {}).get("content", {})
    if "application/json" not in content:
        return []
    answer = resolve(content["application/json"]["schema"])
    variants = [resolve(each) for each in answer.get("oneOf", [answer])]
    columns: dict[str, None] = {}
    for variant in variants:
        rows = variant.get("properties", {}).get("results")
        if rows is None and variant.get("type") == "array":
            rows = variant
        row = resolve(rows["items"]) if rows and "items" in rows else variant
        columns.update(dict.fromkeys(_code_columns(row, resolve)))
    return list(columns)


def _code_columns(row, resolve, prefix: str = ""):
    # A nested object is flattened into dotted columns (common.files.flatten): a plan's unit.code.
    for name, field in row.get("properties", {}).items():
        field = resolve(field)
        for each in [resolve(f) for f in field.get("allOf", field.get("oneOf", []))] or [field]:
            if each.get("type") == "object" or "properties" in each:
                yield from _code_columns(each, resolve, f"{prefix}{name}.")
            elif (name in CODE_COLUMNS or name.endswith("_code")) and each.get("type") == "string":
                yield f"{prefix}{name}"


def document_csv_columns(result, generator, request, public):
    """Say on each ``format`` parameter how to read the CSV answer's code columns as text."""
    for _path, _method, operation in _operations(result):
        answer = operation.get("responses", {}).get("200", {}).get("content", {"application/json": None})
        if "application/json" not in answer:
            # A CSV file whatever the format (the households' export): no choice to offer.
            operation["parameters"] = [p for p in operation.get("parameters", []) if p["name"] != "format"]
        columns = csv_text_columns(result, operation)
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] == "format":
                text = "csv: UTF-8 with BOM; xlsx: a workbook; json by default."
                if columns:
                    dtype = ", ".join(f'"{name}": str' for name in columns)
                    text += (
                        f" The CSV's codes are text with their leading zeros; read them as such, e.g. "
                        f"pandas.read_csv(url, dtype={{{dtype}}})."
                    )
                parameter["description"] = text
    return result
