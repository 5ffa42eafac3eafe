"""The import graph of rewardkit: no cycles, and the core never imports the training layer.

Every module under ``rewardkit/`` is parsed (``ast``, nothing is imported). An edge ``a -> b`` is
any ``import rewardkit.b`` / ``from rewardkit.b import x`` / ``from . import b`` in ``a``, at module
level or inside a function (a lazy import), plus any string constant that is exactly a dotted
rewardkit module name (``importlib.import_module("rewardkit.b")``, the CLI's table of lazily loaded
commands, ``rewardkit.__getattr__``'s table): a lazy edge. Imports under ``if TYPE_CHECKING:`` never
run and are not edges (that is how an annotation may name a module further down the data flow). ``from rewardkit.pkg import name`` is an edge to ``rewardkit.pkg.name``
when that is a module, else to ``rewardkit.pkg``. Importing a submodule is not counted as an edge
to its parent packages: Python runs a package's ``__init__`` first, but that is not a cycle between
the modules' own code.

Rules:

* no cycle at all, module-level or lazy: a function-level import that closes a cycle only hides it
  until the function runs. The one way out is :data:`ALLOWED_LAZY`, each entry with its reason;
* no module outside ``rewardkit/train`` imports ``rewardkit.train``, except the CLI's lazy command
  loading (``rewardkit/cli*``): the training layer sits on top (DESIGN.md).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "rewardkit"

# Lazy (function-level) imports that close a cycle on purpose. (importer, imported): reason.
ALLOWED_LAZY: dict[tuple[str, str], str] = {}

# Modules outside rewardkit/train that may import it: the CLI loads the train/eval/demo commands lazily.
TRAIN_IMPORT_ALLOWED_PREFIXES = ("rewardkit.cli",)


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    lazy: bool  # inside a function (runs when called), not at module level
    line: int

    def __str__(self) -> str:
        kind = "lazy" if self.lazy else "module-level"
        return f"{self.importer} -> {self.imported} ({kind}, {module_file(self.importer)}:{self.line})"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def module_file(name: str) -> str:
    base = ROOT.joinpath(*name.split("."))
    path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    return str(path.relative_to(ROOT))


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, lazy: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node below ``node`` with whether it sits inside a function; TYPE_CHECKING blocks skipped."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for orelse in child.orelse:
                yield orelse, lazy
                yield from _walk(orelse, lazy)
            continue
        inner = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        yield child, inner
        yield from _walk(child, inner)


def edges_of(name: str, path: Path, modules: dict[str, Path]) -> list[Edge]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Edge] = []

    def add(target: str, node: ast.AST, lazy: bool) -> None:
        if target.split(".")[0] != "rewardkit":
            return
        while target not in modules and "." in target:  # `import rewardkit.x.Thing` is not a thing; be safe
            target = target.rpartition(".")[0]
        if target in modules and target != name:
            found.append(Edge(name, target, lazy, getattr(node, "lineno", 0)))

    for node, lazy in _walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node, lazy)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                add(sub if sub in modules else source, node, lazy)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in modules and "." in node.value:
            # a module named in a string (importlib.import_module, a table of lazily loaded commands):
            # loaded when used, so a lazy edge wherever the string sits
            add(node.value, node, True)
    return found


def import_graph() -> list[Edge]:
    modules = all_modules()
    return [edge for name, path in modules.items() for edge in edges_of(name, path, modules)]


def find_cycle(edges: list[Edge]) -> list[Edge] | None:
    """One cycle of the graph as its edges, or None (depth-first search, deterministic order)."""
    out: dict[str, list[Edge]] = {}
    for edge in edges:
        out.setdefault(edge.importer, []).append(edge)
    done: set[str] = set()
    path: list[Edge] = []  # the edges from the search's root to the current node
    on_path: dict[str, int] = {}  # node -> index in path of the edge leaving it

    def visit(node: str) -> list[Edge] | None:
        on_path[node] = len(path)
        for edge in out.get(node, []):
            if edge.imported in on_path:
                return [*path[on_path[edge.imported] :], edge]
            if edge.imported not in done:
                path.append(edge)
                cycle = visit(edge.imported)
                if cycle:
                    return cycle
                path.pop()
        del on_path[node]
        done.add(node)
        return None

    for node in sorted(out):
        if node not in done:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def closes_cycle(edges: list[Edge], key: tuple[str, str]) -> bool:
    """Whether the import ``key`` (importer, imported) closes a cycle: the imported module reaches the importer."""
    out: dict[str, set[str]] = {}
    for edge in edges:
        if (edge.importer, edge.imported) != key:
            out.setdefault(edge.importer, set()).add(edge.imported)
    seen, todo = set(), [key[1]]
    while todo:
        node = todo.pop()
        if node == key[0]:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(out.get(node, ()))
    return False


def _excused(edge: Edge) -> bool:
    key = (edge.importer, edge.imported)
    return edge.lazy and key in ALLOWED_LAZY


def test_the_graph_is_read() -> None:
    """Guards the parser: known edges of each kind are found."""
    edges = {(e.importer, e.imported, e.lazy) for e in import_graph()}
    assert ("rewardkit.engine", "rewardkit.workers", False) in edges  # from rewardkit.workers import ...
    assert ("rewardkit.train.run", "rewardkit.train.sft", True) in edges  # lazy, inside Run.warmup
    assert ("rewardkit", "rewardkit.probe", True) in edges  # import_module(_LAZY[name])
    assert ("rewardkit.cli.app", "rewardkit.train.commands", True) in edges  # the lazy command table
    assert ("rewardkit.text", "rewardkit.text.vi", False) in edges
    assert not any(b == "rewardkit.engine" and a == "rewardkit.compose" for a, b, _ in edges)  # TYPE_CHECKING only


def test_the_cycle_finder_finds_lazy_and_module_level_cycles() -> None:
    graph = [Edge("a", "b", False, 1), Edge("b", "c", False, 1), Edge("c", "a", True, 1), Edge("a", "d", False, 1)]
    cycle = find_cycle(graph)
    assert cycle is not None and {(e.importer, e.imported) for e in cycle} == {("a", "b"), ("b", "c"), ("c", "a")}
    assert find_cycle([e for e in graph if e.lazy is False]) is None
    assert closes_cycle(graph, ("c", "a")) and not closes_cycle(graph, ("a", "d"))


def test_no_import_cycles() -> None:
    edges = [e for e in import_graph() if not _excused(e)]
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle:\n  " + "\n  ".join(map(str, cycle or []))


def test_the_core_never_imports_the_training_layer() -> None:
    wrong = [
        str(e)
        for e in import_graph()
        if e.imported.startswith("rewardkit.train")
        and not e.importer.startswith("rewardkit.train")
        and not e.importer.startswith(TRAIN_IMPORT_ALLOWED_PREFIXES)
    ]
    assert not wrong, "modules outside rewardkit/train import it:\n  " + "\n  ".join(wrong)


def test_allowed_lazy_imports_are_lazy_and_still_close_a_cycle() -> None:
    edges = import_graph()
    for key, reason in ALLOWED_LAZY.items():
        found = [e for e in edges if (e.importer, e.imported) == key]
        assert found, f"ALLOWED_LAZY {key} ({reason}) no longer exists: remove it"
        assert all(e.lazy for e in found), f"ALLOWED_LAZY {key} is a module-level import: only lazy imports can be excused"
        assert closes_cycle(edges, key), f"ALLOWED_LAZY {key} closes no cycle any more: remove it"
