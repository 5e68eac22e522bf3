"""Where a stored file really is: the S3 bucket of scripts/test's object-storage run (CAMI_S3_*), else MEDIA_ROOT."""
import os
from pathlib import Path

from django.conf import settings


def on_object_storage() -> bool:
    return bool(os.environ.get("CAMI_S3_BUCKET"))


def stored_bytes(name: str) -> bytes:
    """The bytes under ``name`` read past Django's storage API: from the bucket itself, or the disk."""
    if not on_object_storage():
        return (Path(settings.MEDIA_ROOT) / name).read_bytes()
    import boto3

    client = boto3.client("s3", endpoint_url=os.environ.get("CAMI_S3_ENDPOINT_URL") or None,
                          region_name=os.environ.get("CAMI_S3_REGION") or None,
                          aws_access_key_id=os.environ.get("CAMI_S3_ACCESS_KEY_ID"),
                          aws_secret_access_key=os.environ.get("CAMI_S3_SECRET_ACCESS_KEY"))
    key = "/".join(part for part in (os.environ.get("CAMI_S3_PREFIX", ""), name) if part)
    return client.get_object(Bucket=os.environ["CAMI_S3_BUCKET"], Key=key)["Body"].read()
