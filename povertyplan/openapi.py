"""Additions to the generated OpenAPI description that hold for every endpoint."""

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
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    },
}


def add_error_responses(result, generator, request, public):
    """Document the error answers every operation may give (400, 401, 403, 404, 429), with one shape,
    and the table formats of every answer."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
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
