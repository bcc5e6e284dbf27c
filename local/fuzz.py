"""`make fuzz`, second half: the schemathesis CLI (`st run <api>/openapi.json`) against a throwaway local stack,
once per kind of caller (their Authorization header), all checks (undeclared methods included), every phase
including the stateful one (the document's links from a loan answer to the next steps of the loan). A seventh
run, the ward with the equipment department, follows a loan through its life. Prints st's own output and a
summary per caller (failures by check code; per loan operation, the 2xx answers of the stateful phase, read
from st's VCR cassette); exits non-zero when any run found a failure.

A schema-valid request may be refused only with what its operation documents (route `errors`): each
operation's `positive_data_acceptance` expected statuses are written into the run's schemathesis.toml.

Settings: MEDPOOL_FUZZ_EXAMPLES (200 per operation and caller), MEDPOOL_FUZZ_CALLERS (all seven),
MEDPOOL_FUZZ_STATEFUL_STEPS (20 steps per stateful scenario),
MEDPOOL_FUZZ_EXCLUDE_CHECKS (checks left out, comma-separated), MEDPOOL_FUZZ_PHASES (st's --phases, default all),
MEDPOOL_FUZZ_REPORTS (report directory)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import requests

from local import stack as local_stack

CALLERS = {"anonymous": None, "pending": "demo-pending", "applicant": "demo-nurse-icu",
           "other_applicant": "demo-nurse-em", "manager": "demo-manager", "admin": "demo-admin",
           "ward_and_equipment": "demo-nurse-icu"}
# The ward and the equipment department together (the loan workflow as it runs): the applicant, except for what
# only a manager does. A manager does not approve their own application, so neither alone takes a loan through.
MANAGER_STEPS = {"approveLoan", "rejectLoan", "handOverLoan", "extendLoan", "confirmReturn", "recallLoan"}
BASE_ACCEPTED = ["2xx", "401", "403", "404", "409", "429"]  # as tests/e2e/test_fuzz_schema.py
# One category and its devices (medpool.demo's monitors): an application naming both is then consistent.
CATEGORIES = ["monitor"]
DEVICES = [f"MON-{n:03d}" for n in range(1, 11)]
# Steps per stateful scenario: an application, its approval, hand-over, return request and confirmation, with
# the random calls between them (at 10 steps a 10-example run reached hand-over once, at 20 every loan operation).
STATEFUL_STEPS = int(os.environ.get("MEDPOOL_FUZZ_STATEFUL_STEPS", "20"))
# DELETE /devices/{id} retires a device (报废): it stays readable, with status `retired`, for its history,
# bills and statistics (docs/data-and-loans.md), so reading it afterwards is no use after free (ST301).
STILL_READABLE_AFTER_DELETE = {"getDevice", "getDeviceHistory", "getDeviceCode"}
# The loan operations the stateful phase must reach with real ids (a 2xx needs a loan that exists).
LOAN_OPERATIONS = ["createLoan", "getLoan", "cancelLoan", "approveLoan", "rejectLoan", "handOverLoan",
                   "extendLoan", "requestReturn", "confirmReturn", "recallLoan", "answerRecall"]


def schemathesis_config(document: dict, excluded: list[str],
                        operation_headers: dict[str, dict[str, str]] | None = None) -> str:
    """schemathesis.toml: per operation, the statuses a schema-valid request may get (and its headers, when
    they differ from the caller's); mostly real categories, devices and due times a day ahead (a due time in
    the future is a business rule no schema can express), so that createLoan succeeds and the stateful phase
    follows its links with real loan ids."""
    due = (datetime.now(timezone.utc) + timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = ["[dictionaries.due]", f"values = {json.dumps([due])}", "[dictionaries.category]",
             f"values = {json.dumps(CATEGORIES)}", "[dictionaries.device]", f"values = {json.dumps(DEVICES)}", "",
             "[parameters]", '"body.expected_return_at" = { dictionary = "due", probability = 0.95 }',
             '"body.category_id" = { dictionary = "category", probability = 0.95 }',
             '"body.device_id" = { dictionary = "device", probability = 0.95 }', "",
             '[checks.positive_data_acceptance]', f"expected-statuses = {json.dumps(BASE_ACCEPTED)}", "",
             # only the document's links: an inferred one fed a device id (HFNC-008) into /loans/{id}, which the
             # document's pattern ^[LH][0-9A-F]{19}$ forbids, and then counted the 400 as a valid request refused
             "[phases.stateful.inference]", "algorithms = []", "",
             # long enough for an application, its approval, hand-over, return request and confirmation
             "[phases.stateful]", f"max-steps = {STATEFUL_STEPS}", ""]
    if "unsupported_method" in excluded:  # and the coverage phase's TRACE/unknown-method probes with it
        lines += ["[phases.coverage]", "unexpected-methods = []", ""]
    for operations in document["paths"].values():
        for operation in operations.values():
            documented = sorted({status for status in operation.get("x-medpool-business-errors", [])})
            statuses = BASE_ACCEPTED + [str(s) for s in documented if str(s) not in BASE_ACCEPTED]
            lines += ["[[operations]]", f'include-operation-id = "{operation["operationId"]}"',
                      f"checks.positive_data_acceptance.expected-statuses = {json.dumps(statuses)}"]
            if operation["operationId"] in STILL_READABLE_AFTER_DELETE:
                lines.append("checks.use_after_free.enabled = false")
            if headers := (operation_headers or {}).get(operation["operationId"]):
                pairs = ", ".join(f"{json.dumps(name)} = {json.dumps(value)}" for name, value in headers.items())
                lines.append(f"headers = {{ {pairs} }}")
            lines.append("")
    return "\n".join(lines)


def _authorization(api_url: str, openid: str | None, pending: bool = False) -> str | None:
    """The Authorization header of a demo account (none: anonymous)."""
    from medpool.models.user import User
    from medpool.services import sessions

    if openid is None:
        return None
    if pending:  # a registered user awaiting approval holds no session: sign one for them
        return f"Bearer {sessions.issue_session(User.get(openid)).token}"
    reply = requests.post(f"{api_url}/auth/login", json={"code": f"test:{openid}"}, timeout=30).json()
    return f"Bearer {reply['token']}"


def _path_matchers(document: dict) -> list[tuple[str, re.Pattern, str]]:
    """(method, path regex, operationId), literal paths before templated ones (/devices/export before /devices/{id})."""
    rows = []
    for path, operations in document["paths"].items():
        regex = re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "$")
        for method, operation in operations.items():
            rows.append((path.count("{"), method.upper(), regex, operation["operationId"]))
    return [(method, regex, operation_id) for _, method, regex, operation_id in sorted(rows, key=lambda r: r[0])]


def stateful_statuses(cassette: Path, document: dict) -> dict[str, Counter]:
    """Per operation, the statuses the stateful phase got, read from st's VCR cassette (`--report vcr`)."""
    matchers = _path_matchers(document)
    counts: dict[str, Counter] = {}
    phase = uri = method = None
    in_status = False
    with cassette.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if line.startswith("- id: "):
                phase = uri = method = None
            elif line.startswith("    name: ") and phase is None:
                phase = line.split("'")[1]
            elif line.startswith("    uri: "):
                uri = urlsplit(line.split("'")[1]).path
            elif line.startswith("    method: "):
                method = line.split("'")[1].upper()
            elif line.startswith("    status:"):
                in_status = True
            elif in_status and line.startswith("      code: "):
                in_status = False
                if phase != "stateful" or uri is None:
                    continue
                operation = next((op for m, regex, op in matchers if m == method and regex.match(uri)), None)
                if operation is not None:
                    counts.setdefault(operation, Counter())[int(line.split(":")[1].strip().strip("'"))] += 1
    return counts


# schemathesis' failure codes for the figures issue 17 asks for
SERVER_ERRORS, UNDECLARED_METHOD, SCHEMA_VALID_REFUSED = {"ST101"}, {"ST204", "ST205"}, {"ST202"}


def _summary(caller: str, report: dict, stateful: dict[str, Counter]) -> str:
    failures = Counter()
    for group in report.get("failures", []):
        failures[group["code"] or group["title"]] += group["count"]
    named = SERVER_ERRORS | UNDECLARED_METHOD | SCHEMA_VALID_REFUSED
    others = {code: count for code, count in failures.items() if code not in named}
    operations, cases = report["operations"], report["test_cases"]
    reached = ", ".join(f"{op} {sum(n for status, n in stateful.get(op, Counter()).items() if status < 300)}"
                        f"/{sum(stateful.get(op, Counter()).values())}" for op in LOAN_OPERATIONS)
    server, methods, refused = (sum(failures[code] for code in codes)
                                for codes in (SERVER_ERRORS, UNDECLARED_METHOD, SCHEMA_VALID_REFUSED))
    return (f"{caller:18} operations tested {operations['tested']}/{operations['selected']}, cases generated "
            f"{cases['generated']}, with failures {cases['with_failures']}; failures: server errors {server}, "
            f"undeclared methods {methods}, schema-valid refused outside the document {refused}, other "
            f"{json.dumps(others) if others else 0}; errors {len(report.get('errors', []))}\n"
            f"{'':18} stateful phase, loan operations 2xx/calls: {reached}")


def main() -> int:
    examples = os.environ.get("MEDPOOL_FUZZ_EXAMPLES", "200")
    callers = [c for c in os.environ.get("MEDPOOL_FUZZ_CALLERS", ",".join(CALLERS)).split(",") if c]
    excluded = [c for c in os.environ.get("MEDPOOL_FUZZ_EXCLUDE_CHECKS", "").split(",") if c]
    phases = os.environ.get("MEDPOOL_FUZZ_PHASES", "")  # st's --phases (default: all)
    reports = Path(os.environ.get("MEDPOOL_FUZZ_REPORTS", tempfile.mkdtemp(prefix="medpool-fuzz-")))
    reports.mkdir(parents=True, exist_ok=True)
    st = os.path.join(os.path.dirname(sys.executable), "st")
    for name in ("MEDPOOL_LOGIN_LIMIT_SOURCE", "MEDPOOL_LOGIN_LIMIT_OPENID"):  # fuzzing logs in from one client
        os.environ.setdefault(name, "0")
    summaries, failed = [], False
    for caller in callers:  # each caller on a fresh stack: a run that disables users cannot spoil the next
        running = local_stack.start(table_prefix=f"medpool-fuzz-{caller}-")
        try:
            document = requests.get(f"{running.api_url}/openapi.json", timeout=30).json()
            authorization = _authorization(running.api_url, CALLERS[caller], pending=caller == "pending")
            operation_headers = {}
            if caller == "ward_and_equipment":
                manager = _authorization(running.api_url, CALLERS["manager"])
                operation_headers = {op: {"Authorization": manager} for op in MANAGER_STEPS}
            config = reports / f"{caller}.toml"
            config.write_text(schemathesis_config(document, excluded, operation_headers))
            report, cassette = reports / f"{caller}.json", reports / f"{caller}.vcr.yaml"
            # every check is on by default; `--checks all` would also override the per-operation settings
            command = [st, "--config-file", str(config), "run", f"{running.api_url}/openapi.json",
                       "--max-examples", examples, "--seed", "20261201", "--workers", "1", "--no-color",
                       "--report", "json,vcr", "--report-json-path", str(report), "--report-vcr-path", str(cassette),
                       "--suppress-health-check", "all", "--request-timeout", "60"]
            if excluded:
                command += ["--exclude-checks", ",".join(excluded)]
            if phases:
                command += ["--phases", phases]
            if caller == "ward_and_equipment":  # the loan workflow only: every caller above covers the rest
                command += ["--include-path-regex", "^/loans"]
            if authorization:
                command += ["--header", f"Authorization: {authorization}"]
            print(f"\n=== st run as {caller} ({examples} examples per operation) ===", flush=True)
            code = subprocess.call(command)
        finally:
            running.stop()
        failed = failed or code != 0
        stateful = stateful_statuses(cassette, document) if cassette.exists() else {}
        summaries.append(_summary(caller, json.loads(report.read_text()), stateful) if report.exists()
                         else f"{caller:18} no report (st exited {code})")
        if caller == "ward_and_equipment":  # how far the links took loans through their life with real ids
            missing = [op for op in LOAN_OPERATIONS if not any(s < 300 for s in stateful.get(op, Counter()))]
            # not a failure: which chains a run draws is chance (at 10 examples one run reached every loan
            # operation, another all but requestReturn); tests/e2e/test_fuzz_schema.py walks every link
            summaries.append(f"{'':18} every loan operation answered 2xx in the stateful phase: "
                             + (f"no, never: {', '.join(missing)}" if missing else "yes"))
    print("\n=== st run summary per caller ===")
    print("\n".join(summaries))
    print(f"reports: {reports}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
