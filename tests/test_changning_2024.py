"""The illustrative 2024 revision of the Changning standard (issue 20.3) stays what it claims
to be: the 2023 file with exactly the changes examples/changning_2024/README.md lists.

It is written by examples/changning_2024/revise.py from rules/changning_2023.prl, so it follows
every other change of that file; these tests fail when the 2023 file has moved on and the
revision has not been written again (run the script), or when the revision's changes differ
from those documented."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

import protrules
from protrules.facts.ledgers import load_ledger
from protrules.language.formatter import format_source
from protrules.programme.diff import ADDED, CHANGED, REMOVED, compare
from protrules.testing import prltest

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "examples" / "changning_2024"
REVISION = FOLDER / "changning_2024.prl"
DISTRICT = ROOT / "examples" / "changning" / "_district.json"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("revise", FOLDER / "revise.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def versions() -> tuple[protrules.RuleSet, protrules.RuleSet]:
    return protrules.load_rules(ROOT / "rules" / "changning_2023.prl"), protrules.load_rules(REVISION)


def test_the_revision_is_written_from_the_current_2023_file() -> None:
    revise = _script()
    wanted = revise.revise((ROOT / "rules" / "changning_2023.prl").read_text(encoding="utf-8"))
    assert REVISION.read_text(encoding="utf-8") == wanted, (
        "rules/changning_2023.prl has changed: run `python examples/changning_2024/revise.py`"
    )


def test_it_differs_from_2023_in_the_documented_changes_only(
    versions: tuple[protrules.RuleSet, protrules.RuleSet],
) -> None:
    diff = compare(*versions)
    assert [(c.rule, c.change, tuple(f.field for f in c.fields)) for c in diff.clauses] == [
        ("5.4.1", REMOVED, ()),
        ("7.3.1", CHANGED, ("title", "clause", "note")),
        ("10.2.1", CHANGED, ("clause", "note")),
        ("10.2.3", ADDED, ()),
    ]
    assert [(p.name, p.change, p.old[0][1] if p.old else None, p.new[0][1]) for p in diff.parameters] == [
        ("康复救助年龄", CHANGED, "10", "14"),
        ("儿童社会工作课程占比", CHANGED, "50%", "60%"),
        ("每半年培训人次", ADDED, None, "4"),
        ("网吧检查节点读法", CHANGED, '"每个节假日"', '"寒暑假和长假"'),
    ]
    assert diff.declarations == ()
    assert diff.unchanged == len(versions[0].rules) - 3


def test_every_change_is_marked_illustrative() -> None:
    text = REVISION.read_text(encoding="utf-8")
    assert text.count("示例修订（illustrative）") >= 10
    assert versions_title(text).endswith("（2024年修订稿·示例）")


def versions_title(text: str) -> str:
    line = next(x for x in text.splitlines() if x.startswith("    title: "))
    return line.split('"')[1]


def test_its_impact_on_the_ten_streets(versions: tuple[protrules.RuleSet, protrules.RuleSet]) -> None:
    # as of 2024-05-31: after the 2023 programme named its streets (review, publicity, naming)
    old, new = (v.with_district(load_ledger(DISTRICT, v.fact_types)) for v in versions)
    impact = compare(old, new, [ROOT / "examples" / "changning"], as_of=dt.date(2024, 5, 31)).impact
    assert impact is not None
    assert [name for _, name in impact.old_named] == ["华阳路街道", "新华路街道", "新泾镇"]
    assert [name for _, name in impact.new_named] == ["华阳路街道"]
    flips = {(f.entity, f.rule): (f.old, f.new) for f in impact.flips}
    assert flips[("jiangsu", "10.2.1")] == ("pass", "fail")  # a 55% training
    assert flips[("chengjiaqiao", "6.1.1")] == ("fail", "pass")  # the other reading of 6.1.1
    short = {entity for (entity, rule), (_, new) in flips.items() if rule == "10.2.3" and new == "fail"}
    assert short == {"xianxia", "xinhua", "xinjing"}  # 3, 3 and 2 trainings in 2023's second half


def test_it_is_formatted_and_its_own_tests_pass(
    versions: tuple[protrules.RuleSet, protrules.RuleSet],
) -> None:
    text = REVISION.read_text(encoding="utf-8")
    assert format_source(text, str(REVISION)) == text
    run = prltest.run_tests(versions[1], prltest.tests_from_program(versions[1].program, REVISION))
    assert (run.passed, run.failed) == (4, 0)
