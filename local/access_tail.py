"""`make run`'s stand-in for the access log's CloudWatch Logs subscription: a thread following the access-log file
(MEDPOOL_ACCESS_LOG_FILE, written by the API server) and copying new lines by subject into the access_log table
on DynamoDB Local (services/access_store.py), about once a second."""
from __future__ import annotations

import threading
from pathlib import Path

from medpool.api.access_log import parse_lines
from medpool.services import access_store


class AccessTail:
    def __init__(self, path: Path, interval: float = 1.0):
        self.path, self.interval = path, interval
        self.offset = path.stat().st_size if path.exists() else 0  # earlier runs' lines were copied by them
        self._stop = threading.Event()

    def step(self) -> int:
        """Copy the complete lines written since the last step; returns the items written."""
        if not self.path.exists():
            return 0
        with open(self.path, "rb") as source:
            source.seek(self.offset)
            chunk = source.read()
        complete = chunk[:chunk.rfind(b"\n") + 1]
        self.offset += len(complete)
        return access_store.ingest(parse_lines(complete.decode("utf-8", "replace"))) if complete else 0

    def start(self) -> "AccessTail":
        threading.Thread(target=self._run, name="access-tail", daemon=True).start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.step()
            except Exception as error:  # noqa: BLE001 - keep following; the file keeps the lines
                print(f"access log copy failed: {error}", flush=True)

    def stop(self) -> None:
        self._stop.set()
