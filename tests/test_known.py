"""An assessment as of a date knows only what had happened by then (docs/domain.md, “Time”).

The ledger is cut where facts enter an evaluation (``RuleSet.as_known_on``): records dated
after the as-of date are left out, later entries on a record are read as not yet made, and
``explain`` says what was left out.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import protrules
from protrules.cli.main import main
from protrules.facts.known import as_known_on
from protrules.facts.ledgers import load_ledger

ROOT = Path(__file__).resolve().parent.parent
CHANGNING = ROOT / "rules" / "changning_2023.prl"
EXAMPLES = ROOT / "examples" / "changning"

RULES = """\
standard "k":
    title: "k"
    assessment: 评估期

period 评估期 = 2023-04-01 .. 2024-03-31

fact staff "人员" known from appointed:
    name: text "姓名"
    appointed: date "任职日期"
    left: date? "离任日期" known from left

fact training "培训" known from date:
    person: staff "人员"
    date: date "日期"

fact venue "场所":
    name: text "名称"

area 1 "a":
    rule 1.1 "在岗人员均已培训":
        kind: assessed
        clause: "在岗人员均已培训。"
        for each 人 in staff where 人.left is missing:
            require exists(training as t where t.person = 人)
"""


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> protrules.RuleSet:
    path = tmp_path_factory.mktemp("k") / "k.prl"
    path.write_text(RULES, encoding="utf-8")
    return protrules.load_rules(path)


def ledger(rules: protrules.RuleSet) -> protrules.Ledger:
    from protrules.facts.ledgers import ledger_from_mapping

    data = {
        "entity": {"id": "s", "name": "某街道"},
        "facts": {
            "staff": [
                {"id": "P1", "name": "甲", "appointed": "2022-01-01", "left": "2023-12-31"},
                {"id": "P2", "name": "乙", "appointed": "2023-09-01"},
                {"id": "P3", "name": "丙", "appointed": "2023-12-01"},
            ],
            "training": [
                {"id": "T1", "person": "P2", "date": "2023-09-10"},
                {"id": "T2", "person": "P1", "date": "2023-11-20"},
            ],
            "venue": [{"id": "V1", "name": "未保站"}],
        },
        "judgements": [
            {"rule": "1.1", "verdict": "pass", "by": "评估组", "date": "2023-10-15"},
            {"rule": "1.1", "verdict": "fail", "by": "评估组", "date": "2024-03-20"},
        ],
    }
    return ledger_from_mapping(data, rules.fact_types)


def test_records_after_the_date_are_left_out_and_later_entries_not_yet_made(
    rules: protrules.RuleSet,
) -> None:
    original = ledger(rules)
    known, left = as_known_on(original, rules.fact_types, dt.date(2023, 11, 1))
    assert [f.id for f in known.facts["staff"]] == ["P1", "P2"]  # P3 appointed 2023-12-01
    assert [f.id for f in known.facts["training"]] == ["T1"]  # T2 held 2023-11-20
    assert [f.id for f in known.facts["venue"]] == ["V1"]  # a venue has no date: always known
    p1 = known.facts["staff"][0]
    assert "left" not in p1.values  # P1 leaves on 2023-12-31: not known on 2023-11-01
    assert "left" in original.facts["staff"][0].values  # the ledger itself is left alone
    assert [j.date for j in known.judgements] == [dt.date(2023, 10, 15)]
    assert left.records == (("staff", 1), ("training", 1))
    assert left.entries == (("staff", "left", 1),)
    assert left.judgements == 1
    assert left.text() == (
        "截至 known on 2023-11-01: left out 2 records dated after it (staff 1, training 1; e.g."
        " training:T2 (2023-11-20), staff:P3 (2023-12-01)); 1 later entry not yet made (staff.left 1);"
        " 1 judgement made after it"
    )


def test_a_reference_reads_the_record_as_it_stood(rules: protrules.RuleSet) -> None:
    # T2 refers to P1; on 2023-11-25 T2 is known and P1 has not left yet, through the reference too
    known, _ = as_known_on(ledger(rules), rules.fact_types, dt.date(2023, 11, 25))
    t2 = next(f for f in known.facts["training"] if f.id == "T2")
    assert t2.values["person"] is known.facts["staff"][0]
    assert "left" not in t2.values["person"].values


def test_nothing_after_the_date_keeps_the_ledger_itself(rules: protrules.RuleSet) -> None:
    original = ledger(rules)
    known, left = as_known_on(original, rules.fact_types, dt.date(2024, 3, 31))
    assert known is original and not left
    assert left.text() == "截至 known on 2024-03-31: every record is dated on or before it"


def test_verdicts_are_those_of_the_day(rules: protrules.RuleSet) -> None:
    original = ledger(rules)
    # On 2023-11-01: P1 and P2 in post, P2 trained, P1 not yet; judged pass on 2023-10-15.
    early = rules.evaluate(original, dt.date(2023, 11, 1)).result("1.1")
    assert early is not None and early.verdict == "fail"
    assert "P1" in early.reason
    # On 2024-03-31: P1 has left, P3 (appointed 2023-12-01) has no training; judged fail.
    late = rules.evaluate(original, dt.date(2024, 3, 31)).result("1.1")
    assert late is not None and late.verdict == "fail" and "P3" in late.reason
    # evaluating twice on one date sees the same facts: equal results
    assert rules.evaluate(original, dt.date(2023, 11, 1)) == rules.evaluate(original, dt.date(2023, 11, 1))


# ------------------------------------------------------------------ the Changning examples


@pytest.fixture(scope="module")
def changning() -> protrules.RuleSet:
    return protrules.load_rules(CHANGNING)


def test_every_dated_changning_fact_type_says_when_it_is_known(changning: protrules.RuleSet) -> None:
    timeless = {name for name, ft in changning.fact_types.items() if ft.known_from is None}
    assert timeless == {"residential_area", "venue", "tutoring_institution"}


def test_jiangsu_week_46_is_open_on_2023_11_01(changning: protrules.RuleSet) -> None:
    # The week 2023-11-13..11-19 is judged on its own sessions only once they have happened.
    jiangsu = load_ledger(EXAMPLES / "jiangsu.json", changning.fact_types)
    result = changning.evaluate(jiangsu, dt.date(2023, 11, 1)).result("9.2.1")
    assert result is not None
    week = [c for c in result.checks if any("2023-W46" in part for part in c.context)]
    assert week and {c.verdict for c in week} == {"pending"}
    assert changning.evaluate(jiangsu).result("9.2.1").verdict == "fail"  # type: ignore[union-attr]


def test_huayang_2024_q1_is_not_passed_on_2023_11_01(changning: protrules.RuleSet) -> None:
    huayang = load_ledger(EXAMPLES / "huayang.json", changning.fact_types)
    result = changning.evaluate(huayang, dt.date(2023, 11, 1)).result("4.1.1")
    assert result is not None and result.verdict == "pending"
    quarter = [c for c in result.checks if c.context == ("季度 = 2024-Q1",)]
    assert [c.verdict for c in quarter] == ["pending"]


def test_explain_says_what_was_left_out(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    args = ["explain", "rules/changning_2023.prl", "examples/changning/huayang.json", "4.1.1"]
    assert main([*args, "--as-of", "2023-11-01"]) == 1  # 4.1.1 is not passed (yet)
    header = capsys.readouterr().out.splitlines()
    assert header[0].startswith("Fictional example data: 华阳路街道")  # the example says so first
    assert header[1].startswith("截至 known on 2023-11-01: left out ")
    assert main([*args, "--as-of", "2023-11-01", "--format", "json"]) == 1
    left = json.loads(capsys.readouterr().out)["left_out"]
    assert left["as_of"] == "2023-11-01" and left["records"]["activity"] > 0
    # once every record is made (the district's programme records run into May 2024) nothing is
    # left out: no such line
    assert main([*args, "--as-of", "2024-06-30"]) == 0
    assert "截至" not in capsys.readouterr().out
