"""Walking checked programs and syntax trees for the author's tools: every statement of a
body, every node under a node, every rule and expression of a syntax tree.

Split from :mod:`protrules.authoring.lint` (issue 14, modules under ~600 lines) along its
seam, how trees are walked and what lint finds in them; :mod:`protrules.authoring.lsp` walks
them too. ``module_rules`` and ``expressions`` are still importable from
:mod:`protrules.authoring.lint`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs

from protrules.checking import ir
from protrules.language import nodes as n
from protrules.language.diagnostics import Span

__all__ = [
    "children",
    "expressions",
    "module_expressions",
    "module_rules",
    "span_key",
    "statements",
    "stmt_expressions",
    "walk",
]


def children(node: ir.Node) -> Iterator[ir.Node]:
    for field in attrs.fields(type(node)):
        value = getattr(node, field.name)
        if isinstance(value, ir.Node):
            yield value
        elif isinstance(value, tuple):
            yield from (v for v in value if isinstance(v, ir.Node))


def walk(node: ir.Node) -> Iterator[ir.Node]:
    yield node
    for child in children(node):
        yield from walk(child)


def statements(body: Iterable[ir.Stmt]) -> Iterator[ir.Stmt]:
    for stmt in body:
        yield stmt
        if isinstance(stmt, ir.ForFactsS | ir.ForPeriodsS):
            yield from statements(stmt.body)


def stmt_expressions(stmt: ir.Stmt) -> Iterator[ir.Node]:
    for field in attrs.fields(type(stmt)):
        value = getattr(stmt, field.name)
        if isinstance(value, ir.Node):
            yield value


def span_key(span: Span | None) -> tuple[int, int, int, int] | None:
    return (span.line, span.column, span.end_line, span.end_column) if span is not None else None


def module_rules(decls: Iterable[n.Decl]) -> Iterator[n.Rule]:
    """Every rule of a syntax tree's declarations, inside areas and items too."""
    for decl in decls:
        if isinstance(decl, n.Rule):
            yield decl
        elif isinstance(decl, n.Area | n.Item):
            yield from module_rules(decl.children if isinstance(decl, n.Area) else decl.rules)


def expressions(node: object) -> Iterator[n.Expr]:
    """Every expression node in a syntax-tree statement or expression, itself included."""
    if isinstance(node, n.Expr):
        yield node
    if isinstance(node, n.Expr | n.Stmt):
        for field in attrs.fields(type(node)):
            value = getattr(node, field.name)
            for item in value if isinstance(value, tuple) else (value,):
                yield from expressions(item)


def module_expressions(decls: Iterable[n.Decl]) -> Iterator[n.Expr]:
    """Every expression node written in the rules of a syntax tree."""
    for rule in module_rules(decls):
        for stmt in rule.body:
            yield from expressions(stmt)
