"""The tables a function's code can reach, found statically: follow the first-party imports of
functions/<name>/ (into the layer) and collect the model modules they import. The registry
medpool/models/__init__.py (which imports every model for TABLES) is not followed: importing it
is not using every table; importing TABLES itself is."""
from __future__ import annotations

import ast
from pathlib import Path

from infra.project import FUNCTIONS_DIR, LAYER_SOURCE, ROOT

MODELS_PACKAGE = "medpool.models"
FIRST_PARTY = ("medpool", "functions")


def module_file(module: str) -> Path | None:
    base = LAYER_SOURCE.parent if module.split(".")[0] == "medpool" else ROOT
    path = base.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path) -> str:
    base = LAYER_SOURCE.parent if LAYER_SOURCE.parent in path.parents else ROOT
    parts = list(path.relative_to(base).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, imported names) for every import statement, relative ones resolved."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.append((base, [alias.name for alias in node.names]))
    return found


def reachable_tables(function: str, tables: dict[str, type]) -> set[str]:
    """Logical names of the tables whose models the function's code imports, directly or through the layer."""
    by_module = {model.__module__: name for name, model in tables.items()}
    by_class = {model.__name__: name for name, model in tables.items()}
    used: set[str] = set()
    seen: set[Path] = set()
    queue = sorted((FUNCTIONS_DIR / function).rglob("*.py"))
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        for module, names in _imports(path):
            if module.split(".")[0] not in FIRST_PARTY:
                continue
            if module == MODELS_PACKAGE:
                if not names:  # import medpool.models: anything in it
                    used.update(tables)
                for name in names:
                    if name in by_class:
                        used.add(by_class[name])
                    elif module_file(f"{module}.{name}"):  # from medpool.models import user
                        used.update(t for m, t in by_module.items() if m == f"{module}.{name}")
                    else:  # TABLES or a helper over every model
                        used.update(tables)
                continue
            if module in by_module:
                used.add(by_module[module])
            targets = [module] + [f"{module}.{name}" for name in names]
            queue += [file for target in targets if (file := module_file(target)) and file not in seen]
    return used
