"""A local S3-compatible server for the tests: moto in server mode (`moto[server]`), started
as a child process on a free port, so nothing leaves the machine."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.common import free_port

ACCESS_KEY = "pepites-essai"
SECRET_KEY = "pepites-essai-secret"
REGION = "eu-west-3"


@dataclass(frozen=True)
class S3Server:
    endpoint: str

    def environment(self, bucket: str) -> dict[str, str]:
        """The settings' environment variables (.env.example) for one bucket of this server."""
        return {
            "MEDIA_STORAGE": "storages.backends.s3.S3Storage",
            "S3_BUCKET_NAME": bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_REGION": REGION,
            "S3_ADDRESSING_STYLE": "path",
            "S3_URL_PROTOCOL": "http:",
        }

    def options(self, bucket: str) -> dict:
        """What config/settings.py builds from `environment(bucket)` (checked by a test)."""
        from botocore.config import Config

        return {
            "bucket_name": bucket,
            "endpoint_url": self.endpoint,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "region_name": REGION,
            "file_overwrite": False,
            "client_config": Config(
                s3={"addressing_style": "path"},
                signature_version="s3v4",
                connect_timeout=5,
                read_timeout=5,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        }

    @contextmanager
    def client(self) -> Iterator:
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )
        try:
            yield client
        finally:
            client.close()

    def new_bucket(self) -> str:
        name = f"pepites-{uuid.uuid4().hex[:12]}"
        with self.client() as client:
            client.create_bucket(
                Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
        return name

    def read(self, bucket: str, key: str) -> bytes:
        """An object's bytes, read straight from the bucket."""
        with self.client() as client:
            body = client.get_object(Bucket=bucket, Key=key)["Body"]
            with contextlib.closing(body):
                return body.read()


@contextmanager
def running_s3(log_path: Path, *, timeout: float = 30) -> Iterator[S3Server]:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"moto exited:\n{log_path.read_text()}")
                try:
                    httpx.get(f"{endpoint}/moto-api/", timeout=1)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"moto did not start:\n{log_path.read_text()}") from None
                    time.sleep(0.1)
            yield S3Server(endpoint=endpoint)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
