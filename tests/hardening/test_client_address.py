"""The client's address behind the TLS proxy: what the lockout, the audit log and the API tokens key on.

Found by the outside attack (issue 20): behind the proxy every sign-in came from the proxy's address, so five
wrong passwords for a username, from anywhere, locked that username for everyone.
"""

import pytest
from axes.utils import reset
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token

from accounts.models import AuditEvent, Role
from common.client_address import client_ip

PROXY = "127.0.0.1"
ATTACKER, OFFICER = "203.0.113.7", "198.51.100.2"
WRONG = "sai-mật-khẩu"
RIGHT = "pw-Secret-123"


def address(remote: str, forwarded: str | None = None) -> str | None:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


def via_proxy(client_address: str) -> dict:
    """What nginx in front of gunicorn passes on: its own address, and the client's appended to the header."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # Through the proxy: the address it appended.
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
        # A client's own header is kept by the proxy on the left: only the right-most untrusted entry counts.
        ("127.0.0.1", "1.1.1.1, 203.0.113.7", "203.0.113.7"),
        # Two proxies (a load balancer in 10/8, then nginx): past both.
        ("127.0.0.1", "203.0.113.7, 10.1.2.3", "203.0.113.7"),
        # Straight to gunicorn, not through a trusted proxy: the header is the client's word, ignored.
        ("203.0.113.7", "1.1.1.1", "203.0.113.7"),
        # No header, or nothing usable in it: the connection's address.
        ("127.0.0.1", None, "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        # IPv6, with a port as some proxies write it; an IPv4 client seen by a server listening on IPv6.
        ("127.0.0.1", "[2001:db8::5]:443", "2001:db8::5"),
        ("::ffff:127.0.0.1", "203.0.113.7:5123", "203.0.113.7"),
    ],
)
def test_the_client_address_behind_trusted_proxies(remote, forwarded, expected):
    assert address(remote, forwarded) == expected


def test_without_trusted_proxies_the_header_is_ignored():
    assert address("127.0.0.1", "203.0.113.7") == "127.0.0.1"


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY])
def test_an_attacker_behind_the_proxy_does_not_lock_the_officer_out(client, make_user):
    officer = make_user(Role.COMMUNE_OFFICER)
    login = reverse("accounts:login")
    for _ in range(6):
        client.post(login, {"username": officer.username, "password": WRONG}, **via_proxy(ATTACKER))
    refused = client.post(login, {"username": officer.username, "password": RIGHT}, **via_proxy(ATTACKER))
    assert refused.status_code == 429
    answer = client.post(login, {"username": officer.username, "password": RIGHT}, **via_proxy(OFFICER))
    assert answer.status_code == 302
    signed_in = AuditEvent.objects.get(action="login", user=officer)
    assert signed_in.ip_address == OFFICER
    assert set(AuditEvent.objects.filter(action="login_failed").values_list("ip_address", flat=True)) == {ATTACKER}


@pytest.mark.django_db
def test_a_forged_header_does_not_escape_the_lockout(client, make_user):
    """Without a trusted proxy, a new X-Forwarded-For a try is no new address."""
    officer = make_user(Role.COMMUNE_OFFICER)
    login = reverse("accounts:login")
    for attempt in range(5):
        forged = {"REMOTE_ADDR": ATTACKER, "HTTP_X_FORWARDED_FOR": f"192.0.2.{attempt}"}
        client.post(login, {"username": officer.username, "password": WRONG}, **forged)
    forged = {"REMOTE_ADDR": ATTACKER, "HTTP_X_FORWARDED_FOR": "192.0.2.99"}
    assert client.post(login, {"username": officer.username, "password": RIGHT}, **forged).status_code == 429


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY])
def test_a_locked_out_users_token_stops_working_until_unlocked(client, make_user):
    user = make_user(Role.API_CLIENT)
    token = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}
    assert client.get("/api/v1/units/", **token, **via_proxy(ATTACKER)).status_code == 200
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": user.username, "password": WRONG}, **via_proxy(ATTACKER))

    refused = client.get("/api/v1/units/", **token, **via_proxy(ATTACKER))
    assert refused.status_code == 401
    with translation.override("vi"):
        assert refused.json()["detail"] == gettext("This account is locked after repeated failed logins.")
    # Keyed like the sign-in (username and address): wrong passwords typed elsewhere switch no one's token off.
    assert client.get("/api/v1/units/", **token, **via_proxy(OFFICER)).status_code == 200

    reset(username=user.username)
    assert client.get("/api/v1/units/", **token, **via_proxy(ATTACKER)).status_code == 200
