"""The shape of the package, checked: module size, docstrings, layers, private names, type-ignore reasons.

These are the rules of the developers' guide that a machine can check; each failure names
the file and line to fix.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "unstructured_nb"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 400

# Which packages each layer may import (besides the shared data: errors, config, models, filetypes,
# embedders, hints, quotas, sizes, times, version).
SHARED = {"errors", "config", "models", "filetypes", "embedders", "hints", "quotas", "sizes", "times", "version"}
LAYERS = {
    "client": {"client", "local"},  # the client starts the local engine when no URL is set
    "render": {"render"},
    "runs": {"runs", "client", "render", "local"},
    "notebook": {"notebook", "runs", "client", "render"},
    "local": {"local"},
}
NEVER_IN_LOCAL = ("IPython", "pandas", "ipywidgets")
# The one call up the layers, made inside a function so that importing runs/ loads no widgets:
# run.view() (Followable.view) opens the notebook's page viewer.
LAZY_UPWARD = {("unstructured_nb/runs/following.py", "unstructured_nb.notebook.viewer")}


def _rel(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _layer(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def _package_of(path: Path) -> list[str]:
    return ["unstructured_nb", *path.relative_to(PACKAGE).parts[:-1]]


def _imported(path: Path, node: ast.ImportFrom | ast.Import) -> list[str]:
    """Absolute dotted names a (possibly relative) import refers to."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = _package_of(path)
    if node.level:
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    if node.module is None:  # from . import x: each x is a module
        return [f"{prefix}.{a.name}" for a in node.names]
    return [prefix]


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_module_is_small_and_says_what_it_is_for(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{_rel(path)} has {lines} lines (at most {MAX_LINES}): split it by job"
    if path.name != "__main__.py":
        assert ast.get_docstring(_tree(path)), f"{_rel(path)} has no docstring saying its one job"


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_layers_call_one_way(path: Path) -> None:
    layer = _layer(path)
    if layer not in LAYERS:
        return
    allowed = LAYERS[layer] | SHARED
    tree = _tree(path)
    in_functions = {
        id(inner)
        for fn in ast.walk(tree)
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
        for inner in ast.walk(fn)
        if isinstance(inner, (ast.Import, ast.ImportFrom))
    }
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        for name in _imported(path, node):
            if (_rel(path), name) in LAZY_UPWARD and id(node) in in_functions:
                continue
            parts = name.split(".")
            if layer == "local":
                assert parts[0] not in NEVER_IN_LOCAL, f"{_rel(path)}:{node.lineno} imports {name}: local/ must stay free of it"
            if parts[0] == "unstructured_nb" and len(parts) > 1:
                assert parts[1] in allowed, f"{_rel(path)}:{node.lineno}: {layer}/ may not import unstructured_nb.{parts[1]}"


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_no_module_reads_another_modules_private_names(path: Path) -> None:
    tree = _tree(path)
    modules: set[str] = set()  # local names bound to imported modules
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                assert not private, f"{_rel(path)}:{node.lineno} imports the private name {alias.name}"
                if node.module is None or (node.module and node.level == 0 and node.module.startswith("unstructured_nb")):
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update((a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("unstructured_nb"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
            private = node.attr.startswith("_") and not node.attr.startswith("__")
            assert not private, f"{_rel(path)}:{node.lineno} reads {node.value.id}.{node.attr}, another module's private name"


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_every_type_ignore_has_a_code_and_a_reason(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if "type: ignore" in line:
            assert re.search(r"# type: ignore\[[\w,-]+\]\s+#\s*\S", line), (
                f"{_rel(path)}:{number}: a type: ignore needs its error code and a reason on the same line"
            )
