"""The API's operations are exactly the declared routes, each sent to its own function's Lambda."""
from collections import Counter

from infra.template.functions import unit_ids
from medpool.api.routing import ROUTES


def _operations(resources):
    body = resources["Api"]["Properties"]["Body"]
    return [(method.upper(), path, operation) for path, methods in body["paths"].items()
            for method, operation in methods.items() if method != "x-amazon-apigateway-any-method"]


def test_every_route_once_and_nothing_else(resources, functions):
    in_template = Counter((method, path) for method, path, _ in _operations(resources))
    in_code = Counter((spec.method, spec.path) for spec in ROUTES)
    assert in_template == in_code
    assert set(in_template.values()) == {1}
    assert sum(len(f.routes) for f in functions) == len(ROUTES)  # every route served by one function


def test_each_route_invokes_its_functions_alias(resources, functions):
    owner = {(spec.method, spec.path): f for f in functions for spec in f.routes}
    for method, path, operation in _operations(resources):
        function = owner[(method, path)]
        alias = unit_ids(next(u for u in function.units if u.is_api))["alias"]
        integration = operation["x-amazon-apigateway-integration"]
        assert integration["type"] == "aws_proxy"
        assert integration["uri"]["Fn::Sub"].count("${%s}" % alias) == 1, (method, path)
        spec = next(s for s in ROUTES if (s.method, s.path) == (method, path))
        assert operation["operationId"] == spec.operation_id
        assert [p["name"] for p in operation["parameters"]] == spec.path_params


def test_api_lambdas_may_be_invoked_by_this_api_only(resources, functions):
    for function in functions:
        for unit in function.units:
            permission = resources.get(f"{unit_ids(unit)['function']}ApiPermission")
            if not unit.is_api:
                assert permission is None
                continue
            properties = permission["Properties"]
            assert properties["Principal"] == "apigateway.amazonaws.com"
            assert properties["FunctionName"] == {"Ref": unit_ids(unit)["alias"]}
            assert "${Api}/live/*" in properties["SourceArn"]["Fn::Sub"]


def test_custom_domain_is_a_parameter(resources):
    assert resources["ApiDomain"]["Condition"] == "HasDomain"
    assert resources["ApiDomain"]["Properties"]["DomainName"] == {"Ref": "DomainName"}
    assert resources["ApiDomain"]["Properties"]["SecurityPolicy"] == "TLS_1_2"
    assert resources["ApiDomainMapping"]["Properties"]["Stage"] == {"Ref": "ApiliveStage"}
    assert resources["ApiliveStage"]["Type"] == "AWS::ApiGateway::Stage"
