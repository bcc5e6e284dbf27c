"""The certificate files' bucket (maintenance and calibration certificates, services/certificates): encrypted
at rest, versioned (an overwritten or deleted object stays recoverable), never public, TLS only, kept when the
stack goes. Only the functions granted it in infra/access.py FUNCTION_BUCKETS reach it."""
from __future__ import annotations

from typing import Any

BUCKETS = {"certificates": "CertificatesBucket"}  # name in FUNCTION_BUCKETS -> logical id
# the environment variable each bucket's name reaches its functions by (medpool.config)
BUCKET_SETTINGS = {"certificates": "MEDPOOL_CERTIFICATE_BUCKET"}


def bucket_resource() -> dict[str, Any]:
    return {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain", "Properties": {
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]},
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                           "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        "VersioningConfiguration": {"Status": "Enabled"}}}


def tls_only_policy(bucket_id: str) -> dict[str, Any]:
    bucket_arn = {"Fn::GetAtt": [bucket_id, "Arn"]}
    return {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": bucket_id}, "PolicyDocument": {
        "Version": "2012-10-17", "Statement": [{
            "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [bucket_arn, {"Fn::Sub": f"${{{bucket_id}.Arn}}/*"}],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}}


def storage_section() -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for bucket_id in BUCKETS.values():
        resources[bucket_id] = bucket_resource()
        resources[f"{bucket_id}Policy"] = tls_only_policy(bucket_id)
    return resources
