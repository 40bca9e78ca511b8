"""Benchmark of reads through a PostgreSQL streaming replica (issue 25): the same endpoints as
``bench/statistics.py``, served from the primary alone and then with ``DATABASE_REPLICA_URL``.

    .venv/bin/python bench/replica.py [--households 100000] [--requests 200] [--concurrency 4]
        [--write-households 30000] [--round-trips 100] [--apply-delay 500] [--check]

Makes a cluster of its own (``initdb``, PostgreSQL 15 binaries) in a temporary folder on a free port, set for
streaming replication (``wal_level = replica``, WAL senders, a replication line in ``pg_hba.conf``), loads
Bắc Kạn's units, the standards and ``--households`` households with approved reviews by COPY and rebuilds the
statistics (``bench/statistics.py``'s own functions), then makes the replica with ``pg_basebackup -R`` in a
second folder on another port and starts it as a hot standby. The machine's own cluster on 5432 is not touched.

Then, with gunicorn (2 workers × 4 threads, DEBUG off): p50/p95 of each endpoint with reads on the primary only
and with reads on the replica, the rows each server returned meanwhile (``pg_stat_database``: where the reads
went), and, while ``--write-households`` more households are written by COPY, the replica's lag (seconds since
the last replayed commit on the replica; bytes behind and ``replay_lag`` from the primary's
``pg_stat_replication``) and ``--round-trips`` read-your-writes round trips over HTTP: a signed-in officer saves
a commune's resident households (a page's POST) and at once reads them back from the statistics API, which
reads the replica; then the same round trips with the replica's replay held back ``--apply-delay`` ms
(``recovery_min_apply_delay``), where another officer's read right after the write misses it. Both clusters
are stopped and removed at the end, also after an error or Ctrl-C.

Goals: every read after a write sees the write (100 %); no errors; the lag reported. On this one 2-core machine
the replica shares the CPU with the primary, so it adds capacity only on its own machine: the p95 ratio
(replica / primary) measured in the same run shows what the routing costs (the position check, a connection
more), not the capacity gained. Exit status 0 unless ``--check`` and a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project, after the standard library
    sys.path.append(str(ROOT))

import psycopg2  # noqa: E402

from bench import statistics as statistics_bench  # noqa: E402
from bench.common import LoopbackCookies, NoRedirect, percentile  # noqa: E402

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DB = "povertyplan_replica_bench"
PASSWORD = "bench-Replica-2026"
PATHS = {
    "statistics group_by=unit": "/api/v1/statistics/?year=2024&unit=06&group_by=unit",
    "statistics group_by=unit,status": "/api/v1/statistics/?year=2024&unit=06&group_by=unit,status",
    "households list": "/api/v1/households/?page_size=100",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# PostgreSQL refuses to run as root: as root, its programs run as the system's postgres user.
AS_SERVER_USER = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def run(*command: str) -> None:
    result = subprocess.run([*AS_SERVER_USER, *command], check=False, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.stdout.strip()}")


@dataclass
class Cluster:
    """A PostgreSQL server of this benchmark's own: its folder, port and log."""

    folder: Path
    port: int
    started: bool = False

    def url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        log = self.folder.parent / f"{self.folder.name}.log"
        run(str(BIN / "pg_ctl"), "-D", str(self.folder), "-l", str(log), "-w", "-t", "120", "start")
        self.started = True

    def stop(self) -> None:
        if self.started:
            subprocess.run(
                [*AS_SERVER_USER, str(BIN / "pg_ctl"), "-D", str(self.folder), "-m", "immediate", "-w", "stop"],
                check=False,
                capture_output=True,
            )
            self.started = False

    def set(self, name: str, value: str) -> None:
        """A setting changed by reloading the configuration (the last line of postgresql.conf wins)."""
        with open(self.folder / "postgresql.conf", "a") as conf:
            conf.write(f"{name} = {value}\n")
        run(str(BIN / "pg_ctl"), "-D", str(self.folder), "reload")
        time.sleep(0.5)

    def query(self, sql: str, params=(), db: str = "postgres"):
        connection = psycopg2.connect(self.url(db))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()


def primary_make(folder: Path) -> Cluster:
    """``initdb`` and the settings of a primary that streams its WAL to a standby."""
    cluster = Cluster(folder, free_port())
    run(str(BIN / "initdb"), "-D", str(folder), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    with open(folder / "postgresql.conf", "a") as conf:
        conf.write(
            f"\nport = {cluster.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{folder.parent}'\n"
            "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nmax_wal_size = '2GB'\n"
            "shared_buffers = '256MB'\n"
        )
    with open(folder / "pg_hba.conf", "w") as hba:
        hba.write(
            "local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication postgres 127.0.0.1/32 trust\n"
        )
    cluster.start()
    return cluster


def replica_make(primary: Cluster, folder: Path) -> Cluster:
    """``pg_basebackup -R``: a copy of the primary that starts as a hot standby streaming from it."""
    cluster = Cluster(folder, free_port())
    run(
        str(BIN / "pg_basebackup"),
        "-D",
        str(folder),
        "-h",
        "127.0.0.1",
        "-p",
        str(primary.port),
        "-U",
        "postgres",
        "-R",
        "-X",
        "stream",
        "-c",
        "fast",
    )
    with open(folder / "postgresql.conf", "a") as conf:
        conf.write(f"\nport = {cluster.port}\nhot_standby = on\n")
    cluster.start()
    for _ in range(600):
        if primary.query("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")[0][0]:
            return cluster
        time.sleep(0.1)
    raise RuntimeError("the replica does not stream")


def point_statistics_bench_at(cluster: Cluster) -> None:
    """``bench/statistics.py`` speaks to 127.0.0.1:5432; its functions read these two names when they run."""
    statistics_bench.db_url = lambda db=DB: cluster.url(db)
    statistics_bench.ADMIN_URL = cluster.url()


def rows_returned(cluster: Cluster) -> int:
    return cluster.query("SELECT tup_returned FROM pg_stat_database WHERE datname = %s", [DB])[0][0]


def measure_all(args, token: str, port: int, primary: Cluster, replica: Cluster) -> dict:
    """p50/p95 of every endpoint, and the rows the primary and the replica returned meanwhile."""
    before = rows_returned(primary), rows_returned(replica)
    figures = {}
    for name, path in PATHS.items():
        figures[name] = statistics_bench.measure(path, token, args.requests, args.concurrency, port=port)
    time.sleep(0.6)  # the statistics collector's flush
    after = rows_returned(primary), rows_returned(replica)
    return {"paths": figures, "primary rows": after[0] - before[0], "replica rows": after[1] - before[1]}


class Browser:
    """A signed-in officer's cookies (session, CSRF) and requests; redirects are answers, not followed."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.cookies = CookieJar(policy=LoopbackCookies())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect())
        form = self.open("/accounts/login/")[1]
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        status, _body = self.open(
            "/accounts/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf}
        )
        assert status == 302, f"sign-in refused ({status})"

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def open(self, path: str, form: dict | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(f"{self.base}{path}", data=data, timeout=30) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode(errors="replace")


@dataclass
class RoundTrips:
    done: int = 0
    seen: int = 0  # the writer's own read showed the write
    seen_by_other: int = 0  # another officer's read, right after, showed it too (no position of theirs)
    errors: list[str] = field(default_factory=list)
    read_ms: list[float] = field(default_factory=list)


def resident_households(browser: Browser, code: str) -> int | None:
    status, body = browser.open(f"/api/v1/statistics/?year=2024&unit={code}&tree=legacy")
    if status != 200:
        raise RuntimeError(f"statistics answered {status}: {body[:200]}")
    return json.loads(body)["results"][0]["resident_households"]


def round_trips(base: str, communes: list[tuple[int, str]], count: int, result: RoundTrips, first: int = 0) -> None:
    """Save a commune's resident households on the page, then read them back at once from the statistics API
    (``first``: where the counts written start, so that a second series writes new numbers)."""
    try:
        writer, other = Browser(base, "bench-writer"), Browser(base, "bench-reader")
    except (OSError, AssertionError, TypeError) as error:
        result.errors.append(f"sign-in: {error}")
        return
    for i in range(count):
        commune_id, code = communes[i % len(communes)]
        households = 1000 + first + i
        try:
            form = {
                f"households_{commune_id}": households,
                f"people_{commune_id}": households * 4,
                "csrfmiddlewaretoken": writer.csrf(),
            }
            status, _body = writer.open("/residents/?year=2024", form)
            if status != 302:
                result.errors.append(f"save answered {status}")
                continue
            started = time.perf_counter()
            result.seen += resident_households(writer, code) == households
            result.read_ms.append((time.perf_counter() - started) * 1000)
            result.seen_by_other += resident_households(other, code) == households
            result.done += 1
        except (OSError, RuntimeError, KeyError, IndexError, ValueError) as error:
            result.errors.append(str(error))


def trips_line(title: str, trips: RoundTrips) -> str:
    share = trips.seen / trips.done if trips.done else 0.0
    return (
        f"{title}: {trips.seen} of {trips.done} reads right after the write saw it ({share:.0%}; goal 100 %), "
        f"read p50 {middle(trips.read_ms):.1f} ms; another officer's read right after: {trips.seen_by_other} of "
        f"{trips.done}; errors {len(trips.errors)}" + (f" (first: {trips.errors[0]})" if trips.errors else "")
    )


@dataclass
class Lag:
    seconds: list[float] = field(default_factory=list)  # now() - pg_last_xact_replay_timestamp(), on the replica
    replay_lag: list[float] = field(default_factory=list)  # pg_stat_replication.replay_lag, on the primary
    bytes: list[int] = field(default_factory=list)  # pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)


def sample_lag(primary: Cluster, replica: Cluster, lag: Lag, stop: threading.Event) -> None:
    on_primary = psycopg2.connect(primary.url())
    on_primary.autocommit = True
    on_replica = psycopg2.connect(replica.url())
    on_replica.autocommit = True
    try:
        with on_primary.cursor() as p, on_replica.cursor() as r:
            while not stop.is_set():
                p.execute(
                    "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), extract(epoch FROM replay_lag)"
                    " FROM pg_stat_replication"
                )
                behind, replay_lag = p.fetchone()
                r.execute("SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())")
                lag.bytes.append(int(behind))
                lag.replay_lag.append(float(replay_lag or 0))
                lag.seconds.append(float(r.fetchone()[0] or 0))
                time.sleep(0.05)
    finally:
        on_primary.close()
        on_replica.close()


def static_collect() -> None:
    """The static files' manifest, which the pages need with DEBUG off (as ``bench/load.py``; uncompressed)."""
    statistics_bench.manage(
        "shell",
        "-c",
        "from django.contrib.staticfiles.management.commands.collectstatic import Command;"
        " from django.contrib.staticfiles.storage import ManifestStaticFilesStorage;"
        " from django.core.management import call_command;"
        " command = Command(); command.storage = ManifestStaticFilesStorage();"
        " call_command(command, interactive=False, verbosity=0)",
        db=DB,
    )


def users_make() -> str:
    """The API's reader (a token, as bench/statistics.py) and two officers who sign in on the pages."""
    statistics_bench.manage(
        "shell",
        "-c",
        "from accounts.services import user_create; from households.models import AdministrativeUnit as U;"
        " province = U.objects.get(code='06', level='province');"
        " user_create(username='bench', password=None, role='province_officer', units=[province]);"
        f" [user_create(username=name, password='{PASSWORD}', role='province_officer', units=[province])"
        " for name in ('bench-writer', 'bench-reader')]",
        db=DB,
    )
    return statistics_bench.manage("create_api_token", "bench", db=DB).strip()


# Every gunicorn started, stopped at the end whatever happens (also one interrupted while it starts).
SERVERS: list[subprocess.Popen] = []


def serve(port: int, replica: Cluster | None) -> subprocess.Popen:
    """gunicorn as ``bench/statistics.py`` runs it (2 workers × 4 threads, DEBUG off), reading the replica or not."""
    env = statistics_bench.environment(DB)
    env.pop("DATABASE_REPLICA_URL", None)
    if replica is not None:
        env["DATABASE_REPLICA_URL"] = replica.url(DB)
    return statistics_bench.serve(port=port, env=env, servers=SERVERS)


def stop(server: subprocess.Popen | None) -> None:
    if server is not None and server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()


def middle(values: list[float]) -> float:
    return percentile(values, 0.5) if values else 0.0


def high(values: list[float]) -> float:
    return percentile(values, 0.95) if values else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--write-households", type=int, default=30_000, help="COPYed while the lag is sampled")
    parser.add_argument("--round-trips", type=int, default=100)
    parser.add_argument(
        "--apply-delay", type=int, default=500, help="ms the replica's replay is then held back (0: not)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args()
    # Ctrl-C and kill end in the same clean-up as an error.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    folder = Path(tempfile.mkdtemp(prefix="povertyplan-replica-bench-"))
    if AS_SERVER_USER:
        shutil.chown(folder, "postgres", "postgres")
    primary = replica = server = None
    started = time.perf_counter()
    try:
        primary = primary_make(folder / "primary")
        point_statistics_bench_at(primary)
        print(f"primary cluster on port {primary.port} ({folder})", flush=True)
        statistics_bench.setup_database(DB)
        token = users_make()
        static_collect()
        where = statistics_bench.prepare_rounds(DB)
        seconds = statistics_bench.load_households(args.households, where, seed=args.households, db=DB)
        rebuild = statistics_bench.manage("rebuild_statistics", db=DB).strip()
        print(f"{args.households:,} households: COPY {seconds:.1f} s; {rebuild}", flush=True)
        backup_started = time.perf_counter()
        replica = replica_make(primary, folder / "replica")
        size = primary.query("SELECT pg_size_pretty(pg_database_size(%s))", [DB])[0][0]
        print(
            f"replica on port {replica.port}: pg_basebackup -R of {size} and streaming in "
            f"{time.perf_counter() - backup_started:.1f} s",
            flush=True,
        )

        port = free_port()
        # Each way twice, in the order A B B A, each after a warm-up pass (the replica's cache starts cold): the
        # machine's other work weighs on both alike.
        runs: dict[str, list[dict]] = {"primary only": [], "with replica": []}
        for name in ("primary only", "with replica", "with replica", "primary only"):
            server = serve(port, replica if name == "with replica" else None)
            try:
                for path in PATHS.values():
                    statistics_bench.measure(path, token, max(10, args.requests // 4), args.concurrency, port=port)
                runs[name].append(measure_all(args, token, port, primary, replica))
            finally:
                stop(server)
                server = None
        print(f"\n{'endpoint':34} {'primary only p50 / p95':>26} {'with replica p50 / p95':>26} {'ratio p50 p95':>14}")
        for path_name in PATHS:
            (a50, a95), (b50, b95) = (
                [sum(run["paths"][path_name][i] for run in runs[way]) / len(runs[way]) for i in (0, 1)]
                for way in ("primary only", "with replica")
            )
            print(
                f"{path_name:34} {a50:10.1f} / {a95:7.1f} ms {b50:10.1f} / {b95:7.1f} ms "
                f"{b50 / a50:6.2f} {b95 / a95:6.2f}"
            )
            for way in runs:
                each = ", ".join(
                    f"{run['paths'][path_name][0]:.0f} / {run['paths'][path_name][1]:.0f}" for run in runs[way]
                )
                print(f"    {way}: each run p50 / p95 {each} ms")
        for way, measured in runs.items():
            primary_rows = sum(run["primary rows"] for run in measured)
            replica_rows = sum(run["replica rows"] for run in measured)
            print(f"rows returned during '{way}': primary {primary_rows:,}, replica {replica_rows:,}")

        # The lag and read-your-writes while the primary writes.
        server = serve(port, replica)
        communes = where["communes"][:20]
        lag, trips, stop_sampling = Lag(), RoundTrips(), threading.Event()
        sampler = threading.Thread(target=sample_lag, args=(primary, replica, lag, stop_sampling))
        tripper = threading.Thread(
            target=round_trips, args=(f"http://127.0.0.1:{port}", communes, args.round_trips, trips)
        )
        primary.query("SELECT txid_current()", db=DB)  # a commit: the replay timestamp starts from now, not idle
        sampler.start()
        tripper.start()
        write_started = time.perf_counter()
        statistics_bench.load_households(args.write_households, where, seed=7, db=DB)
        write_seconds = time.perf_counter() - write_started
        tripper.join()
        stop_sampling.set()
        sampler.join()
        stop(server)
        server = None

        print(
            f"\nwrite load: COPY of {args.write_households:,} households in {write_seconds:.1f} s, "
            f"{len(lag.seconds)} lag samples"
        )
        print(
            f"replica lag (now() - pg_last_xact_replay_timestamp()): median {middle(lag.seconds) * 1000:.0f} ms, "
            f"p95 {high(lag.seconds) * 1000:.0f} ms, max {max(lag.seconds, default=0) * 1000:.0f} ms"
        )
        print(
            f"replay_lag (pg_stat_replication): median {middle(lag.replay_lag) * 1000:.0f} ms, "
            f"p95 {high(lag.replay_lag) * 1000:.0f} ms, max {max(lag.replay_lag, default=0) * 1000:.0f} ms"
        )
        print(
            f"bytes behind (pg_current_wal_lsn() - replay_lsn): median {middle(lag.bytes) / 2**20:.2f} MiB, "
            f"p95 {high(lag.bytes) / 2**20:.2f} MiB, max {max(lag.bytes, default=0) / 2**20:.2f} MiB"
        )
        print(trips_line("read-your-writes over HTTP during the write load", trips))

        # A replica held back on purpose (recovery_min_apply_delay): the other officer's reads, on the replica,
        # miss the write; the writer's, sent to the primary by the position check, never do.
        delayed = RoundTrips()
        if args.apply_delay:
            replica.set("recovery_min_apply_delay", f"'{args.apply_delay}ms'")
            server = serve(port, replica)
            round_trips(f"http://127.0.0.1:{port}", communes, args.round_trips, delayed, first=args.round_trips)
            stop(server)
            server = None
            replica.set("recovery_min_apply_delay", "0")
            print(trips_line(f"read-your-writes with the replay held back {args.apply_delay} ms", delayed))
        print(f"total {time.perf_counter() - started:.0f} s")
        missed = any(
            t.done == 0 or t.seen < t.done or t.errors for t in (trips, *([delayed] if args.apply_delay else []))
        ) or not all(r["replica rows"] for r in runs["with replica"])
        return 1 if args.check and missed else 0
    finally:
        for each in SERVERS:
            stop(each)
        for cluster in (replica, primary):
            if cluster is not None:
                cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
