"""`make fuzz`, second half: the schemathesis CLI (`st run <api>/openapi.json`) against a throwaway local stack,
once per kind of caller (their Authorization header), all checks, every phase including the stateful one
(the document's links from a loan answer to the loan operations). Prints st's own output and a summary
per caller; exits non-zero when any run found a failure.

A schema-valid request may be refused only with what its operation documents (route `errors`): each
operation's `positive_data_acceptance` expected statuses are written into the run's schemathesis.toml.

Settings: MEDPOOL_FUZZ_EXAMPLES (200 per operation and caller), MEDPOOL_FUZZ_CALLERS (all six),
MEDPOOL_FUZZ_EXCLUDE_CHECKS (checks left out, comma-separated), MEDPOOL_FUZZ_REPORTS (report directory)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

from local import stack as local_stack

CALLERS = {"anonymous": None, "pending": "demo-pending", "applicant": "demo-nurse-icu",
           "other_applicant": "demo-nurse-em", "manager": "demo-manager", "admin": "demo-admin"}
BASE_ACCEPTED = ["2xx", "401", "403", "404", "409", "429"]  # as tests/e2e/test_fuzz_schema.py
CATEGORIES = ["monitor", "ventilator", "hfnc", "syringe_pump"]


def _config(document: dict, excluded: list[str]) -> str:
    """schemathesis.toml: per operation, the statuses a schema-valid request may get; mostly real categories
    and due times a day ahead (a due time in the future is a business rule no schema can express), so that
    createLoan succeeds and the stateful phase follows its links with real loan ids."""
    due = (datetime.now(timezone.utc) + timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = ["[dictionaries.due]", f"values = {json.dumps([due])}", "[dictionaries.category]",
             f"values = {json.dumps(CATEGORIES)}", "",
             "[parameters]", '"body.expected_return_at" = { dictionary = "due", probability = 0.8 }',
             '"body.category_id" = { dictionary = "category", probability = 0.8 }', "",
             '[checks.positive_data_acceptance]', f"expected-statuses = {json.dumps(BASE_ACCEPTED)}", "",
             # only the document's links: an inferred one fed a device id (HFNC-008) into /loans/{id}, which the
             # document's pattern ^[LH][0-9A-F]{19}$ forbids, and then counted the 400 as a valid request refused
             "[phases.stateful.inference]", "algorithms = []", ""]
    if "unsupported_method" in excluded:  # and the coverage phase's TRACE/unknown-method probes with it
        lines += ["[phases.coverage]", "unexpected-methods = []", ""]
    for operations in document["paths"].values():
        for operation in operations.values():
            documented = sorted({status for status in operation.get("x-medpool-business-errors", [])})
            statuses = BASE_ACCEPTED + [str(s) for s in documented if str(s) not in BASE_ACCEPTED]
            lines += ["[[operations]]", f'include-operation-id = "{operation["operationId"]}"',
                      f"checks.positive_data_acceptance.expected-statuses = {json.dumps(statuses)}", ""]
    return "\n".join(lines)


def _headers(api_url: str) -> dict[str, str | None]:
    from medpool.models.user import User
    from medpool.services import sessions

    headers: dict[str, str | None] = {}
    for caller, openid in CALLERS.items():
        if openid is None:
            headers[caller] = None
        elif caller == "pending":  # a registered user awaiting approval holds no session: sign one for them
            headers[caller] = f"Bearer {sessions.issue_session(User.get(openid)).token}"
        else:
            reply = requests.post(f"{api_url}/auth/login", json={"code": f"test:{openid}"}, timeout=30).json()
            headers[caller] = f"Bearer {reply['token']}"
    return headers


def _summary(caller: str, report: dict) -> str:
    failures = {group["code"] or group["title"]: group["count"] for group in report.get("failures", [])}
    operations, cases = report["operations"], report["test_cases"]
    return (f"{caller:16} operations tested {operations['tested']}/{operations['selected']}, cases generated "
            f"{cases['generated']}, with failures {cases['with_failures']}, failures by check: "
            f"{json.dumps(failures) if failures else 'none'}, errors: {len(report.get('errors', []))}")


def main() -> int:
    examples = os.environ.get("MEDPOOL_FUZZ_EXAMPLES", "200")
    callers = [c for c in os.environ.get("MEDPOOL_FUZZ_CALLERS", ",".join(CALLERS)).split(",") if c]
    excluded = [c for c in os.environ.get("MEDPOOL_FUZZ_EXCLUDE_CHECKS", "").split(",") if c]
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
            config = reports / "schemathesis.toml"
            config.write_text(_config(document, excluded))
            headers = _headers(running.api_url)
            report = reports / f"{caller}.json"
            command = [st, "--config-file", str(config), "run", f"{running.api_url}/openapi.json", "--checks", "all",
                       "--max-examples", examples, "--seed", "20261201", "--workers", "1", "--no-color",
                       "--report", "json", "--report-json-path", str(report), "--suppress-health-check", "all",
                       "--request-timeout", "60"]
            if excluded:
                command += ["--exclude-checks", ",".join(excluded)]
            if headers[caller]:
                command += ["--header", f"Authorization: {headers[caller]}"]
            print(f"\n=== st run as {caller} ({examples} examples per operation) ===", flush=True)
            code = subprocess.call(command)
        finally:
            running.stop()
        failed = failed or code != 0
        summaries.append(_summary(caller, json.loads(report.read_text())) if report.exists()
                         else f"{caller:16} no report (st exited {code})")
    print("\n=== st run summary per caller ===")
    print("\n".join(summaries))
    print(f"reports: {reports}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
