"""What each function ships: its bundle (functions/__init__.py + functions/<name>/ only) and the
layer (the medpool package + runtime dependencies, under python/). `stage_*` lays them out as the
source directories of the SAM template (sam build copies a function's directory, and builds the
layer from the medpool package and requirements.txt); the zips (deterministic) are what the bundle
tests and `make bench` import from."""
from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from infra.project import FUNCTIONS_DIR, LAYER_SOURCE, ROOT

HOOK_SOURCE = ROOT / "infra" / "hooks"

BUILD = ROOT / "build"
RUNTIME = "python3.11"
ARCHITECTURE = "x86_64"
PIP_PLATFORM = "manylinux2014_x86_64"
REQUIREMENTS = ROOT / "requirements.txt"
SKIP_DIRS = {"__pycache__", ".pytest_cache"}
SKIP_SUFFIXES = {".pyc", ".pyo"}
EPOCH = (1980, 1, 1, 0, 0, 0)
# Installers pulled in by chalice's CLI, never imported at run time (the runtime has its own).
LAYER_PRUNE = ("bin", "pip", "setuptools", "wheel", "_distutils_hack", "distutils-precedence.pth")


@dataclass(frozen=True)
class Artifact:
    path: Path

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()

    @property
    def sha256_b64(self) -> str:
        """The digest Lambda reports as CodeSha256."""
        return base64.b64encode(hashlib.sha256(self.data).digest()).decode()

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:16]

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def _files(base: Path) -> list[Path]:
    return sorted(p for p in base.rglob("*") if p.is_file() and not SKIP_DIRS & set(p.relative_to(base).parts)
                  and p.suffix not in SKIP_SUFFIXES)


def write_zip(entries: list[tuple[str, Path]], dest: Path) -> Artifact:
    """A zip whose bytes depend only on the entries' names and contents."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, path in sorted(entries):
            info = zipfile.ZipInfo(name, EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return Artifact(dest)


def function_entries(name: str) -> list[tuple[str, Path]]:
    folder = FUNCTIONS_DIR / name
    if not (folder / "handler.py").is_file():
        raise FileNotFoundError(f"functions/{name}/handler.py does not exist")
    entries = [("functions/__init__.py", FUNCTIONS_DIR / "__init__.py")]
    return entries + [(f"functions/{name}/{p.relative_to(folder).as_posix()}", p) for p in _files(folder)]


def build_function(name: str, out: Path = BUILD / "functions") -> Artifact:
    """functions/<name>.zip: the function's own code only (the layer brings the rest)."""
    return write_zip(function_entries(name), out / f"{name}.zip")


def layer_deps_dir(requirements: Path = REQUIREMENTS) -> Path:
    """Where the dependencies for these requirements are (or will be) installed; complete if it has .complete."""
    return BUILD / "layer-deps" / hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]


def layer_deps(requirements: Path = REQUIREMENTS) -> Path:
    """Runtime dependencies installed for the Lambda platform, cached by the requirements' hash."""
    target = layer_deps_dir(requirements)
    if not (target / ".complete").exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "-q",
                        "-r", str(requirements), "--target", str(target), "--platform", PIP_PLATFORM,
                        "--implementation", "cp", "--python-version", RUNTIME.removeprefix("python"),
                        "--only-binary=:all:", "--upgrade"], check=True)
        (target / ".complete").touch()
    return target


def _pruned(top: str) -> bool:
    return top.startswith(".") or top.split("-")[0] in LAYER_PRUNE


def layer_entries(deps: Path | None) -> list[tuple[str, Path]]:
    entries = [(f"python/medpool/{p.relative_to(LAYER_SOURCE).as_posix()}", p) for p in _files(LAYER_SOURCE)]
    if deps is not None:
        entries += [(f"python/{p.relative_to(deps).as_posix()}", p) for p in _files(deps)
                    if not _pruned(p.relative_to(deps).parts[0])]
    return entries


def build_layer(out: Path = BUILD, with_deps: bool = True) -> Artifact:
    """layer.zip: python/medpool/ + python/<dependencies>/ (what Lambda puts on /opt/python)."""
    return write_zip(layer_entries(layer_deps() if with_deps else None), out / "layer.zip")


def stage_tree(entries: list[tuple[str, Path]], dest: Path) -> Path:
    """A fresh directory holding exactly these entries (nothing left from an earlier staging)."""
    if dest.exists():
        shutil.rmtree(dest)
    for name, path in entries:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / name)
    return dest


def stage_function(name: str, out: Path) -> Path:
    """out/<name>/: the function's CodeUri, the same files as its zip bundle."""
    return stage_tree(function_entries(name), out / name)


def stage_layer(out: Path) -> Path:
    """out/layer/: the layer's ContentUri, the medpool package and requirements.txt (sam build
    installs them under python/ for the Lambda runtime)."""
    entries = [(name.removeprefix("python/"), path) for name, path in layer_entries(None)]
    return stage_tree(entries + [("requirements.txt", REQUIREMENTS)], out / "layer")


def stage_hook(out: Path) -> Path:
    """out/hook/: the pre-traffic hook's code (boto3 from the Lambda runtime, no layer)."""
    return stage_tree([(p.name, p) for p in sorted(HOOK_SOURCE.glob("*.py"))], out / "hook")
