"""The sign-in storm of issue 20: 50 officers press "Sign in" at the same moment, on gunicorn as in production.

    .venv/bin/python bench/login_storm.py [--users 50] [--workers 2] [--threads 4]

Creates the database ``povertyplan_bench_login`` on 127.0.0.1:5432 (dropped first), migrates it and makes the
officers, each with a password hashed as before issue 20 (PBKDF2, Django's 1,000,000 iterations). Then three
storms in one run, each on a fresh gunicorn (2 workers × 4 threads, DEBUG off, as bench/statistics.py serves):

1. before — PBKDF2 is the hasher (``bench/_pbkdf2_settings.py``): every sign-in checks a PBKDF2 hash;
2. upgrade — the production settings: each sign-in checks its PBKDF2 hash once more and Django rewrites it with
   argon2id (the first morning after the deploy, once per officer);
3. after — the production settings, every hash argon2id (accounts/hashers.py: 19 MiB, 2 iterations, 1 lane).

Each officer loads the sign-in form first (its CSRF cookie and token); then all post the form at once and the
time to the answer (the redirect home) is measured. Prints p50, p95 and max of each storm, the ratio to the
first, and the CPU cost of one hash with each hasher on this machine. Goal: p95 under 3 s after the upgrade.
Exits non-zero on a failed sign-in or a missed goal.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder would come first on the path, and bench/statistics.py would shadow the
# standard library's statistics module: the project root replaces it, and the benches are the package ``bench``.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

from bench.common import LoopbackCookies, NoRedirect, Sample, figures  # noqa: E402
from bench.database import database_url, recreate_database  # noqa: E402

DB = "povertyplan_bench_login"
# Neither bench/statistics.py's port nor bench/load.py's: the benches can run at once.
PORT = 8796
PASSWORD = "bench-Storm-secret-2026"
GOAL_P95_MS = 3000
PYTHON = str(ROOT / ".venv" / "bin" / "python")
STORMS = {
    "before (PBKDF2)": "bench._pbkdf2_settings",
    "upgrade (PBKDF2 checked, argon2id written)": "povertyplan.settings.base",
    "after (argon2id)": "povertyplan.settings.base",
}


def environment(settings_module: str = "povertyplan.settings.base") -> dict[str, str]:
    """Production-like: DEBUG off, no HTTPS redirect on loopback, the database cache (no Redis)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url(DB),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": "",
    }


def manage(*args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=environment(), check=True, capture_output=True, text=True
    )
    return result.stdout


def prepare(users: int) -> None:
    recreate_database(DB)
    manage("migrate", "--no-input", "-v0")
    # The manifest that the server's storage reads with DEBUG off (as bench/load.py: uncompressed, a minute less).
    manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.staticfiles.management.commands.collectstatic import Command;"
        " from django.contrib.staticfiles.storage import ManifestStaticFilesStorage;"
        " from django.core.management import call_command; command = Command();"
        " command.storage = ManifestStaticFilesStorage(); call_command(command, interactive=False, verbosity=0)",
    )
    # One PBKDF2 hash for all: making 50 costs 12 s of CPU and is not what is measured.
    manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth.hashers import PBKDF2PasswordHasher as H; from accounts.models import User;"
        f" h = H(); encoded = h.encode({PASSWORD!r}, h.salt());"
        " User.objects.bulk_create([User(username=f'bench-storm-{n}', password=encoded, role='commune_officer')"
        f" for n in range({users})])",
    )


def hashes() -> str:
    """How the officers' passwords are stored now, e.g. ``pbkdf2_sha256: 50``."""
    return manage(
        "shell",
        "--no-imports",
        "-c",
        "from collections import Counter; from accounts.models import User;"
        " print(', '.join(f'{k}: {v}' for k, v in sorted(Counter(p.split('$')[0] for p in"
        " User.objects.filter(username__startswith='bench-storm-').values_list('password', flat=True)).items())))",
    ).strip()


def serve(settings_module: str, workers: int, threads: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "povertyplan.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment(settings_module),
        start_new_session=True,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGTERM)
    raise RuntimeError("gunicorn did not start")


class Officer:
    def __init__(self, username: str):
        self.username = username
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar(policy=LoopbackCookies())), NoRedirect()
        )
        self.csrf = ""

    def open_form(self) -> None:
        with self.opener.open(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=60) as page:
            self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())[1]

    def sign_in(self, start: threading.Barrier) -> Sample:
        body = urlencode({"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}/accounts/login/", data=body)
        start.wait()
        started = time.perf_counter()
        error = ""
        try:
            with self.opener.open(request, timeout=120) as answer:
                answer.read()
                error = f"no redirect ({answer.status}): refused"
        except urllib.error.HTTPError as answer:
            answer.read()
            if answer.code != 302 or answer.headers.get("Location") != "/":
                error = f"{answer.code} {answer.headers.get('Location', '')}"
        except OSError as failure:
            error = str(failure)
        return Sample("sign-in", (time.perf_counter() - started) * 1000, error, time.monotonic())


def storm(users: int) -> list[Sample]:
    officers = [Officer(f"bench-storm-{n}") for n in range(users)]
    for officer in officers:
        officer.open_form()
    start = threading.Barrier(users)
    samples: list[Sample] = []
    threads = [threading.Thread(target=lambda o=o: samples.append(o.sign_in(start))) for o in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def hash_costs() -> dict[str, float]:
    """CPU time (ms) of one hash on this machine, idle: what each sign-in pays before anything else."""
    import argon2

    def timed(function, times: int) -> float:
        started = time.process_time()
        for _ in range(times):
            function()
        return (time.process_time() - started) / times * 1000

    salt, secret = os.urandom(16), PASSWORD.encode()

    def argon(memory: int, iterations: int, lanes: int):
        return lambda: argon2.low_level.hash_secret(secret, salt, iterations, memory, lanes, 32, argon2.Type.ID)

    return {
        "PBKDF2-SHA256, 1,000,000 iterations (before)": timed(
            lambda: hashlib.pbkdf2_hmac("sha256", secret, salt, 1_000_000), 3
        ),
        "argon2id 19 MiB, t=2, p=1 (accounts/hashers.py)": timed(argon(19456, 2, 1), 20),
        "argon2id 46 MiB, t=1, p=1 (OWASP's other setting)": timed(argon(47104, 1, 1), 20),
        "argon2id 100 MiB, t=2, p=8 (Django's default)": timed(argon(102400, 2, 8), 5),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    for name, ms in hash_costs().items():
        print(f"one hash: {name:52} {ms:7.1f} ms of CPU", flush=True)
    prepare(args.users)
    results = {}
    problems = []
    for name, settings_module in STORMS.items():
        server = serve(settings_module, args.workers, args.threads)
        try:
            load = os.getloadavg()[0]
            samples = storm(args.users)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
        result = figures(samples)["sign-in"]
        results[name] = result
        print(
            f"{args.users} sign-ins at once, {name:44} p50 {result.p50:7.0f} ms  p95 {result.p95:7.0f} ms"
            f"  max {result.max:7.0f} ms  errors {result.errors}  (load before {load:.2f}; hashes now: {hashes()})",
            flush=True,
        )
        problems += sorted({f"{name}: {s.error}" for s in samples if s.error})
    before = results["before (PBKDF2)"]
    for name, result in results.items():
        print(f"p95 ratio to before, {name:44} {result.p95 / before.p95:.2f}  (p50 {result.p50 / before.p50:.2f})")
    after = results["after (argon2id)"]
    if after.p95 >= GOAL_P95_MS:
        problems.append(f"p95 after the upgrade {after.p95:.0f} ms, goal < {GOAL_P95_MS} ms")
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
