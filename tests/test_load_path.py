"""Loading a rule file pays only for what it uses: the shipped LALR tables are those of the
grammar, no Lark cache file is ever read, and neither ``import protrules`` nor a rule set read
from the program cache imports Lark, msgspec, holidays or pyarrow (docs/evaluation.md, "Loading
a rule file")."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from lark import Tree

import protrules.facts
from protrules.facts import ledgers
from protrules.language import driver, lalr
from protrules.language.dialects import detect_dialect
from protrules.language.grammar import driver_tables, tables
from protrules.language.keywords import DIALECTS

ROOT = Path(__file__).resolve().parent.parent
RULE_FILES = sorted((ROOT / "rules").glob("*.prl")) + sorted((ROOT / "tests" / "cases").rglob("*.prl"))
CHANGNING = ROOT / "rules" / "changning_2023.prl"
HEAVY = ("lark", "msgspec", "holidays", "pyarrow")


def test_the_shipped_tables_are_of_this_grammar() -> None:
    for dialect in DIALECTS:
        assert lalr._signature(dialect) == tables.TABLES[dialect]["signature"], (
            "the grammar (or Lark) changed: write the tables again"
            " with `python -m protrules.language.tablegen`"
        )


def test_the_driver_s_tables_are_of_this_grammar() -> None:
    """The driver's tables (grammar/driver_tables.py) are written with Lark's from the same
    parsers; a grammar changed since makes the driver leave every text to Lark."""
    for dialect in DIALECTS:
        assert driver.signature(dialect) == driver_tables.TABLES[dialect]["signature"], (
            "the grammar changed: write the tables again with `python -m protrules.language.tablegen`"
        )
        assert driver._tables(dialect) is not None


def _plain(tree: object) -> object:
    """A tree as nested tuples of rule names and token texts and types (positions included)."""
    if isinstance(tree, Tree):
        meta = (tree.meta.line, tree.meta.column) if not tree.meta.empty else None
        return (tree.data, meta, tuple(_plain(child) for child in tree.children))
    return (getattr(tree, "type", None), str(tree), getattr(tree, "line", None))


def test_the_tables_parse_as_the_grammar_does() -> None:
    """The parser loaded from the tables and one built from the grammar make the same trees
    (outside ``parse()`` the trees are Lark's own, so they compare whole), in both dialects."""
    built = {dialect: lalr._build(dialect, lalr._Indent()) for dialect in DIALECTS}
    loaded = {dialect: lalr._load(dialect, lalr._Indent()) for dialect in DIALECTS}
    seen: dict[str, int] = dict.fromkeys(DIALECTS, 0)
    for path in RULE_FILES:
        text = path.read_text("utf-8")
        dialect = detect_dialect(text)
        try:
            expected = _plain(built[dialect].parse(text))
        except Exception as error:  # a case file with a syntax error fails the same way
            with pytest.raises(type(error)):
                loaded[dialect].parse(text)
            continue
        assert _plain(loaded[dialect].parse(text)) == expected, path
        seen[dialect] += 1
    assert seen["en"] >= 10 and seen["zh"] >= 1


class _Planted:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.write_text, (self.marker, "ran"))


def test_no_lark_cache_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lark's ``cache=True`` unpickles a file of the shared temporary folder whose name anyone
    can work out; protrules never asks for it: nothing is written there, and a file planted
    under such a name never runs."""
    marker = tmp_path / "marker"
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    planted_names = set()
    for name in ("cache", "cache_grammar"):
        for user in ("", os.environ.get("USER", ""), "root"):
            for digest in (*(found["signature"] for found in tables.TABLES.values()), "0" * 64):
                planted = (
                    tmp_path / f".lark_{name}_{user}_{digest}_{sys.version_info[0]}_{sys.version_info[1]}.tmp"
                )
                planted.write_bytes(b"x\n" + pickle.dumps(_Planted(marker)))
                planted_names.add(planted.name)
    for dialect in DIALECTS:
        lalr._build(dialect, lalr._Indent())
        lalr.lark_parser.__wrapped__(dialect)
    protrules.parse(CHANGNING.read_text("utf-8"))
    protrules.parse(CHANGNING.with_suffix(".zh.prl").read_text("utf-8"))
    assert not marker.exists()
    assert {path.name for path in tmp_path.iterdir()} == planted_names  # and no cache file written


def test_facts_lists_the_loading_functions() -> None:
    assert protrules.facts.__all__ == ledgers.__all__
    assert protrules.facts.load_ledger is ledgers.load_ledger
    with pytest.raises(AttributeError):
        protrules.facts.no_such_function  # noqa: B018


_SHOW = """
import json, sys
import protrules
stage, path = sys.argv[1], sys.argv[2]
imported = {"import": sorted(m for m in {HEAVY} if m in sys.modules)}
if stage == "check":
    protrules.check(*protrules.parse_file(path))
else:
    protrules.load_rules(path, cache=True)
imported[stage] = sorted(m for m in {HEAVY} if m in sys.modules)
print(json.dumps(imported))
""".replace("{HEAVY}", repr(set(HEAVY)))


def _imported(stage: str, cache: Path) -> dict[str, list[str]]:
    env = {**os.environ, "PROTRULES_CACHE": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", _SHOW, stage, str(CHANGNING)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    answer: dict[str, list[str]] = json.loads(done.stdout)
    return answer


def test_what_loading_imports(tmp_path: Path) -> None:
    """``import protrules`` imports none of them, nor does parsing and checking a file without
    errors (the driver reads it: Lark is imported to report a syntax error), nor a rule set
    read from the program cache."""
    cache = tmp_path / "cache"
    assert _imported("check", cache) == {"import": [], "check": []}
    _imported("load", cache)  # fills the cache
    assert _imported("load", cache) == {"import": [], "load": []}
