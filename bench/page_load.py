"""Page load of the commune officer's entry pages on a phone, as the officer meets them (issue 22).

    .venv/bin/python bench/page_load.py [--reuse] [--repeat 10] [--scale 0.04]

Prepares the database ``povertyplan_bench_page_load`` on 127.0.0.1:5432 with the demo (``load_demo``; ``--reuse``
keeps one already prepared), collects the static files and serves them as production does: gunicorn with two
workers, ``DEBUG=0``, whitenoise's compressed manifest storage. Debian's Chromium, driven by Playwright, opens a
390×844 window signed in as the demo's commune officer of Xã Văn Lang and loads each entry page ``--repeat``
times after one warm-up, with the browser's cache kept between loads (as on a phone). The figure is the
Navigation Timing interval from the start of the navigation to the end of the load event; the table prints the
median and the slowest load against the 1 s goal.

Then it walks the journey the issue counts: register a household of four and enter its review, through the
pages a user clicks, and prints each page visited, the forms submitted and whether any page was a dead end (a
page with no link or button onward to the next step).

Exits 0 (it is a benchmark) unless ``--check`` is given and a goal is missed.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

from bench.common import percentile  # noqa: E402
from bench.database import database_url, recreate_database  # noqa: E402

DB = "povertyplan_bench_page_load"
GOAL_MS = 1000
PASSWORD = "bench-page-load"
OFFICER = "xa.vanlang"
PHONE = {"width": 390, "height": 844}
PYTHON = ROOT / ".venv" / "bin" / "python"
# Kept between runs: collectstatic then copies and compresses only what changed (minutes on a first run).
STATIC_ROOT = Path(tempfile.gettempdir()) / "povertyplan_bench_page_load_static"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]

LOAD_MS = """() => {
  const entry = performance.getEntriesByType("navigation")[0];
  return entry.loadEventEnd - entry.startTime;
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn on the bench database, production settings with the static files in a temporary folder."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.port = free_port()
        self.base = f"http://localhost:{self.port}"  # Chromium keeps Secure cookies on localhost over http
        self.process: subprocess.Popen | None = None
        (tmp / "page_load_settings.py").write_text(
            "import os\n\nfrom povertyplan.settings.base import *  # noqa: F403\n\n"
            'STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]\n'
        )

    def env(self) -> dict:
        env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
        env.update(
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=database_url(DB),
            ALLOWED_HOSTS="localhost,127.0.0.1",
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            DJANGO_SETTINGS_MODULE="page_load_settings",
            PYTHONPATH=f"{self.tmp}{os.pathsep}{ROOT}",
            BENCH_STATIC_ROOT=str(STATIC_ROOT),
            MEDIA_ROOT=str(self.tmp / "media"),
            LOG_LEVEL="WARNING",
            DEMO_PASSWORD=PASSWORD,
        )
        return env

    def manage(self, *arguments: str) -> None:
        subprocess.run([str(PYTHON), "manage.py", *arguments], cwd=ROOT, env=self.env(), check=True)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(PYTHON), "-m", "gunicorn", "povertyplan.wsgi", "-b", f"127.0.0.1:{self.port}", "--workers", "2"],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def log_in(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", OFFICER)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def entry_pages(page, base: str) -> list[tuple[str, str]]:
    """The officer's entry pages, with the household and review ids found through the pages themselves."""
    pages = [
        ("Danh sách hộ", "/households/"),
        ("Thêm hộ", "/households/new/"),
        ("Danh sách rà soát", "/reviews/"),
        ("Nhập từ Excel", "/households/import/"),
    ]
    page.goto(f"{base}/households/")
    household = page.locator("table a[href^='/households/']").first.get_attribute("href")
    pages.insert(2, ("Trang hộ", household))
    page.goto(f"{base}/reviews/")
    round_page = page.locator("a[href^='/reviews/rounds/']").first.get_attribute("href")
    pages += [("Đợt rà soát", round_page), ("Rà soát mới", round_page + "new/")]
    page.goto(base + round_page)
    review = page.locator("a[href^='/reviews/']:not([href*='rounds'])").filter(has_text="").first
    href = review.get_attribute("href") if review.count() else None
    if href and href.rstrip("/").split("/")[-1].isdigit():
        pages.append(("Trang rà soát", href))
    for name, url in (("Việc cần làm", "/reviews/todo/"), ("Việc cần làm", "/todo/")):
        if page.goto(base + url).status == 200:
            pages.append((name, url))
            break
    return pages


def measure(page, base: str, url: str, repeat: int) -> list[float]:
    page.goto(base + url, wait_until="load")  # warm-up: the cache holds the static files afterwards
    samples = []
    for _ in range(repeat):
        page.goto(base + url, wait_until="load")
        samples.append(page.evaluate(LOAD_MS))
    return samples


def journey(page, base: str) -> dict:
    """Register a household of four, then review it, clicking as the officer would. Returns what it took."""
    visited: list[str] = []
    forms = 0

    def note() -> None:
        visited.append(page.url.removeprefix(base))

    page.goto(f"{base}/households/")
    note()
    page.locator("a[href='/households/new/']").first.click()
    page.wait_for_load_state()
    note()
    village = page.locator("#id_village option[value]:not([value=''])").first.get_attribute("value")
    page.select_option("#id_village", village)
    code = "BENCH-" + secrets.token_hex(3).upper()
    page.fill("#id_code", code)
    members = [
        ("Hoàng Văn Thử", "male", "12/03/1970", "head"),
        ("Lý Thị Mai", "female", "5/6/1974", "spouse"),
        ("Hoàng Văn An", "male", "01/07/2002", "child"),
        ("Hoàng Thị Bình", "female", "01072010", "child"),
    ]
    for index, (name, sex, born, relation) in enumerate(members):
        if index >= page.locator("[data-member]").count():
            page.locator("[data-add-member]").click()
        page.fill(f"#id_members-{index}-full_name", name)
        page.select_option(f"#id_members-{index}-sex", sex)
        page.fill(f"#id_members-{index}-date_of_birth", born)
        page.select_option(f"#id_members-{index}-relation", relation)
        # The facts the standard reads of each member (work, health insurance, schooling): the first answer.
        for select in page.locator(f"select[id^='id_members-{index}-']").all():
            if select.input_value() in ("", "unknown"):
                select.select_option(index=1)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    forms += 1
    note()
    review_link = page.get_by_role("link", name="Rà soát hộ này")
    dead_end = review_link.count() == 0
    if not dead_end:
        review_link.first.click()
        page.wait_for_load_state()
        note()
        page.fill("#id_income_per_capita", "1.200.000")
        # The household's facts as the officer finds them: the first answer of each list, 30 m².
        for select in page.locator("select[name^='fact_']").all():
            select.select_option(index=1)
        page.fill("#id_fact_living_area_m2", "30")
        page.locator("input[name='fact_telecom']").first.check()
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        forms += 1
        note()
        summary = page.locator("[data-error-summary]")
        refused = summary.inner_text() if summary.count() else ""
        return {"visited": visited, "forms": forms, "dead_end": False, "household": code, "refused": refused}
    return {"visited": visited, "forms": forms, "dead_end": dead_end, "household": code}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="keep the prepared database")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--scale", type=float, default=None, help="load_demo's --scale")
    parser.add_argument("--check", action="store_true", help="exit 1 when a page misses its goal")
    parser.add_argument("--journey-only", action="store_true", help="only walk the journey")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="page_load_"))
    server = Server(tmp)
    started = time.monotonic()
    if not args.reuse:
        recreate_database(DB)
        server.manage("migrate", "--no-input", "-v", "0")
        server.manage("load_demo", "--password", PASSWORD, *(["--scale", str(args.scale)] if args.scale else []))
    else:
        server.manage("migrate", "--no-input", "-v", "0")
    server.manage("collectstatic", "--no-input", "-v", "0")
    print(f"prepared in {time.monotonic() - started:.0f} s")
    missed = []
    try:
        server.start()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True)
            page = context.new_page()
            log_in(page, server.base)
            print(f"\n{'page':24} {'median':>8} {'slowest':>8}  goal {GOAL_MS} ms  ({args.repeat} loads, 390×844)")
            for name, url in [] if args.journey_only else entry_pages(page, server.base):
                samples = measure(page, server.base, url, args.repeat)
                median, slowest = percentile(samples, 0.5), max(samples)
                ok = median < GOAL_MS
                missed += [] if ok else [name]
                print(f"{name:24} {median:8.0f} {slowest:8.0f}  {'ok' if ok else 'MISSED'}  {url}")
            walked = journey(page, server.base)
            print(f"\nhousehold of 4 + its review: {walked['forms']} forms, {len(walked['visited'])} pages")
            for step in walked["visited"]:
                print(f"  {step}")
            print("dead end: " + ("yes (no 'Rà soát hộ này' on the household page)" if walked["dead_end"] else "none"))
            if walked.get("refused"):
                print("the review was refused:\n" + walked["refused"])
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
