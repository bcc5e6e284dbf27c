"""Infra tests: the template synthesized once per session from the real code (bundles in a temp dir)."""
import pytest

from infra.project import discover
from infra.synth import synthesize_project

LAYER_ARN = "arn:aws-cn:lambda:cn-north-1:123456789012:layer:medpool-prod-layer:3"


@pytest.fixture(scope="session")
def functions():
    return discover()


@pytest.fixture(scope="session")
def template(tmp_path_factory, functions):
    return synthesize_project("prod", LAYER_ARN, "wx0123456789abcdef", tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def resources(template):
    return template["Resources"]


def of_type(resources, kind):
    return {name: resource for name, resource in resources.items() if resource["Type"] == kind}
