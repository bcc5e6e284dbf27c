"""DynamoDB calls per login (and per authenticated request) on DynamoDB Local."""
from chalice.test import Client

from local import stack as local_stack
from local.dynamodb_counter import count_dynamodb

ROUNDS = 20


def run() -> None:
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
