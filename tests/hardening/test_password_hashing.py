"""Passwords are stored with argon2id at OWASP's parameters, and the hashes of before still sign in.

Found by the load test and the outside attack (issue 20): with PBKDF2 at 1,000,000 iterations, 50 officers
signing in at once waited 17 s (p95) on the province's two cores. bench/login_storm.py measures the storm.
"""

import argon2
import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, identify_hasher, make_password
from django.test import override_settings
from django.urls import reverse

from accounts.hashers import Argon2idPasswordHasher
from accounts.models import Role, User
from povertyplan.settings import base

PASSWORD = "pw-Secret-123"
PRODUCTION = override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)


def owasp_equivalent(memory_kib: int, time_cost: int, parallelism: int) -> bool:
    """OWASP Password Storage Cheat Sheet, argon2id: any of these (memory, iterations) at 1 lane, or more of both."""
    minimums = [(47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5)]
    return parallelism >= 1 and any(memory_kib >= m and time_cost >= t for m, t in minimums)


def test_production_hashes_with_argon2id_at_owasp_parameters():
    assert base.PASSWORD_HASHERS[0] == "accounts.hashers.Argon2idPasswordHasher"
    with PRODUCTION:
        encoded = make_password(PASSWORD)
    parameters = argon2.extract_parameters(encoded.removeprefix("argon2"))
    assert parameters.type is argon2.Type.ID
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (19456, 2, 1)
    assert owasp_equivalent(parameters.memory_cost, parameters.time_cost, parameters.parallelism)


@pytest.mark.parametrize(
    "old_hasher",
    [PBKDF2PasswordHasher, Argon2PasswordHasher],
    ids=["pbkdf2-1M-iterations", "django-argon2-100MiB-8-lanes"],
)
@pytest.mark.django_db
def test_a_hash_of_before_signs_in_and_is_rewritten(client, make_user, old_hasher):
    user = make_user(Role.COMMUNE_OFFICER)
    User.objects.filter(pk=user.pk).update(password=old_hasher().encode(PASSWORD, old_hasher().salt()))
    with PRODUCTION:
        answer = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert answer.status_code == 302
    user.refresh_from_db()
    with PRODUCTION:
        assert isinstance(identify_hasher(user.password), Argon2idPasswordHasher)
        assert not identify_hasher(user.password).must_update(user.password)
        assert user.check_password(PASSWORD)
