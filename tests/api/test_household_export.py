"""GET /api/v1/households/export/: a whole area's households as one CSV file, streamed, scoped, filtered like the
list, and read by pandas in one call."""

import io

import pandas as pd
import pytest
from django.http import StreamingHttpResponse
from rest_framework.authtoken.models import Token

from accounts.models import AuditEvent, Role
from common.renderers import csv_stream
from tests.review_data import PLAN, PLAN_2026

pytestmark = pytest.mark.django_db

TEXT = {"code": str, "commune_code": str}


@pytest.fixture
def na_ri(client, make_user, unit):
    user = make_user(Role.API_CLIENT, [unit("Huyện Na Rì")])
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    return client


def read(answer) -> pd.DataFrame:
    assert isinstance(answer, StreamingHttpResponse)
    content = b"".join(answer.streaming_content)
    assert content.startswith("\ufeff".encode())
    return pd.read_csv(io.BytesIO(content), dtype=TEXT, keep_default_na=False)


def test_the_export_is_the_whole_list_of_the_callers_area(na_ri, reviewed):
    table = read(na_ri.get("/api/v1/households/export/"))
    listed = []
    page = na_ri.get("/api/v1/households/", {"page_size": 2}).json()
    listed += page["results"]
    while page["next"]:
        page = na_ri.get(page["next"]).json()
        listed += page["results"]
    # Na Rì's communes, and after the reform Xã Văn Lang; not Xã Bộc Bố (Pác Nặm).
    expected = len(PLAN[2023]["Xã Lương Thượng"]) + len(PLAN[2023]["Xã Kim Hỷ"]) + len(PLAN_2026["Xã Văn Lang"])
    assert len(table) == len(listed) == expected
    assert list(table.columns) == list(listed[0])
    assert table["code"].tolist() == [row["code"] for row in sorted(listed, key=lambda row: row["id"])]
    assert set(table["commune_name"]) == {"Xã Lương Thượng", "Xã Kim Hỷ", "Xã Văn Lang"}
    assert table["commune_code"].str.len().eq(5).all()  # text: the leading zero of 02143 is kept


def test_the_export_takes_the_lists_filters(na_ri, reviewed):
    table = read(na_ri.get("/api/v1/households/export/", {"unit": "02143", "tree": "current"}))
    assert set(table["commune_name"]) == {"Xã Văn Lang"}
    assert na_ri.get("/api/v1/households/export/", {"unit": "02143"}).status_code == 400
    assert na_ri.get("/api/v1/households/export/", {"unit": "999"}).status_code == 404
    assert na_ri.get("/api/v1/households/export/", {"status": "rich"}).status_code == 400


def test_the_export_is_in_the_audit_log(na_ri, reviewed):
    b"".join(na_ri.get("/api/v1/households/export/").streaming_content)
    event = AuditEvent.objects.order_by("-pk").first()
    assert event.detail["file"] == "households.csv"


def test_the_stream_holds_one_batch_at_a_time():
    pulled = []

    def rows():
        for n in range(10_000):
            pulled.append(n)
            yield (n, f"HH-{n:05d}", "=SUM(A1)", None)

    stream = csv_stream(["id", "code", "note", "empty"], rows(), batch=1000)
    header = next(stream)
    assert header == "\ufeffid,code,note,empty\r\n".encode()
    first = next(stream)
    assert len(pulled) == 1000  # nothing read past the first batch when it is sent
    assert first.startswith(b"0,HH-00000,'=SUM(A1),\r\n")  # a formula is text
    assert sum(1 for _ in stream) == 9
