"""A village meeting's minutes are kept only as a PDF or a photo of a sane size; anything else is refused on
the round's page with the rest of the meeting as typed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

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
