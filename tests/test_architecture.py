"""The shape of the code: which package may import which, and no import cycle.

Every import in ``src/kerascheck`` counts: at module level, inside functions,
under ``TYPE_CHECKING``, and the modules a package loads with ``importlib``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "kerascheck"

#: what each part of the code may import from kerascheck (the rest of kerascheck is forbidden)
ALLOWED = {
    "kerascheck.interpreter": ("kerascheck.interpreter", "kerascheck.unknown", "kerascheck.brief", "kerascheck.input_shapes", "kerascheck.sources"),
    "kerascheck.catalog": ("kerascheck.catalog", "kerascheck.unknown"),
    "kerascheck.libraries.numpy_arrays": ("kerascheck.interpreter", "kerascheck.unknown"),
    "kerascheck.libraries.numpy_library": ("kerascheck.interpreter", "kerascheck.unknown", "kerascheck.libraries.numpy_arrays"),
}
#: the modules a package loads with ``importlib`` (each such package must be listed here)
DYNAMIC = {
    "kerascheck.rules": lambda module: module.rpartition(".")[2].startswith("kc"),
    "kerascheck.catalog": lambda module: module.rpartition(".")[2] in catalog_families(),
    "kerascheck.reporters": lambda module: module.rpartition(".")[2] in reporter_modules(),
}
#: strings that once stood in for real types among scope variables, arguments and method names
SENTINELS = ("__unknown_args__", "__maybe_returned__", '"__self__"', '"__class__"', '"super.__init__"', 'removeprefix("super.")')


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> set[str]:
    """The kerascheck modules that module ``name`` imports, anywhere in it."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            assert package in DYNAMIC, f"{name} imports modules with importlib: say which in DYNAMIC"
            targets = [m for m in MODULES if m.startswith(package + ".") and DYNAMIC[package](m)]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target.startswith("kerascheck") and target != name:
                found.add(target)
    return found


def catalog_families() -> tuple[str, ...]:
    from kerascheck.catalog import FAMILIES

    return FAMILIES


def reporter_modules() -> list[str]:
    from kerascheck.reporters import CHECK_MODULES

    return list(CHECK_MODULES.values())


GRAPH = {name: imports(name) for name in MODULES}


def cycles() -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in GRAPH[node]:
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for name in GRAPH:
        if name not in index:
            visit(name)
    return found


def test_the_graph_sees_imports_of_every_kind():
    assert "kerascheck.interpreter.library" in GRAPH["kerascheck.interpreter.semantics"]  # module level
    assert "kerascheck.interpreter.modules" in GRAPH["kerascheck.interpreter.semantics"]  # under TYPE_CHECKING
    assert "kerascheck.rules.kc201_fractional_stride_drop" in GRAPH["kerascheck.rules"]  # importlib
    assert "kerascheck.catalog.pooling" in GRAPH["kerascheck.catalog"]
    assert "kerascheck.reporters.sarif" in GRAPH["kerascheck.reporters"]


def test_no_import_cycle():
    assert cycles() == []


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_a_part_imports_only_what_it_may(part):
    allowed = ALLOWED[part]
    for name, imported in GRAPH.items():
        if name == part or name.startswith(part + "."):
            forbidden = sorted(m for m in imported if not any(m == a or m.startswith(a + ".") for a in allowed))
            assert not forbidden, f"{name} imports {forbidden}"


def test_no_string_stands_in_for_a_type():
    for name, path in MODULES.items():
        text = path.read_text()
        found = [s for s in SENTINELS if s in text]
        assert not found, f"{name} uses {found}"


def test_every_module_says_what_it_is_for():
    for name, path in MODULES.items():
        docstring = ast.get_docstring(ast.parse(path.read_text()))
        assert docstring and len(docstring.split()) >= 4, f"{name} has no docstring saying what it is for"
