"""The program cache runs no code it did not write: planted, tampered and foreign entries are
ignored, and a folder others can write is refused (compiling/cache.py's threat model). A rule
set read from it runs the generated code it keeps, installed without writing or compiling, and
gives the results of a rule set compiled afresh."""

from __future__ import annotations

import copy
import os
import pickle
import warnings
from pathlib import Path

import attrs
import pytest

import protrules
from protrules.checking import ir
from protrules.compiling import cache
from protrules.facts import model
from protrules.facts.ledgers import load_ledger
from protrules.pickling import pickle_by_fields

RULES = Path(__file__).resolve().parent.parent / "rules" / "example.prl"


class _Payload:
    """Unpickling this creates a marker file: proof that the cache ran foreign code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.write_text, (self.marker, "ran"))


def _entry(folder: Path) -> Path:
    return folder / f"{cache.key(RULES.read_bytes())}.program"


def _load(folder: Path) -> protrules.RuleSet:
    os.environ["PROTRULES_CACHE"] = str(folder)
    try:
        return protrules.load_rules(RULES, cache=True)
    finally:
        del os.environ["PROTRULES_CACHE"]


def test_an_entry_is_written_and_read_back(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first = _load(folder)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "key").stat().st_mode & 0o777 == 0o600
    assert _entry(folder).exists()
    entry = cache.load_cached(RULES.read_bytes(), folder)
    assert entry is not None and entry.program.id == first.id
    assert len(entry.functions) == len(entry.program.rules)
    assert all(set(kept) == set(cache.KEPT) for kept in entry.functions)


def test_a_planted_pickle_never_runs(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _load(folder)  # the folder and its key exist: only the entry is forged
    marker = tmp_path / "marker"
    forged = pickle.dumps(_Payload(marker))
    for raw in (
        cache._MAGIC + forged,  # the old format: magic, then the pickle
        cache._MAGIC + b"\0" * cache._TAG + forged,  # a guessed tag
        b"protrules-program-2\n" + forged,
    ):
        _entry(folder).write_bytes(raw)
        rules = _load(folder)
        assert not marker.exists()
        assert rules.title  # parsed and checked again instead
        assert cache.load_cached(RULES.read_bytes(), folder) is not None  # and written again


def test_a_tampered_entry_is_recompiled(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _load(folder)
    raw = bytearray(_entry(folder).read_bytes())
    raw[-10] ^= 1
    _entry(folder).write_bytes(bytes(raw))
    assert cache.load_cached(RULES.read_bytes(), folder) is None
    _load(folder)
    assert cache.load_cached(RULES.read_bytes(), folder) is not None


def test_an_entry_from_another_key_does_not_verify(tmp_path: Path) -> None:
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    _load(mine)
    _load(theirs)
    _entry(mine).write_bytes(_entry(theirs).read_bytes())
    assert cache.load_cached(RULES.read_bytes(), mine) is None


def test_a_folder_others_can_write_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _load(folder)
    marker = tmp_path / "marker"
    folder.chmod(0o777)
    _entry(folder).write_bytes(b"anything")
    with pytest.warns(cache.CacheWarning, match="others can write it"):
        rules = _load(folder)
    assert rules.title and not marker.exists()
    assert _entry(folder).read_bytes() == b"anything"  # neither read nor written


def test_a_key_others_can_read_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _load(folder)
    (folder / "key").chmod(0o644)
    with pytest.warns(cache.CacheWarning, match="the cache key has mode 0644"):
        assert cache.load_cached(RULES.read_bytes(), folder) is None


def test_a_folder_of_another_user_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    _load(folder)
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(folder).st_uid + 1)
    with pytest.warns(cache.CacheWarning, match="is owned by user"):
        assert cache.load_cached(RULES.read_bytes(), folder) is None


def test_a_linked_key_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _load(folder)
    elsewhere = tmp_path / "elsewhere"
    (folder / "key").rename(elsewhere)
    (folder / "key").symlink_to(elsewhere)
    assert cache.load_cached(RULES.read_bytes(), folder) is None


CHANGNING = Path(__file__).resolve().parent.parent / "rules" / "changning_2023.prl"
STREETS = sorted((CHANGNING.parent.parent / "examples" / "changning").glob("*.json"))


def _changning(folder: Path) -> protrules.RuleSet:
    os.environ["PROTRULES_CACHE"] = str(folder)
    try:
        return protrules.load_rules(CHANGNING, cache=True)
    finally:
        del os.environ["PROTRULES_CACHE"]


def _installed(rules: protrules.RuleSet) -> dict[str, int]:
    """How many functions of each kind a rule set installed from the cache (not written)."""
    found: dict[str, int] = {}
    for compiled in rules._rules:
        for kind, function in compiled.written.items():
            if function is not None and function.text is None:
                found[kind] = found.get(kind, 0) + 1
    return found


def test_cached_code_runs_and_gives_the_results_of_fresh_code(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _changning(folder)  # fills the entry
    cached, fresh = _changning(folder), protrules.load_rules(CHANGNING)
    assert not any(compiled.written for compiled in cached._rules)  # nothing installed yet
    for path in STREETS:
        ledger = load_ledger(path, fresh.fact_types)
        for checks in (False, True):
            assert cached.evaluate(ledger, checks=checks) == fresh.evaluate(ledger, checks=checks)
    installed = _installed(cached)
    rules = len(cached.rules)
    assert installed["tally"] == installed["checks"] == rules  # none written: all from the entry
    assert 0 < installed.get("exact", 0) < rules  # the rules with missing data fell back to it
    assert sum(c.fallbacks["tally"] for c in cached._rules) == sum(c.fallbacks["tally"] for c in fresh._rules)
    # the code read is the code that runs
    rule = cached.rules[0].id
    for checks in (False, True):
        assert cached.generated_source(rule, checks=checks) == fresh.generated_source(rule, checks=checks)


def test_a_selection_key_is_its_node_in_this_process(tmp_path: Path) -> None:
    """A selection shared by the code for definite values and the exact code is kept in the
    entity's context under its node's id: installed code gets the ids of this process's nodes."""
    folder = tmp_path / "cache"
    _changning(folder)
    cached = _changning(folder)
    seen = 0
    for compiled in cached._rules:
        for kind in cache.KEPT:
            if compiled.function(kind) is None:
                continue
            function = compiled.written[kind]
            assert function is not None and function.text is None
            for name in function.keys:
                assert function.run.__globals__[name] == id(function.data[name])
                seen += 1
    assert seen  # the Changning rules share selections


def test_code_that_does_not_load_is_written_again(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    data = CHANGNING.read_bytes()
    program = protrules.load_rules(CHANGNING).program
    broken = tuple({"tally": (b"not marshal", {}, ()), "checks": None} for _ in program.rules)
    _changning(folder)  # the folder and key
    cache.store(data, program, folder, functions=lambda: broken)  # signed, so it verifies
    rules, fresh = _changning(folder), protrules.load_rules(CHANGNING)
    ledger = load_ledger(STREETS[0], fresh.fact_types)
    assert rules.evaluate(ledger, checks=False) == fresh.evaluate(ledger, checks=False)
    assert "tally" not in _installed(rules)  # written, not installed
    assert rules.evaluate(ledger) == fresh.evaluate(ledger)  # "checks": None, the exact code ran
    assert all(compiled.written["checks"] is None for compiled in rules._rules)


def test_the_key_covers_python_and_protrules_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """Marshalled code is read only by the Python that wrote it, and generated code only by the
    protrules that wrote it: another bytecode magic number or other source files, another entry."""
    data = RULES.read_bytes()
    before = cache.key(data)
    monkeypatch.setattr(cache, "MAGIC_NUMBER", b"\0\0\r\n")
    assert cache.key(data) != before
    monkeypatch.undo()
    monkeypatch.setattr(cache, "_sources", lambda: b"an edited protrules")
    assert cache.key(data) != before


def test_the_key_covers_every_source_file_and_the_grammar() -> None:
    """The grammar (a .lark file) and the modules the Chinese grammar and names are made from
    are in the key by size and modification time, as the sources are: an edit, a new entry."""
    package = Path(cache.__file__).resolve().parent.parent
    covered = {line.rsplit(" ", 2)[0] for line in cache._sources().decode().splitlines()}
    for part in ("language/grammar/prl.lark", "language/dialects.py", "compiling/codegen.py"):
        assert str(package / part) in covered
    assert not any("__pycache__" in path or path.endswith(".pyc") for path in covered)


def _signed(folder: Path, payload: bytes) -> None:
    """Write the example's entry as this user's protrules would sign it, holding ``payload``."""
    name = _entry(folder).name
    secret = (folder / "key").read_bytes()
    _entry(folder).write_bytes(cache._MAGIC + cache._tag(secret, name, payload) + payload)


class _Gone:
    """A class pickled under a name protrules no longer has (an IR class renamed or removed)."""


def test_a_stale_or_corrupt_entry_is_rebuilt_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An authentic entry that no longer reads — a class it names is gone, it is cut short, it
    holds something else, its functions do not match its rules — is parsed, checked and written
    again: no traceback, no warning."""
    folder = tmp_path / "cache"
    good = _load(folder)
    monkeypatch.setattr(_Gone, "__module__", "protrules.checking.ir")
    monkeypatch.setattr(ir, "_Gone", _Gone, raising=False)
    stale = pickle.dumps((_Gone(), ()))
    monkeypatch.undo()  # and now protrules has no such class
    whole = _entry(folder).read_bytes()[len(cache._MAGIC) + cache._TAG :]
    for payload in (
        stale,
        whole[: len(whole) // 2],
        pickle.dumps("a program"),
        pickle.dumps((good.program, ({},))),
        b"",
    ):
        _signed(folder, payload)
        assert cache.load_cached(RULES.read_bytes(), folder) is None
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            rules = _load(folder)
        assert rules.program.id == good.program.id
        entry = cache.load_cached(RULES.read_bytes(), folder)
        assert entry is not None and len(entry.functions) == len(entry.program.rules)  # written again


def test_a_constant_that_does_not_pickle_keeps_the_program(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    rules = _load(folder)
    unpicklable = tuple({"tally": (b"", {"x": lambda: None}, ())} for _ in rules.program.rules)
    cache.store(RULES.read_bytes(), rules.program, folder, functions=lambda: unpicklable)
    entry = cache.load_cached(RULES.read_bytes(), folder)
    assert entry is not None and entry.program.id == rules.program.id
    assert all(kept == {} for kept in entry.functions)  # the code is written when it first runs


def test_program_nodes_pickle_as_one_call_of_their_own_class() -> None:
    """Every attrs class of the checked program and the fact model pickles by its fields
    (protrules.pickling): what unpickles is equal, of the same class, its spans and texts (not
    compared by ==) kept; a subclass not set up is refused, never restored as its parent."""
    module, source = protrules.parse_file(RULES)
    program = protrules.check(module, source)
    again = pickle.loads(pickle.dumps(program, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == program and again is not program
    seen = 0
    for before, after in zip(program.rules, again.rules, strict=True):
        assert (after.span, after.title) == (before.span, before.title)
        assert [type(s) for s in after.body] == [type(s) for s in before.body]
        assert [(s.text, s.span) for s in after.body] == [(s.text, s.span) for s in before.body]
        seen += len(after.body)
    assert seen > 10
    assert ir.Ref.__reduce__ is not object.__reduce__ and model.Type.__reduce__ is not object.__reduce__
    assert ir.TestDef.__reduce__ is object.__reduce__  # a keyword-only field: attrs' pickling
    assert pickle.loads(pickle.dumps(program.tests)) == program.tests
    assert copy.deepcopy(program.rules[0]) == program.rules[0]

    @pickle_by_fields
    @attrs.frozen
    class Parent:
        one: int

    @attrs.frozen
    class Child(Parent):
        two: int

    with pytest.raises(TypeError, match="not set up"):
        pickle.dumps(Child(1, 2))
