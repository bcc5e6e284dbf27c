"""Cold import time of each function module, as a ratio to a bare `import boto3` (fresh interpreters)."""
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def cold_import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    samples = [float(subprocess.check_output([sys.executable, "-c", code], cwd=ROOT, text=True))
               for _ in range(RUNS)]
    return statistics.median(samples)


def function_modules() -> list[str]:
    return sorted(f"functions.{p.parent.name}.handler" for p in (ROOT / "functions").glob("*/handler.py"))


def run() -> None:
    baseline = cold_import_seconds("boto3")
    print(f"   import boto3 (baseline): {baseline * 1000:.0f} ms (median of {RUNS} fresh interpreters)")
    for module in function_modules():
        seconds = cold_import_seconds(module)
        print(f"   {module:<32} {seconds * 1000:6.0f} ms  = {seconds / baseline:.2f} x import boto3")
