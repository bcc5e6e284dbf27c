"""Where certificate files live, behind one small interface: an S3 bucket (production: encrypted, private,
reached only by the devices function) or a local folder (`make run`, tests). Objects are written once under a
key derived from their content, so writing the same file again is harmless."""
from __future__ import annotations

import functools
import re
import secrets
from pathlib import Path
from typing import Protocol

from medpool.config import ConfigurationError, get_settings

KEY = re.compile(r"certificates/[A-Za-z0-9_-]{1,64}/[0-9a-f]{16}")


class CertificateStore(Protocol):
    def put(self, key: str, content: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...


class LocalStore:
    def __init__(self, root: str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not KEY.fullmatch(key):
            raise ValueError(f"not a certificate key: {key!r}")
        return self.root / key

    def put(self, key: str, content: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # a temporary name of this write's own: racing retries of one upload each replace the file whole, and a
        # reader never sees half a file
        partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}.partial")
        partial.write_bytes(content)
        partial.replace(path)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()


class S3Store:
    def __init__(self, bucket: str, region: str):
        self.bucket, self.region = bucket, region

    @functools.cached_property
    def client(self):
        import botocore.session  # as config.get_secrets: boto3 would add to the cold start

        return botocore.session.get_session().create_client("s3", region_name=self.region)

    def put(self, key: str, content: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=content, ContentType=content_type,
                               ServerSideEncryption="AES256")

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()


@functools.lru_cache(maxsize=1)
def _store(bucket: str | None, folder: str, stage: str, region: str) -> CertificateStore:
    if bucket:
        return S3Store(bucket, region)
    if stage == "prod":
        raise ConfigurationError("MEDPOOL_CERTIFICATE_BUCKET is required in prod (certificate files)")
    return LocalStore(folder)


def get_store() -> CertificateStore:
    """The configured store, created once per configuration."""
    settings = get_settings()
    return _store(settings.certificate_bucket, settings.certificate_dir, settings.stage, settings.region)
