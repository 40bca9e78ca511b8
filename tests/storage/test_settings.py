"""``FILE_STORAGE`` chooses where files are kept: the disk (``filesystem``, the default) or a bucket of an
S3-compatible store (``s3``); any other value stops the site from starting, saying which values it takes."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from povertyplan.settings.base import BASE_DIR, file_storage

SHOW_BACKEND = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"


def start(**env: str) -> subprocess.CompletedProcess:
    """Read the settings in a new process, as gunicorn or a worker does when it starts."""
    clean = {k: v for k, v in os.environ.items() if k != "FILE_STORAGE" and not k.startswith("S3_")}
    return subprocess.run(
        [sys.executable, "-c", SHOW_BACKEND],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "povertyplan.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_disk_is_the_default_and_a_bucket_the_other_choice():
    assert start().stdout.strip() == "django.core.files.storage.FileSystemStorage"
    assert start(FILE_STORAGE="filesystem").stdout.strip() == "django.core.files.storage.FileSystemStorage"
    assert start(FILE_STORAGE="S3", S3_BUCKET="files").stdout.strip() == "storages.backends.s3.S3Storage"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FILE_STORAGE": "nfs"}, "FILE_STORAGE must be 'filesystem' or 's3', not 'nfs'."),
        ({"FILE_STORAGE": "s3"}, "FILE_STORAGE=s3 needs S3_BUCKET."),
    ],
)
def test_a_storage_it_cannot_use_stops_the_start_saying_why(env, message):
    started = start(**env)
    assert started.returncode != 0
    assert f"ImproperlyConfigured: {message}" in started.stderr
    with pytest.raises(ImproperlyConfigured, match=message.split(",")[0]):
        file_storage(env["FILE_STORAGE"].lower())


def test_the_bucket_hands_out_no_links_and_never_overwrites(monkeypatch):
    for name, value in {
        "S3_BUCKET": "files",
        "S3_ENDPOINT_URL": "https://s3.example.vn",
        "S3_PREFIX": "/tinh-bac-kan/",
        "S3_ACCESS_KEY_ID": "key",
        "S3_SECRET_ACCESS_KEY": "secret",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("S3_ACL", raising=False)
    monkeypatch.delenv("S3_ADDRESSING_STYLE", raising=False)
    options = file_storage("s3")["OPTIONS"]
    assert options["querystring_auth"] is False  # no presigned link, even from url()
    assert options["file_overwrite"] is False
    assert options["default_acl"] is None  # no ACL sent: private to the bucket's owner, and AWS's default buckets
    assert options["location"] == "tinh-bac-kan"
    assert options["addressing_style"] == "path"  # an S3-compatible server of its own host name
    assert (options["access_key"], options["secret_key"]) == ("key", "secret")

    monkeypatch.delenv("S3_ACCESS_KEY_ID")
    monkeypatch.delenv("S3_ENDPOINT_URL")
    options = file_storage("s3")["OPTIONS"]
    assert "access_key" not in options  # boto3's own chain: AWS_* variables, an instance's role
    assert options["endpoint_url"] is None
    assert options["addressing_style"] is None
