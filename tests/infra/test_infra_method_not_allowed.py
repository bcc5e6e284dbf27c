"""Production answers like the code: a declared path with a method it does not declare gets 405
`method_not_allowed` with an Allow header listing its declared methods (a MOCK integration on the
path's ANY method, no Lambda); an unknown path stays 404 `route_not_found` (gateway response)."""
import json
from collections import defaultdict

from infra.template.api import GATEWAY_ERRORS, allow_header
from medpool.api.routing import ROUTES


def _body(resources):
    return resources["Api"]["Properties"]["Body"]


def _declared():
    methods = defaultdict(list)
    for spec in ROUTES:
        methods[spec.path].append(spec.method)
    return methods


def test_every_declared_path_answers_other_methods_405_with_allow(resources):
    paths = _body(resources)["paths"]
    assert set(paths) == set(_declared())
    for path, methods in _declared().items():
        mock = paths[path]["x-amazon-apigateway-any-method"]
        integration = mock["x-amazon-apigateway-integration"]
        assert integration["type"] == "mock"
        assert "requestTemplates" not in integration and integration["passthroughBehavior"] == "when_no_templates"
        [(selection, response)] = integration["responses"].items()
        assert selection == "default" and response["statusCode"] == "405"
        allow = response["responseParameters"]["method.response.header.Allow"].strip("'")
        assert sorted(allow.split(", ")) == sorted(methods), path
        assert "Allow" in mock["responses"]["405"]["headers"]
        body = json.loads(response["responseTemplates"]["application/json"])
        assert body["error"]["code"] == "method_not_allowed" and body["error"]["message"][0] >= "\u4e00"
        assert [p["name"] for p in mock["parameters"]] == [p["name"] for p in next(
            op for key, op in paths[path].items() if key != "x-amazon-apigateway-any-method")["parameters"]]


def test_declared_methods_still_reach_their_function(resources):
    for path, operations in _body(resources)["paths"].items():
        for method, operation in operations.items():
            kind = operation["x-amazon-apigateway-integration"]["type"]
            assert kind == ("mock" if method == "x-amazon-apigateway-any-method" else "aws_proxy"), (path, method)


def test_unknown_paths_are_404_route_not_found():
    assert GATEWAY_ERRORS["MISSING_AUTHENTICATION_TOKEN"][:2] == ("404", "route_not_found")


def test_allow_lists_methods_in_a_stable_order():
    assert allow_header(["POST", "GET"]) == "GET, POST"
    assert allow_header(["DELETE", "PATCH", "GET"]) == "GET, PATCH, DELETE"
