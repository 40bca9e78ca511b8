"""Every download names its file through Django's ``content_disposition_header`` (RFC 6266).

Found by the outside attack (issue 20): a household code with a quote in it ended the quoted file name of its
certificate early, and the rest of the header was the attacker's; Vietnamese names were sent as raw UTF-8.
"""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.http import HttpResponse
from django.utils.http import parse_header_parameters

from accounts.audit import download_name
from common import files
from common.renderers import CSVRenderer

ROOT = Path(__file__).resolve().parents[2]
ASSIGNED = re.compile(r"""\[["']Content-Disposition["']\]\s*=""")
NAMES = ['giay-chung-nhan-HG"01.pdf', 'giấy-chứng-nhận-HG"01; x=1.pdf', "thông-tư-07-Bắc Kạn-2024.xlsx"]


def sent_name(header: str, disposition: str = "attachment") -> str:
    kind, parameters = parse_header_parameters(header)
    assert kind == disposition
    assert "\n" not in header
    assert "\r" not in header
    assert set(parameters) <= {"filename", "filename*"}, parameters
    return parameters.get("filename*") or parameters["filename"]


@pytest.mark.parametrize("name", NAMES)
def test_the_download_helper_sends_the_name_whole(name):
    assert sent_name(files.download(b"x", name, "text/csv")["Content-Disposition"]) == name


@pytest.mark.parametrize("name", NAMES)
def test_pdfs_open_in_the_browser_under_their_name(name, monkeypatch):
    monkeypatch.setattr(files, "render_pdf", lambda *args, **kwargs: b"%PDF-1.7")
    assert sent_name(files.pdf_response("pdf/base.html", {}, filename=name)["Content-Disposition"], "inline") == name


@pytest.mark.parametrize("name", ['ho-gia-dinh"', "hộ-gia-đình"])
def test_api_tables_name_their_file(name):
    response = HttpResponse()
    CSVRenderer().render([{"a": 1}], renderer_context={"response": response, "view": SimpleNamespace(export_name=name)})
    assert sent_name(response["Content-Disposition"]) == f"{name}.csv"


@pytest.mark.parametrize("name", NAMES)
def test_the_audit_log_reads_the_name_back(name):
    response = files.download(b"x", name, "text/csv")
    assert download_name(response["Content-Disposition"]) == name


def test_no_download_writes_the_header_by_hand():
    """A new download goes through the same helper (the places above, and any added later)."""
    by_hand = []
    folders = [folder for folder in ROOT.iterdir() if (folder / "__init__.py").exists() and folder.name != "tests"]
    for path in (path for folder in folders for path in folder.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ASSIGNED.search(line) and "content_disposition_header(" not in line:
                by_hand.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not by_hand
