"""Goal wording (issue 19, D): "dưới"/"trên" are strict, "không quá"/"ít nhất"/"đạt" inclusive.

The plans write their goals in these words (seed 000: "dưới 15% vào cuối năm 2010", "trên 3%/năm"; seed 003:
"dưới 2,5%", "Trên 80%", "từ 1,0% trở lên"). A goal "dưới 10%" is not reached at exactly 10,00 %.
"""

import importlib
import io
from decimal import Decimal as D

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation
from openpyxl import Workbook

from accounts.models import Role
from demo.history import plans_load
from programmes.forms import GoalForm
from programmes.imports import comparison_word, goals_import
from programmes.models import Direction, GoalKind, Plan, PlanGoal
from programmes.progress import Comparison, Verdict, comparison_in, judge, meets
from programmes.selectors import plan_progress
from programmes.services import goal_create, plan_create
from reports.definitions.plan import plan_report, progress_report

pytestmark = pytest.mark.django_db


# --- the rule, on plain data --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparison", "target", "reached", "not_reached"),
    [
        # "dưới 10%": 10,00 % is not below 10 %.
        (Comparison.BELOW, D(10), D("9.99"), D("10.00")),
        # "không quá 5%": 5,00 % is not more than 5 %.
        (Comparison.AT_MOST, D(5), D("5.00"), D("5.01")),
        # "trên 3%/năm": 3,00 points a year is not above 3.
        (Comparison.ABOVE, D(3), D("3.01"), D("3.00")),
        # "ít nhất 3%", "đạt 95%": the target itself is enough.
        (Comparison.AT_LEAST, D(95), D("95.00"), D("94.99")),
    ],
)
def test_each_wording_is_judged_as_the_plans_write_it(comparison, target, reached, not_reached):
    assert meets(reached, target, comparison)
    assert not meets(not_reached, target, comparison)
    assert judge(target=target, actual=reached, comparison=comparison).verdict == Verdict.REACHED
    assert judge(target=target, actual=not_reached, comparison=comparison).verdict == Verdict.BEHIND


def test_a_strict_goal_met_exactly_is_behind_with_no_gap():
    judgement = judge(target=10, actual=D("10.00"), comparison=Comparison.BELOW)
    assert (judgement.verdict, judgement.gap) == (Verdict.BEHIND, 0)
    assert judge(target=10, actual=D("10.40"), comparison=Comparison.BELOW).gap == D("0.40")


def test_on_track_compares_with_the_milestone_the_same_way():
    # Above 3 by the end; the milestone this year is 1,5: exactly 1,5 is not above it.
    assert judge(target=3, actual=D("1.5"), comparison="above", expected=D("1.5")).verdict == Verdict.BEHIND
    assert judge(target=3, actual=D("1.6"), comparison="above", expected=D("1.5")).verdict == Verdict.ON_TRACK
    assert judge(target=3, actual=D("1.5"), comparison="at_least", expected=D("1.5")).verdict == Verdict.ON_TRACK


def test_the_model_choices_are_the_rules_comparisons():
    assert {d.value for d in Direction} == {c.value for c in Comparison}


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        ("Giảm tỷ lệ hộ nghèo xuống còn dưới 15% vào cuối năm 2010", 15, Comparison.BELOW),
        ("Bình quân giảm trên 3%/năm", 3, Comparison.ABOVE),
        ("Giảm trên 11 nghìn hộ nghèo/năm", 11000, Comparison.ABOVE),
        ("Tỷ lệ hộ nghèo không quá 5%", 5, Comparison.AT_MOST),
        ("Tối đa 5 %", 5, Comparison.AT_MOST),
        ("Giảm ít nhất 3%", 3, Comparison.AT_LEAST),
        ("Tỷ lệ hộ có thẻ bảo hiểm y tế đạt 95%", 95, Comparison.AT_LEAST),
        ("Giảm tỷ lệ hộ nghèo bình quân mỗi năm từ 1,0% trở lên", 1, Comparison.AT_LEAST),
        ("Xã có tỷ lệ hộ nghèo từ 2% trở xuống", 2, Comparison.AT_MOST),
        # "not below" is at least, not below.
        ("Tỷ lệ lao động qua đào tạo không dưới 45%", 45, Comparison.AT_LEAST),
        # Two figures: the target's decides.
        ("Trên 80% số xã, phường có tỷ lệ hộ nghèo dưới 5%", 80, Comparison.ABOVE),
        ("Trên 80% số xã, phường có tỷ lệ hộ nghèo dưới 5%", None, None),
        # No comparison stated; "đạt" without a figure; "trên" of a place.
        ("Giảm tỷ lệ hộ nghèo 2-2,5%", 2, None),
        ("Phấn đấu đạt kết quả thiết thực", None, None),
        ("Hỗ trợ nhà ở trên địa bàn 5 xã", 5, None),
    ],
)
def test_the_wording_of_a_goal_is_recognised(text, target, expected):
    assert comparison_in(text, target) == expected


# --- with the database --------------------------------------------------------------------------------


@pytest.fixture
def province_user(make_user, unit):
    return make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn")])


@pytest.fixture
def plan(unit, province_user):
    return plan_create(
        user=province_user,
        title="Kế hoạch giảm nghèo 2024",
        decision_number="12/QĐ-UBND",
        decision_date="2024-01-15",
        issuing_body="UBND tỉnh Bắc Kạn",
        unit=unit("Tỉnh Bắc Kạn"),
        period_from=2021,
        period_to=2025,
        year_from=2024,
        year_to=2024,
        baseline_year=2023,
    )


@pytest.mark.parametrize(
    ("description", "direction", "actual", "verdict"),
    [
        ("Tỷ lệ hộ nghèo xã khu vực III dưới 10 %", Direction.BELOW, D("10.00"), Verdict.BEHIND),
        ("Tỷ lệ hộ nghèo xã khu vực III không quá 10 %", Direction.AT_MOST, D("10.00"), Verdict.REACHED),
        ("Tỷ lệ lao động qua đào tạo trên 45 %", Direction.ABOVE, D("45.00"), Verdict.BEHIND),
        ("Tỷ lệ lao động qua đào tạo đạt 45 %", Direction.AT_LEAST, D("45.00"), Verdict.REACHED),
    ],
)
def test_the_plan_progress_judges_a_goal_by_its_wording(plan, province_user, description, direction, actual, verdict):
    goal_create(
        user=province_user,
        plan=plan,
        kind=GoalKind.OUTPUT,
        description=description,
        direction=direction,
        target_low=actual.to_integral_value(),
        unit_of_measure="%",
        actual=actual,
    )
    (progress,) = plan_progress(user=province_user, plan=plan, year=2024).goals
    assert progress.judgement.verdict == verdict


def test_a_range_is_judged_at_its_low_end(plan, province_user):
    # "trên 2-2,5%": 2,00 is not above the low end; 2,01 is, though below the upper end.
    goal = goal_create(
        user=province_user,
        plan=plan,
        kind=GoalKind.OUTPUT,
        description="Giảm trên 2-2,5%",
        direction=Direction.ABOVE,
        target_low=2,
        target_high=D("2.5"),
        actual=D("2.00"),
    )
    assert plan_progress(user=province_user, plan=plan, year=2024).goals[0].judgement.verdict == Verdict.BEHIND
    PlanGoal.objects.filter(pk=goal.pk).update(actual=D("2.01"))
    assert plan_progress(user=province_user, plan=plan, year=2024).goals[0].judgement.verdict == Verdict.REACHED


def test_a_goal_refuses_a_comparison_its_description_contradicts(plan):
    goal = PlanGoal(
        plan=plan, kind=GoalKind.OUTPUT, description="Dưới 10% hộ thiếu nước sạch", direction="at_most", target_low=10
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        goal.full_clean()
    assert error.value.message_dict["direction"] == [
        "The description says “below”, but the comparison chosen is “not more than”."
    ]


def test_a_rate_at_the_end_is_a_ceiling(plan):
    goal = PlanGoal(plan=plan, kind=GoalKind.END_RATE, description="Tỷ lệ hộ nghèo 8%", direction="above", target_low=8)
    with pytest.raises(ValidationError) as error:
        goal.full_clean()
    assert "mức trần" in error.value.message_dict["direction"][0]


def test_the_goal_form_offers_the_four_words_and_keeps_what_was_typed(client, plan, province_user):
    assert [value for value, _ in GoalForm().fields["direction"].choices] == ["below", "at_most", "above", "at_least"]
    with translation.override("en"):
        labels = [str(label) for _, label in GoalForm().fields["direction"].choices]
    assert labels == ["below", "not more than", "above", "at least / reaching"]
    client.force_login(province_user)
    typed = {
        "kind": "end_rate",
        "group": "all",
        "description": "Tỷ lệ hộ nghèo cuối năm 2024 dưới 10%",
        "direction": "at_most",
        "target_low": "10",
        "unit_of_measure": "%",
        "year": "2024",
    }
    response = client.post(f"/plans/{plan.pk}/goals/new/", typed)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["direction"]
    page = response.content.decode()
    assert 'value="Tỷ lệ hộ nghèo cuối năm 2024 dưới 10%"' in page
    assert '<option value="at_most" selected>' in page
    assert not plan.goals.exists()
    assert client.post(f"/plans/{plan.pk}/goals/new/", {**typed, "direction": "below"}).status_code == 302
    assert plan.goals.get().direction == "below"


# --- the goal import ----------------------------------------------------------------------------------


def workbook(*rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["STT", "Nội dung", "Loại", "Chỉ tiêu", "Đơn vị tính", "Năm", "So sánh"])
    for row in rows:
        sheet.append(list(row))
    content = io.BytesIO()
    book.save(content)
    content.seek(0)
    return content


def test_the_import_records_the_wording_of_each_goal(plan, province_user):
    source = workbook(
        (1, "Giảm tỷ lệ hộ nghèo xuống dưới 10% vào cuối năm 2024", "end_rate", 10, "%", 2024, None),
        (2, "Bình quân giảm trên 3%/năm", "reduction_pp", "3", "%", None, ""),
        (3, "Tỷ lệ hộ có thẻ bảo hiểm y tế", "output", "95", "%", None, "đạt"),
        (4, "Tỷ lệ hộ thiếu nước sạch", "output", "5", "%", None, "không quá"),
        (5, "Giảm tỷ lệ hộ nghèo 2-2,5%", "reduction_pp", "2-2,5", "%", None, None),
        (6, "Số hộ được hỗ trợ nhà ở", "output", "1.000", "hộ", None, "above"),
        (7, "Tỷ lệ hộ nghèo cuối kỳ", "end_rate", "8", "%", 2024, None),
    )
    assert goals_import(user=province_user, plan=plan, source=source) == 7
    goals = list(plan.goals.order_by("order"))
    assert [g.direction for g in goals] == ["below", "above", "at_least", "at_most", "at_least", "above", "at_most"]
    assert (goals[4].target_low, goals[4].target_high) == (2, D("2.5"))
    assert goals[5].target_low == 1000


@pytest.mark.parametrize("word", ["dưới", "DƯỚI", "below", "<"])
def test_the_comparison_column_takes_the_words_the_codes_and_the_signs(word):
    assert comparison_word(word) == Comparison.BELOW


def test_the_import_refuses_an_unknown_word_with_its_line_and_column(plan, province_user):
    source = workbook(
        (1, "Giảm trên 3%/năm", "reduction_pp", 3, "%", None, None),
        (2, "Tỷ lệ hộ có thẻ bảo hiểm y tế", "output", 95, "%", None, "khoảng"),
        (3, "Giảm tỷ lệ hộ nghèo xuống dưới 10%", "end_rate", 10, "%", 2024, "không quá"),
        (4, "Đào tạo nghề", "output", 500, "người", None, "duoi"),
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        goals_import(user=province_user, plan=plan, source=source)
    messages = error.value.messages
    assert len(messages) == 3
    assert messages[0].startswith("Line 3, column G (direction): “khoảng” is not a comparison; write one of: below,")
    assert messages[1] == ("Line 4, column G (direction): “không quá” contradicts the description, which says “below”.")
    # Without diacritics a word is not guessed at ("dat" could be "đất").
    assert messages[2].startswith("Line 5, column G (direction): “duoi” is not a comparison")
    assert not plan.goals.exists()


def test_the_import_reports_a_goal_its_rules_refuse_by_line(plan, province_user):
    source = workbook((1, "Tỷ lệ hộ nghèo cuối kỳ", "end_rate", 8, "%", 2024, "trên"))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        goals_import(user=province_user, plan=plan, source=source)
    assert error.value.messages[0].startswith("Line 2: A poverty rate at the end of the period is a ceiling")


# --- the demo goals, the reports and the data migration ----------------------------------------------------


def test_the_seed_goals_keep_their_wording_and_the_reports_print_it(province_user):
    call_command("load_units", province=["Bắc Giang"], verbosity=0)
    plans_load()
    seed_000 = Plan.objects.get(decision_number="52-NQ/TU")
    worded = {g.description: g.direction for g in seed_000.goals.all()}
    assert worded["Giảm tỷ lệ hộ nghèo xuống còn dưới 15% vào cuối năm 2010"] == "below"
    assert worded["Bình quân giảm trên 3%/năm"] == "above"
    assert worded["Đào tạo dài hạn"] == "at_least"
    seed_002 = Plan.objects.get(decision_number="397/QĐ-UBND")
    with translation.override("en"):
        goals_table = next(t for t in plan_report(user=province_user, plan=seed_002).tables if t.title == "Goals")
        assert goals_table.rows[0]["target"] == "at least / reaching 2 – 2,5%"  # as the decision writes it
        progress = progress_report(user=province_user, plan=seed_002, year=2017)
        goals_progress = next(t for t in progress.tables if t.title == "Goals")
        assert goals_progress.rows[0]["comparison"] == "at least / reaching"


def test_the_migration_makes_the_old_goals_worded_dưới_and_trên_strict(plan):
    migration = importlib.import_module("programmes.migrations.0005_goal_comparison")

    def old(description, kind, direction, target):
        # As the old code stored them: only "at least" and "at most" existed.
        return PlanGoal.objects.create(
            plan=plan, kind=kind, description=description, direction=direction, target_low=target
        ).pk

    below = old("Giảm tỷ lệ hộ nghèo xuống dưới 15%", GoalKind.END_RATE, "at_most", 15)
    above = old("Bình quân giảm trên 3%/năm", GoalKind.REDUCTION_PP, "at_least", 3)
    inclusive = old("Không quá 5%", GoalKind.OUTPUT, "at_most", 5)
    not_below = old("Không dưới 45%", GoalKind.OUTPUT, "at_least", 45)
    end_at_least = old("Tỷ lệ hộ nghèo cuối kỳ", GoalKind.END_RATE, "at_least", 8)
    two_figures = old("Trên 80% số xã có tỷ lệ hộ nghèo dưới 5%", GoalKind.OUTPUT, "at_least", 80)
    migration.strict_wordings(apps, None)
    directions = dict(PlanGoal.objects.values_list("pk", "direction"))
    assert directions == {
        below: "below",
        above: "above",
        inclusive: "at_most",
        not_below: "at_least",
        end_at_least: "at_most",
        two_figures: "above",
    }
    migration.inclusive_wordings(apps, None)
    assert set(PlanGoal.objects.values_list("direction", flat=True)) == {"at_most", "at_least"}
