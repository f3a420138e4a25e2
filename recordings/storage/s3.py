"""The S3 backend (AWS, MinIO, Ceph, Garage) through boto3, with botocore's own retries.

Every botocore failure becomes a StorageError naming the key, so callers (jobs) fail with a
clear reason and RQ retries them.
"""

from __future__ import annotations

import contextlib

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from recordings.storage.base import StorageError


@contextlib.contextmanager
def _errors(action: str, key: str):
    try:
        yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        raise StorageError(f"S3 {action} {key!r} failed: {code or exc}") from exc
    except BotoCoreError as exc:
        raise StorageError(f"S3 {action} {key!r} failed: {exc}") from exc


class S3Storage:
    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None):
        self.bucket = bucket
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            config=Config(
                retries={"max_attempts": 5, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
                signature_version="s3v4",
            ),
        )

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise StorageError(f"S3 head {key!r} failed: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"S3 head {key!r} failed: {exc}") from exc
        return True

    def put_file(self, local_path: str, key: str, *, content_type: str = "") -> None:
        extra = {"ContentType": content_type} if content_type else {}
        with _errors("put", key):
            self.client.upload_file(local_path, self.bucket, key, ExtraArgs=extra or None)

    def put_bytes(self, key: str, data: bytes, *, content_type: str = "") -> None:
        extra = {"ContentType": content_type} if content_type else {}
        with _errors("put", key):
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data, **extra)

    def read_bytes(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        extra = {}
        if start or end is not None:
            extra["Range"] = f"bytes={start}-{'' if end is None else end}"
        with _errors("get", key):
            return self.client.get_object(Bucket=self.bucket, Key=key, **extra)["Body"].read()

    def get_file(self, key: str, local_path: str) -> None:
        with _errors("get", key):
            self.client.download_file(self.bucket, key, local_path)

    def list(self, prefix: str) -> list[str]:
        prefix = prefix.rstrip("/") + "/"
        keys = []
        with _errors("list", prefix):
            for page in self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix
            ):
                keys += [o["Key"] for o in page.get("Contents", [])]
        return sorted(keys)

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list(prefix)
        with _errors("delete", prefix):
            for i in range(0, len(keys), 1000):
                self.client.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": k} for k in keys[i : i + 1000]]},
                )
        return len(keys)

    def url_for_download(self, key: str, *, expires: int = 3600) -> str | None:
        with _errors("presign", key):
            return self.client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires
            )
