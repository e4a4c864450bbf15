"""Reasons in plain words (issue 17 item 2): worded from the checked program and the findings, in
Chinese and English, for every verdict of the ten Changning streets (goldens), with the author's
form kept beside them and the findings kept as language-neutral data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import protrules
from protrules.evaluation.findings import Compared, Missing, NotJudged
from protrules.evaluation.results import EntityResult
from protrules.facts.ledgers import load_ledger
from protrules.i18n import msg
from protrules.report import render
from protrules.report.reasons import finding_words, reason_words
from tests.goldens import compare

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "reasons"
STREETS = sorted((ROOT / "examples" / "changning").glob("*.json"))


@pytest.fixture(scope="module")
def changning() -> tuple[protrules.RuleSet, list[EntityResult]]:
    rules = protrules.load_rules(ROOT / "rules" / "changning_2023.prl")
    results = [rules.evaluate(load_ledger(path, rules.program.fact_types)) for path in STREETS]
    return rules, results


def _reasons(rules: protrules.RuleSet, results: list[EntityResult], lang: str) -> str:
    lines = []
    for result in results:
        for rule in result.results:
            if rule.verdict != "pass":
                words = reason_words(rule.why, rules.program, lang)
                lines.append(f"{result.entity} {rule.rule} {rule.verdict}: {words}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_reasons_of_the_changning_streets_in_words(
    changning: tuple[protrules.RuleSet, list[EntityResult]], lang: str
) -> None:
    rules, results = changning
    compare(GOLDEN / f"changning.{lang}.txt", _reasons(rules, results, lang))


Changning = tuple[protrules.RuleSet, list[EntityResult]]


def test_a_count_reads_as_an_official_writes_it(changning: Changning) -> None:
    rules, results = changning
    hongqiao = next(r for r in results if r.entity == "hongqiao")
    meetings = hongqiao.result("2.1.3")
    assert meetings is not None and isinstance(meetings.why.finding, Compared)
    zh = reason_words(meetings.why, rules.program, "zh")
    assert zh.startswith("2023年：未成年人保护工作会议（会议类型为“协调会议”、“专题会议”之一")
    assert zh.endswith("1次，要求至少2次（截至2023年12月31日）")
    en = reason_words(meetings.why, rules.program, "en")
    assert en.endswith(": 1 time, required at least 2 times (by 2023-12-31)")
    # the author's form is unchanged, and the data says the same in neither language
    assert meetings.reason.startswith("年 = 2023: count(meeting where")
    data = meetings.why.data()
    assert data["kind"] == "requirement" and data["measure"] == "count" and data["of"] == "meeting"
    assert (data["found"], data["op"], data["required"], data["due"]) == (1, ">=", 2, "2023-12-31")
    assert data["context"] == [
        {"name": "年", "unit": "year", "label": "2023", "start": "2023-01-01", "end": "2023-12-31"}
    ]


def test_deadlines_passes_and_missing_ledgers_in_words(
    changning: tuple[protrules.RuleSet, list[EntityResult]],
) -> None:
    rules, results = changning
    by = {r.entity: r for r in results}
    reply = by["xianxia"].result("8.3.1")
    assert reply is not None
    assert reason_words(reply.why, rules.program, "zh") == (
        "监督建议RC002：未见书面回复（建议为监督建议RC002、书面回复日期在监督建议RC002的提出日期后1个月内）"
        "（截至2023年11月16日）"
    )
    weekly = by["jiangsu"].result("9.2.1")
    assert weekly is not None
    weekly_words = reason_words(weekly.why, rules.program, "zh")
    assert weekly_words.startswith("场所V002、2023年第46周（11月13日至19日）：")
    missing = next(
        r for e in results for r in e.results
        if isinstance(r.why.finding, Missing) and not r.why.context and r.reason.startswith("no data on ")
    )  # fmt: skip
    fact_type = missing.reason.removeprefix("no data on ")
    title = (rules.program.fact_types[fact_type].title or "").split("（")[0]
    assert reason_words(missing.why, rules.program, "zh") == f"台账中没有{title}"
    assert reason_words(missing.why, rules.program, "en") == f"no data on {fact_type.replace('_', ' ')}"
    veto = next(r.result("N.1") for r in results if r.entity == "chengjiaqiao")
    assert veto is not None and veto.verdict == "fail"
    assert reason_words(veto.why, rules.program, "zh").startswith("发现N.1（")
    assert reason_words(veto.why, rules.program, "zh").endswith("（不得有）（截至2024年3月31日）")


def test_a_result_read_back_from_json_keeps_the_data_and_a_pickled_one_the_words(
    changning: tuple[protrules.RuleSet, list[EntityResult]],
) -> None:
    import pickle

    rules, results = changning
    document = json.loads(render.report_json(rules.program, results, dt.date(2024, 3, 31)))
    rule = next(r for r in document["entities"][2]["rules"] if r["id"] == "2.1.3")
    assert rule["why"]["kind"] == "requirement" and rule["checks"][0]["finding"]["kind"] == "requirement"
    again = pickle.loads(pickle.dumps(results[2]))
    for before, after in zip(results[2].results, again.results, strict=True):
        assert after.why.data() == before.why.data()
        assert reason_words(after.why, rules.program, "zh") == reason_words(before.why, rules.program, "zh")


def test_findings_without_a_program_still_read() -> None:
    assert finding_words(NotJudged(), None, "zh") == "尚无评估组的评定"
    assert finding_words(NotJudged(), None, "en") == "no assessor's judgement recorded"
    assert finding_words(Missing(msg("division by zero")), None, "zh") == "除数为零"


def test_a_fact_of_the_evidence_reads_with_the_rule_files_titles_in_chinese() -> None:
    """Explain's and the report's evidence lines: in Chinese the declared titles and the values
    as an official writes them; in English the ledger's own names, as before."""
    from protrules.report.reasons import fact_words

    rules = protrules.load_rules(ROOT / "rules" / "example.prl")
    ledger = load_ledger(ROOT / "examples" / "demo" / "xingxing.json", rules.fact_types)
    meeting = next(f for f in ledger.facts["meeting"] if f.id == "M1")
    assert fact_words(meeting, rules.program, "zh") == (
        "会议 M1：召开日期 2023年5月12日，会议类型 “协调会议”，是否形成纪要 是"
    )
    english = "meeting M1: date 2023-05-12, kind 协调会议, minutes true"
    assert fact_words(meeting, rules.program, "en") == english
    assert render.fact_line(meeting) == fact_words(meeting)
