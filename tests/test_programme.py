"""The programme of a standard (docs/domain.md, “The programme”), step by step, on a small rule
file and hand-made results: who applied, a late application, a tie at the cap left to the
review panel, publicity and objections, naming only after them — each as of a date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import protrules
from protrules.evaluation.results import FAIL, FAILS, MEETS, PASS, EntityResult, RuleResult
from protrules.facts.ledgers import ledger_from_mapping
from protrules.facts.model import Ledger
from protrules.programme.selection import DONE, DUE, OVERDUE, Selection, programme_ranking, select
from protrules.programme.selection_report import selection_text

RULES = """\
standard "p":
    title: "programme test"
    version: "1"
    source: "x"
    entity: "街镇"

date 申报截止 = 2023-04-30
date 评估截止 = 2024-03-31
date 公示截止 = 2024-04-30
date 命名截止 = 2024-05-31

programme "首批":
    source: "通知"
    application: 申报截止
    assessment: 评估截止
    publicity: 公示截止
    naming: 命名截止
    cap: 2

fact application "申报" known from date:
    street: text "街镇"
    date: date "日期"

fact publicity "公示" known from start:
    street: text "街镇"
    start: date "开始"
    end: date "结束"

fact objection "异议" known from received:
    street: text "街镇"
    received: date "收到"
    resolved: date? "处理" known from resolved
    upheld: boolean? "成立" known from resolved

fact review "评审" known from date:
    street: text "街镇"
    date: date "日期"
    selected: boolean "列入"

fact naming "命名" known from date:
    street: text "街镇"
    date: date "日期"

area 1 "a":
    rule 1.1 "b":
        clause: "c"
        require true
"""

PROGRAM = protrules.compile(protrules.check(protrules.parse(RULES, "p.prl"))).program
ASSESSED = dt.date(2024, 3, 31)


def result(ident: str, score: str, failed: int = 0) -> EntityResult:
    rules = [RuleResult(f"1.{i + 2}", "r", "required", 1, FAIL, "", None, (), ()) for i in range(failed)]
    rules.append(RuleResult("1.1", "r", "required", 1, PASS, "", None, (), ()))
    status = FAILS if failed else MEETS
    return EntityResult(ident, f"街道{ident}", ASSESSED, status, Decimal(score), 1, 1, (), tuple(rules))


#: a, b and c meet the standard with the same score: a tie for the cap's two places; d fails;
#: e did not apply.
RESULTS = [result("a", "1"), result("b", "1"), result("c", "1"), result("d", "0.9", 1), result("e", "1")]
APPLIED = [
    {"id": "A1", "street": "a", "date": "2023-04-20"},
    {"id": "A2", "street": "b", "date": "2023-04-28"},
    {"id": "A3", "street": "c", "date": "2023-05-06"},  # late
    {"id": "A4", "street": "d", "date": "2023-04-29"},
]


def district(**records: list[dict[str, Any]]) -> Ledger:
    facts = {"application": APPLIED, **records}
    return ledger_from_mapping(
        {"entity": {"id": "district", "name": "区"}, "facts": facts}, PROGRAM.fact_types
    )


def selection(on: str, **records: list[dict[str, Any]]) -> Selection:
    return select(PROGRAM, RESULTS, district(**records), dt.date.fromisoformat(on))


def stages(chosen: Selection) -> dict[str, str]:
    return {e.entity: e.stage for e in chosen.entries}


def states(chosen: Selection) -> list[str]:
    return [s.state for s in chosen.steps]


REVIEW = [
    {"id": "R1", "street": "a", "date": "2024-04-02", "selected": True},
    {"id": "R2", "street": "b", "date": "2024-04-02", "selected": True},
    {"id": "R3", "street": "c", "date": "2024-04-02", "selected": False},
]
PUBLICITY = [
    {"id": "P1", "street": "a", "start": "2024-04-10", "end": "2024-04-16"},
    {"id": "P2", "street": "b", "start": "2024-04-10", "end": "2024-04-16"},
]
NAMING = [
    {"id": "N1", "street": "a", "date": "2024-05-20"},
    {"id": "N2", "street": "b", "date": "2024-05-20"},
]


def test_only_applicants_are_ranked_and_a_late_application_is_flagged_not_refused() -> None:
    chosen = selection("2024-03-31")
    assert stages(chosen)["e"] == "not applied"
    absent = chosen.entry("e")
    assert absent is not None and absent.place is None and absent.applied is None
    entry = chosen.entry("c")
    assert entry is not None and entry.late and entry.place is not None
    assert "late: after 2023-04-30" in entry.explanation
    assert [p.entity for p in programme_ranking(PROGRAM, RESULTS, district(), ASSESSED).places] == [
        "a", "b", "c", "d"
    ]  # fmt: skip
    assert chosen.steps[0].detail == "4 applied (1 late: c)"


def test_applications_are_open_until_their_date() -> None:
    chosen = selection("2023-04-25")
    assert stages(chosen)["b"] == "not applied"  # b applies on 04-28: not yet known
    assert chosen.steps[0].state == DUE and chosen.steps[0].detail.startswith("open until 2023-04-30")


def test_a_tie_at_the_cap_waits_for_the_review_panel_never_an_id() -> None:
    chosen = selection("2024-03-31")
    assert chosen.tied == ("a", "b", "c") and chosen.open_places == 2
    assert {stages(chosen)[s] for s in "abc"} == {"tied"} and chosen.proposed == ()
    assert states(chosen) == [DONE, DONE, DUE, DUE]
    assert "review panel" in chosen.steps[2].detail
    # past the 公示 date with the tie still open, the district is late on it
    assert states(selection("2024-05-01"))[2:] == [OVERDUE, DUE]


def test_the_panels_review_settles_the_tie_from_its_date() -> None:
    assert selection("2024-04-01", review=REVIEW).tied == ("a", "b", "c")  # decided on 04-02
    chosen = selection("2024-04-02", review=REVIEW)
    assert chosen.proposed == ("a", "b") and chosen.tied == ()
    assert stages(chosen) == {
        "a": "proposed",
        "b": "proposed",
        "c": "ranked",
        "d": "ranked",
        "e": "not applied",
    }
    assert chosen.steps[2].detail == "not yet published: a, b"


def test_publicity_then_naming_once_it_ended_with_no_objection() -> None:
    during = selection("2024-04-12", review=REVIEW, publicity=PUBLICITY)
    published = during.entry("a")
    assert published is not None and published.stage == "published"
    assert "公示 published 2024-04-10 .. 2024-04-16 (in progress)" in published.explanation
    after = selection("2024-04-20", review=REVIEW, publicity=PUBLICITY, naming=NAMING)
    assert stages(after)["a"] == "to be named" and states(after) == [DONE, DONE, DONE, DUE]
    named = selection("2024-05-20", review=REVIEW, publicity=PUBLICITY, naming=NAMING)
    assert named.named == ("a", "b") and states(named) == [DONE] * 4
    text = selection_text(PROGRAM, named)
    assert "命名 named: 街道a, 街道b" in text


def test_a_standing_objection_holds_the_naming_back() -> None:
    open_objection = [{"id": "O1", "street": "b", "received": "2024-04-12"}]
    chosen = selection(
        "2024-05-20", review=REVIEW, publicity=PUBLICITY, naming=NAMING, objection=open_objection
    )
    assert stages(chosen)["b"] == "objection"
    assert chosen.named == ("a",)
    entry = chosen.entry("b")
    assert entry is not None and "objection O1 stood on that day" in entry.explanation
    assert chosen.steps[3].state == DUE


def test_an_objection_resolved_and_not_upheld_no_longer_stands_and_one_upheld_does() -> None:
    rejected = [
        {"id": "O1", "street": "b", "received": "2024-04-12", "resolved": "2024-04-25", "upheld": False}
    ]
    chosen = selection("2024-05-20", review=REVIEW, publicity=PUBLICITY, naming=NAMING, objection=rejected)
    assert chosen.named == ("a", "b")
    upheld = [{"id": "O1", "street": "b", "received": "2024-04-12", "resolved": "2024-04-25", "upheld": True}]
    chosen = selection("2024-05-20", review=REVIEW, publicity=PUBLICITY, naming=NAMING, objection=upheld)
    assert chosen.named == ("a",)
    late = selection("2024-06-01", review=REVIEW, publicity=PUBLICITY, objection=upheld)
    assert stages(late)["b"] == "objection" and late.steps[3].state == OVERDUE


def test_a_naming_before_its_publicity_ended_or_of_a_street_not_proposed_does_not_count() -> None:
    early = [
        {"id": "N1", "street": "a", "date": "2024-04-15"},
        {"id": "N3", "street": "c", "date": "2024-05-20"},
    ]
    chosen = selection("2024-05-20", review=REVIEW, publicity=PUBLICITY, naming=early)
    assert chosen.named == ()
    a, c = chosen.entry("a"), chosen.entry("c")
    assert a is not None and "its publicity ran until 2024-04-16: it does not count" in a.explanation
    assert c is not None and "not proposed: it does not count" in c.explanation


def test_a_naming_recorded_after_the_date_is_not_known_yet() -> None:
    chosen = selection("2024-05-19", review=REVIEW, publicity=PUBLICITY, naming=NAMING)
    assert chosen.named == () and {stages(chosen)[s] for s in "ab"} == {"to be named"}
