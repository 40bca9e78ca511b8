"""How passwords are stored: argon2id at OWASP's parameters for a small server.

OWASP Password Storage Cheat Sheet: "Use Argon2id with a minimum configuration of 19 MiB of memory, an
iteration count of 2, and 1 degree of parallelism" (its other settings, e.g. 46 MiB with 1 iteration, are
equivalent). Django's own argon2 settings (100 MiB, 2 iterations, 8 lanes) cost about 110 ms of CPU a
sign-in; PBKDF2 at Django's 1,000,000 iterations about 240 ms. On the province's two cores 50 officers signing
in at once queued behind each other for 17 s (README, bench/load.py); at 19 MiB × 2 a hash takes about 22 ms
(bench/login_storm.py). One lane: each sign-in keeps to one core, so concurrent sign-ins share both.

Hashes of the old settings (and PBKDF2's) still verify; Django rewrites them with these at the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher

# In KiB, as argon2 counts memory.
OWASP_MEMORY_KIB = 19 * 1024
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """argon2id (Django's variety) at OWASP's minimum; the same ``argon2`` prefix, so stored hashes stay readable."""

    memory_cost = OWASP_MEMORY_KIB
    time_cost = OWASP_TIME_COST
    parallelism = OWASP_PARALLELISM
