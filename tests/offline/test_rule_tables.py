"""The rule tables the phone downloads: generated from the standards and the rule modules, complete."""

import ast
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

import standards.classification
import standards.indicators
from offline.rule_tables import FORMAT, MESSAGES, RETIREMENT_YEARS, rule_tables, working_age_table
from standards.selectors import standard_for_year, standard_rules
from standards.working_age import SEXES, retirement_age


def _marked_msgids(module) -> set[str]:
    """Every string the module passes to a gettext (not a pgettext, whose words are exported apart)."""
    tree = ast.parse(Path(module.__file__).read_text())
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        argument = node.args[0]
        if (
            name in ("gettext", "gettext_noop")
            and isinstance(argument, ast.Constant)
            and isinstance(argument.value, str)
        ):
            found.add(argument.value)
    return found


def test_the_tables_carry_every_sentence_the_rule_modules_write():
    marked = _marked_msgids(standards.classification) | _marked_msgids(standards.indicators)
    assert marked == set(MESSAGES)
    assert len(MESSAGES) == len(set(MESSAGES))


def test_the_retirement_ages_do_not_change_outside_the_tabulated_years():
    # classify.js holds the first and last values for the years before and after the table.
    first, last = RETIREMENT_YEARS.start, RETIREMENT_YEARS.stop - 1
    for sex in SEXES:
        assert retirement_age(sex, 1950) == retirement_age(sex, first)
        assert retirement_age(sex, 2100) == retirement_age(sex, last)
    table = working_age_table()
    assert table["retirement_months"]["male"][2021 - first] == 60 * 12 + 3  # Decree 135/2020/NĐ-CP
    assert table["retirement_months"]["female"][2035 - first] == 60 * 12


@pytest.mark.django_db
def test_the_tables_of_a_standard_are_plain_json_in_the_active_language():
    rules = standard_rules(standard_for_year(2026))
    with translation.override("vi"):
        tables = rule_tables(rules)
    assert json.loads(json.dumps(tables)) == tables
    assert tables["format"] == FORMAT
    assert tables["standard"]["code"] == "2021-2025"
    assert tables["standard"]["method"] == "income_and_deprivation"
    assert tables["standard"]["lines"][0]["poor_rural"] == 1_500_000
    assert [i["code"] for i in tables["standard"]["indicators"]] == list(rules.indicator_codes)
    assert tables["texts"]["vietnamese"] is True
    assert tables["texts"]["areas"]["rural"] == "nông thôn"
    assert tables["texts"]["messages"]["result: {status}"] == "kết luận: {status}"
    with translation.override("en"):
        english = rule_tables(rules)["texts"]
    assert english["vietnamese"] is False
    assert english["messages"]["result: {status}"] == "result: {status}"


def test_the_script_defines_a_decider_for_every_indicator_the_server_decides():
    script = (Path(settings.BASE_DIR) / "static" / "offline" / "classify.js").read_text()
    for code in standards.indicators.DECIDED_INDICATORS:
        assert f"    {code}(c) {{" in script, code
