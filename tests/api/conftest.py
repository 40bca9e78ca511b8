"""The API tests: each answer they receive is checked against the committed OpenAPI description."""

import pytest

from tests.api.openapi_check import check_api_responses  # noqa: F401


@pytest.fixture(autouse=True)
def _every_answer_matches_the_schema(check_api_responses):  # noqa: F811
    pass
