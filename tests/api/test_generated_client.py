"""A typed client generated from the committed description (docs/openapi.yaml) with openapi-python-client builds
every operation and works against a live server: typed answers, enums with English names, errors as models.

Offline: the generator reads the file and writes a package (``--meta none``: no project files to build, no
dependency to fetch; no post hooks, so no formatter needed), imported from a temporary directory.
"""

import ast
import importlib
import io
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
import yaml
from django.conf import settings
from rest_framework.authtoken.models import Token

from tests.conftest import find_unit, user_maker
from tests.review_data import PLAN, PLAN_2026, build_reviewed

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
PACKAGE = "povertyplan_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The client package, generated once for the module; ``(package, generator output)``."""
    where = tmp_path_factory.mktemp("generated")
    config = where / "config.yaml"
    config.write_text("post_hooks: []\n")
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(SCHEMA_PATH),
            "--meta",
            "none",
            "--output-path",
            str(where / PACKAGE),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(PACKAGE), result.stdout + result.stderr
    finally:
        sys.path.remove(str(where))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_every_operation_is_generated_without_a_warning(generated):
    package, output = generated
    assert "Warning" not in output, output
    schema = yaml.safe_load(SCHEMA_PATH.read_text())
    operations = {op["operationId"] for ops in schema["paths"].values() for op in ops.values()}
    modules = {path.stem for path in (Path(package.__file__).parent / "api" / "v1").glob("v1_*.py")}
    assert modules == operations


def test_every_generated_name_is_english(generated):
    package, _output = generated
    root = Path(package.__file__).parent
    for path in root.rglob("*.py"):
        assert path.name.isascii(), path
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef | ast.FunctionDef):
                assert node.name.isascii(), f"{path.name}: {node.name}"


@pytest.fixture
def api(generated, live_world, live_server):
    """The generated client with a province officer's token, over data committed for the live server."""
    package, _output = generated
    build_reviewed(user_maker("client"), find_unit)
    officer = live_world["province"]  # Bắc Kạn (until 30/6/2025) and Thái Nguyên (from 1/7/2025)
    token = Token.objects.get_or_create(user=officer)[0].key
    client = package.AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token")
    client = client.with_headers({"Accept-Language": "en"})
    return package, client


def test_statistics_through_the_client(api):
    package, client = api
    from povertyplan_client.api.v1 import v1_statistics_retrieve as statistics
    from povertyplan_client.models import (
        ErrorDetail,
        FieldErrors,
        GroupByEnum,
        MeasureEnum,
        ReviewStatusEnum,
        StatisticsLong,
        StatisticsWide,
        TreeEnum,
        UnitLevelEnum,
    )

    wide = statistics.sync(client=client, year=2024, unit="06", group_by=[GroupByEnum.UNIT, GroupByEnum.STATUS])
    assert isinstance(wide, StatisticsWide)
    assert (wide.unit.code, wide.unit.level, wide.unit.tree) == ("06", UnitLevelEnum.PROVINCE, TreeEnum.LEGACY)
    na_ri = {row.status: row for row in wide.results if row.unit_code == "066"}
    assert set(na_ri) == set(ReviewStatusEnum)
    assert na_ri[ReviewStatusEnum.NEAR_POOR].households == 4
    assert isinstance(na_ri[ReviewStatusEnum.NEAR_POOR].share, float)
    assert wide.coverage.partial is True

    long = statistics.sync(client=client, year=2024, unit="066", shape=package.models.ShapeEnum.LONG)
    assert isinstance(long, StatisticsLong)
    values = {row.measure: row.value for row in long.results}
    assert (values[MeasureEnum.HOUSEHOLDS], values[MeasureEnum.POOR]) == (7, 1)

    defaulted = statistics.sync(client=client)
    assert isinstance(defaulted, StatisticsWide)
    assert (defaulted.unit.code, defaulted.unit.tree, defaulted.year) == ("19", TreeEnum.CURRENT, 2026)
    assert [each.value for each in defaulted.defaults] == ["unit", "year"]

    ambiguous = statistics.sync_detailed(client=client, year=2024, unit="02143")
    assert ambiguous.status_code == 400
    assert isinstance(ambiguous.parsed, FieldErrors)
    assert "tree=legacy" in ambiguous.parsed["unit"][0]

    unknown = statistics.sync(client=client, year=2024, unit="999")
    assert isinstance(unknown, ErrorDetail)
    assert "999" in unknown.detail


def test_households_through_the_client(api):
    _package, client = api
    from povertyplan_client.api.v1 import v1_households_export_retrieve as export
    from povertyplan_client.api.v1 import v1_households_list as households
    from povertyplan_client.models import Household, HouseholdStatusEnum, PaginatedHouseholdList, TreeEnum

    rows, cursor = [], None
    while True:
        page = households.sync(client=client, page_size=5, cursor=cursor)
        assert isinstance(page, PaginatedHouseholdList)
        rows += page.results
        if not page.next_:
            break
        (cursor,) = parse_qs(urlparse(page.next_).query)["cursor"]
    assert all(isinstance(row, Household) and row.status is HouseholdStatusEnum.ACTIVE for row in rows)
    # Every household of tests.review_data: those of 2023 reviewed again in 2024, and those of 2026.
    every = sum(len(statuses) for statuses in [*PLAN[2023].values(), *PLAN_2026.values()])
    assert len(rows) == len({row.id for row in rows}) == every

    van_lang = households.sync(client=client, unit="02143", tree=TreeEnum.CURRENT, page_size=100)
    assert {row.commune_name for row in van_lang.results} == {"Xã Văn Lang"}

    table = pd.read_csv(io.StringIO(export.sync(client=client)), dtype={"code": str, "commune_code": str})
    assert sorted(table["code"]) == sorted(row.code for row in rows)
