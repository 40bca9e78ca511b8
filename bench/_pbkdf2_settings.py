"""bench/login_storm.py's "before": the production settings with the hasher of before issue 20 (PBKDF2, Django's
1,000,000 iterations) first, so that sign-ins check PBKDF2 hashes and leave them as they are."""

from povertyplan.settings.base import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "accounts.hashers.Argon2idPasswordHasher",
]
