"""DynamoDB calls per login (and per authenticated request) on DynamoDB Local. A login counts two
attempts (per source IP and per openid: one UpdateItem each); the per-openid limit is raised here so
that the same user can log in ROUNDS times in a row."""
import os

from chalice.test import Client

from local import stack as local_stack
from local.dynamodb_counter import count_dynamodb

ROUNDS = 20


def run() -> None:
    saved = {name: os.environ.get(name) for name in ("MEDPOOL_LOGIN_LIMIT_OPENID", "MEDPOOL_LOGIN_LIMIT_SOURCE")}
    os.environ.update({"MEDPOOL_LOGIN_LIMIT_OPENID": "1000/60", "MEDPOOL_LOGIN_LIMIT_SOURCE": "1000/60"})
    stack = local_stack.start(with_api=False, table_prefix="bench-login-")
    try:
        from app import app
        from tests.support import ApiClient

        with Client(app) as chalice_client:
            api = ApiClient(chalice_client=chalice_client)
            api.login("demo-nurse-icu")
            with count_dynamodb() as usage:
                for _ in range(ROUNDS):
                    token = api.login("demo-nurse-icu")
            print(f"   login (active user): {usage.total_calls / ROUNDS:g} DynamoDB calls, "
                  f"{usage.capacity / ROUNDS:g} capacity units per login")
            with count_dynamodb() as usage:
                for _ in range(ROUNDS):
                    api.get("/me", token)
            print(f"   authenticated GET /me: {usage.total_calls / ROUNDS:g} DynamoDB calls per request")
            with count_dynamodb() as usage:
                for n in range(ROUNDS):
                    api.post("/auth/login", {"code": f"bench-new-user-{n}"})
            print(f"   login (unknown openid -> registration token): {usage.total_calls / ROUNDS:g} calls")
    finally:
        stack.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
