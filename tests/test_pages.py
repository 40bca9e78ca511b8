"""Pages over real HTTP through the test client: Vietnamese by default, English on request, scoped."""

import pytest
from django.urls import reverse

from accounts.models import Role

pytestmark = pytest.mark.django_db


def test_home_page_speaks_vietnamese_to_anonymous_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="vi"' in response.text
    assert "Đăng nhập" in response.text
    assert "Chương trình giảm nghèo bền vững" in response.text


def test_login_page_is_vietnamese(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Tên đăng nhập" in response.text
    assert "Mật khẩu" in response.text


def test_language_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert "Sustainable poverty reduction programme" in response.text
    assert 'lang="en"' in response.text
    response = client.post(reverse("set_language"), {"language": "vi", "next": "/"}, follow=True)
    assert "Chương trình giảm nghèo bền vững" in response.text


def test_login_with_bad_password_keeps_the_username_and_says_why_in_vietnamese(client, make_user):
    user = make_user(Role.COMMUNE_OFFICER)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    assert f'value="{user.username}"' in response.text
    assert "mật khẩu chính xác" in response.text


def test_login_and_logout(client, make_user, unit):
    user = make_user(Role.DISTRICT_OFFICER, [unit("Huyện Na Rì")])
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "pw-Secret-123"})
    assert response.status_code == 302
    home = client.get("/")
    assert "Huyện Na Rì" in home.text
    client.post(reverse("accounts:logout"))
    assert "Huyện Na Rì" not in client.get("/").text


def test_unit_tree_requires_login(client):
    response = client.get(reverse("households:unit-tree"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_unit_tree_shows_only_the_users_units(client, make_user, unit, django_assert_max_num_queries):
    client.force_login(make_user(Role.DISTRICT_OFFICER, [unit("Huyện Na Rì")]))
    # Session, user, scope (assigned, descendants, successors, predecessors), tree: fixed, whatever the size.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("households:unit-tree"), {"on": "2024-01-01"})
    assert "Xã Lương Thượng" in response.text
    assert "Xã Bộc Bố" not in response.text
    assert "Huyện Ba Bể" not in response.text


def test_unit_tree_after_the_reform_shows_successors(client, make_user, unit):
    client.force_login(make_user(Role.DISTRICT_OFFICER, [unit("Huyện Na Rì")]))
    response = client.get(reverse("households:unit-tree"), {"on": "2026-01-01"})
    assert "Xã Văn Lang" in response.text
    assert "Xã Lương Thượng" not in response.text


def test_unit_tree_with_a_bad_date_keeps_the_input_and_shows_an_error(client, make_user, unit):
    client.force_login(make_user(Role.DISTRICT_OFFICER, [unit("Huyện Na Rì")]))
    response = client.get(reverse("households:unit-tree"), {"on": "31/02/2024"})
    assert response.status_code == 200
    assert "Nhập một ngày hợp lệ" in response.text
    assert 'value="31/02/2024"' in response.text


def test_admin_is_vietnamese_and_lists_units(admin_client):
    response = admin_client.get(reverse("admin:households_administrativeunit_changelist"), {"q": "Bộc Bố"})
    assert response.status_code == 200
    assert "Xã Bộc Bố" in response.text
    assert "Quản trị" in response.text
