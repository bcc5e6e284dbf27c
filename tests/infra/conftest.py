"""Infra tests: the SAM template synthesized once per session from the real code (sources staged in
a temp dir), and the CloudFormation that aws-sam-translator (what `sam deploy` and CloudFormation's
SAM transform run) makes of it."""
import copy
import hashlib
import json

import pytest

from infra.project import discover
from infra.synth import synthesize_project

REGION = "cn-north-1"
PARAMETERS = {"WechatAppId": "wx0123456789abcdef"}


def _digest(folder):
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


def package(template, base):
    """What `sam package` does to local code paths: s3:// URIs named after the content's digest."""
    packaged = copy.deepcopy(template)
    for resource in packaged["Resources"].values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str) and not properties[key].startswith("s3://"):
                properties[key] = f"s3://medpool-artifacts/{_digest(base / properties[key])}"
    return packaged


def transform(template, region=REGION, base=None):
    """The SAM template as CloudFormation, offline (aws-sam-translator, the version SAM CLI runs),
    packaged first if `base` (the directory its code paths are relative to) is given."""
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator
    from samtranslator.utils.py27hash_fix import to_py27_compatible_template, undo_mark_unicode_str_in_template

    template = package(template, base) if base is not None else copy.deepcopy(template)
    parameters = dict(PARAMETERS)
    to_py27_compatible_template(template, parameters)
    session = boto3.Session(region_name=region, aws_access_key_id="offline", aws_secret_access_key="offline")
    translated = Translator(None, Parser(), boto_session=session).translate(
        template, parameter_values=parameters, get_managed_policy_map=dict)  # no policy named, none to look up
    return undo_mark_unicode_str_in_template(translated)


@pytest.fixture(scope="session")
def functions():
    return discover()


@pytest.fixture(scope="session")
def stage_dir(tmp_path_factory, functions):
    out = tmp_path_factory.mktemp("sam")
    synthesize_project("prod", out)
    return out


@pytest.fixture(scope="session")
def template(stage_dir):
    """The SAM template (what `sam build` reads)."""
    return json.loads((stage_dir / "template.json").read_text())


@pytest.fixture(scope="session")
def sam_resources(template):
    return template["Resources"]


@pytest.fixture(scope="session")
def cloudformation(template, stage_dir):
    """The transformed template (what CloudFormation deploys)."""
    return transform(template, base=stage_dir)


@pytest.fixture(scope="session")
def resources(cloudformation):
    return cloudformation["Resources"]


def of_type(resources, kind):
    return {name: resource for name, resource in resources.items() if resource["Type"] == kind}
