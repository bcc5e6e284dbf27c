"""Each function's bundle holds exactly its own code and, with the layer, imports in a clean
interpreter: no repository root on the path, so a first-party file left out of a zip fails here."""
import os
import subprocess
import sys
import sysconfig
import zipfile

import pytest

from infra.bundle import (REQUIREMENTS, build_function, build_layer, function_entries, layer_deps, stage_function,
                          stage_hook, stage_layer)
from infra.project import FUNCTIONS_DIR, discover, function_names

SITE_PACKAGES = sysconfig.get_paths()["purelib"]  # third-party deps stand in for the layer's (built by pip)
PROD_ENV = {"MEDPOOL_STAGE": "prod", "MEDPOOL_WECHAT_APPID": "wx0123456789abcdef",
            "MEDPOOL_SECRET_ID": "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:medpool/prod",
            "MEDPOOL_TABLE_PREFIX": "medpool-prod-", "AWS_REGION": "cn-north-1",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
CHECK = """
import sys
sys.path[:0] = sys.argv[1:4]
import importlib
module = importlib.import_module(sys.argv[4])
import functions, medpool
assert functions.__file__.startswith(sys.argv[1]), functions.__file__
assert medpool.__file__.startswith(sys.argv[2]), medpool.__file__
for attribute in sys.argv[5].split(","):
    assert callable(getattr(module, attribute)), attribute
"""


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    root = tmp_path_factory.mktemp("bundles")
    zipfile.ZipFile(build_layer(root, with_deps=False).path).extractall(root / "layer")
    return root


def _entries(name):
    """The Lambda entry points of a function (its API app, schedules, stream handlers)."""
    return ",".join(unit.handler.rsplit(".", 1)[1] for unit in discover([name])[0].units)


def _import(bundle_dir, layer_dir, module, attribute="app", third_party=SITE_PACKAGES):
    env = {"PATH": os.environ.get("PATH", ""), **PROD_ENV}
    return subprocess.run([sys.executable, "-I", "-S", "-c", CHECK, str(bundle_dir), str(layer_dir / "python"),
                           str(third_party), module, attribute], cwd=bundle_dir, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("name", function_names())
def test_bundle_imports_alone_with_the_layer(name, unpacked):
    bundle = build_function(name, unpacked)
    target = unpacked / name
    zipfile.ZipFile(bundle.path).extractall(target)
    result = _import(target, unpacked / "layer", f"functions.{name}.handler", _entries(name))
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def lambda_deps():
    """The runtime dependencies pip installs for the Lambda platform (cached by the requirements' hash)."""
    return layer_deps()


@pytest.mark.parametrize("name", function_names())
def test_bundle_imports_with_the_layers_own_dependencies(name, unpacked, lambda_deps):
    """With the dependencies pip built for the Lambda platform instead of this virtualenv's."""
    target = unpacked / f"{name}-deps"
    zipfile.ZipFile(build_function(name, unpacked).path).extractall(target)
    result = _import(target, unpacked / "layer", f"functions.{name}.handler", _entries(name),
                     third_party=lambda_deps)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.parametrize("name", function_names())
def test_bundle_holds_exactly_its_own_code(name, tmp_path):
    names = set(zipfile.ZipFile(build_function(name, tmp_path).path).namelist())
    folder = FUNCTIONS_DIR / name
    own = [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".pyc" and "__pycache__" not in p.parts]
    expected = {"functions/__init__.py"} | {f"functions/{name}/{p.relative_to(folder).as_posix()}" for p in own}
    assert names == expected
    assert not any(n.endswith(".pyc") for n in names)


def test_a_missing_first_party_file_is_caught(unpacked, tmp_path):
    """The check is real: a bundle without its routes module does not import."""
    name = function_names()[0]
    entries = [(arc, path) for arc, path in function_entries(name) if not arc.endswith("/routes.py")]
    for arc, path in entries:
        (tmp_path / arc).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / arc).write_bytes(path.read_bytes())
    result = _import(tmp_path, unpacked / "layer", f"functions.{name}.handler")
    assert result.returncode != 0 and "ModuleNotFoundError" in result.stderr


def test_bundles_are_reproducible(tmp_path):
    name = function_names()[0]
    first = build_function(name, tmp_path / "a")
    second = build_function(name, tmp_path / "b")
    assert first.data == second.data


def _tree(folder):
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", function_names())
def test_the_sam_source_of_a_function_is_its_bundle(name, tmp_path):
    """What sam build copies (CodeUri) holds exactly the files of the bundle tested above."""
    staged = stage_function(name, tmp_path)
    assert _tree(staged) == set(zipfile.ZipFile(build_function(name, tmp_path / "zips").path).namelist())
    (staged / "stale.py").write_text("")
    assert "stale.py" not in _tree(stage_function(name, tmp_path))  # restaged from scratch


def test_the_sam_source_of_the_layer_is_the_package_and_its_requirements(tmp_path):
    staged = stage_layer(tmp_path)
    zipped = zipfile.ZipFile(build_layer(tmp_path / "z", with_deps=False).path)
    layer = {name.removeprefix("python/") for name in zipped.namelist()}
    assert _tree(staged) == layer | {"requirements.txt"}
    assert (staged / "requirements.txt").read_text() == REQUIREMENTS.read_text()
    assert _tree(stage_hook(tmp_path)) == {"pre_traffic.py"}
