"""Every API answer a test receives is checked against the committed description (docs/openapi.yaml), as Zulip
does: a serializer that drifts from the schema fails the test that called it, not a client in the field.

``check_api_responses`` is an autouse fixture in tests/api/conftest.py; another test folder opts in by
importing it into its conftest. It wraps Django's test client (the DRF ``APIClient`` is one), so every
request a test makes to /api/v1/ is checked: the status code must be documented for the operation, and a JSON
body must match the schema documented for that status.
"""

import os
from pathlib import Path

import pytest
import requests
import schemathesis
from django.conf import settings
from django.test import Client
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.transport import Response

API_PREFIX = "/api/v1/"
# OPENAPI_SCHEMA: another description to check against, e.g. one just generated to try a change before
# `make schema` (as tests/hardening/test_api_fuzz.py reads it).
SCHEMA_PATH = Path(os.environ.get("OPENAPI_SCHEMA") or Path(settings.BASE_DIR) / "docs" / "openapi.yaml")


class SchemaDrift(AssertionError):
    pass


_schema = None


def committed_schema():
    global _schema
    if _schema is None:
        _schema = schemathesis.openapi.from_path(SCHEMA_PATH)
    return _schema


def check_response(method: str, path: str, response) -> None:
    """Raise ``SchemaDrift`` when the answer to ``method path`` is not one the committed schema describes."""
    __tracebackhide__ = True
    if not path.startswith(API_PREFIX) or path == API_PREFIX:  # the browsable API root is not an operation
        return
    operation = committed_schema().find_operation_by_path(method, path)
    label = f"{method.upper()} {path} → {response.status_code}"
    if operation is None:
        if response.status_code < 400:
            raise SchemaDrift(f"{label}: no such operation in {SCHEMA_PATH.name}")
        return
    if operation.responses.find_by_status_code(response.status_code) is None:
        raise SchemaDrift(f"{label}: status code not documented for {operation.label}")
    if getattr(response, "streaming", False):
        return
    wrapped = Response(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.headers.items()},
        content=response.content,
        request=requests.Request(method.upper(), f"http://testserver{path}").prepare(),
        elapsed=0,
        verify=True,
    )
    try:
        operation.validate_response(wrapped)
    except (FailureGroup, Failure) as failures:
        raise SchemaDrift(f"{label}: the answer does not match {SCHEMA_PATH.name}\n{failures}") from None


@pytest.fixture
def check_api_responses(monkeypatch):
    request = Client.request

    def checked(client, **environ):
        response = request(client, **environ)
        check_response(environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", ""), response)
        return response

    monkeypatch.setattr(Client, "request", checked)
