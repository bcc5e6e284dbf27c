"""A throwaway local stack for tests and benchmarks: DynamoDB Local in memory, the WeChat stand-in, the
notifier on the outbox stream (local/notify_stream.py, in this process) and optionally the HTTP API
(local/server.py), all on free ports, seeded with the demo data.

`python -m local.stack` prints one JSON line {"api": ..., "dynamodb": ..., "wechat": ...} once ready
and serves until it is terminated (the mini program's end-to-end tests use it)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from local import dynamodb_local, wechat_standin


@dataclass
class Stack:
    dynamodb_url: str
    wechat_url: str
    api_url: str | None = None
    wechat: wechat_standin.WeChatStandIn | None = None
    processes: list[subprocess.Popen] = field(default_factory=list)
    servers: list = field(default_factory=list)
    notifier: Any = None  # local.notify_stream.StreamWorker

    def env(self, table_prefix: str = "medpool-stack-") -> dict[str, str]:
        return {"MEDPOOL_STAGE": "local", "MEDPOOL_DYNAMODB_ENDPOINT": self.dynamodb_url,
                "MEDPOOL_WECHAT_BASE_URL": self.wechat_url, "MEDPOOL_TABLE_PREFIX": table_prefix}

    def stop(self) -> None:
        if self.notifier is not None:
            self.notifier.stop()
        for process in reversed(self.processes):
            dynamodb_local.stop(process)
        for server in self.servers:
            server.shutdown()


def start_dynamodb() -> tuple[subprocess.Popen, str]:
    port = dynamodb_local.free_port()
    return dynamodb_local.start(port), f"http://127.0.0.1:{port}"


def server_command(port: int, quiet: bool = False) -> list[str]:
    """The API server process (local/server.py: chalice local's gateway, made to hold load), as
    `make run`, the tests and the benchmarks start it."""
    return [sys.executable, "-m", "local.server", "--host", "127.0.0.1", "--port", str(port)] + (
        ["--quiet"] if quiet else [])


def start_api(env: dict[str, str], timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """The API server on a free port with the given environment; returns once /health answers."""
    port = dynamodb_local.free_port()
    process = subprocess.Popen(server_command(port, quiet=True), cwd=dynamodb_local.ROOT, env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the API server exited before serving")
        try:
            if requests.get(url + "/health", timeout=1).ok:
                return process, url
        except requests.RequestException:
            time.sleep(0.2)
    dynamodb_local.stop(process)
    raise TimeoutError("the API server did not answer /health")


def start(with_api: bool = True, table_prefix: str = "medpool-stack-", with_notifier: bool = True) -> Stack:
    """Start the stack, create the tables and seed demo data (in this process's configuration); the
    notifier reads the outbox stream in a thread of this process, pushing to the stand-in."""
    ddb, ddb_url = start_dynamodb()
    server, state = wechat_standin.serve(0)
    stack = Stack(dynamodb_url=ddb_url, wechat_url=f"http://127.0.0.1:{server.server_port}", wechat=state,
                  processes=[ddb], servers=[server])
    try:
        os.environ.update(stack.env(table_prefix))
        from medpool import config, models
        from medpool.demo import seed_demo
        from medpool.tables import create_tables
        from medpool.wechat.client import reset_wechat_client

        config.reset()
        models.bind_all()
        reset_wechat_client()
        create_tables()
        seed_demo()
        if with_notifier:
            from local.notify_stream import StreamWorker

            stack.notifier = StreamWorker().start()
        if with_api:
            api, stack.api_url = start_api(stack.env(table_prefix))
            stack.processes.append(api)
    except BaseException:
        stack.stop()
        raise
    return stack


def main() -> None:
    stack = start()
    signal.signal(signal.SIGTERM, lambda *_: (stack.stop(), sys.exit(0)))
    print(json.dumps({"api": stack.api_url, "dynamodb": stack.dynamodb_url, "wechat": stack.wechat_url}), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        stack.stop()


if __name__ == "__main__":
    main()
