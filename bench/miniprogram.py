"""The mini program's main package size (WeChat's limit is 2 MB)."""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run() -> None:
    output = subprocess.run(["node", "scripts/package-size.js"], cwd=ROOT / "miniprogram", text=True,
                            capture_output=True)
    for line in (output.stdout + output.stderr).strip().splitlines():
        print(f"   {line}")
