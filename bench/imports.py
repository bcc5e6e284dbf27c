"""Cold start of each function, in fresh interpreters: the handler's import as a ratio to a bare `import boto3`
(issue 11: <= 1.3 x), and the import plus the first request of one typical route of the function (on DynamoDB
Local, with a session token) as a ratio to a bare boto3 function's import plus its first GetItem. The second
figure is the honest cold start: whatever a route loads on first use (its schemas, its services, the
DynamoDB client) is in it. Also printed: the libraries every handler imports (PynamoDB, Chalice, pydantic),
the floor under any handler's figure."""
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from infra.template.functions import RUNTIME_ENV
from local import stack as local_stack

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
UNKNOWN_LOAN = "L0000000000000000000"  # well-formed, not there: the route reads, refuses, writes nothing
# One typical route per function, called by the demo admin: (method, route, path parameters, body, expected status).
FIRST_REQUEST = {
    "announcements": ("GET", "/announcements", {}, None, 200),
    "apply": ("GET", "/loans", {}, None, 200),
    "approve": ("POST", "/loans/{id}/approve", {"id": UNKNOWN_LOAN}, {}, 404),
    "devices": ("GET", "/categories", {}, None, 200),
    "login": ("GET", "/me", {}, None, 200),
    "overdue": ("GET", "/outbox", {}, None, 200),
    "reports": ("GET", "/records", {}, None, 200),
    "returns": ("POST", "/loans/{id}/return-request", {"id": UNKNOWN_LOAN}, None, 404),
    "users": ("GET", "/users", {}, None, 200),
}
LIBRARIES = "import pynamodb.models, chalice; from pydantic import BaseModel"
CHILD = """
import json, sys, time
started = time.perf_counter()
{imports}
imported = time.perf_counter()
status = {request}
print(json.dumps({{"import": imported - started, "total": time.perf_counter() - started, "status": status}}))
"""
HANDLER_REQUEST = """handler.app({{
    "requestContext": {{"httpMethod": {method!r}, "resourcePath": {route!r}, "path": {path!r},
                       "identity": {{"sourceIp": "127.0.0.1"}}}},
    "headers": {{"authorization": "Bearer " + sys.argv[1], "content-type": "application/json", "accept": "*/*"}},
    "pathParameters": {params!r}, "multiValueQueryStringParameters": None, "stageVariables": {{}},
    "body": {body!r}, "isBase64Encoded": False}}, None)["statusCode"]"""
BOTO3_GET_ITEM = """boto3.client("dynamodb", endpoint_url=sys.argv[2], region_name="cn-north-1").get_item(
    TableName=sys.argv[3], Key={"openid": {"S": "demo-admin"}})["ResponseMetadata"]["HTTPStatusCode"]"""


def _sample(imports: str, request: str, args: list[str]) -> dict:
    """One fresh interpreter: seconds to import, seconds to import and answer, and the answer's status."""
    code = CHILD.format(imports=imports, request=request)
    env = {**os.environ, **RUNTIME_ENV}  # as deployed
    return json.loads(subprocess.check_output([sys.executable, "-c", code, *args], cwd=ROOT, env=env, text=True))


def _medians(subjects: dict[str, tuple[str, str]], args: list[str]) -> dict[str, dict]:
    """Median figures per subject over RUNS rounds; each round runs every subject once, so a machine that gets
    busier or quieter during the run weighs on all of them alike."""
    samples: dict[str, list[dict]] = {name: [] for name in subjects}
    for _ in range(RUNS):
        for name, (imports, request) in subjects.items():
            samples[name].append(_sample(imports, request, args))
    return {name: {"import": statistics.median(s["import"] for s in runs),
                   "total": statistics.median(s["total"] for s in runs),
                   "status": runs[0]["status"] if len({s["status"] for s in runs}) == 1 else "mixed"}
            for name, runs in samples.items()}


def function_names() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "functions").glob("*/handler.py"))


def _handler_request(function: str) -> str:
    method, route, params, body, _ = FIRST_REQUEST[function]
    path = route.format(**params)
    return HANDLER_REQUEST.format(method=method, route=route, path=path, params=params or None,
                                  body=None if body is None else json.dumps(body))


def run() -> None:
    stack = local_stack.start(with_api=False, table_prefix="bench-imports-")
    try:
        from medpool.config import get_settings
        from medpool.models.user import User
        from medpool.services.sessions import issue_session

        args = [issue_session(User.get("demo-admin")).token, stack.dynamodb_url, get_settings().table_name("users")]
        subjects = {"boto3": ("import boto3", BOTO3_GET_ITEM), "libraries": (LIBRARIES, "None")}
        subjects |= {function: (f"import functions.{function}.handler as handler",
                                _handler_request(function) if function in FIRST_REQUEST else "None")
                     for function in function_names()}
        figures = _medians(subjects, args)
        boto3, libraries = figures["boto3"], figures["libraries"]
        print(f"   import boto3 (baseline): {boto3['import'] * 1000:.0f} ms; with its first GetItem: "
              f"{boto3['total'] * 1000:.0f} ms (medians of {RUNS} rounds of fresh interpreters)")
        print(f"   the libraries every handler imports ({LIBRARIES.removeprefix('import ')}): "
              f"{libraries['import'] * 1000:.0f} ms = {libraries['import'] / boto3['import']:.2f} x import boto3")
        print(f"   {'handler':<32} {'import':>7} {'x boto3':>8}   {'+ first request':<40} {'ms':>5} "
              f"{'x boto3 + GetItem':>18}")
        for function in function_names():
            handler = figures[function]
            if function not in FIRST_REQUEST:  # a function without API routes (a worker): its import only
                print(f"   {f'functions.{function}.handler':<32} {handler['import'] * 1000:>5.0f} ms "
                      f"{handler['import'] / boto3['import']:>6.2f} x   (no API route)")
                continue
            method, route, _, _, expected = FIRST_REQUEST[function]
            if handler["status"] != expected:
                raise RuntimeError(f"{function}: {method} {route} answered {handler['status']}, not {expected}")
            print(f"   {f'functions.{function}.handler':<32} {handler['import'] * 1000:>5.0f} ms "
                  f"{handler['import'] / boto3['import']:>6.2f} x   {f'{method} {route} ({expected})':<40} "
                  f"{handler['total'] * 1000:>5.0f} {handler['total'] / boto3['total']:>16.2f} x")
    finally:
        stack.stop()
