"""The full deploy's stack step against moto: change sets create, skip when nothing changed, update.
(moto's CloudFormation cannot run the real template: no Lambda aliases, REST APIs without methods;
the template itself is asserted and linted in the other infra tests.)"""
import json

import boto3
from moto import mock_aws

from infra.stack import apply_template, artifact_bucket, template_url

REGION = "cn-north-1"


def test_change_sets_create_skip_and_update():
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        bucket = artifact_bucket(session, "prod")
        assert artifact_bucket(session, "prod") == bucket  # created once
        s3 = session.client("s3")
        template = {"Parameters": {"ArtifactBucket": {"Type": "String"}},
                    "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "a"}}}}

        def apply(key):
            s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(template))
            return apply_template(session, "prod", template_url(bucket, REGION, key), {"ArtifactBucket": bucket})

        assert apply("templates/1.json") == "created"
        assert apply("templates/2.json") == "unchanged"
        template["Resources"]["Topic"]["Properties"]["DisplayName"] = "b"
        assert apply("templates/3.json") == "updated"
        versioning = s3.get_bucket_versioning(Bucket=bucket)
        assert versioning["Status"] == "Enabled"


def test_template_url_uses_the_china_endpoint():
    assert template_url("b", "cn-north-1", "k.json") == "https://b.s3.cn-north-1.amazonaws.com.cn/k.json"
    assert template_url("b", "eu-west-1", "k.json") == "https://b.s3.eu-west-1.amazonaws.com/k.json"
