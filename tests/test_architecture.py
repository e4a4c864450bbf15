"""The architecture holds: no import cycles, and no stage imports a stage above it.

The import graph is read from the source (``ast``), imports inside functions and under
``TYPE_CHECKING`` included: a deferred import is still a dependency. docs/architecture.md
describes the stages; this test is what keeps that page true.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "protrules"

#: The stages, lowest first. A module may import modules of its own stage and of the stages
#: below it, never of one above. ``protrules`` alone is the public API (``protrules/__init__.py``).
STAGES: tuple[tuple[str, ...], ...] = (
    (
        "protrules._version",
        "protrules.i18n",
        "protrules.errors",
        "protrules.output",
        "protrules.collector",
        "protrules.limits",
        "protrules.arguments",
        "protrules.pickling",
    ),
    ("protrules.calendar",),
    ("protrules.language",),
    ("protrules.facts",),
    ("protrules.checking",),
    ("protrules.evaluation",),
    ("protrules.compiling",),
    ("protrules.programme",),
    ("protrules.report",),
    ("protrules.authoring", "protrules.testing"),
    ("protrules",),
    ("protrules.cli", "protrules.__main__"),
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The protrules modules ``name`` imports (a name imported from a package that is itself a
    module counts as an import of that module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
            if len(targets) < len(node.names):  # a name the package itself defines or re-exports
                targets.append(base)
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _stage(module: str) -> int:
    best, best_len = -1, -1
    for level, prefixes in enumerate(STAGES):
        for prefix in prefixes:
            matches = module == prefix or (prefix != "protrules" and module.startswith(prefix + "."))
            if matches and len(prefix) > best_len:
                best, best_len = level, len(prefix)
    return best


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as a path that comes back to its start, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_every_module_belongs_to_a_stage() -> None:
    assert [m for m in _modules() if _stage(m) < 0] == []


def test_no_import_cycles() -> None:
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_stage_imports_a_stage_above_it() -> None:
    upward = [
        f"{module} (stage {_stage(module)}) imports {target} (stage {_stage(target)})"
        for module, targets in sorted(_graph().items())
        for target in sorted(targets)
        if _stage(target) > _stage(module)
    ]
    assert upward == []


@pytest.mark.parametrize("package", sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()))
def test_each_stage_says_what_comes_in_and_what_goes_out(package: str) -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text("utf-8"))) or ""
    assert "In:" in doc and "Out:" in doc, f"protrules.{package} needs a docstring with In: … Out: …"


def test_the_checker_finds_a_planted_cycle_and_an_upward_import() -> None:
    """The test's own machinery can fail: a cycle and an upward edge are found when present."""
    graph = {"protrules.a": {"protrules.b"}, "protrules.b": {"protrules.c"}, "protrules.c": {"protrules.a"}}
    assert _cycle(graph) == ["protrules.a", "protrules.b", "protrules.c", "protrules.a"]
    assert _stage("protrules.calendar.workdays") < _stage("protrules.checking.ir")
    assert _stage("protrules") > _stage("protrules.report.render")
    assert _stage("protrules.cli.main") > _stage("protrules")
