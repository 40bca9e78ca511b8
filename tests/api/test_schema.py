"""The committed OpenAPI description (docs/openapi.yaml) matches the code; `make schema` updates it."""

from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command


def test_the_committed_schema_matches_the_code(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated))
    committed = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
    assert generated.read_text() == committed.read_text(), "The API changed: run `make schema` and commit it."


def test_every_operation_has_a_description(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated))
    schema = yaml.safe_load(generated.read_text())
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not operation.get("description")
    ]
    assert not missing, missing
