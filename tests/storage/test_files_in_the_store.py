"""Every file the app keeps goes through the configured storage and comes back through its views: the uploaded
workbook and the copy with its errors marked, a prepared report, a meeting's minutes. With ``FILE_STORAGE=s3``
they are objects of the bucket (moto's S3 server over HTTP) and the web process's media folder stays empty; with
``filesystem`` they are files under ``MEDIA_ROOT``, as before."""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from households.models import ImportJob, ImportStatus, ReviewKind, VillageMeeting
from households.services import review_create, round_open
from jobs.models import JobState
from reports.models import ReportJob
from tests.factories import VillageFactory
from tests.reviews import GOOD, new_household
from tests.storage.conftest import PREFIX, files_under
from tests.workbooks import household, make_workbook, person

pytestmark = pytest.mark.django_db

VILLAGE = "Thôn Nà Hin"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Store:
    """The files kept, by their names in the storage, wherever it keeps them."""

    kind: str
    names: Callable[[], list[str]]
    read: Callable[[str], bytes]


@pytest.fixture(params=["filesystem", "s3"])
def store(request, settings, tmp_path) -> Store:
    if request.param == "s3":
        bucket = request.getfixturevalue("s3")
        return Store(
            "s3",
            lambda: [key.removeprefix(f"{PREFIX}/") for key in bucket.objects()],
            lambda name: bucket.read(f"{PREFIX}/{name}"),
        )
    settings.MEDIA_ROOT = media = tmp_path / "media"
    return Store(
        "filesystem",
        lambda: sorted(path.relative_to(media).as_posix() for path in files_under(media)),
        lambda name: (media / name).read_bytes(),
    )


@pytest.fixture
def commune(unit):
    return unit("Xã Bộc Bố")


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.COMMUNE_OFFICER, [commune])


def workbook() -> bytes:
    return make_workbook(households=[household("NH-01", VILLAGE)], members=[person("NH-01", "Hà Văn Tư")])


def test_an_upload_and_its_errors_are_kept_in_the_store_handed_out_and_dropped_once_corrected(
    client, officer, commune, store, settings
):
    content = workbook()
    client.force_login(officer)
    client.post(
        reverse("households:import-start"), {"commune": commune.pk, "file": SimpleUploadedFile("ho.xlsx", content)}
    )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKED, job.failure
    assert job.error_count  # the village is not there yet

    upload, annotated = job.file.name, job.file.name.removesuffix(".xlsx") + ".loi.xlsx"
    assert re.fullmatch(r"imports/\d{4}/\d{2}/[0-9a-f]{12}-ho\.xlsx", upload)
    assert sorted(store.names()) == sorted([upload, annotated])
    assert store.read(upload) == content

    response = client.get(reverse("households:import-errors", args=[job.pk]))
    assert response.status_code == 200
    given = b"".join(response.streaming_content)
    assert given == store.read(annotated)
    assert "Lỗi" in load_workbook(io.BytesIO(given)).sheetnames
    if store.kind == "s3":
        assert files_under(settings.MEDIA_ROOT) == []

    # The village made, the job run again (its process had died): no errors, and no copy with errors left.
    VillageFactory(parent=commune, name=VILLAGE)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, failure="gone")
    client.post(reverse("households:import-rerun", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.error_count) == (ImportStatus.CHECKED, 0), job.failure
    assert store.names() == [upload]
    assert client.get(reverse("households:import-errors", args=[job.pk])).status_code == 404


def test_two_files_of_one_name_stay_two_files_in_the_bucket(s3):
    first = default_storage.save("imports/2026/12/ho.xlsx", ContentFile(b"commune A"))
    second = default_storage.save("imports/2026/12/ho.xlsx", ContentFile(b"commune B"))
    assert first != second
    assert [default_storage.open(name).read() for name in (first, second)] == [b"commune A", b"commune B"]
    assert s3.objects() == sorted(f"{PREFIX}/{name}" for name in (first, second))
    # Private: the owner's grant alone, none to everyone or to any signed-in AWS user.
    grants = s3.client.get_object_acl(Bucket=s3.name, Key=f"{PREFIX}/{first}")["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all(grant["Grantee"]["Type"] == "CanonicalUser" for grant in grants)
    # No address of a kept file opens it without the app: no signature in it.
    assert "Signature" not in default_storage.url(first)
    assert "?" not in default_storage.url(first)


def test_a_prepared_report_lands_in_the_bucket_and_downloads_through_the_app(
    client, reviewed, province_officer, unit, settings, s3
):
    settings.REPORT_INLINE_HOUSEHOLDS = 2
    client.force_login(province_officer)
    params = {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024, "status": "near_poor", "format": "xlsx"}
    assert client.get("/reports/lists/", params).status_code == 302
    job = ReportJob.objects.get(user=province_officer)
    assert job.status == JobState.DONE, job.failure

    [key] = s3.objects()
    assert key == f"{PREFIX}/{job.file.name}"
    assert re.fullmatch(rf"reports/\d{{4}}/\d{{2}}/{job.pk}-.+\.xlsx", job.file.name)
    response = client.get(reverse("reports:job-download", args=[job.pk]))
    assert response.status_code == 200
    assert job.file_name in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content == s3.read(key)
    assert load_workbook(io.BytesIO(content)).active.max_row > 2
    assert files_under(settings.MEDIA_ROOT) == []

    s3.delete(key)  # a bucket restored without it
    assert client.get(reverse("reports:job-download", args=[job.pk])).status_code == 404


def test_a_meetings_minutes_go_to_the_bucket_and_come_back_through_the_app(client, officer, commune, settings, s3):
    village = VillageFactory(parent=commune, name=VILLAGE)
    review_round = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    household = new_household(officer, village, "BB-10")
    review = review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=1, facts=GOOD
    )
    client.force_login(officer)
    response = client.post(
        reverse("households:round-step", args=[review_round.pk, "confirm_meeting"]),
        {
            "confirm_meeting-reviews": [review.pk],
            "confirm_meeting-village": village.pk,
            "confirm_meeting-held_on": "01/10/2024",
            "confirm_meeting-attendance": "20",
            "confirm_meeting-agreeing": "15",
            "confirm_meeting-minutes": SimpleUploadedFile("bien-ban.pdf", PDF),
        },
    )
    assert response.status_code == 302
    meeting = VillageMeeting.objects.get()
    [key] = s3.objects()
    assert key == f"{PREFIX}/{meeting.minutes.name}"
    assert meeting.minutes.name.startswith("meeting-minutes/")
    assert s3.read(key) == PDF

    url = reverse("households:meeting-minutes", args=[meeting.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert files_under(settings.MEDIA_ROOT) == []

    s3.delete(key)
    assert client.get(url).status_code == 404
