"""No import cycles among the modules of `wizard/` and `steps/` (issue 20).

The graph is read from the source (AST), so it counts every import wherever it stands: at module
level, inside functions (a deferred import only hides a cycle), under ``if TYPE_CHECKING`` (the
dependency is still there for a reader), relative imports, ``from pkg import module`` (an edge to
the module, not the package) and ``importlib.import_module("wizard.x")`` with a literal name, or
an f-string whose fixed start names a package (an edge to every module in it).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("wizard", "steps")


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """``{dotted module name: file}`` for every module of the packages."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of a (possibly relative) ``from ... import`` source."""
    if not level:
        return name or ""
    base = module.split(".")
    base = base[: len(base) - level + (1 if is_package else 0)]
    return ".".join(base + ([name] if name else []))


def _dynamic_targets(node: ast.Call, modules: dict[str, Path]) -> list[str]:
    """Targets of ``importlib.import_module(<literal or f-string with a literal start>)``."""
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if called != "import_module" or not node.args:
        return []
    arg = node.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        prefix = str(arg.values[0].value)
        return [name for name in modules if name.startswith(prefix) and name != prefix.rstrip(".")]
    return []


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """``{module: modules of the packages it imports}`` (edges to outside modules are dropped)."""
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        targets: list[str] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(module, is_package, node.level, node.module)
                for alias in node.names:
                    sub = f"{source}.{alias.name}"
                    targets.append(sub if sub in modules else source)
            elif isinstance(node, ast.Call):
                targets += _dynamic_targets(node, modules)
        graph[module] = {t for t in targets if t in modules and t != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) per strongly connected component of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def connect(node: str) -> None:  # Tarjan; the graph is small enough for recursion
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_a_cycle(graph, component) for component in components]


def _a_cycle(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """The shortest cycle through the component's first module (breadth-first), to name in a failure."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & component):
            if target == start:
                return paths[node] + [start]
            if target not in paths:
                paths[target] = paths[node] + [target]
                queue.append(target)
    raise AssertionError(f"no cycle through {start}")  # cannot happen in a strongly connected component


def test_no_import_cycles():
    found = cycles(import_graph(module_files()))
    assert not found, "import cycles:\n" + "\n".join("  " + " -> ".join(cycle) for cycle in found)


# --- the walker itself, on a hand-built tree ----------------------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return module_files(tmp_path)


@pytest.mark.parametrize("files, expected", [
    # a function-level import counts like a module-level one
    ({"wizard/__init__.py": "", "wizard/a.py": "import wizard.b\n",
      "wizard/b.py": "def f():\n    from wizard import a\n"}, [["wizard.a", "wizard.b", "wizard.a"]]),
    # relative imports, from a module and from a package's __init__
    ({"wizard/__init__.py": "", "wizard/p/__init__.py": "from .q import x\n",
      "wizard/p/q.py": "from .. import p\n"}, [["wizard.p", "wizard.p.q", "wizard.p"]]),
    # `from pkg import name` where name is not a module: an edge to the package
    ({"wizard/__init__.py": "", "steps/__init__.py": "from steps.s import X\n",
      "steps/s.py": "if TYPE_CHECKING:\n    from steps import STEPS\nX = 1\n"}, [["steps", "steps.s", "steps"]]),
    # importlib with an f-string prefix reaches every module of the package
    ({"wizard/__init__.py": "", "wizard/main.py": "importlib.import_module(f'wizard.commands.{name}')\n",
      "wizard/commands/__init__.py": "", "wizard/commands/demo.py": "from wizard.main import crash\n"},
     [["wizard.commands.demo", "wizard.main", "wizard.commands.demo"]]),
    # no cycle: a chain, and imports of outside modules
    ({"wizard/__init__.py": "", "wizard/a.py": "import json\nfrom wizard import b\n",
      "wizard/b.py": "from steps.base import Plan\n", "steps/__init__.py": "", "steps/base.py": "import os\n"}, []),
])
def test_walker_finds_the_cycles(tmp_path, files, expected):
    assert cycles(import_graph(_tree(tmp_path, files))) == expected
