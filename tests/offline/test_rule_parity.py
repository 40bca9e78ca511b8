"""The review's rule on the phone decides as the server does: the same generated cases run through
``households.review_outcome.review_outcome`` and through ``static/offline/classify.js`` in Chromium, over the
rule tables ``offline.rule_tables`` generates from the standards' rows; status, deprivations, missing facts,
refusals and the explanation word for word must agree, in Vietnamese and in English."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from offline.rule_tables import rule_tables
from standards.selectors import standard_list, standard_rules
from tests.offline.rule_cases import cases, server_outcome

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

CLASSIFY_JS = Path(settings.BASE_DIR) / "static" / "offline" / "classify.js"

RUN = """([tables, cases]) => cases.map((input) => {
  try {
    return PovertyplanRules.reviewOutcome(tables, input);
  } catch (error) {
    if (error instanceof PovertyplanRules.ClassificationError) return { error: error.field, message: error.message };
    return { crash: String(error) };
  }
})"""


@pytest.fixture
def all_rules(transactional_db):
    call_command("loaddata", "standards", verbosity=0)
    return [standard_rules(standard) for standard in standard_list()]


@pytest.fixture
def rule_page(browser):
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_content("<!doctype html><title>rules</title>")
    page.add_script_tag(content=CLASSIFY_JS.read_text())
    yield page
    assert errors == []
    context.close()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_phone_decides_every_case_as_the_server(all_rules, rule_page, language):
    codes = {rules.code for rules in all_rules}
    assert {"2016-2020", "2021-2025", "2026-2030"} <= codes
    compared = 0
    with translation.override(language):
        for rules in all_rules:
            tables = json.loads(json.dumps(rule_tables(rules)))  # as the phone receives them
            generated = cases(rules)
            expected = [server_outcome(rules, case) for case in generated]
            answered = rule_page.evaluate(RUN, [tables, generated])
            mismatches = [
                (case, want, got) for case, want, got in zip(generated, expected, answered, strict=True) if want != got
            ]
            assert not mismatches, f"{rules.code}: {len(mismatches)} of {len(generated)} differ; first: {mismatches[0]}"
            compared += len(generated)
            outcomes = {e.get("status") for e in expected}
            if rules.code in ("2016-2020", "2021-2025", "2026-2030"):
                # The cases reach every status of the standard, refused and incomplete input too.
                assert {"poor", "near_poor", "average", "not_poor"} <= outcomes, rules.code
                assert any(e.get("missing") for e in expected), rules.code
                deprived = {code for e in expected for code in e.get("deprived", ())}
                assert deprived == set(rules.indicator_codes), rules.code
            assert any("error" in e for e in expected), rules.code
    assert compared > 5000
