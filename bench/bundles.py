"""Each function's deployable bundle: zipped size (own code; the shared layer separately) and the cold
import time of its handler from the unpacked bundle + layer, in fresh interpreters (no repository
on the path), as Lambda would import it."""
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path

from infra.bundle import build_function, build_layer, layer_deps_dir
from infra.project import function_names

RUNS = 5
CODE = ("import sys, time; sys.path[:0] = sys.argv[1:4]; t = time.perf_counter(); "
        "import importlib; importlib.import_module(sys.argv[4]); print(time.perf_counter() - t)")


def third_party() -> str:
    """The layer's own dependencies when a deploy has built them, else this virtualenv's."""
    built = layer_deps_dir()
    return str(built) if (built / ".complete").exists() else sysconfig.get_paths()["purelib"]


def cold_import_seconds(bundle: Path, layer: Path, module: str) -> float:
    args = [sys.executable, "-I", "-S", "-c", CODE, str(bundle), str(layer), third_party(), module]
    return statistics.median(float(subprocess.check_output(args, cwd=bundle, text=True)) for _ in range(RUNS))


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        layer = build_layer(root, with_deps=False)
        zipfile.ZipFile(layer.path).extractall(root / "layer")
        print(f"   layer, medpool package: {layer.size / 1024:.1f} KB zipped")
        if (layer_deps_dir() / ".complete").exists():  # built by a deploy: report the whole layer too
            full = build_layer(root / "full")
            print(f"   layer with its dependencies: {full.size / 1024:.0f} KB zipped")
        for name in function_names():
            bundle = build_function(name, root / "zips")
            zipfile.ZipFile(bundle.path).extractall(root / name)
            seconds = cold_import_seconds(root / name, root / "layer" / "python", f"functions.{name}.handler")
            print(f"   {name:<14} bundle {bundle.size / 1024:6.1f} KB zipped   cold import {seconds * 1000:6.0f} ms"
                  f" (median of {RUNS})")
