"""The linter: case files under tests/cases/lint/ list the warnings they expect in a leading
comment block (``# expect: PRL701 12``, one per line, or ``# expect: nothing``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import protrules
from protrules.authoring.lint import CODES, lint
from protrules.language.diagnostics import Diagnostic, Source

ROOT = Path(__file__).resolve().parent.parent
LINT_CASES = sorted((ROOT / "tests" / "cases" / "lint").glob("*.prl"))
EXPECT = re.compile(r"#\s*expect:\s*(?:(PRL\d{3})\s+(\d+)|nothing)\s*$")


def _expected(text: str) -> list[tuple[str, int]] | None:
    """The expectations of the leading comment block (None if it has none)."""
    found: list[tuple[str, int]] = []
    seen = False
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = EXPECT.match(line)
        if match:
            seen = True
            if match.group(1):
                found.append((match.group(1), int(match.group(2))))
    return found if seen else None


def _lint_file(path: Path) -> tuple[list[Diagnostic], protrules.Program]:
    text = path.read_text(encoding="utf-8")
    source = Source(str(path), text)
    program = protrules.check(protrules.parse(text, str(path)), source)
    return lint(program), program


@pytest.mark.parametrize("path", LINT_CASES, ids=[p.stem for p in LINT_CASES])
def test_lint_case(path: Path) -> None:
    wanted = _expected(path.read_text(encoding="utf-8"))
    assert wanted is not None, f"{path.name} has no `# expect:` lines"
    found, _ = _lint_file(path)
    got = [(d.code, d.span.line if d.span else 0) for d in found]
    assert sorted(got) == sorted(wanted), "\n".join(f"{d.code} {d.span}: {d.message}" for d in found)
    assert found == sorted(found, key=Diagnostic.sort_key)
    assert all(d.severity == "warning" and d.code in CODES and d.span is not None for d in found)


def test_every_code_has_a_case() -> None:
    covered = {code for path in LINT_CASES for code, _ in _expected(path.read_text(encoding="utf-8")) or ()}
    assert covered == set(CODES)


def test_the_module_is_optional() -> None:
    path = ROOT / "tests" / "cases" / "lint" / "unused.prl"
    text = path.read_text(encoding="utf-8")
    module = protrules.parse(text, str(path))
    program = protrules.check(module, Source(str(path), text))
    assert lint(program) == lint(program, module)


def test_a_program_without_source_text() -> None:
    """Checked from a tree alone there are no declaration positions; lint still runs."""
    path = ROOT / "tests" / "cases" / "lint" / "constants.prl"
    program = protrules.check(protrules.parse(path.read_text(encoding="utf-8")))
    codes = {d.code for d in lint(program)}
    assert {"PRL711", "PRL712", "PRL713"} <= codes
    assert not codes & {"PRL704", "PRL705", "PRL706"}  # where names were written is unknown


# The example uses every construct on purpose, so it keeps findings; each is justified:
EXAMPLE_FINDINGS = [
    # 姓名 and 儿童代号 identify people in evidence; no rule needs to read them.
    ("PRL702", 40),
    ("PRL702", 57),
    # 3.2.2 and 3.3.1 exercise `>= 0` counts, calendar arithmetic and `for each month of (a .. b)`
    # on constants, to show (and test) how those expressions evaluate.
    ("PRL711", 158),
    ("PRL711", 159),
    ("PRL711", 165),
    ("PRL711", 169),
    ("PRL711", 170),
]


def test_example_lints_with_its_known_findings() -> None:
    """The raw findings; the file allows each with a reason (test_lint_suppress.py)."""
    found, _ = _lint_file(ROOT / "rules" / "example.prl")
    assert [(d.code, d.span.line if d.span else 0) for d in found] == EXAMPLE_FINDINGS


CHANGNING = ROOT / "rules" / "changning_2023.prl"


@pytest.mark.skipif(not CHANGNING.exists(), reason="rules/changning_2023.prl is not written yet")
def test_changning_has_no_findings_beyond_unused_declarations() -> None:
    """Unused fields and dates document the ledger and the programme; anything else — a
    requirement that cannot fail, a clause quoted twice, a weight that is never counted, a
    date the calendar cannot answer for — is a mistake in the standard's encoding."""
    found, _ = _lint_file(CHANGNING)
    serious = [f"{d.code} {d.span}: {d.message}" for d in found if not d.code.startswith("PRL70")]
    assert serious == []


def test_a_finding_quotes_keywords_as_the_file_writes_them() -> None:
    """The same rule file in the Chinese dialect: a loop whose `where` keeps no unit is told to
    check its `满足`, in either language of the messages."""
    from protrules.language.diagnostics import Source
    from protrules.language.formatter import format_source

    text = (ROOT / "tests" / "cases" / "lint" / "constants.prl").read_text(encoding="utf-8")
    for source, where in ((text, "`where`"), (format_source(text, dialect="zh"), "`满足`")):
        program = protrules.check(protrules.parse(source, "c.prl"), Source("c.prl", source))
        hints = {d.hint_text("en") for d in lint(program) if d.code == "PRL713"}
        assert f"check the {where}" in hints
        assert f"检查 {where} 条件" in {d.hint_text("zh") for d in lint(program) if d.code == "PRL713"}
