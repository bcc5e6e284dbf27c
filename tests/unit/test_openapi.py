"""The OpenAPI document matches the routes exactly and keeps the contract's operationIds."""
from openapi_spec_validator import validate

import app as application
from medpool.api.openapi import build_document
from medpool.api.routing import ROUTES

CONTRACT_OPERATIONS = {"health", "login", "register", "getMe", "updateMe", "listUsers", "updateUser", "deleteUser",
                       "listDepartments", "createDepartment", "updateDepartment"}


def chalice_routes() -> set[tuple[str, str]]:
    return {(method, path) for path, entries in application.app.routes.items() for method in entries}


def document_routes(document: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, operations in document["paths"].items() for method in operations}


def test_document_and_routes_match_exactly():
    document = build_document()
    assert document_routes(document) == chalice_routes()
    operation_ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids)) == len(ROUTES)
    assert CONTRACT_OPERATIONS <= set(operation_ids)


def test_served_document_is_current():
    """functions/login/openapi.json is what GET /openapi.json serves: regenerate it with `make openapi`."""
    import json
    from functions.login.routes import OPENAPI_DOCUMENT

    assert json.loads(OPENAPI_DOCUMENT.read_text(encoding="utf-8")) == build_document(), "run `make openapi`"


def test_document_is_valid_openapi_3_1():
    validate(build_document())


def test_request_bodies_are_described(api):
    document = api.get("/openapi.json").body
    register = document["paths"]["/auth/register"]["post"]
    schema_name = register["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    schema = document["components"]["schemas"][schema_name]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"registration_token", "name", "department_id", "phone", "employee_no"}


def test_loan_links_name_fields_the_answer_and_the_next_step_have():
    """Each loan link fills the next step's id and body from fields a loan answer has, into fields the step takes."""
    from medpool.api.openapi import LOAN_STEPS
    from medpool.api.schemas.loans import LoanOut

    specs = {spec.operation_id: spec for spec in ROUTES}
    document = build_document()
    operations = {op["operationId"]: op for ops in document["paths"].values() for op in ops.values()}
    followed = set()
    for source, targets in LOAN_STEPS.items():
        links = operations[source]["responses"][str(specs[source].status)]["links"]
        assert set(links) == set(targets)
        for target, link in links.items():
            assert link["parameters"] == {"id": "$response.body#/id"}
            for field, value in link.get("requestBody", {}).items():
                assert field in specs[target].body.model_fields
                if value.startswith("$response.body#/"):
                    assert value.removeprefix("$response.body#/") in LoanOut.model_fields
            followed.add(target)
    assert followed == {"getLoan", "cancelLoan", "approveLoan", "rejectLoan", "handOverLoan", "extendLoan",
                        "requestReturn", "confirmReturn", "recallLoan", "answerRecall"}
