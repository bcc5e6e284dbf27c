"""Cold start (issue 11): a function's handler loads only what its own routes need. Each handler is imported
in a fresh interpreter and the modules it loaded are checked; no timing (bench/imports.py prints that)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = sorted(p.parent.name for p in (ROOT / "functions").glob("*/handler.py"))
# Loaded by the code that needs them, never by a handler's import: the WeChat client and its HTTP library
# (login, device codes and the notification sender load them when they call WeChat), spreadsheets (import and
# export only, like the services of the reports function's import and export routes and of its import-job
# schedule), the API document generator, boto3 (PynamoDB's botocore is enough). (PyJWT is every request's
# session check; the cryptography it loads here comes with moto and is not in the deployed layer.)
NEVER = ["requests", "http.cookiejar", "medpool.wechat.client", "openpyxl", "medpool.services.importing",
         "medpool.services.device_io", "medpool.services.imports.jobs", "medpool.services.imports.worker",
         "medpool.api.openapi", "boto3", "s3transfer"]
# The schema modules each function's routes use (any other function's are not loaded); a new function is
# added here (test_every_function_is_checked).
SCHEMAS = {
    "announcements": {"announcements"},
    "apply": {"loans", "bookings"},
    "approve": {"loans", "bookings"},
    "devices": {"devices", "loans"},
    "login": {"users"},
    "overdue": {"announcements"},
    "reports": {"loans", "reports"},
    "returns": {"loans"},
    "users": {"users"},
    "notify": set(),  # a stream worker: no routes
}
# what a function needs beyond the rule: the notifier pushes to WeChat
ALLOWED = {"notify": {"requests", "http.cookiejar", "medpool.wechat.client"}}
REPORTS_ONLY = ["medpool.services.stats", "medpool.services.billing", "medpool.services.records"]
PROBE = """
import json, sys
from pydantic import BaseModel
import {module}

def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)

built = sorted({{f"{{m.__module__}}.{{m.__name__}}" for m in subclasses(BaseModel)
                if m.__module__.startswith("medpool") and m.__pydantic_complete__}})
print(json.dumps({{"modules": sorted(sys.modules), "built": built}}))
"""


def _cold_import(function: str) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "layers"), str(ROOT)])}
    out = subprocess.run([sys.executable, "-c", PROBE.format(module=f"functions.{function}.handler")], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def loaded() -> dict[str, dict]:
    return {function: _cold_import(function) for function in FUNCTIONS}


def test_every_function_is_checked():
    assert set(SCHEMAS) == set(FUNCTIONS)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_handler_loads_only_its_own_routes_schemas_and_libraries(function, loaded):
    modules = set(loaded[function]["modules"])
    assert f"functions.{function}.handler" in modules and "pynamodb.models" in modules  # the probe sees imports
    assert sorted(modules & (set(NEVER) - ALLOWED.get(function, set()))) == []
    routes = {m for m in modules if m.startswith("functions.") and m.endswith(".routes")}
    assert routes <= {f"functions.{function}.routes"}  # a worker function may have no routes
    schemas = {m.rsplit(".", 1)[1] for m in modules if m.startswith("medpool.api.schemas.")}
    assert schemas - {"common"} == SCHEMAS[function]
    if function != "reports":
        assert sorted(modules & set(REPORTS_ONLY)) == []


@pytest.mark.parametrize("function", FUNCTIONS)
def test_request_and_response_models_are_built_on_first_use(function, loaded):
    """pydantic builds a model's validator when a request first uses it (defer_build), not at import. The
    generic page model is built once when its first page type is declared (pydantic rebuilds the origin)."""
    assert set(loaded[function]["built"]) <= {"medpool.api.schemas.common.PageOut"}
