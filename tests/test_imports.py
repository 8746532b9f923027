"""The import graph of our three packages, read from the source (imports inside functions too).

No cycle, and imports at the top: an import of our own modules inside a function is allowed
only in the places that load lazily on purpose (issue 11, item 4), each named below with the
reason. Imports under ``if TYPE_CHECKING:`` never run, so they are not edges.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Final, NamedTuple

ROOT: Final = Path(__file__).resolve().parents[1]
PACKAGES: Final = {
    "kata_config": ROOT / "kata_config",
    "kata_cli": ROOT / "kata_cli",
    "kata_runtime": ROOT / "runtime" / "kata_runtime",
}

LAZY_PLACES: Final[dict[tuple[str, str], str]] = {
    # the CLI's command table: a run imports one command, --help imports none of their bodies
    ("kata_cli", "build_app"): "the command table (typer front end)",
    ("kata_cli.fast", "_hot"): "the command table (typer-free front end of the hot commands)",
    ("kata_cli.annotate", "annotate"): "the table's entry for annotate: loads its body on use",
    ("kata_cli.env", "env"): "the table's entry for env: loads its body on use",
    ("kata_cli.migrate", "migrate"): "the table's entry for migrate: loads its body on use",
    ("kata_cli.plan", "plan"): "the table's entry for plan: loads its body on use",
    # the registries: validate never loads the probes, check without a config never the rules
    ("kata_config.probes", "probe_modules"): "the probe registry",
    ("kata_config.probes", "config_loader"): "the probe registry: the config model, on use",
    ("kata_config.rules", "registry"): "the rule registry",
    ("kata_config.pipeline", "all_checks"): "the rule registry as the pipeline runs it",
    ("kata_config.arch", "_built_in"): "the arch registry: a run loads the arches it reads",
    # the public API: each name loads its module on first use (typed, see kata_config/__init__)
    ("kata_config", "__getattr__"): "the public API table",
}


class Edge(NamedTuple):
    source: str
    target: str
    line: int
    function: str | None  # the enclosing function's qualified name, None at module level


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


MODULES: Final = _modules()


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        parts = module.split(".")
        if MODULES[module].name != "__init__.py":
            parts = parts[:-1]
        parts = parts[:len(parts) - node.level + 1]
        base = ".".join([*parts, *([node.module] if node.module else [])])
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        yield sub if sub in MODULES else base


def _edges(module: str) -> Iterator[Edge]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))

    def walk(node: ast.AST, function: str | None) -> Iterator[Edge]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    yield from walk(other, function)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                for target in _targets(module, child):
                    if target.split(".")[0] in PACKAGES:
                        yield Edge(module, target, child.lineno, function)
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = f"{function}.{child.name}" if function else child.name
            yield from walk(child, inner)

    yield from walk(tree, None)


EDGES: Final = {module: tuple(_edges(module)) for module in MODULES}


def _ancestor(package: str, module: str) -> bool:
    return module.startswith(package + ".")


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), or with a self-loop.

    An import of one of the module's own packages is no edge: Python has initialised every
    package above a module before the module runs, so it orders nothing (and a package that
    imported that module at its top would already fail at import time). Such an import is how
    library code reaches a public name lazily (``kata_config.load``), through the public API
    table, whose imports the graph does see.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for edge in EDGES[node]:
            if edge.target not in MODULES or _ancestor(edge.target, node):
                continue
            if edge.target not in index:
                visit(edge.target)
                low[node] = min(low[node], low[edge.target])
            elif edge.target in stack:
                low[node] = min(low[node], index[edge.target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or any(e.target == node for e in EDGES[node]):
                found.append(sorted(component))

    for module in MODULES:
        if module not in index:
            visit(module)
    return found


def test_the_graph_sees_every_module() -> None:
    """The walk finds our modules and their edges (a broken walk would pass anything)."""
    assert len(MODULES) > 150
    assert any(e.target == "kata_config.probes.cpu" for e in EDGES["kata_config.probes"])
    assert any(e.function == "build_app" for e in EDGES["kata_cli"])


def test_no_import_cycle() -> None:
    """No module reaches itself through imports, those inside functions included."""
    described = []
    for component in _cycles():
        inside = set(component)
        described.append([f"{e.source}:{e.line} -> {e.target}" for m in component
                          for e in EDGES[m] if e.target in inside])
    assert described == []


def test_own_modules_are_imported_at_the_top() -> None:
    """Imports of our own modules inside functions only in the command table, the registries
    and the public API table (``LAZY_PLACES``); anywhere else they hide the graph."""
    offenders = sorted(
        f"{edge.source}:{edge.line} in {edge.function}() imports {edge.target}"
        for edges in EDGES.values() for edge in edges
        if edge.function is not None
        and (edge.source, edge.function.split(".")[0]) not in LAZY_PLACES
    )
    assert offenders == []


def test_lazy_places_exist() -> None:
    """Every allowed place still imports lazily (a stale entry would widen the allowance)."""
    used = {(e.source, e.function.split(".")[0]) for edges in EDGES.values() for e in edges
            if e.function is not None}
    assert sorted(set(LAZY_PLACES) - used) == []


def test_no_module_is_loaded_by_name() -> None:
    """No ``importlib.import_module`` or ``__import__`` of a module named in a string: the
    graph, mypy and ``-X importtime`` would not see it."""
    offenders = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("import_module", "__import__"):
                    offenders.append(f"{module}:{node.lineno}")
    assert offenders == []
