"""Schema fuzzing: schemathesis generates requests for every operation of the OpenAPI document and sends
them to the running API as each kind of caller, then follows the document's links (stateful runs): no 5xx,
every answer matches the document, a method the path does not declare gets 405 with `Allow`, and a
schema-valid request is refused only with a status the document gives as a business rule of that operation.
The document's loan links are also walked step by step: following them from an application reaches every
loan operation with a real id and a 2xx.

`make test` runs a few examples per operation and caller; `make fuzz` runs MEDPOOL_FUZZ_EXAMPLES (200).
Generation uses the same schemathesis configuration as `make fuzz`'s CLI runs (local/fuzz.py)."""
import os
import uuid
from collections import Counter, deque
from datetime import datetime, timedelta, timezone

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.meta import ParameterLocation

import app  # noqa: F401 - registers every route
from local import fuzz
from medpool.api.openapi import build_document
from medpool.api.routing import ROUTES
from medpool.models.user import User
from medpool.services import sessions

pytestmark = pytest.mark.e2e
EXAMPLES = int(os.environ.get("MEDPOOL_FUZZ_EXAMPLES", "3"))
STATEFUL_EXAMPLES = int(os.environ.get("MEDPOOL_FUZZ_STATEFUL_EXAMPLES", "3"))
STATEFUL_STEPS = int(os.environ.get("MEDPOOL_FUZZ_STATEFUL_STEPS", "6"))  # make fuzz: 20
DOCUMENT = build_document()
schema = schemathesis.openapi.from_dict(
    DOCUMENT, config=SchemathesisConfig.from_str(fuzz.schemathesis_config(DOCUMENT, excluded=[])))
# Anonymous, a registered user awaiting approval (a signed session token of theirs), an applicant, another
# department's applicant, a manager and an admin; for the stateful runs also the ward and the equipment
# department together (the applicant, a manager for the steps only a manager takes: local/fuzz.py).
CALLERS = ["anonymous", "pending", "applicant", "other_applicant", "manager", "admin"]
OPENIDS = {"pending": "demo-pending", "applicant": "demo-nurse-icu", "other_applicant": "demo-nurse-em",
           "manager": "demo-manager", "admin": "demo-admin"}
# Statuses a schema-valid request may get: success, no session or role, not found, a state conflict, a
# rate limit, and whatever the operation documents as a business rule (route `errors`).
ACCEPTABLE = {spec.operation_id: {401, 403, 404, 409, 429} | {status for status, _ in spec.errors} for spec in ROUTES}
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much, HealthCheck.data_too_large])


def schema_valid_refused_only_as_documented(ctx, response, case):
    """schemathesis' positive_data_acceptance, with each operation's documented refusals."""
    if case.meta is None or not case.meta.generation.mode.is_positive or response.status_code < 400:
        return None
    if case.method.upper() != case.operation.method.upper():
        return None  # an undeclared-method probe: unsupported_method judges it
    operation_id = case.operation.definition.raw["operationId"]
    assert response.status_code in ACCEPTABLE[operation_id] or response.status_code >= 500, (
        f"schema-valid request refused with {response.status_code} (not documented for {operation_id}): "
        f"{response.text[:300]}")
    return None


CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.negative_data_rejection, checks.ignored_auth,
          checks.unsupported_method, schema_valid_refused_only_as_documented]


@pytest.fixture(scope="module")
def caller_headers(live_api):
    """The Authorization header of each kind of caller (none for anonymous)."""
    headers = {"anonymous": {}}
    for caller, openid in OPENIDS.items():
        token = sessions.issue_session(User.get(openid)).token if caller == "pending" else live_api.login(openid)
        headers[caller] = {"Authorization": f"Bearer {token}"}
    return headers


def _headers_for(caller: str, operation_id: str, caller_headers: dict) -> dict:
    if caller == "ward_and_equipment":
        return caller_headers["manager" if operation_id in fuzz.MANAGER_STEPS else "applicant"]
    return caller_headers[caller]


@pytest.mark.parametrize("caller", CALLERS)
@schema.parametrize()
@settings(max_examples=EXAMPLES, **SETTINGS)
def test_api_conforms_to_its_schema(case, caller, live_api, caller_headers):
    # a case generated with invalid headers (e.g. without Authorization) is sent as generated: the caller's
    # session would replace what it tests (schema fuzzing at 200 examples found such a false acceptance)
    negative_headers = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    case.call_and_validate(base_url=live_api.base_url, headers=None if negative_headers else caller_headers[caller],
                           checks=CHECKS)


Workflow = schema.as_state_machine()


@pytest.mark.parametrize("caller", CALLERS + ["ward_and_equipment"])
def test_linked_operations_conform(caller, live_api, caller_headers):
    """Stateful: an answer's links (a loan's to the next steps of its workflow) are followed with the real id."""
    statuses: dict[str, Counter] = {}

    class CallerWorkflow(Workflow):
        def get_call_kwargs(self, case):
            operation_id = case.operation.definition.raw["operationId"]
            return {"base_url": live_api.base_url, "headers": _headers_for(caller, operation_id, caller_headers)}

        def after_call(self, response, case):
            statuses.setdefault(case.operation.definition.raw["operationId"], Counter())[response.status_code] += 1

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    CallerWorkflow.run(settings=settings(max_examples=STATEFUL_EXAMPLES, stateful_step_count=STATEFUL_STEPS,
                                         **SETTINGS))
    print(f"stateful as {caller}: " + ", ".join(f"{op} {dict(counts)}" for op, counts in sorted(statuses.items())))
    assert statuses, "the stateful run made no call"


# --- the loan links, walked: each link followed once from a fresh application -------------------------------

OPERATIONS = {operation["operationId"]: (method.upper(), path, operation)
              for path, operations in DOCUMENT["paths"].items() for method, operation in operations.items()}
LOAN_LINKS = {source: OPERATIONS[source][2]["responses"][status]["links"]
              for source in fuzz.LOAN_OPERATIONS for status in OPERATIONS[source][2]["responses"]
              if "links" in OPERATIONS[source][2]["responses"][status]}
# What a link leaves to the client (the fuzzer generates it): the parts of a body that are no answer's value.
CLIENT_BODIES = {"rejectLoan": {"reason": "设备已全部借出"}, "extendLoan": {"reason": "患者仍需使用"},
                 "recallLoan": {"reason": "急诊抢救需用"}, "answerRecall": {"accept": True}}


def _evaluate(expression, answer: dict):
    """A link's runtime expression (`$response.body#/pointer`) on the source's answer, or a literal."""
    if isinstance(expression, dict):
        return {key: _evaluate(value, answer) for key, value in expression.items()}
    if isinstance(expression, str) and expression.startswith("$response.body#/"):
        value = answer
        for part in expression.removeprefix("$response.body#/").split("/"):
            value = value[part]
        return value
    return expression


def _call(live_api, operation_id: str, headers: dict, params: dict, body: dict | None) -> requests.Response:
    method, path, operation = OPERATIONS[operation_id]
    headers = dict(headers)
    if operation_id == "createLoan":
        headers["Idempotency-Key"] = f"walk-{uuid.uuid4().hex}"
    url = live_api.base_url + path.format(**params)
    return requests.request(method, url, headers=headers, json=body if "requestBody" in operation else None,
                            timeout=30)


def _available_device(live_api, headers: dict) -> str:
    reply = requests.get(f"{live_api.base_url}/devices", params={"status": "available", "limit": 100},
                         headers=headers, timeout=30)
    assert reply.status_code == 200, reply.text
    today = datetime.now(timezone(timedelta(hours=8))).strftime("%Y-%m-%d")  # Beijing day
    items = [item for item in reply.json()["items"]  # lendable: fuzzed devices may carry past due dates
             if all((item.get(due) or "9999-12-31") >= today for due in ("next_maintenance_due", "next_calibration_due"))]
    assert items, "no lendable device available for a new application"
    return items[-1]["id"]


# Walks from an application along the document's loan links, together following every link once (asserted below).
WALKS = [
    ["getLoan"], ["cancelLoan"], ["rejectLoan"], ["approveLoan", "getLoan"], ["approveLoan", "cancelLoan"],
    ["approveLoan", "extendLoan", "handOverLoan", "extendLoan", "requestReturn", "confirmReturn"],
    ["approveLoan", "handOverLoan", "requestReturn", "getLoan"], ["approveLoan", "handOverLoan", "confirmReturn"],
    ["approveLoan", "handOverLoan", "getLoan"], ["approveLoan", "handOverLoan", "extendLoan", "confirmReturn"],
    ["approveLoan", "extendLoan", "getLoan"],
    ["approveLoan", "handOverLoan", "recallLoan", "answerRecall", "requestReturn", "confirmReturn"],
    ["approveLoan", "handOverLoan", "recallLoan", "answerRecall", "getLoan"],
    ["approveLoan", "handOverLoan", "recallLoan", "answerRecall", "confirmReturn"],
    ["approveLoan", "handOverLoan", "recallLoan", "getLoan"],
    ["approveLoan", "handOverLoan", "recallLoan", "requestReturn"],
    ["approveLoan", "handOverLoan", "recallLoan", "confirmReturn"],
]


@pytest.mark.parametrize("walk", WALKS, ids=["->".join(walk) for walk in WALKS])
def test_the_loan_links_lead_to_2xx_answers_with_the_real_id(walk, live_api, caller_headers):
    """From a fresh application (a ward's, naming an available device), each link is followed as the document
    says (its id and body expressions on the answer before): every step answers 2xx. The ward acts as the
    applicant, a manager takes the steps only a manager takes (hand-over and return confirmation by typed asset
    tag: a scan's label secret is in no answer)."""
    def headers(operation_id):
        return _headers_for("ward_and_equipment", operation_id, caller_headers)

    due = (datetime.now(timezone.utc) + timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ")
    device = _available_device(live_api, caller_headers["manager"])
    reply = _call(live_api, "createLoan", headers("createLoan"), {}, {
        "device_id": device, "urgency": "urgent", "reason": "抢救用", "expected_return_at": due})
    assert reply.status_code == 201, reply.text
    at = "createLoan"
    for step in walk:
        link = LOAN_LINKS[at][step]
        answer = reply.json()
        params = {name: _evaluate(expression, answer) for name, expression in link["parameters"].items()}
        body = {**CLIENT_BODIES.get(step, {}), **_evaluate(link.get("requestBody", {}), answer)}
        if step in ("extendLoan", "recallLoan"):  # a due time later / a recall time earlier than the current one
            hours = 48 if step == "extendLoan" else 1
            body["expected_return_at" if step == "extendLoan" else "return_by"] = (
                datetime.now(timezone.utc) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
        reply = _call(live_api, step, headers(step), params, body)
        assert 200 <= reply.status_code < 300, (at, step, reply.status_code, reply.text[:300])
        assert reply.json()["id"] == answer["id"]
        at = step


def test_the_walks_follow_every_loan_link_and_reach_every_loan_operation():
    followed = {(at, step) for walk in WALKS for at, step in zip(["createLoan"] + walk, walk)}
    assert followed == {(source, target) for source, links in LOAN_LINKS.items() for target in links}
    assert {step for walk in WALKS for step in walk} == set(fuzz.LOAN_OPERATIONS) - {"createLoan"}
