"""Test helpers: reconfiguration, a uniform API client over the Chalice test client or real HTTP."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import requests

from medpool import config, models
from medpool.wechat.client import reset_wechat_client


def reconfigure(**env: str) -> None:
    """Change the environment and make every cached client/model follow it."""
    os.environ.update(env)
    config.reset()
    models.bind_all()
    reset_wechat_client()


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict

    @property
    def error_code(self) -> str | None:
        return self.body.get("error", {}).get("code") if isinstance(self.body, dict) else None


class ApiClient:
    """Calls the API through the Chalice test client (in process) or over HTTP (base_url)."""

    def __init__(self, chalice_client: Any = None, base_url: str | None = None):
        self.chalice_client, self.base_url = chalice_client, base_url
        self.tokens: dict[str, str] = {}

    def request(self, method: str, path: str, token: str | None = None, json_body: Any = None,
                raw: bytes | str | None = None, headers: dict | None = None) -> Reply:
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = raw
        if json_body is not None:
            body = json.dumps(json_body)
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
        if self.chalice_client is not None:
            response = self.chalice_client.http.request(method, path, headers=headers, body=body or b"")
            status, content, reply_headers = response.status_code, response.body, dict(response.headers)
        else:
            response = requests.request(method, self.base_url + path, headers=headers, data=body, timeout=30)
            status, content, reply_headers = response.status_code, response.content, dict(response.headers)
        try:
            parsed = json.loads(content) if content else None
        except ValueError:
            parsed = content
        return Reply(status, parsed, reply_headers)

    def get(self, path: str, token: str | None = None, **kw: Any) -> Reply:
        return self.request("GET", path, token, **kw)

    def post(self, path: str, body: Any = None, token: str | None = None, **kw: Any) -> Reply:
        return self.request("POST", path, token, json_body=body, **kw)

    def put(self, path: str, body: Any = None, token: str | None = None, **kw: Any) -> Reply:
        return self.request("PUT", path, token, json_body=body, **kw)

    def delete(self, path: str, token: str | None = None, **kw: Any) -> Reply:
        return self.request("DELETE", path, token, **kw)

    def login(self, openid: str) -> str:
        """Log in through the WeChat stand-in as `openid` (an active user) and return the session token."""
        reply = self.post("/auth/login", {"code": f"test:{openid}"})
        assert reply.status == 200 and reply.body["state"] == "active", reply
        self.tokens[openid] = reply.body["token"]
        return reply.body["token"]

    def register(self, openid: str, department_id: str, role: str = "applicant", name: str = "新用户") -> Reply:
        login = self.post("/auth/login", {"code": f"test:{openid}"})
        assert login.body["state"] == "registration_required", login
        return self.post("/auth/register", {"registration_token": login.body["registration_token"], "name": name,
                                            "department_id": department_id, "phone": "13900000000",
                                            "employee_no": f"E-{openid}"[:32], "role": role})


def table_counts() -> dict[str, int]:
    """Items per table (tests only: a Scan is fine here) to prove a refused request wrote nothing.
    The login limiter's counters are left out: a refused attempt counts against its client on purpose."""
    return {name: sum(1 for _ in model.scan()) for name, model in models.TABLES.items() if name != "rate_limits"}


def iso_in(hours: float) -> str:
    """An ISO 8601 UTC time `hours` from now."""
    from datetime import timedelta

    from medpool import clock

    return clock.to_iso(clock.now() + timedelta(hours=hours))


def label_scene(device_id: str) -> str:
    """The scene on the device's printed label (its secret issued as when a manager first prints it)."""
    from medpool.models.user import User
    from medpool.services import device_codes

    return device_codes.scene_of(device_codes.labelled(User.get("demo-manager"), device_id))


def disinfect(device_id: str, method: str = "alcohol_75", openid: str = "demo-manager"):
    """A clerk records the disinfection of a returned device (scanning its label): it is available again."""
    from medpool.models.user import User
    from medpool.services import disinfection

    return disinfection.record(User.get(openid), device_id, disinfection.Disinfection(method=method),
                               scan=label_scene(device_id))


def make_loan(state: str = "pending", openid: str = "demo-nurse-icu", category_id: str = "monitor",
              device_id: str = "MON-001", key: str = "fixture-loan-0001", urgency: str = "routine",
              disinfected: bool = True):
    """A loan driven through the services to `state` (pending, approved, in_use, return_requested, returned);
    a returned loan's device is disinfected too (available again) unless `disinfected` is False."""
    from medpool.models.user import User
    from medpool.services import loan_flow, loans

    applicant, manager = User.get(openid), User.get("demo-manager")
    loan, _ = loans.create_loan(applicant, loans.LoanRequest(category_id, None, urgency, "抢救病人需要", iso_in(24)),
                                key)
    steps = ["approved", "in_use", "return_requested", "returned"]
    actions = {
        "approved": lambda: loan_flow.approve(manager, loan.id, device_id),
        "in_use": lambda: loan_flow.hand_over(applicant, loan.id, scan=label_scene(device_id)),
        "return_requested": lambda: loan_flow.request_return(applicant, loan.id),
        "returned": lambda: loan_flow.confirm_return(manager, loan.id, "ok", None, scan=label_scene(device_id)),
    }
    for step in steps[:steps.index(state) + 1] if state in steps else []:
        loan = actions[step]()
    if state == "returned" and disinfected:
        disinfect(device_id)
    return loan
