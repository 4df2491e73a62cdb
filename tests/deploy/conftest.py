import pytest

from tests.deploy.s3 import running_s3


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """One local S3-compatible server for the whole test session."""
    with running_s3(tmp_path_factory.mktemp("s3") / "moto.log") as server:
        yield server


@pytest.fixture
def s3_media(settings, s3_server):
    """Uploaded media go to a fresh bucket of the local S3 server, as in a deployment."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_server.options(bucket),
        },
    }
    return bucket
