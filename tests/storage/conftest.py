"""A real S3-compatible server for the storage tests: moto's, over HTTP on a free port of this host (one per
session, a new bucket per test). ``s3`` switches the default storage to it through the project's own settings
function (``povertyplan.settings.base.file_storage``) and gives the web side a media folder that must stay empty;
``s3_env`` is the environment a process of its own (a worker) is started with."""

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from povertyplan.settings.base import file_storage

PREFIX = "povertyplan"


@dataclass
class Bucket:
    client: Any
    name: str

    def objects(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.name, Key=key)


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.fixture(scope="session")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_env(s3_server) -> dict[str, str]:
    """The variables of ``FILE_STORAGE=s3``, with a bucket of their own made on the server."""
    env = {
        "FILE_STORAGE": "s3",
        "S3_BUCKET": f"pp-{uuid.uuid4().hex[:12]}",
        "S3_ENDPOINT_URL": s3_server,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "povertyplan-test",
        "S3_SECRET_ACCESS_KEY": "povertyplan-test-secret",
        "S3_PREFIX": f"/{PREFIX}/",
        # Whatever the machine's environment says: the defaults.
        "S3_ACL": "",
        "S3_ADDRESSING_STYLE": "",
    }
    client(env).create_bucket(Bucket=env["S3_BUCKET"])
    return env


def client(env: dict[str, str]):
    return boto3.client(
        "s3",
        endpoint_url=env["S3_ENDPOINT_URL"],
        region_name=env["S3_REGION"],
        aws_access_key_id=env["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
    )


@pytest.fixture
def s3(s3_env, settings, monkeypatch, tmp_path) -> Bucket:
    for name, value in s3_env.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": file_storage(os.environ["FILE_STORAGE"])}
    settings.MEDIA_ROOT = tmp_path / "web-media"  # where a file would land were the disk still used
    return Bucket(client(s3_env), s3_env["S3_BUCKET"])
