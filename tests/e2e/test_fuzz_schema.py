"""Schema fuzzing: schemathesis generates requests for every operation of the OpenAPI document and
sends them to the running API (as a manager, so validation is reached): no 5xx, responses match."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

import app  # noqa: F401 - registers every route
from medpool.api.openapi import build_document

pytestmark = pytest.mark.e2e
schema = schemathesis.openapi.from_dict(build_document())
# Not `unsupported_method`: TRACE and friends are answered by the dev server (chalice local), not by our code;
# not `positive_data_acceptance`: valid-looking ids that do not exist rightly get 404.
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.negative_data_rejection, checks.ignored_auth]


@pytest.fixture(scope="module")
def manager_token(live_api):
    return live_api.login("demo-manager")


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_conforms_to_its_schema(case, live_api, manager_token):
    if case.method.upper() != case.operation.method.upper():
        return  # undeclared-method probes reach the dev server (chalice local), not our code
    case.call_and_validate(base_url=live_api.base_url, headers={"Authorization": f"Bearer {manager_token}"},
                          checks=CHECKS)
