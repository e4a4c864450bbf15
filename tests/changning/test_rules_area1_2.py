"""Areas 1 (思想引领) and 2 (组织领导) of rules/changning_2023.prl, one small ledger at a time.

For every rule, at least one hand-written ledger that passes and one per requirement that fails,
plus the cheap boundaries: a record just outside 评估期 (2023-04-01 .. 2024-03-31) does not count,
a document repealed during 评估期 is not in force at its end, an unmet `by 评估期.end` requirement
evaluated mid-period is pending, a fact type left out of the ledger is unknown, and a `for each`
with nothing to iterate is n/a. Each case says, in terms of the clause, why it passes or fails.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.changning.small import (
    QUARTER_DAYS,
    child,
    document,
    documents,
    judgement,
    meeting,
    result,
    staff,
    verdict,
)

#: An as-of date in the middle of 评估期: a requirement due at 评估期.end is not yet due.
MID = dt.date(2023, 10, 1)

Rows = list[dict[str, Any]]


# ------------------------------------------------------------------ small builders


def study(date: str, kind: str = "宣贯教育活动", minor_protection: bool = True) -> dict[str, Any]:
    """A 理论学习与宣贯教育 record."""
    return {"date": date, "kind": kind, "topic": "学习二十大精神", "minor_protection": minor_protection}


def instruction(received: str, due: str, completed: str | None = None) -> dict[str, Any]:
    """An 指示批示 received on `received`, to be done by `due`, completed on `completed` (or open)."""
    row: dict[str, Any] = {"source": "区委、区政府", "received": received, "due": due, "summary": "批示"}
    if completed is not None:
        row["completed"] = completed
    return row


def budget(year: int, item: str, source: str = "财政预算", amount: int = 10) -> dict[str, Any]:
    return {"year": year, "item": item, "source": source, "amount": amount}


def supervisor(id: str, post_type: str, **fields: Any) -> dict[str, Any]:
    """A 儿童督导员 post, 专职 or 兼职."""
    return staff("儿童督导员", id=id, post_type=post_type, **fields)


def supervision(by: str, date: str = "2023-09-01", kind: str = "督促检查") -> dict[str, Any]:
    return {"date": date, "supervisor": by, "kind": kind, "target": "各居民区未保工作"}


def failed(rule: str, **kwargs: Any) -> list[str]:
    """The texts of the rule's decisive checks that failed."""
    outcome = result(rule, **kwargs)
    return [c.text for c in outcome.checks if c.verdict == "fail" and not c.advisory]


# ------------------------------------------------------------------ 1.1.1 宣贯教育（assessed）

# 持续 = at least one 宣贯教育活动 in each of the four whole quarters 2023-Q2 .. 2024-Q1.
STUDY_EACH_QUARTER = [study(day) for day in QUARTER_DAYS]


def test_1_1_1_pass_activity_every_quarter_and_judged_pass() -> None:
    # 每个季度都有宣贯教育活动，评估组判断“提高政治能力” = pass.
    assert verdict("1.1.1", judgements=[judgement("1.1.1")], study=STUDY_EACH_QUARTER) == "pass"


def test_1_1_1_pass_on_first_and_last_day_of_period() -> None:
    # 2023-04-01 lies in 2023-Q2 and 2024-03-31 in 2024-Q1: both days of 评估期 count.
    rows = [study("2023-04-01"), study(QUARTER_DAYS[1]), study(QUARTER_DAYS[2]), study("2024-03-31")]
    assert verdict("1.1.1", judgements=[judgement("1.1.1")], study=rows) == "pass"


@pytest.mark.parametrize("missing", range(4), ids=["2023Q2", "2023Q3", "2023Q4", "2024Q1"])
def test_1_1_1_fail_a_quarter_without_activity(missing: int) -> None:
    # “持续深入开展”: one quarter of 评估期 without any 宣贯教育活动 breaks it, even with a pass judgement.
    rows = [row for i, row in enumerate(STUDY_EACH_QUARTER) if i != missing]
    assert verdict("1.1.1", judgements=[judgement("1.1.1")], study=rows) == "fail"


@pytest.mark.parametrize(
    "replacement",
    [
        pytest.param(study("2023-03-31"), id="before-period"),  # 2023-Q1 is not a quarter of 评估期
        pytest.param(study("2023-05-15", kind="理论中心组学习"), id="not-宣贯教育活动"),
    ],
)
def test_1_1_1_fail_q2_activity_does_not_count(replacement: dict[str, Any]) -> None:
    # 2023-Q2's only record is outside the quarter or is not a 宣贯教育活动, so 2023-Q2 has none.
    rows = [replacement, *STUDY_EACH_QUARTER[1:]]
    outcome = result("1.1.1", judgements=[judgement("1.1.1")], study=rows)
    assert outcome.verdict == "fail"
    assert [c.context for c in outcome.checks if c.verdict == "fail"] == [("季度 = 2023-Q2",)]


def test_1_1_1_fail_judged_fail() -> None:
    # The activities are there, but the assessor judged the political-capacity part not met.
    assert verdict("1.1.1", judgements=[judgement("1.1.1", "fail")], study=STUDY_EACH_QUARTER) == "fail"


def test_1_1_1_latest_judgement_counts() -> None:
    # An assessed rule takes the latest recorded judgement: a later pass overrides an earlier fail…
    earlier_fail = judgement("1.1.1", "fail", date="2024-01-10")
    later_pass = judgement("1.1.1", "pass", date="2024-03-20")
    assert verdict("1.1.1", judgements=[earlier_fail, later_pass], study=STUDY_EACH_QUARTER) == "pass"
    # …and a later fail overrides an earlier pass (the order in the ledger does not matter).
    earlier_pass = judgement("1.1.1", "pass", date="2024-01-10")
    later_fail = judgement("1.1.1", "fail", date="2024-03-20")
    assert verdict("1.1.1", judgements=[later_fail, earlier_pass], study=STUDY_EACH_QUARTER) == "fail"


def test_1_1_1_unknown_without_judgement_or_study_data() -> None:
    # No assessor's judgement: unknown, never pass.
    assert verdict("1.1.1", study=STUDY_EACH_QUARTER) == "unknown"
    # The study ledger left out: the quarterly requirement cannot be computed.
    assert verdict("1.1.1", judgements=[judgement("1.1.1")]) == "unknown"


def test_1_1_1_pending_while_quarters_are_still_open() -> None:
    # On 2023-10-01, 2023-Q2 and 2023-Q3 have activities; 2023-Q4 and 2024-Q1 are not over yet.
    # (the judgement is one recorded by then: a later one is not known on 2023-10-01)
    rows = STUDY_EACH_QUARTER[:2]
    early = judgement("1.1.1", date="2023-09-20")
    assert verdict("1.1.1", as_of=MID, judgements=[early], study=rows) == "pending"
    # the judgement of 2024-03-20 is not known yet: no judgement, so unknown
    assert verdict("1.1.1", as_of=MID, judgements=[judgement("1.1.1")], study=rows) == "unknown"


# ------------------------------------------------------------------ 1.1.2 纳入中心组学习和干部培训

STUDY_112 = [study("2023-06-01", "理论中心组学习"), study("2023-09-01", "干部培训")]


def test_1_1_2_pass_group_study_and_cadre_training() -> None:
    # 评估期内 a 理论中心组学习 and a 干部培训 on 总书记关于未成年人保护工作的重要指示精神.
    assert verdict("1.1.2", study=STUDY_112) == "pass"


@pytest.mark.parametrize(
    ("rows", "broken"),
    [
        pytest.param([STUDY_112[1]], "理论中心组学习", id="no-group-study"),
        pytest.param([STUDY_112[0]], "干部培训", id="no-cadre-training"),
        # the training did not study the minor-protection instructions
        pytest.param([STUDY_112[0], study("2023-09-01", "干部培训", False)], "干部培训", id="other-topic"),
        # the only group study was held the day before 评估期 started
        pytest.param([study("2023-03-31", "理论中心组学习"), STUDY_112[1]], "理论中心组学习",
                     id="before-period"),
        # a 宣贯教育活动 is neither a group study nor a cadre training
        pytest.param([study("2023-06-01"), STUDY_112[1]], "理论中心组学习", id="wrong-kind"),
    ],
)
def test_1_1_2_fail(rows: Rows, broken: str) -> None:
    texts = failed("1.1.2", study=rows)
    assert len(texts) == 1
    assert broken in texts[0]


def test_1_1_2_pending_mid_period() -> None:
    # No cadre training yet on 2023-10-01: due at 评估期.end, so pending, not failed.
    assert verdict("1.1.2", as_of=MID, study=STUDY_112[:1]) == "pending"


def test_1_1_2_unknown_without_study_data_and_fail_with_empty_ledger() -> None:
    assert verdict("1.1.2") == "unknown"  # no data on study
    assert verdict("1.1.2", study=[]) == "fail"  # the ledger says: no study at all


# ------------------------------------------------------------------ 1.2.1 用重要指示精神指导工作（assessed）


@pytest.mark.parametrize(
    ("judgements", "expected"),
    [
        pytest.param([judgement("1.2.1")], "pass", id="judged-pass"),
        pytest.param([judgement("1.2.1", "fail")], "fail", id="judged-fail"),
        pytest.param([], "unknown", id="no-judgement"),
        # a judgement of another rule says nothing about this one
        pytest.param([judgement("1.2.2")], "unknown", id="other-rule-judged"),
    ],
)
def test_1_2_1_assessor_judgement(judgements: Rows, expected: str) -> None:
    # The clause has no computed part: the verdict is the assessor's.
    assert verdict("1.2.1", judgements=judgements) == expected


# ------------------------------------------------------------------ 1.2.2 有计划、有部署、落实好（assessed）

PLAN = "年度未成年人保护工作计划"


def plan(year: int, issued: str, **fields: Any) -> dict[str, Any]:
    """The yearly plan for `year`, issued on `issued`."""
    return document(PLAN, issued=issued, year=year, **fields)


PLANS = [plan(2023, "2023-01-10"), plan(2024, "2024-01-10")]


def test_1_2_2_pass_plan_each_year_and_judged_pass() -> None:
    # 有计划: a yearly plan for 2023 and for 2024; 落实好: judged pass.
    assert verdict("1.2.2", judgements=[judgement("1.2.2")], document=PLANS) == "pass"


@pytest.mark.parametrize(
    "plans",
    [
        # the 2024 plan, issued before the year began, is 2024's plan (the old reading counted it
        # for 2023 and left 2024 pending)
        pytest.param([PLANS[0], plan(2024, "2023-12-20")], id="2024-plan-issued-2023-12-20"),
        # the 2023 plan issued in December 2022 is 2023's plan
        pytest.param([plan(2023, "2022-12-20"), PLANS[1]], id="2023-plan-issued-2022-12-20"),
    ],
)
def test_1_2_2_a_plan_counts_for_the_year_it_covers(plans: Rows) -> None:
    assert verdict("1.2.2", judgements=[judgement("1.2.2")], document=plans) == "pass"


@pytest.mark.parametrize(
    ("plans", "judged"),
    [
        pytest.param(PLANS, "fail", id="judged-fail"),  # 落实好 judged not met
        pytest.param(PLANS[1:], "pass", id="no-2023-plan"),  # 2023 had no plan; 2023 is over
        # the 2023 plan has no 文号 or archive location: not evidenced
        pytest.param([plan(2023, "2023-01-10", evidence=None), PLANS[1]], "pass", id="no-evidence"),
        # the 2022 plan, issued in 2023, is not 2023's
        pytest.param([plan(2022, "2023-01-10"), PLANS[1]], "pass", id="plan-for-2022"),
        # a document of another kind is not a yearly plan
        pytest.param([document("重点工作安排（含未成年人保护）", issued="2023-01-10", year=2023), PLANS[1]],
                     "pass", id="other-kind"),
    ],
)
def test_1_2_2_fail(plans: Rows, judged: str) -> None:
    assert verdict("1.2.2", judgements=[judgement("1.2.2", judged)], document=plans) == "fail"


def test_1_2_2_pending_2024_plan_not_yet_issued() -> None:
    # Inside a calendar-year loop a requirement is due at the year's end: on 2024-03-31 the
    # missing 2024 plan is pending, due 2024-12-31 (the 2023 plan is there, judged pass).
    outcome = result("1.2.2", judgements=[judgement("1.2.2")], document=PLANS[:1])
    assert outcome.verdict == "pending"
    assert outcome.due == dt.date(2024, 12, 31)
    # a 2024 plan issued after the as-of date is not there yet
    later = [PLANS[0], plan(2024, "2024-04-10")]
    assert verdict("1.2.2", judgements=[judgement("1.2.2")], document=later) == "pending"


def test_1_2_2_a_plan_without_its_year_is_unknown() -> None:
    # Which year a plan covers is read from `year`, not guessed from the date it was issued.
    undated = [document(PLAN, issued="2023-01-10"), PLANS[1]]
    assert verdict("1.2.2", judgements=[judgement("1.2.2")], document=undated) == "unknown"


def test_1_2_2_unknown() -> None:
    assert verdict("1.2.2", document=PLANS) == "unknown"  # no judgement
    assert verdict("1.2.2", judgements=[judgement("1.2.2")]) == "unknown"  # no document ledger


# ------------------------------------------------------------------ 1.2.3 及时办理指示批示


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([instruction("2023-05-04", "2023-05-31", "2023-05-20")], id="before-due"),
        pytest.param([instruction("2023-05-04", "2023-05-31", "2023-05-31")], id="on-due-date"),
        pytest.param(
            [instruction("2023-04-01", "2023-04-30", "2023-04-28"),
             instruction("2024-03-01", "2024-03-29", "2024-03-29")],
            id="first-and-last-month",
        ),
    ],
)
def test_1_2_3_pass_completed_within_time_limit(rows: Rows) -> None:
    # Every instruction received in 评估期 was 办结 on or before its 办理时限.
    assert verdict("1.2.3", instruction=rows) == "pass"


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([instruction("2023-05-04", "2023-05-31", "2023-06-01")], id="one-day-late"),
        pytest.param([instruction("2023-05-04", "2023-05-31")], id="never-completed"),
        # one on time does not excuse another done late
        pytest.param(
            [instruction("2023-05-04", "2023-05-31", "2023-05-20"),
             instruction("2023-07-03", "2023-07-31", "2023-08-21")],
            id="second-late",
        ),
    ],
)
def test_1_2_3_fail_not_completed_in_time(rows: Rows) -> None:
    assert verdict("1.2.3", instruction=rows) == "fail"


def test_1_2_3_pending_open_instruction_not_yet_due() -> None:
    # On 2023-10-01 an instruction due 2023-10-31 is still open: it may yet be done on time.
    outcome = result("1.2.3", as_of=MID, instruction=[instruction("2023-09-01", "2023-10-31")])
    assert outcome.verdict == "pending"
    assert outcome.due == dt.date(2023, 10, 31)


def test_1_2_3_na_when_nothing_received_in_period() -> None:
    # No instruction at all: nothing to do in time.
    assert verdict("1.2.3", instruction=[]) == "n/a"
    # Received before 评估期 (note: 评估期内收到的…): not assessed, even though it was done late.
    assert verdict("1.2.3", instruction=[instruction("2023-03-01", "2023-03-31", "2023-04-15")]) == "n/a"


def test_1_2_3_unknown_without_instruction_data() -> None:
    assert verdict("1.2.3") == "unknown"


# ------------------------------------------------------------------ 2.1.1 纳入重点工作和绩效评价

KEY_WORK = "重点工作安排（含未成年人保护）"
PERFORMANCE = "工作绩效评价办法（含未成年人保护）"


@pytest.mark.parametrize(
    "docs",
    [
        pytest.param(documents(KEY_WORK, PERFORMANCE), id="both-in-force"),
        # issued during 评估期 is enough: it is in force at its end
        pytest.param([document(KEY_WORK, issued="2023-09-01"), document(PERFORMANCE)], id="issued-in-period"),
        # repealed only after 评估期 ended
        pytest.param([document(KEY_WORK, repealed="2024-04-01"), document(PERFORMANCE)], id="repealed-after"),
        # replaced mid-period by a new version: the new one is in force at the end
        pytest.param(
            [document(KEY_WORK, repealed="2023-06-30"), document(KEY_WORK, issued="2023-07-01"),
             document(PERFORMANCE)],
            id="replaced",
        ),
    ],
)
def test_2_1_1_pass(docs: Rows) -> None:
    # Both 重点工作 and 绩效评价 documents include minor protection, evidenced, in force at 评估期.end.
    assert verdict("2.1.1", document=docs) == "pass"


@pytest.mark.parametrize(
    ("docs", "broken"),
    [
        pytest.param(documents(PERFORMANCE), KEY_WORK, id="no-key-work"),
        pytest.param(documents(KEY_WORK), PERFORMANCE, id="no-performance"),
        pytest.param([document(KEY_WORK, evidence=None), document(PERFORMANCE)], KEY_WORK, id="no-evidence"),
        # repealed during 评估期 and not replaced: not in force at its end
        pytest.param([document(KEY_WORK, repealed="2023-12-31"), document(PERFORMANCE)], KEY_WORK,
                     id="repealed-in-period"),
        # issued after 评估期 ended: too late
        pytest.param([document(KEY_WORK), document(PERFORMANCE, issued="2024-04-01")], PERFORMANCE,
                     id="issued-after-period"),
    ],
)
def test_2_1_1_fail(docs: Rows, broken: str) -> None:
    texts = failed("2.1.1", document=docs)
    assert len(texts) == 1
    assert broken in texts[0]


def test_2_1_1_pending_and_unknown() -> None:
    # Mid-period the 重点工作 document is not there yet: due at 评估期.end, pending.
    assert verdict("2.1.1", as_of=MID, document=documents(PERFORMANCE)) == "pending"
    # A document issued after the as-of date is not yet established on that date.
    later = [document(KEY_WORK, issued="2023-12-01"), document(PERFORMANCE)]
    assert verdict("2.1.1", as_of=MID, document=later) == "pending"
    assert verdict("2.1.1") == "unknown"  # no document ledger


# ------------------------------------------------------------------ 2.1.2 主要负责同志负责的协调机制

COORDINATION = "未成年人保护工作协调机制"
LEADER = staff("街镇主要负责同志", id="leader")


def test_2_1_2_pass_mechanism_led_by_principal() -> None:
    # The 协调机制 document is in force and its 牵头负责人 is the 街镇主要负责同志.
    assert verdict("2.1.2", document=[document(COORDINATION, owner="leader")], staff=[LEADER]) == "pass"


@pytest.mark.parametrize(
    ("docs", "people"),
    [
        pytest.param([document(COORDINATION)], [LEADER], id="no-owner"),
        # led by a 儿童督导员, not by the 主要负责同志
        pytest.param([document(COORDINATION, owner="sup")], [staff("儿童督导员", id="sup")],
                     id="wrong-owner"),
        # repealed during 评估期
        pytest.param([document(COORDINATION, owner="leader", repealed="2023-08-31")], [LEADER],
                     id="repealed-in-period"),
        # no evidence (文号 / archive location)
        pytest.param([document(COORDINATION, owner="leader", evidence=None)], [LEADER], id="no-evidence"),
        # the leader owns a document of another kind
        pytest.param([document(KEY_WORK, owner="leader")], [LEADER], id="other-kind"),
    ],
)
def test_2_1_2_fail(docs: Rows, people: Rows) -> None:
    assert verdict("2.1.2", document=docs, staff=people) == "fail"


def test_2_1_2_pending_and_unknown() -> None:
    # On 2023-10-01 the mechanism has no leader yet: due at 评估期.end.
    assert verdict("2.1.2", as_of=MID, document=[document(COORDINATION)], staff=[LEADER]) == "pending"
    assert verdict("2.1.2", staff=[LEADER]) == "unknown"  # no document ledger


# ------------------------------------------------------------------ 2.1.3 每年至少两次会议


@pytest.mark.parametrize(
    "rows",
    [
        # 每年 = calendar 2023: a meeting in March 2023 counts, 协调会议 and 专题会议 both count
        pytest.param([meeting("2023-03-01"), meeting("2023-11-01", "专题会议")], id="coordination-and-topic"),
        pytest.param([meeting("2023-01-01"), meeting("2023-12-31")], id="first-and-last-day-of-2023"),
    ],
)
def test_2_1_3_pass_two_meetings_in_2023(rows: Rows) -> None:
    # Only calendar 2023 ends inside 评估期, so only 2023 is assessed; no 2024 meeting is needed.
    assert verdict("2.1.3", meeting=rows) == "pass"


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([meeting("2023-06-01")], id="only-one"),
        pytest.param([], id="none"),
        # a 个案会商 that names no 重点个案 and a 司法沟通会商 are not these meetings
        pytest.param([meeting("2023-06-01"), meeting("2023-07-01", "个案会商"),
                      meeting("2023-08-01", "司法沟通会商")], id="other-kinds"),
        # the second meeting lies in 2022 / 2024, not in 2023
        pytest.param([meeting("2022-12-31"), meeting("2023-06-01")], id="one-in-2022"),
        pytest.param([meeting("2023-06-01"), meeting("2024-01-10")], id="one-in-2024"),
    ],
)
def test_2_1_3_fail_fewer_than_two_in_2023(rows: Rows) -> None:
    assert verdict("2.1.3", meeting=rows) == "fail"


# 会议计数读法 (docs/domain.md, Readings): does a 个案会商 on a 重点个案 count as one of the meetings
# that “研究解决…重大问题、重要事项和重点个案”?
ONLY_COORDINATION = {"会议计数读法": "仅协调会议和专题会议"}
CASE_CONFERENCE = [meeting("2023-03-01"), meeting("2023-09-12", "个案会商", child="C1")]


def test_2_1_3_reading_a_case_conference_on_a_key_case_counts_by_default() -> None:
    # 读法一（默认）：研究重点个案的个案会商也是条文所说的会议 → 2 meetings in 2023
    assert verdict("2.1.3", meeting=CASE_CONFERENCE, child=[child("C1")]) == "pass"
    # 读法二：只计协调会议和专题会议 → 1 meeting in 2023
    assert verdict("2.1.3", meeting=CASE_CONFERENCE, child=[child("C1")], reading=ONLY_COORDINATION) == "fail"


def test_2_1_3_reading_both_agree_on_coordination_meetings() -> None:
    rows = [meeting("2023-03-01"), meeting("2023-11-01", "专题会议")]
    assert verdict("2.1.3", meeting=rows) == "pass"
    assert verdict("2.1.3", meeting=rows, reading=ONLY_COORDINATION) == "pass"


def test_2_1_3_mid_year() -> None:
    # On 2023-10-01 calendar 2023 is not over: one meeting is pending, two already pass.
    assert verdict("2.1.3", as_of=MID, meeting=[meeting("2023-03-01")]) == "pending"
    assert verdict("2.1.3", as_of=MID, meeting=[meeting("2023-03-01"), meeting("2023-09-01")]) == "pass"


def test_2_1_3_unknown_without_meeting_data() -> None:
    assert verdict("2.1.3") == "unknown"


# ------------------------------------------------------------------ 2.1.4 职能作用发挥明显（assessed）


@pytest.mark.parametrize(
    ("judgements", "expected"),
    [
        pytest.param([judgement("2.1.4")], "pass", id="judged-pass"),
        pytest.param([judgement("2.1.4", "fail")], "fail", id="judged-fail"),
        pytest.param([], "unknown", id="no-judgement"),
        pytest.param([judgement("2.1.6")], "unknown", id="other-rule-judged"),
        # the latest judgement decides
        pytest.param([judgement("2.1.4", "pass", "2024-03-25"), judgement("2.1.4", "fail", "2024-03-01")],
                     "pass", id="latest-pass"),
    ],
)
def test_2_1_4_assessor_judgement(judgements: Rows, expected: str) -> None:
    # 职能作用发挥明显, 工作合力有效形成: only an assessor can say.
    assert verdict("2.1.4", judgements=judgements) == expected


# ------------------------------------------------------------------ 2.1.5 专兼职儿童督导员、督促检查

SUPERVISORS = [supervisor("s1", "专职"), supervisor("s2", "兼职")]
CHECKS = [supervision("s1")]


@pytest.mark.parametrize(
    "people",
    [
        pytest.param(SUPERVISORS, id="in-post-throughout"),
        # the part-time supervisor leaves only after 评估期 ended: in post at its end
        pytest.param([SUPERVISORS[0], supervisor("s2", "兼职", left="2024-04-01")], id="leaves-after"),
        # appointed during 评估期 is enough
        pytest.param([SUPERVISORS[0], supervisor("s2", "兼职", appointed="2023-11-01")],
                     id="appointed-in-period"),
    ],
)
def test_2_1_5_pass(people: Rows) -> None:
    # 专兼职相结合: a 专职 and a 兼职 儿童督导员 in post; a 督促检查 led by a 儿童督导员 in 评估期.
    assert verdict("2.1.5", staff=people, supervision=CHECKS) == "pass"


@pytest.mark.parametrize(
    ("people", "checks", "broken"),
    [
        pytest.param(SUPERVISORS[:1], CHECKS, "兼职", id="no-part-time"),
        pytest.param(SUPERVISORS[1:], [supervision("s2")], "专职", id="no-full-time"),
        # the part-time supervisor left during 评估期: not in post at its end
        pytest.param([SUPERVISORS[0], supervisor("s2", "兼职", left="2024-01-31")], CHECKS, "兼职",
                     id="part-time-left"),
        # appointed after 评估期 ended
        pytest.param([SUPERVISORS[0], supervisor("s2", "兼职", appointed="2024-04-10")], CHECKS, "兼职",
                     id="part-time-appointed-after"),
        # the part-time post is a 儿童主任, not a 儿童督导员
        pytest.param([SUPERVISORS[0], staff("儿童主任", id="s2", post_type="兼职")], CHECKS, "兼职",
                     id="part-time-not-supervisor"),
        pytest.param(SUPERVISORS, [], "督促检查", id="no-inspection"),
        # 跟踪指导 is not a 督促检查
        pytest.param(SUPERVISORS, [supervision("s1", kind="跟踪指导")], "督促检查", id="wrong-kind"),
        # the only inspection was the day before 评估期
        pytest.param(SUPERVISORS, [supervision("s1", date="2023-03-31")], "督促检查", id="before-period"),
        # led by a 儿童主任, not by a 儿童督导员
        pytest.param([*SUPERVISORS, staff("儿童主任", id="c1")], [supervision("c1")], "督促检查",
                     id="led-by-other-role"),
    ],
)
def test_2_1_5_fail(people: Rows, checks: Rows, broken: str) -> None:
    texts = failed("2.1.5", staff=people, supervision=checks)
    assert len(texts) == 1
    assert broken in texts[0]


def test_2_1_5_pending_mid_period() -> None:
    # On 2023-10-01 there is no part-time supervisor and no inspection yet: due at 评估期.end.
    assert verdict("2.1.5", as_of=MID, staff=SUPERVISORS[:1], supervision=[]) == "pending"


def test_2_1_5_unknown() -> None:
    # The supervision ledger left out.
    assert verdict("2.1.5", staff=SUPERVISORS) == "unknown"
    # A supervisor whose 专职/兼职 is not recorded: whether the 兼职 requirement is met is unknown.
    people = [SUPERVISORS[0], staff("儿童督导员", id="s2")]
    assert verdict("2.1.5", staff=people, supervision=CHECKS) == "unknown"


def supervised(kind: str = "限时整改", deadline: str = "2023-10-31", rectified: str | None = None) -> Rows:
    row = supervision("s1", date="2023-09-01", kind=kind) | {"deadline": deadline}
    return [*CHECKS, row | ({"rectified": rectified} if rectified else {})]


@pytest.mark.parametrize(
    ("checks", "expected"),
    [
        pytest.param(supervised(rectified="2023-10-31"), "pass", id="rectified-on-the-deadline"),
        pytest.param(supervised(rectified="2023-11-02"), "fail", id="rectified-late"),
        pytest.param(supervised(), "fail", id="never-rectified"),
        pytest.param(supervised("挂牌督办", rectified="2023-10-20"), "pass", id="listed-case-rectified"),
        # a deadline after 评估期 belongs to the next assessment
        pytest.param(supervised(deadline="2024-04-30"), "pass", id="deadline-after-period"),
        # 跟踪指导 sets no time limit to keep
        pytest.param(supervised("跟踪指导"), "pass", id="guidance-has-no-deadline"),
    ],
)
def test_2_1_5_rectification_by_its_deadline(checks: Rows, expected: str) -> None:
    # 挂牌督办、限时整改: rectified by the deadline set for it.
    assert verdict("2.1.5", staff=SUPERVISORS, supervision=checks) == expected


def test_2_1_5_rectification_not_yet_due_is_pending() -> None:
    checks = supervised(rectified="2023-10-20")
    # on 2023-10-01 the rectification (recorded 2023-10-20) is not done yet, and not yet due
    assert verdict("2.1.5", as_of=MID, staff=SUPERVISORS, supervision=checks) == "pending"


# ------------------------------------------------------------------ 2.1.6 群团组织有效参与（assessed）


@pytest.mark.parametrize(
    ("judgements", "expected"),
    [
        pytest.param([judgement("2.1.6")], "pass", id="judged-pass"),
        pytest.param([judgement("2.1.6", "fail")], "fail", id="judged-fail"),
        pytest.param([], "unknown", id="no-judgement"),
        pytest.param([judgement("2.1.4")], "unknown", id="other-rule-judged"),
    ],
)
def test_2_1_6_assessor_judgement(judgements: Rows, expected: str) -> None:
    # 工会、残联、关工委有效参与，作用发挥明显: an assessor's judgement.
    assert verdict("2.1.6", judgements=judgements) == expected


# ------------------------------------------------------------------ 2.1.7 平安建设考核、文明创建

SAFETY = "平安建设考核办法（含未成年人保护）"
CIVILITY = "文明创建未成年人保护要求落实方案"


def test_2_1_7_pass_both_documents_in_force() -> None:
    assert verdict("2.1.7", document=documents(SAFETY, CIVILITY)) == "pass"


@pytest.mark.parametrize(
    ("docs", "broken"),
    [
        pytest.param(documents(CIVILITY), SAFETY, id="no-safety-assessment"),
        pytest.param(documents(SAFETY), CIVILITY, id="no-civility-plan"),
        # the 文明创建 plan was repealed during 评估期
        pytest.param([document(SAFETY), document(CIVILITY, repealed="2023-11-30")], CIVILITY,
                     id="repealed-in-period"),
        pytest.param([document(SAFETY, evidence=None), document(CIVILITY)], SAFETY, id="no-evidence"),
    ],
)
def test_2_1_7_fail(docs: Rows, broken: str) -> None:
    texts = failed("2.1.7", document=docs)
    assert len(texts) == 1
    assert broken in texts[0]


def test_2_1_7_pending_and_unknown() -> None:
    assert verdict("2.1.7", as_of=MID, document=documents(SAFETY)) == "pending"
    assert verdict("2.1.7") == "unknown"


# ------------------------------------------------------------------ 2.2.1 监护专门资金纳入财政预算

GUARDIANSHIP = ("监护支持", "监护监督", "监护落实")
GUARDIANSHIP_BUDGET = [budget(year, item) for year in (2023, 2024) for item in GUARDIANSHIP]


def without(rows: Rows, year: int, item: str) -> Rows:
    return [row for row in rows if not (row["year"] == year and row["item"] == item)]


def test_2_2_1_pass_each_year_each_item_in_fiscal_budget() -> None:
    # 2023 and 2024 财政预算 both fund 监护支持、监护监督、监护落实.
    assert verdict("2.2.1", budget=GUARDIANSHIP_BUDGET) == "pass"


@pytest.mark.parametrize(
    "rows",
    [
        *[pytest.param(without(GUARDIANSHIP_BUDGET, 2023, item), id=f"2023-no-{item}")
          for item in GUARDIANSHIP],
        # 2023 监护支持 paid from 社会资金 only: not in the 财政预算
        pytest.param([*without(GUARDIANSHIP_BUDGET, 2023, "监护支持"), budget(2023, "监护支持", "社会资金")],
                     id="social-funds-only"),
        # a zero line is no money
        pytest.param([*without(GUARDIANSHIP_BUDGET, 2023, "监护监督"), budget(2023, "监护监督", amount=0)],
                     id="zero-amount"),
        # the 2022 budget does not cover 2023
        pytest.param([*without(GUARDIANSHIP_BUDGET, 2023, "监护落实"), budget(2022, "监护落实")],
                     id="budget-2022"),
    ],
)
def test_2_2_1_fail_2023_budget_lacks_an_item(rows: Rows) -> None:
    outcome = result("2.2.1", budget=rows)
    assert outcome.verdict == "fail"
    assert {c.context for c in outcome.checks if c.verdict == "fail"} == {("年 = 2023",)}


def test_2_2_1_pending_2024_item_missing() -> None:
    # Per the rule's comment, a missing 2024 line is pending until the end of 2024.
    outcome = result("2.2.1", budget=without(GUARDIANSHIP_BUDGET, 2024, "监护监督"))
    assert outcome.verdict == "pending"
    assert outcome.due == dt.date(2024, 12, 31)


def test_2_2_1_unknown_without_budget_data() -> None:
    assert verdict("2.2.1") == "unknown"


# ------------------------------------------------------------------ 2.2.2 未保站运行、服务、培训经费

STATION = ("未保站运行", "关爱保护服务", "未成年人保护工作培训")
STATION_BUDGET = [budget(year, item) for year in (2023, 2024) for item in STATION]


def test_2_2_2_pass_without_social_funds_is_only_advised() -> None:
    # All three lines funded each year from the fiscal budget; no 社会资金, which is only advised.
    outcome = result("2.2.2", budget=STATION_BUDGET)
    assert outcome.verdict == "pass"
    advisory = [c for c in outcome.checks if c.advisory]
    assert len(advisory) == 2
    assert all(c.verdict == "fail" for c in advisory)


def test_2_2_2_pass_with_social_funds() -> None:
    # 统筹…多种渠道: lines may be funded from 社会资金 as well; the advisory check is then met.
    social = [budget(2023, "未保站运行", "社会资金"), budget(2024, "关爱保护服务", "社会资金")]
    rows = [*social, *STATION_BUDGET[1:]]
    outcome = result("2.2.2", budget=rows)
    assert outcome.verdict == "pass"
    assert all(c.verdict == "pass" for c in outcome.checks)


@pytest.mark.parametrize(
    "rows",
    [
        *[pytest.param(without(STATION_BUDGET, 2023, item), id=f"2023-no-{item}") for item in STATION],
        pytest.param([*without(STATION_BUDGET, 2023, "未保站运行"), budget(2023, "未保站运行", amount=0)],
                     id="zero-amount"),
        # a 2023 line for 其他 purposes does not fund the 培训
        pytest.param([*without(STATION_BUDGET, 2023, "未成年人保护工作培训"), budget(2023, "其他")],
                     id="other-purpose"),
    ],
)
def test_2_2_2_fail_2023_line_missing(rows: Rows) -> None:
    outcome = result("2.2.2", budget=rows)
    assert outcome.verdict == "fail"
    assert {c.context for c in outcome.checks if c.verdict == "fail" and not c.advisory} == {("年 = 2023",)}


def test_2_2_2_pending_and_unknown() -> None:
    assert verdict("2.2.2", budget=without(STATION_BUDGET, 2024, "关爱保护服务")) == "pending"
    assert verdict("2.2.2") == "unknown"


def test_1_2_3_instruction_due_after_the_period_belongs_to_the_next_assessment() -> None:
    # 2024-03-01 收到、办理时限 2024-04-30 的批示，时限在评估期后：本期不查（n/a），不使结果待定。
    assert verdict("1.2.3", instruction=[instruction("2024-03-01", "2024-04-30")]) == "n/a"
    # 同时有一件按时办结的，规则通过。
    rows = [instruction("2023-05-04", "2023-05-31", "2023-05-20"), instruction("2024-03-01", "2024-04-30")]
    assert verdict("1.2.3", instruction=rows) == "pass"
