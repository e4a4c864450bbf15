"""Two versions of a standard side by side (issue 20.1): what changed, what it does to the
entities, as data, text, JSON and a section of the district report.

tests/diff/old.prl and new.prl differ in every way a revision can: a clause added, one
removed, clause text, reading, logic, weight and kind changed, a parameter's value, dates and
citation changed, a parameter added and one removed, a definition rewritten, and a layout
change that is not a change. Golden files pin the text and JSON (PROTRULES_UPDATE_GOLDEN=1).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import protrules
from protrules.cli.main import main
from protrules.facts.ledgers import load_ledgers
from protrules.programme.diff import ADDED, CHANGED, REMOVED, compare
from protrules.report.diff import diff_json, diff_markdown, diff_text
from tests import goldens

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).parent / "diff"
GOLDEN = Path(__file__).parent / "golden" / "diff"


@pytest.fixture(scope="module")
def versions() -> tuple[protrules.RuleSet, protrules.RuleSet]:
    return protrules.load_rules(HERE / "old.prl"), protrules.load_rules(HERE / "new.prl")


def test_clauses_are_matched_by_id_and_every_field_compared(
    versions: tuple[protrules.RuleSet, protrules.RuleSet],
) -> None:
    diff = compare(*versions)
    assert [(c.rule, c.change, tuple(f.field for f in c.fields)) for c in diff.clauses] == [
        ("1.1", CHANGED, ("clause", "note")),  # its logic is only laid out differently
        ("1.2", CHANGED, ("kind",)),
        ("1.3", REMOVED, ()),
        ("2.1", CHANGED, ("logic", "weight")),
        ("2.2", ADDED, ()),
    ]
    assert diff.unchanged == 0 and diff.impact is None
    logic = diff.clauses[3].fields[0]
    assert logic.lines() == [
        " for each s in staff where s.appointed in 评估期:",
        "+    require s.trained is set",
        "     require s.trained <= s.appointed + 培训期限",
    ]


def test_parameters_and_declarations(versions: tuple[protrules.RuleSet, protrules.RuleSet]) -> None:
    diff = compare(*versions)
    changes = {p.name: p for p in diff.parameters}
    assert {name: p.change for name, p in changes.items()} == {
        "会议次数": CHANGED, "培训期限": CHANGED, "新参数": ADDED, "旧参数": REMOVED,
    }  # fmt: skip
    assert changes["会议次数"].old == ((None, "2", "旧版 第1条"),)
    assert changes["会议次数"].new == ((None, "3", "新版 第1条"),)
    assert changes["培训期限"].new == (
        (dt.date(2023, 1, 1), "3 months", "新版 第2条"),
        (dt.date(2024, 1, 1), "1 month", "新版 第2条（修订）"),
    )
    assert [(d.kind, d.name, d.change) for d in diff.declarations] == [("define", "年内会议", CHANGED)]


def test_the_impact_lists_every_flip_and_every_entity_that_changes(
    versions: tuple[protrules.RuleSet, protrules.RuleSet],
) -> None:
    diff = compare(*versions, [HERE])
    impact = diff.impact
    assert impact is not None and impact.entities == 2 and impact.as_of == dt.date(2023, 12, 31)
    flips = {(f.entity, f.rule): (f.old, f.new) for f in impact.flips}
    assert flips == {
        ("a", "1.1"): ("pass", "fail"),
        ("a", "1.2"): ("fail", "pass"),  # the Saturday meeting without minutes no longer counts
        ("a", "2.2"): (None, "pass"),
        ("a", "1.3"): ("pass", None),
        ("b", "1.1"): ("pass", "fail"),
        ("b", "2.1"): ("unknown", "fail"),  # a missing training date now fails outright
        ("b", "2.2"): (None, "pass"),
        ("b", "1.3"): ("pass", None),
    }
    b = next(c for c in impact.changes if c.entity == "b")
    assert (b.old_status, b.new_status, b.old_position, b.new_position) == ("incomplete", "fails", 1, 2)


def test_a_version_compared_with_itself_differs_in_nothing() -> None:
    rules = protrules.load_rules(ROOT / "rules" / "changning_2023.prl")
    diff = compare(rules, rules, [ROOT / "examples" / "changning"])
    assert diff.empty and diff.unchanged == len(rules.rules)
    assert diff.impact is not None and diff.impact.entities == 10 and not diff.impact.flips


def test_text_and_json_goldens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the documents name the files as given: relative paths
    versions = protrules.load_rules("tests/diff/old.prl"), protrules.load_rules("tests/diff/new.prl")
    diff = compare(*versions, ["tests/diff"])
    goldens.compare(GOLDEN / "diff.txt", diff_text(diff))
    goldens.compare(GOLDEN / "diff.json", diff_json(diff))
    assert diff_text(compare(*versions, ["tests/diff"])) == diff_text(diff)  # byte-identical


def test_a_what_if_is_a_diff_of_a_standard_with_itself(capsys: pytest.CaptureFixture[str]) -> None:
    """--set on diff applies to the new version: OLD given twice shows what the published
    standard would do with other values."""
    rules = str(ROOT / "rules" / "example.prl")
    demo = str(ROOT / "examples" / "demo")
    assert main(["diff", rules, rules, demo, "--set", "每年会议次数=1", "-f", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "protrules-diff/1"
    assert data["parameters_set"] == {"每年会议次数": "1"}
    assert data["parameters_published"] == {"每年会议次数": "2"}
    assert [p["name"] for p in data["parameters"]] == ["每年会议次数"]
    assert {(f["entity"], f["rule"], f["old"], f["new"]) for f in data["impact"]["flips"]} >= {
        ("xingxing", "1.1.1", "fail", "pass")
    }
    assert main(["diff", rules, rules]) == 0
    assert "0 added, 0 removed, 0 changed" in capsys.readouterr().out


def test_the_command_line_refuses_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old, new = str(HERE / "old.prl"), str(HERE / "new.prl")
    assert main(["diff", old, str(tmp_path / "missing.prl")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["diff", old, new, str(tmp_path / "none.json")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["diff", old, new, "--set", "会议次=3"]) == 2
    assert "did you mean 会议次数?" in capsys.readouterr().err
    assert main(["diff", old, new, "-"]) == 2
    assert "standard input" in capsys.readouterr().err


def test_jobs_give_the_same_output(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["diff", str(HERE / "old.prl"), str(HERE / "new.prl"), str(HERE), "-f", "json"]
    main(args)
    serial = capsys.readouterr().out
    main([*args, "--jobs", "2"])
    assert capsys.readouterr().out == serial


def test_the_district_report_has_a_revision_section(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["report", str(HERE / "new.prl"), str(HERE), "--compare", str(HERE / "old.prl")]
    main([*args, "-f", "markdown"])  # in the locale's language: English
    markdown = capsys.readouterr().out
    assert "## Changes from 会议与培训（旧版） (2023)" in markdown
    assert "| 2.1 新任职培训 | changed | logic, weight |" in markdown
    assert "| 乙 (b) | incomplete → fails | 75.0% → 25.0% | #1 → #2 | - | 4 |" in markdown
    main(["--lang", "zh", *args, "-f", "markdown"])
    markdown = capsys.readouterr().out
    assert "## 修订比较（对照 会议与培训（旧版） (2023)）" in markdown
    assert "| 条款 | 变化 | 修改内容 |" in markdown
    assert "| 2.1 新任职培训 | 修改 | 规则、权重 |" in markdown
    assert "| 乙 (b) | 待定 → 不达标 | 75.0% → 25.0% | 第 1 名 → 第 2 名 | - | 4 |" in markdown
    main(["--lang", "zh", *args])
    html = capsys.readouterr().out
    assert '<section id="revision" class="revision">' in html and '<a href="#revision">' in html
    assert "<td>乙 (b)</td><td>待定 → 不达标</td>" in html
    assert "<th>条款</th><th>变化</th><th>修改内容</th>" in html
    main(["report", str(HERE / "new.prl"), str(HERE), "-f", "markdown"])
    assert "Changes from" not in capsys.readouterr().out


EXAMPLE = protrules.load_rules(ROOT / "rules" / "example.prl")
LEDGERS = list(load_ledgers([str(ROOT / "examples" / "demo")], EXAMPLE.fact_types))


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from(["每年会议次数", "最短开放时长"]).flatmap(
        lambda name: st.tuples(st.just(name), st.integers(0, 6).map(str))
    )
)
def test_the_impact_is_what_evaluating_both_gives(override: tuple[str, str]) -> None:
    """Every flip the diff reports is a verdict that differs when the two are evaluated
    directly, and every such verdict is reported."""
    name, value = override
    other = EXAMPLE.with_parameters({name: value})
    impact = compare(EXAMPLE, other, LEDGERS).impact
    assert impact is not None
    as_of = EXAMPLE.default_as_of()
    expected = set()
    for ledger in LEDGERS:
        before, after = EXAMPLE.evaluate(ledger, as_of), other.evaluate(ledger, as_of)
        expected |= {
            (ledger.id, r, before.verdicts[r], after.verdicts[r])
            for r in before.verdicts
            if before.verdicts[r] != after.verdicts[r]
        }
    assert {(f.entity, f.rule, f.old, f.new) for f in impact.flips} == expected


def test_markdown_section_escapes_table_cells(versions: tuple[protrules.RuleSet, protrules.RuleSet]) -> None:
    lines = diff_markdown(compare(*versions))
    assert lines[0] == "## Changes from 会议与培训（旧版） (2023)"
    assert all("\n" not in line for line in lines)
