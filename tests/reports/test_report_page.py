"""The report page: its tabs mark the current report, and a report opens on the latest year with approved
reviews in the user's area, not on a calendar year without any."""

import re

import pytest
from django.utils import timezone

from accounts.models import Role
from reports.selectors import statistics_years

pytestmark = pytest.mark.django_db


def _year_field(html: str) -> str:
    return re.search(r'<input[^>]*name="year"[^>]*>', html).group(0)


def test_a_report_opens_on_the_latest_year_with_data(client, reviewed, province_officer):
    client.force_login(province_officer)
    latest = statistics_years(user=province_officer)[-1]
    assert latest != timezone.localdate().year - 1  # not the form's own default, or the test would prove nothing
    for kind in ("circular07", "lists"):
        assert f'value="{latest}"' in _year_field(client.get(f"/reports/{kind}/").text)
    # A year asked for is kept.
    assert 'value="2023"' in _year_field(client.get("/reports/circular07/", {"year": 2023}).text)


def test_a_user_without_data_gets_the_forms_own_default(client, make_user, unit):
    client.force_login(make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn")]))
    assert client.get("/reports/circular07/").status_code == 200


def test_the_current_tab_is_marked(client, reviewed, province_officer):
    client.force_login(province_officer)
    html = client.get("/reports/lists/").text
    tabs = re.search(r'<nav class="tabs".*?</nav>', html, re.S).group(0)
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', tabs) == ["/reports/lists/"]
    assert tabs.count("<a ") == 4
