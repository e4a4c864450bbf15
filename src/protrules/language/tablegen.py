"""Writing the parse tables that ship beside the grammar: ``python -m protrules.language.tablegen``.

For each dialect, Lark builds its LALR parser from the grammar (~150 ms a dialect, which is
why no process does it at run time), and two modules are written from the same parser, as
Python literals that load from their bytecode: ``grammar/tables.py``, Lark's own serialized
parser (:mod:`protrules.language.lalr` loads it to report syntax errors), and
``grammar/driver_tables.py``, what the parser's own loop reads (:func:`driver_tables`,
:mod:`protrules.language.driver`). Lark numbers the states differently each time it builds
them, so both files change whenever they are written; tests hold both to the grammars
(``tests/test_load_path.py``) and the two parsers to the same trees (``tests/test_driver.py``).
Split from :mod:`protrules.language.lalr` (issue 14, modules under ~600 lines) along its
seam: making the tables, and parsing with them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef, UnlessCallback
from lark.parsers.lalr_analysis import Shift

from protrules.language.driver import signature
from protrules.language.keywords import DIALECTS
from protrules.language.lalr import _LOADED, _build, _Indent, _signature, _words_of

__all__ = ["driver_tables", "write_tables"]


def write_tables(path: Path) -> None:
    """Build every dialect's parse tables from its grammar and write them as Python modules
    beside ``path``: Lark's (``tables.py``) and, from the same parsers, the driver's
    (``driver_tables.py``)."""
    found: dict[str, dict[str, Any]] = {}
    driving: dict[str, dict[str, Any]] = {}
    for dialect in DIALECTS:
        indent = _Indent()
        built = _build(dialect, indent)
        _words_of(built, indent)
        driving[dialect] = driver_tables(built, dialect)
        data, memo = built.memo_serialize([TerminalDef, Rule])
        data["options"] = {name: value for name, value in data["options"].items() if name not in _LOADED}
        found[dialect] = {"signature": _signature(dialect), "data": data, "memo": memo}
    for name, tables, what in (
        ("tables.py", found, "The LALR tables of each dialect's grammar"),
        ("driver_tables.py", driving, "The tables of each dialect's grammar for protrules.language.driver"),
    ):
        (path.parent / name).write_text(
            f'"""{what}, written by ``python -m protrules.language.tablegen``:\n'
            'do not edit (see :mod:`protrules.language.tablegen`)."""\n\n'
            "from typing import Any\n\n"
            f"TABLES: dict[str, dict[str, Any]] = {tables!r}\n",
            encoding="utf-8",
        )


def driver_tables(lark: Lark, dialect: str) -> dict[str, Any]:
    """What :class:`protrules.language.driver.Tables` reads of a dialect's Lark parser: its
    parse table, what each reduction does, each state's scanner (the regular expressions of
    Lark's contextual lexer and the keywords a name may spell) and the indenter's words."""
    frontend = lark.parser
    table = frontend.parser.parser.parse_table
    rules: dict[Any, int] = {}
    reductions: list[tuple[Any, ...]] = []
    actions: dict[int, dict[str, int]] = {}
    for state, row in table.states.items():
        actions[state] = {}
        for symbol, (action, arg) in row.items():
            if action is Shift:
                actions[state][symbol] = arg
                continue
            index = rules.get(arg)
            if index is None:
                index = rules[arg] = len(reductions)
                reductions.append(_reduction(arg))
            actions[state][symbol] = ~index
    contextual = frontend.lexer.lexer
    scanners: list[tuple[list[str], dict[str, dict[str, str]]]] = []
    shared: dict[int, int] = {}
    accepts: dict[int, int] = {}
    for state, lexer in contextual.lexers.items():
        index = shared.get(id(lexer))
        if index is None:
            assert not lexer.g_regex_flags
            patterns = [mre.pattern for mre in lexer.scanner._mres]
            words: dict[str, dict[str, str]] = {}
            for kind, callback in lexer.callback.items():
                assert isinstance(callback, UnlessCallback)
                spelt: dict[str, str] = {}
                for terminal in reversed(callback.scanner.terminals):  # the first in Lark's order wins
                    assert terminal.pattern.type == "str" and not terminal.pattern.flags
                    spelt[terminal.pattern.value] = terminal.name
                words[kind] = spelt
            index = shared[id(lexer)] = len(scanners)
            scanners.append((patterns, words))
        accepts[state] = index
    indent = lark.options.postlex
    assert isinstance(indent, _Indent)
    return {
        "signature": signature(dialect),
        "start": table.start_states["start"],
        "end": table.end_states["start"],
        "actions": actions,
        "reductions": reductions,
        "accepts": accepts,
        "scanners": scanners,
        "ignore": sorted(contextual.root_lexer.ignore_types),
        "keywords": sorted(indent.keywords),
        "units": sorted(indent.units),
        "tab": indent.tab_len,
    }


def _reduction(rule: Any) -> tuple[Any, ...]:
    """What reducing ``rule`` does (Lark's ``ParseTreeBuilder``, decided once)."""
    name = str(rule.alias or rule.options.template_source or rule.origin.name)
    keep = rule.options.keep_all_tokens
    kept: list[tuple[int, bool]] = []
    for index, symbol in enumerate(rule.expansion):
        if keep or not (symbol.is_term and symbol.filter_out):
            kept.append((index, not symbol.is_term and symbol.name.startswith("_")))
    whole = len(kept) == len(rule.expansion) and not any(spliced for _, spliced in kept)
    single = bool(rule.options.expand1) and not rule.alias
    tree = None if name.startswith("_") else name
    if single and whole and len(rule.expansion) == 1:
        return -1, str(rule.origin.name), tree, single, None  # passes its child through unchanged
    return len(rule.expansion), str(rule.origin.name), tree, single, None if whole else tuple(kept)


if __name__ == "__main__":
    write_tables(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "grammar" / "tables.py")
