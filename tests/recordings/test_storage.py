"""The storage interface on both backends: the local folder and a real S3 server (moto)."""

import os

import pytest
import requests

from tests.conftest import free_port


@pytest.fixture(scope="session")
def s3_server():
    """moto's standalone S3 server on a free loopback port, with a bucket."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    url = f"http://127.0.0.1:{port}"
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ.update(AWS_ACCESS_KEY_ID="copa-test", AWS_SECRET_ACCESS_KEY="copa-test-secret")
    try:
        yield url
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(params=["local", "s3"])
def store(request, app, tmp_path):
    from recordings.storage import get_storage

    app.extensions.pop("copa_storage", None)
    if request.param == "s3":
        import uuid

        url = request.getfixturevalue("s3_server")
        bucket = f"copa-{uuid.uuid4().hex[:8]}"
        app.config.update(
            COPA_STORAGE="s3", S3_ENDPOINT_URL=url, S3_BUCKET=bucket, S3_REGION="us-east-1"
        )
        backend = get_storage()
        backend.client.create_bucket(Bucket=bucket)
    else:
        app.config.update(COPA_STORAGE="local", MEDIA_ROOT=str(tmp_path / "media"))
        backend = get_storage()
    yield backend
    app.extensions.pop("copa_storage", None)


def test_put_read_list_and_delete(store, tmp_path):
    src = tmp_path / "segment.m4s"
    src.write_bytes(bytes(range(256)) * 4)
    store.put_file(str(src), "recordings/7/v180/seg-001.m4s", content_type="video/iso.segment")
    store.put_bytes("recordings/7/master.m3u8", b"#EXTM3U\n", content_type="application/x-mpegurl")
    assert store.exists("recordings/7/master.m3u8")
    assert not store.exists("recordings/7/missing")
    assert store.read_bytes("recordings/7/master.m3u8") == b"#EXTM3U\n"
    assert store.read_bytes("recordings/7/v180/seg-001.m4s", 10, 19) == bytes(range(10, 20))
    assert store.list("recordings/7") == [
        "recordings/7/master.m3u8",
        "recordings/7/v180/seg-001.m4s",
    ]
    out = tmp_path / "copy"
    store.get_file("recordings/7/v180/seg-001.m4s", str(out))
    assert out.read_bytes() == src.read_bytes()
    assert store.delete_prefix("recordings/7") == 2
    assert store.list("recordings/7") == []


def test_missing_keys_and_unreachable_storage_give_a_clear_error(store, app):
    from recordings.storage.base import StorageError

    with pytest.raises(StorageError, match="missing"):
        store.read_bytes("recordings/8/missing")
    if hasattr(store, "client"):
        from recordings.storage.s3 import S3Storage

        dead = S3Storage("nope", endpoint_url=f"http://127.0.0.1:{free_port()}", region="us-east-1")
        dead.client.meta.config.retries = {"max_attempts": 1}
        with pytest.raises(StorageError, match="S3 put 'k' failed"):
            dead.put_bytes("k", b"x")


def test_download_urls_presigned_on_s3_and_app_served_locally(store):
    store.put_bytes("recordings/9/download.mp4", b"0123456789", content_type="video/mp4")
    url = store.url_for_download("recordings/9/download.mp4", expires=60)
    if not hasattr(store, "client"):
        assert url is None  # served by the app with its signed URLs
        return
    res = requests.get(url, headers={"Range": "bytes=2-5"}, timeout=10)
    assert res.status_code == 206 and res.content == b"2345"
    assert res.headers["Content-Type"] == "video/mp4"
