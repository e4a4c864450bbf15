"""Inputs that once escaped as Python's own exceptions (issue 15): each now gives protrules'
error or its answer."""

from __future__ import annotations

import datetime as dt

import protrules
from protrules.evaluation.reference import decided, evaluate_reference
from protrules.facts.ledgers import ledger_from_mapping

AS_OF = dt.date(2024, 3, 31)

NUL = """standard "q\x00":
    title: "q\x00"
    assessment: 评估期
period 评估期 "期\x00" = 2023-04-01 .. 2024-03-31
fact meeting "会议\x00":
    date: date "日期"
    kind: enum("a\x00b", "c") "类型\x00"
    note: text "备注"
area 1 "a\x00":
    rule 1.1 "r\x00":
        clause: "c\x00"
        note: "\x00"
        require count(meeting where meeting.kind = "a\x00b" and meeting.note != "\x00\x00") >= 1
        require every(meeting, meeting.note = "x\x00y")
"""


def test_a_nul_in_texts_of_the_rule_file_reaches_no_python_file_name_or_source() -> None:
    """A condition's text once named the code compiled for it: a NUL inside a `where` string
    raised ``ValueError: embedded null character`` at the first evaluation. Generated code is
    named by rule id and kind only, and takes the file's constants by reference."""
    program = protrules.check(protrules.parse(NUL, "nul.prl"), protrules.Source("nul.prl", NUL))
    rules = protrules.compile(program)
    meeting = {"id": "M\x001", "date": "2023-05-01", "kind": "a\x00b", "note": "x\x00y"}
    ledger = ledger_from_mapping(
        {"entity": {"id": "e", "name": "街道\x00"}, "facts": {"meeting": [meeting]}}, rules.fact_types
    )
    for _ in range(40):  # past the 32 evaluations after which code was once first generated
        result = rules.evaluate(ledger, AS_OF)
    assert result.verdicts == {"1.1": "pass"}
    assert decided(result) == evaluate_reference(rules.program, ledger, AS_OF)
    assert rules.explain(ledger, as_of=AS_OF)[0].verdict == "pass"
    source = rules.generated_source("1.1", checks=True)
    assert source is not None and "\x00" not in source


# ---------------------------------------------------------------- found by the program generator

FOUND = """standard "found":
    title: "found"
    assessment: 评估期
period 评估期 = 2023-04-01 .. 2024-03-31
fact x "记录":
    date: date "日期"
    n: integer? "数"
area 1 "a":
    rule 1.1 "r":
        clause: "c"
"""


def _everywhere(body: str, records: list[dict[str, object]], as_of: dt.date) -> tuple[object, ...]:
    """The rule's (verdict, due, evidence) on every backend, which must agree."""
    text = FOUND + body
    program = protrules.check(protrules.parse(text, "found.prl"), protrules.Source("found.prl", text))
    rules, exact = protrules.compile(program), protrules.compile(program, generate=False)
    document = {"entity": {"id": "e", "name": "e"}, "facts": {"x": records}}
    ledger = ledger_from_mapping(document, rules.fact_types)
    full = rules.evaluate(ledger, as_of)
    assert decided(full) == evaluate_reference(program, ledger, as_of)
    assert decided(exact.evaluate(ledger, as_of)) == decided(full)
    assert decided(rules.evaluate(ledger, as_of, checks=False)) == decided(full)
    assert [r.verdict for r in rules.explain(ledger, as_of=as_of)] == [r.verdict for r in full.results]
    return decided(full)["1.1"]


def test_a_date_moved_before_year_one_is_unknown() -> None:
    """`0001-01-01 - 1 month` raised dateutil's ``ValueError: year 0 is out of range``."""
    verdict = _everywhere("        require true by (0001-01-01 - 1 month)\n", [], AS_OF)
    assert verdict == ("pass", None, ())
    unknown = _everywhere("        require 0001-01-01 - 1 month < 2023-01-01\n", [], AS_OF)
    assert unknown[0] == "unknown"


def test_advice_that_asks_about_an_unpublished_year_never_decides_the_verdict() -> None:
    """`advise` is reported and never changes the verdict: its question about year 1 made the
    whole rule unknown with checks (and on the reference interpreter), fail without them."""
    body = "        require false\n        advise deadline(0001-01-01, 2 weeks) > 2023-01-01\n"
    assert _everywhere(body, [], AS_OF) == ("fail", None, ())


def test_a_requirement_comparing_an_unknown_value_names_the_facts_it_read() -> None:
    """Both sides of a requirement's comparison are read (its reason shows both): the reference
    interpreter stopped at an unknown left side and left the right side's facts out."""
    body = "        for each f in x:\n            require f.n >= count(x)\n"
    assert _everywhere(body, [{"id": "x0", "date": "2023-10-01"}], AS_OF) == ("unknown", None, ("x:x0",))



def test_a_period_with_an_unknown_start_names_the_facts_its_end_read() -> None:
    """Both ends of a period are read: the reference interpreter stopped at an unknown start
    (a date that is no date) and left the facts its end rests on out of the evidence."""
    body = (
        "        require overlaps((date(2023, 2, 29) .. default(min(x, x.date), 2023-04-01)), "
        "(2023-04-02 .. 2023-04-02)) by 2023-04-02\n"
        "        require 0 < 0 by 2023-04-02\n"
    )
    assert _everywhere(body, [{"id": "x0", "date": "2023-10-01"}], AS_OF) == ("fail", None, ("x:x0",))

# ---------------------------------------------------------------- what a result was computed with

NOTICE_2027 = """notice 2027 source "国办发明电〔2026〕X号":
    off: 2027-01-01 .. 2027-01-03
    statutory: 2027-01-01
"""


def test_results_record_the_version_and_calendar_data_they_were_computed_with() -> None:
    """So a verdict can be reproduced: protrules and holidays versions, the years holidays'
    notices cover, and the years a rule file's own notices replace (docs/json.md)."""
    import importlib.metadata
    import json

    from protrules.report.district import district_of
    from protrules.report.markdown import markdown_report
    from protrules.report.render import explain_json, report_json

    text = FOUND.replace('area 1 "a":', NOTICE_2027 + 'area 1 "a":') + "        require true\n"
    program = protrules.check(protrules.parse(text, "n.prl"), protrules.Source("n.prl", text))
    rules = protrules.compile(program)
    ledger = ledger_from_mapping({"entity": {"id": "e", "name": "e"}, "facts": {"x": []}}, rules.fact_types)
    result = rules.evaluate(ledger, AS_OF)
    recorded = json.loads(report_json(rules.program, [result], AS_OF))["computed_with"]
    assert recorded == {
        "protrules": protrules.__version__,
        "holidays": importlib.metadata.version("holidays"),
        "holidays_years": [2001, recorded["holidays_years"][1]],
        "notices": [2027],
    }
    assert recorded["holidays_years"][1] >= 2026
    explained = json.loads(explain_json(rules.program, ledger, rules.explain(ledger, as_of=AS_OF), AS_OF))
    assert explained["computed_with"] == recorded
    footer = markdown_report(district_of(rules.program, [result])).rstrip().splitlines()[-1]
    assert footer.startswith(f"计算依据：protrules {protrules.__version__} · holidays ")
    assert footer.endswith("年放假通知） · 规则文件所载通知：2027")
    footer = markdown_report(district_of(rules.program, [result], lang="en")).rstrip().splitlines()[-1]
    assert footer.startswith(f"Computed with: protrules {protrules.__version__} · holidays ")
    assert footer.endswith(" · notices in the rule file: 2027")
