"""Login throttling, the audit log, security headers, and the API docs without a CDN."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role

pytestmark = pytest.mark.django_db


def test_five_wrong_passwords_lock_the_account_for_that_address(client, make_user):
    user = make_user(Role.COMMUNE_OFFICER)
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "sai-mật-khẩu"})
    locked = client.post(reverse("accounts:login"), {"username": user.username, "password": "pw-Secret-123"})
    assert locked.status_code == 429
    assert "khóa" in locked.text
    assert AuditEvent.objects.filter(action="login_failed", username=user.username).count() >= 5
    assert not AuditEvent.objects.filter(action="login", user=user).exists()


def test_logins_and_downloads_are_audited(client, make_user, reviewed, province_officer, unit):
    client.post(reverse("accounts:login"), {"username": province_officer.username, "password": "pw-Secret-123"})
    assert AuditEvent.objects.filter(action="login", user=province_officer).exists()
    client.get("/reports/circular07/", {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024, "format": "xlsx"})
    export = AuditEvent.objects.get(action="export", user=province_officer)
    assert "format=xlsx" in export.detail["path"]
    assert export.detail["file"].endswith(".xlsx")


def test_approvals_are_audited(reviewed):
    approvals = AuditEvent.objects.filter(action="approval", user=reviewed["chair"])
    assert approvals.count() >= 3
    assert approvals.first().detail["reviews"]


def test_pages_carry_a_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_the_api_docs_need_no_cdn(client, make_user):
    client.force_login(make_user(Role.API_CLIENT))
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    assert "drf_spectacular_sidecar" in page.text
