"""A village meeting's minutes are kept only as a PDF or a photo of a sane size; anything else is refused on
the round's page with the rest of the meeting as typed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.text import slugify

from accounts.models import Role
from households.models import ReviewKind, ReviewState, VillageMeeting
from households.services import review_create, round_open
from tests.reviews import GOOD, new_household

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def review(officer, commune, village):
    review_round = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    household = new_household(officer, village, "BB-10")
    return review_create(user=officer, review_round=review_round, household=household, income_per_capita=1, facts=GOOD)


def post_meeting(client, review, village, minutes):
    url = reverse("households:round-step", args=[review.round_id, "confirm_meeting"])
    return client.post(
        url,
        {
            "confirm_meeting-reviews": [review.pk],
            "confirm_meeting-village": village.pk,
            "confirm_meeting-held_on": "01/10/2024",
            "confirm_meeting-attendance": "20",
            "confirm_meeting-agreeing": "15",
            "confirm_meeting-minutes": minutes,
        },
    )


@pytest.mark.parametrize(
    "minutes",
    [
        SimpleUploadedFile("bien-ban.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        SimpleUploadedFile("bien-ban.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
        SimpleUploadedFile("bien-ban.html", PDF, "text/html"),
    ],
)
def test_minutes_that_are_not_a_pdf_or_a_photo_are_refused(client, officer, village, review, minutes):
    client.force_login(officer)
    response = post_meeting(client, review, village, minutes)
    assert response.status_code == 200
    assert "PDF hoặc ảnh" in response.text
    assert 'value="20"' in response.text
    assert not VillageMeeting.objects.exists()
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT


def test_minutes_above_the_size_limit_are_refused(client, officer, village, review, settings):
    settings.MINUTES_MAX_BYTES = 2**20
    client.force_login(officer)
    big = SimpleUploadedFile("bien-ban.pdf", PDF + b"0" * 2**20, "application/pdf")
    response = post_meeting(client, review, village, big)
    assert response.status_code == 200
    assert "giới hạn là 1 MB" in response.text
    assert not VillageMeeting.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("bien-ban.pdf", PDF), ("anh.JPG", b"\xff\xd8\xff\xe0JFIF"), ("anh.png", b"\x89PNG\r\n\x1a\n")],
)
def test_a_pdf_or_a_photo_is_kept_with_the_meeting(client, officer, village, review, name, content):
    client.force_login(officer)
    response = post_meeting(client, review, village, SimpleUploadedFile(name, content))
    assert response.status_code == 302
    meeting = VillageMeeting.objects.get()
    assert meeting.minutes.read() == content


@pytest.mark.parametrize(
    ("name", "content", "content_type", "suffix"),
    [("bien-ban.pdf", PDF, "application/pdf", ".pdf"), ("anh.JPG", b"\xff\xd8\xff\xe0JFIF", "image/jpeg", ".jpg")],
)
def test_the_kept_minutes_are_downloaded_by_whoever_sees_the_village(
    client, officer, make_user, unit, village, review, name, content, content_type, suffix
):
    client.force_login(officer)
    post_meeting(client, review, village, SimpleUploadedFile(name, content))
    meeting = VillageMeeting.objects.get()
    url = reverse("households:meeting-minutes", args=[meeting.pk])
    assert url in client.get(reverse("households:round-detail", args=[review.round_id])).text

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == content_type
    expected = f"bien-ban-hop-{slugify(village.name)}-20241001{suffix}"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    assert response["X-Content-Type-Options"] == "nosniff"

    client.force_login(make_user(Role.COMMUNE_OFFICER, [unit("Xã Lương Thượng")]))
    assert client.get(url).status_code == 404  # another commune: as if there were no such meeting


def test_a_meeting_without_minutes_or_whose_file_is_gone_answers_404(client, officer, village, review):
    client.force_login(officer)
    post_meeting(client, review, village, SimpleUploadedFile("bien-ban.pdf", PDF))
    meeting = VillageMeeting.objects.get()
    url = reverse("households:meeting-minutes", args=[meeting.pk])
    meeting.minutes.storage.delete(meeting.minutes.name)  # a database restored without its files
    assert client.get(url).status_code == 404
    VillageMeeting.objects.filter(pk=meeting.pk).update(minutes="")
    assert client.get(url).status_code == 404
