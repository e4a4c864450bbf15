"""Hand-written ledgers for the Changning rules of area 9 (机构建设), area 10 (队伍建设) and the
负面工作清单 N.1 … N.9: for every rule a ledger that passes and, per requirement, one that fails.

Each ledger holds only the fact types the rule reads (tests/changning/small.py). 评估期 is
2023-04-01 .. 2024-03-31 and the default as-of date is its last day; a mechanism is a document
with evidence in force at the end of 评估期, a post is held (在岗) if not left before that end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tests.changning.small import child, document, documents, judgement, result, staff, verdict

MID = dt.date(2023, 10, 1)  # an as-of date inside 评估期, before any `by 评估期.end` is due

Ledger = dict[str, list[dict[str, Any]]]


# ------------------------------------------------------------------ small builders


def venue(id: str, kind: str) -> dict[str, Any]:
    return {"id": id, "name": f"{kind}{id}", "kind": kind, "minors_gathering": True}


def session(venue_id: str, day: dt.date | str, hours: float = 3) -> dict[str, Any]:
    return {"venue": venue_id, "date": str(day), "hours": hours}


def person(id: str, role: str, appointed: str = "2022-01-10", **fields: Any) -> dict[str, Any]:
    return {**staff(role, appointed, **fields), "id": id}


def training(
    person_id: str,
    date: str,
    kind: str = "轮训",
    subject: str = "儿童社会工作",
    child_share: str | None = "60%",
    materials_kept: bool = True,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "person": person_id,
        "date": date,
        "kind": kind,
        "subject": subject,
        "materials_kept": materials_kept,
    }
    if child_share is not None:
        record["child_share"] = child_share
    return record


def incident(item: str, date: str = "2023-08-20") -> dict[str, Any]:
    return {"item": item, "date": date, "description": f"{item}事件", "confirmed_by": "区未保办"}


def without_kind(records: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in records if r["kind"] != kind]


# ------------------------------------------------------------------ 9.1.1 临时照护点（assessed）


def care_point_ledger() -> Ledger:
    """A 临时照护点 and its 工作制度 (in force, with 文号)."""
    return {"venue": [venue("V1", "临时照护点")], "document": documents("临时照护点工作制度")}


def test_9_1_1_care_point_with_rules_and_pass_judgement_passes() -> None:
    # 照护点已设立、工作制度有效，评估组判定“工作职能有效发挥” → pass
    assert verdict("9.1.1", judgements=[judgement("9.1.1")], **care_point_ledger()) == "pass"


def test_9_1_1_without_judgement_is_unknown() -> None:
    # assessed: the computed body holds, but no assessor judgement → unknown, never pass
    assert verdict("9.1.1", **care_point_ledger()) == "unknown"


def test_9_1_1_fail_judgement_fails() -> None:
    # 评估组判定职能未有效发挥 → fail, even though the record side holds
    assert verdict("9.1.1", judgements=[judgement("9.1.1", "fail")], **care_point_ledger()) == "fail"


@pytest.mark.parametrize(
    "break_it",
    [
        # 未设立临时照护点: the only venue is a 未保站
        pytest.param(lambda led: led.update(venue=[venue("V1", "未保站")]), id="no-care-point"),
        # 工作制度未建立
        pytest.param(lambda led: led.update(document=[]), id="no-rules"),
        # 制度在评估期内废止（2023-12-01）: not in force at the end of 评估期
        pytest.param(
            lambda led: led.update(document=[document("临时照护点工作制度", repealed="2023-12-01")]),
            id="rules-repealed",
        ),
        # 制度没有佐证材料（文号、存档位置）: not 有据可查
        pytest.param(
            lambda led: led.update(document=[document("临时照护点工作制度", evidence=None)]),
            id="rules-without-evidence",
        ),
    ],
)
def test_9_1_1_body_broken_fails_despite_pass_judgement(break_it: Callable[[Ledger], None]) -> None:
    led = care_point_ledger()
    break_it(led)
    assert verdict("9.1.1", judgements=[judgement("9.1.1")], **led) == "fail"


def test_9_1_1_rules_not_yet_established_mid_period_is_pending() -> None:
    # 制度 due `by 评估期.end`: on 2023-10-01 a missing one is pending (照护点 itself exists)
    led = care_point_ledger() | {"document": []}
    early = judgement("9.1.1", date="2023-09-20")  # recorded before the as-of date
    assert verdict("9.1.1", as_of=MID, judgements=[early], **led) == "pending"


# ------------------------------------------------------------------ 9.1.2 设立未保站、职责、制度


def station_ledger() -> Ledger:
    return {"venue": [venue("V1", "未保站")], "document": documents("未保站工作职责", "未保站工作制度")}


def test_9_1_2_station_with_duties_and_rules_passes() -> None:
    # 设立未保站 + 明确工作职责 + 建立工作制度 → pass
    assert verdict("9.1.2", **station_ledger()) == "pass"


@pytest.mark.parametrize(
    ("break_it", "failed_check"),
    [
        # 未设立未成年人保护工作站（只有临时照护点）
        (lambda led: led.update(venue=[venue("V1", "临时照护点")]), "未保站"),
        # 未明确工作职责
        (lambda led: led.update(document=without_kind(led["document"], "未保站工作职责")), "未保站工作职责"),
        # 未建立工作制度
        (lambda led: led.update(document=without_kind(led["document"], "未保站工作制度")), "未保站工作制度"),
    ],
    ids=["no-station", "no-duties", "no-rules"],
)
def test_9_1_2_each_requirement_missing_fails(break_it: Callable[[Ledger], None], failed_check: str) -> None:
    led = station_ledger()
    break_it(led)
    outcome = result("9.1.2", **led)
    assert outcome.verdict == "fail"
    failed = [c for c in outcome.checks if c.verdict == "fail"]
    assert len(failed) == 1 and failed_check in failed[0].text


@pytest.mark.parametrize(
    ("repealed", "expected"),
    [
        ("2024-03-31", "fail"),  # repealed on the last day of 评估期: not in force at its end
        ("2024-04-01", "pass"),  # repealed the day after 评估期: still in force at its end
    ],
)
def test_9_1_2_rules_repealed_at_the_period_boundary(repealed: str, expected: str) -> None:
    led = station_ledger()
    led["document"] = [document("未保站工作职责"), document("未保站工作制度", repealed=repealed)]
    assert verdict("9.1.2", **led) == expected


def test_9_1_2_rules_issued_on_the_last_day_count() -> None:
    # 制度 issued on 2024-03-31 (= as-of date = 评估期.end) is established in time
    led = station_ledger()
    led["document"] = [document("未保站工作职责"), document("未保站工作制度", issued="2024-03-31")]
    assert verdict("9.1.2", **led) == "pass"


def test_9_1_2_missing_rules_mid_period_is_pending_and_document_table_left_out_is_unknown() -> None:
    led = station_ledger()
    led["document"] = [document("未保站工作职责")]
    assert verdict("9.1.2", as_of=MID, **led) == "pending"  # 制度 not yet due on 2023-10-01
    assert verdict("9.1.2", venue=[venue("V1", "未保站")]) == "unknown"  # no document ledger


# ------------------------------------------------------------------ 9.1.3 五个中心（assessed）


def test_9_1_3_plan_and_pass_judgement_passes() -> None:
    # 五个中心建设方案有效 + 评估组判定枢纽作用充分发挥 → pass
    docs = documents("未保站五个中心建设方案")
    assert verdict("9.1.3", judgements=[judgement("9.1.3")], document=docs) == "pass"


def test_9_1_3_fail_judgement_or_missing_plan_fails_and_no_judgement_is_unknown() -> None:
    docs = documents("未保站五个中心建设方案")
    # 评估组判定平台枢纽作用未充分发挥
    assert verdict("9.1.3", judgements=[judgement("9.1.3", "fail")], document=docs) == "fail"
    # 评估组判定合格，但“五个中心”建设方案不存在（只有未保站工作制度）
    other = documents("未保站工作制度")
    assert verdict("9.1.3", judgements=[judgement("9.1.3")], document=other) == "fail"
    # 方案有效，但无评估组意见
    assert verdict("9.1.3", document=docs) == "unknown"


def test_9_1_3_latest_judgement_decides() -> None:
    # an earlier fail judgement is superseded by a later pass one
    marks = [judgement("9.1.3", "fail", date="2024-03-01"), judgement("9.1.3", "pass", date="2024-03-25")]
    assert verdict("9.1.3", judgements=marks, document=documents("未保站五个中心建设方案")) == "pass"


# ------------------------------------------------------------------ 9.2.1 关爱服务场所开放


FIRST_MONDAY = dt.date(2023, 4, 3)  # 2023-04-01 is a Saturday: the first whole ISO week starts 04-03
LAST_SUNDAY = dt.date(2024, 3, 31)  # 评估期 ends on a Sunday: the last whole week is 2024-03-25..31
OPEN_WEEKDAYS = (0, 1, 2, 5, 6)  # Monday, Tuesday, Wednesday, Saturday, Sunday


def whole_weeks() -> list[dt.date]:
    """The Mondays of the 52 whole ISO weeks inside 评估期."""
    mondays = []
    monday = FIRST_MONDAY
    while monday + dt.timedelta(days=6) <= LAST_SUNDAY:
        mondays.append(monday)
        monday += dt.timedelta(days=7)
    return mondays


def weekly_sessions(venue_id: str = "V1") -> list[dict[str, Any]]:
    """Open 3 hours on Monday, Tuesday, Wednesday, Saturday and Sunday of every whole week.

    Five distinct days a week, and at least one rest day every week: Saturday and Sunday are
    rest days except for a few 调休 make-up working days, and in the one week where both are
    make-up working days (2023-10-07/08) Monday to Wednesday are National Day holidays.
    """
    return [
        session(venue_id, monday + dt.timedelta(days=offset))
        for monday in whole_weeks()
        for offset in OPEN_WEEKDAYS
    ]


def open_venue_ledger() -> Ledger:
    return {"venue": [venue("V1", "未成年人关爱服务场所")], "venue_session": weekly_sessions()}


def test_9_2_1_sessions_cover_52_whole_weeks() -> None:
    # guards the generator: 52 whole weeks, 5 sessions each
    assert len(whole_weeks()) == 52
    assert len(weekly_sessions()) == 52 * 5


def test_9_2_1_open_five_days_every_week_with_a_rest_day_passes() -> None:
    # 每周≥5个开放日、其中≥1个休息日、每次≥3小时（正好3小时也算“不少于”）→ pass
    assert verdict("9.2.1", **open_venue_ledger()) == "pass"


def drop(day: str) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    return lambda sessions: [s for s in sessions if s["date"] != day]


def move(days: dict[str, str]) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    return lambda sessions: [{**s, "date": days.get(s["date"], s["date"])} for s in sessions]


def shorten(day: str, hours: float) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    return lambda sessions: [{**s, "hours": hours} if s["date"] == day else s for s in sessions]


@pytest.mark.parametrize(
    "change",
    [
        # 一周只开放4天：2023-11-13 那周少了星期二
        pytest.param(drop("2023-11-14"), id="week-with-4-days"),
        # 一周没有休息日开放：2023-11-13 那周星期六、日改为星期四、五开放（仍是5天）
        pytest.param(move({"2023-11-18": "2023-11-16", "2023-11-19": "2023-11-17"}), id="no-rest-day"),
        # 一次开放只有2.5小时（2023-11-15 星期三）
        pytest.param(shorten("2023-11-15", 2.5), id="session-of-2.5-hours"),
        # 2023-04-23 是星期日但为劳动节调休上班日，不是休息日：那周改周六为周四开放后，
        # 5个开放日（周一至周四、周日）都是工作日
        pytest.param(move({"2023-04-22": "2023-04-20"}), id="make-up-sunday-is-not-a-rest-day"),
    ],
)
def test_9_2_1_each_requirement_broken_fails(
    change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
) -> None:
    led = open_venue_ledger()
    led["venue_session"] = change(led["venue_session"])
    assert verdict("9.2.1", **led) == "fail"


def test_9_2_1_hours_count_over_all_of_the_period_but_not_before_it() -> None:
    led = open_venue_ledger()
    # a 2-hour session on 2023-03-31 (before 评估期) does not count against the street
    led["venue_session"] = [*weekly_sessions(), session("V1", "2023-03-31", 2)]
    assert verdict("9.2.1", **led) == "pass"
    # one on Saturday 2023-04-01 does: the partial first week is not counted for open days,
    # but “每次开放不少于3个小时” covers every session inside 评估期
    led["venue_session"] = [*weekly_sessions(), session("V1", "2023-04-01", 2)]
    assert verdict("9.2.1", **led) == "fail"


def test_9_2_1_no_care_venue_fails_and_no_session_ledger_is_unknown() -> None:
    # 未建立未成年人关爱服务场所（只有未保站）→ fail
    assert verdict("9.2.1", venue=[venue("V1", "未保站")], venue_session=[]) == "fail"
    # a venue ledger but no opening records at all (fact type left out) → unknown
    assert verdict("9.2.1", venue=[venue("V1", "未成年人关爱服务场所")]) == "unknown"


def test_9_2_1_every_care_venue_must_open() -> None:
    # a second 关爱服务场所 with no opening record fails; V1's sessions do not count for V2
    led = open_venue_ledger()
    led["venue"] = [*led["venue"], venue("V2", "未成年人关爱服务场所")]
    assert verdict("9.2.1", **led) == "fail"


def test_9_2_1_mid_period_is_pending() -> None:
    # on 2023-10-01, the weeks so far all met; later weeks and the hours rule are not yet due
    led = open_venue_ledger()
    led["venue_session"] = [s for s in led["venue_session"] if s["date"] <= MID.isoformat()]
    assert verdict("9.2.1", as_of=MID, **led) == "pending"
    # a 2-hour session already recorded (2023-06-07) is a breach that nothing can undo → fail
    led["venue_session"] = shorten("2023-06-07", 2)(led["venue_session"])
    assert verdict("9.2.1", as_of=MID, **led) == "fail"


# 节假日开放读法 (docs/domain.md, Readings): “节假日至少开放1天” read as a rest day every week
# (default), or as one open day in each holiday block, a week broken by holidays then needing
# 5 open days or every working day of the week.
EACH_HOLIDAY = {"节假日开放读法": "每个节假日"}


def sessions_without(*days: str) -> dict[str, Any]:
    led = open_venue_ledger()
    led["venue_session"] = [s for s in led["venue_session"] if s["date"] not in days]
    return led


def test_9_2_1_reading_both_agree_on_a_venue_open_five_days_with_weekends() -> None:
    assert verdict("9.2.1", **open_venue_ledger()) == "pass"
    assert verdict("9.2.1", reading=EACH_HOLIDAY, **open_venue_ledger()) == "pass"


def test_9_2_1_reading_the_spring_festival_week() -> None:
    # 春节 2024: the block 02-10..02-17; in the ISO week 02-12..02-18 only Sunday 02-18 is a
    # working day (调休). The venue opens on 02-10 and 02-11 (in the block) and on 02-18 only.
    led = sessions_without("2024-02-12", "2024-02-13", "2024-02-14", "2024-02-17")
    assert verdict("9.2.1", **led) == "fail"  # 读法一：那一周也要开放5天
    assert verdict("9.2.1", reading=EACH_HOLIDAY, **led) == "pass"  # 读法二：开放了该周唯一的工作日
    # closed on 02-18 as well: the week's one working day is missed
    led = sessions_without("2024-02-12", "2024-02-13", "2024-02-14", "2024-02-17", "2024-02-18")
    assert verdict("9.2.1", reading=EACH_HOLIDAY, **led) == "fail"


def test_9_2_1_reading_each_holiday_block_needs_an_open_day() -> None:
    # 清明 2023 is Wednesday 04-05, a one-day block: open Thursday instead (still 5 days that week,
    # with the weekend).
    led = open_venue_ledger()
    led["venue_session"] = move({"2023-04-05": "2023-04-06"})(led["venue_session"])
    assert verdict("9.2.1", **led) == "pass"  # 读法一：每周有休息日开放即可
    assert verdict("9.2.1", reading=EACH_HOLIDAY, **led) == "fail"  # 读法二：清明这一节假日没有开放


def test_9_2_1_reading_each_holiday_needs_no_rest_day_every_week() -> None:
    # A week open Monday to Friday only (2023-11-13): no rest day that week.
    led = open_venue_ledger()
    weekdays_only = move({"2023-11-18": "2023-11-16", "2023-11-19": "2023-11-17"})
    led["venue_session"] = weekdays_only(led["venue_session"])
    assert verdict("9.2.1", **led) == "fail"
    assert verdict("9.2.1", reading=EACH_HOLIDAY, **led) == "pass"
    # a week of 4 open days fails on either reading
    led = sessions_without("2023-11-14")
    assert verdict("9.2.1", reading=EACH_HOLIDAY, **led) == "fail"


# ------------------------------------------------------------------ 10.1.1 儿童督导员


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        ([staff("儿童督导员")], "pass"),  # 指定了儿童督导员，评估期末在岗
        ([staff("儿童督导员", left="2024-04-15")], "pass"),  # 评估期结束后才离任：期末仍在岗
        ([staff("儿童主任")], "fail"),  # 只有儿童主任，没有儿童督导员
        ([staff("儿童督导员", left="2024-01-15")], "fail"),  # 评估期内离任，期末无人在岗
        ([staff("儿童督导员", left="2024-03-31")], "fail"),  # 评估期最后一天离任：期末不在岗
        ([], "fail"),  # 无任何岗位人员
    ],
)
def test_10_1_1_supervisor_in_post(people: list[dict[str, Any]], expected: str) -> None:
    assert verdict("10.1.1", staff=people) == expected


def test_10_1_1_mid_period_is_pending_and_no_staff_ledger_is_unknown() -> None:
    # not yet designated on 2023-10-01: due at 评估期.end → pending
    assert verdict("10.1.1", as_of=MID, staff=[staff("儿童主任")]) == "pending"
    # designated on 2023-11-01, after the as-of date 2023-10-01: not yet counted
    assert verdict("10.1.1", as_of=MID, staff=[staff("儿童督导员", appointed="2023-11-01")]) == "pending"
    assert verdict("10.1.1") == "unknown"


# ------------------------------------------------------------------ 10.1.2 未保站青少年事务社工


STATION = [venue("V1", "未保站"), venue("V2", "儿童之家")]


def youth_worker(**fields: Any) -> dict[str, Any]:
    """A 青少年事务社工 working at the 未保站 V1, in post throughout 评估期."""
    return staff("青少年事务社工", **{"workplace": "V1", **fields})


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        ([youth_worker(employment="公益岗位")], "pass"),  # 设置公益岗位配备
        ([youth_worker(employment="购买社会工作服务")], "pass"),  # 购买社会工作服务
        ([youth_worker(employment="编制内")], "pass"),  # “等方式”：方式不限（默认读法）
        ([youth_worker(employment="公益岗位", workplace="V2")], "fail"),  # 在儿童之家，不在未保站
        ([staff("社会工作者", employment="公益岗位", workplace="V1")], "fail"),  # 不是青少年事务社工
        ([youth_worker(employment="公益岗位", left="2023-12-31")], "fail"),  # 期内离岗
        ([], "fail"),  # 未配备
    ],
)
def test_10_1_2_one_youth_social_worker(people: list[dict[str, Any]], expected: str) -> None:
    assert verdict("10.1.2", staff=people, venue=STATION) == expected


def test_10_1_2_mid_period_is_pending_and_an_unrecorded_workplace_is_unknown() -> None:
    # none yet on 2023-10-01: due at 评估期.end → pending
    assert verdict("10.1.2", as_of=MID, staff=[], venue=STATION) == "pending"
    # a 青少年事务社工 whose workplace is not recorded: cannot tell it is the 未保站 → unknown
    nowhere = [staff("青少年事务社工", employment="公益岗位")]
    assert verdict("10.1.2", staff=nowhere, venue=STATION) == "unknown"


# 社工配备方式读法 (docs/domain.md, Readings): does “通过设置公益岗位、购买社会工作服务等方式” leave
# the ways of employment open (default), or list the only two?
LISTED_WAYS = {"社工配备方式读法": "限公益岗位和购买服务"}


@pytest.mark.parametrize(
    ("employment", "expected"),
    [("公益岗位", "pass"), ("购买社会工作服务", "pass"), ("编制内", "fail"), ("其他", "fail")],
)
def test_10_1_2_reading_only_the_listed_ways(employment: str, expected: str) -> None:
    people = [youth_worker(employment=employment)]
    assert verdict("10.1.2", staff=people, venue=STATION) == "pass"  # 读法一：方式不限
    assert verdict("10.1.2", staff=people, venue=STATION, reading=LISTED_WAYS) == expected
    # under the listed-ways reading an unrecorded employment cannot be judged
    assert verdict("10.1.2", staff=[youth_worker()], venue=STATION, reading=LISTED_WAYS) == "unknown"


# ------------------------------------------------------------------ 10.1.3 每个居民区儿童主任


AREAS = [{"id": "R1", "name": "一居", "minors": 250}, {"id": "R2", "name": "二居", "minors": 300}]


def test_10_1_3_a_director_in_every_area_passes() -> None:
    # 每个居民区都有1名在岗儿童主任（R1 由妇联主席兼任，R2 不是：“优先”只报告，不影响结论）
    people = [staff("儿童主任", area="R1", concurrent="社区妇联主席"), staff("儿童主任", area="R2")]
    outcome = result("10.1.3", residential_area=AREAS, staff=people)
    assert outcome.verdict == "pass"
    advice = [c for c in outcome.checks if c.advisory and "concurrent" in c.text]
    assert [c.verdict for c in advice] == ["pass", "fail"]


@pytest.mark.parametrize(
    "people",
    [
        # R2 没有儿童主任
        pytest.param([staff("儿童主任", area="R1")], id="area-without-director"),
        # R2 的儿童主任评估期内离任
        pytest.param(
            [staff("儿童主任", area="R1"), staff("儿童主任", area="R2", left="2024-02-01")],
            id="director-left",
        ),
        # 两名儿童主任都在 R1（一个居民区多配不能顶替另一个居民区）
        pytest.param([staff("儿童主任", area="R1"), staff("儿童主任", area="R1")], id="both-in-one-area"),
        # R2 只有儿童督导员，不是儿童主任
        pytest.param([staff("儿童主任", area="R1"), staff("儿童督导员", area="R2")], id="wrong-role"),
    ],
)
def test_10_1_3_an_area_without_a_director_fails(people: list[dict[str, Any]]) -> None:
    assert verdict("10.1.3", residential_area=AREAS, staff=people) == "fail"


# 增配读法 (docs/domain.md, Readings): “未成年人数量较多的，应根据实际情况增配力量” — a
# requirement for areas of more than 增配未成年人数 (1000) minors (default), or advice only?
ADVICE_ONLY = {"增配读法": "只报告"}
BIG_AREA = [{"id": "R1", "name": "大居", "minors": 1200}]


def test_10_1_3_reading_a_big_area_needs_a_second_director() -> None:
    one = [staff("儿童主任", area="R1", concurrent="社区妇联主席")]
    two = [*one, staff("儿童主任", area="R1")]
    assert verdict("10.1.3", residential_area=BIG_AREA, staff=one) == "fail"  # 读法一：应增配
    assert verdict("10.1.3", residential_area=BIG_AREA, staff=two) == "pass"
    outcome = result("10.1.3", residential_area=BIG_AREA, staff=one, reading=ADVICE_ONLY)
    assert outcome.verdict == "pass"  # 读法二：只报告
    assert [c.verdict for c in outcome.checks if c.advisory] == ["pass", "fail"]  # 优先…; 增配


def test_10_1_3_reading_the_threshold_is_a_parameter_and_its_boundary_is_not_more() -> None:
    one = [staff("儿童主任", area="R1")]
    exactly = [{"id": "R1", "name": "大居", "minors": 1000}]  # 1000 is not 超过 1000
    assert verdict("10.1.3", residential_area=exactly, staff=one) == "pass"
    assert verdict("10.1.3", residential_area=exactly, staff=one, reading={"增配未成年人数": "800"}) == "fail"


def test_10_1_3_reading_an_area_without_its_number_of_minors() -> None:
    # whether it needs a second director cannot be told: unknown under the default reading
    area = [{"id": "R1", "name": "一居"}]
    one = [staff("儿童主任", area="R1")]
    assert verdict("10.1.3", residential_area=area, staff=one) == "unknown"
    assert verdict("10.1.3", residential_area=area, staff=one, reading=ADVICE_ONLY) == "pass"


def test_10_1_3_no_areas_is_not_applicable() -> None:
    # `for each 居民区` with no residential areas recorded → n/a
    assert verdict("10.1.3", residential_area=[], staff=[staff("儿童主任")]) == "n/a"


# ------------------------------------------------------------------ 10.1.4 岗位要求、考核激励、津补贴

CADRE_DOCS = ("儿童督导员儿童主任岗位要求", "儿童督导员儿童主任考核激励机制", "儿童督导员儿童主任津补贴制度")


def test_10_1_4_three_mechanisms_pass_whatever_the_advice() -> None:
    # 三项制度均有效 → pass；无人持社会工作职业资格证书只是“鼓励”，不影响结论
    people = [staff("儿童督导员", social_work_cert=False), staff("儿童主任")]
    outcome = result("10.1.4", document=documents(*CADRE_DOCS), staff=people)
    assert outcome.verdict == "pass"
    assert [c.verdict for c in outcome.checks if c.advisory] == ["fail"]
    # with a certificate holder the advice is met too
    people = [staff("儿童督导员", social_work_cert=True)]
    outcome = result("10.1.4", document=documents(*CADRE_DOCS), staff=people)
    assert outcome.verdict == "pass"
    assert [c.verdict for c in outcome.checks if c.advisory] == ["pass"]


@pytest.mark.parametrize("missing", CADRE_DOCS)
def test_10_1_4_each_mechanism_missing_fails(missing: str) -> None:
    # 缺岗位要求 / 考核激励机制 / 津补贴制度 之一 → fail
    docs = documents(*(kind for kind in CADRE_DOCS if kind != missing))
    assert verdict("10.1.4", document=docs, staff=[staff("儿童督导员")]) == "fail"


def test_10_1_4_mechanism_repealed_in_the_period_fails() -> None:
    docs = [*documents(*CADRE_DOCS[:2]), document(CADRE_DOCS[2], repealed="2023-09-30")]
    assert verdict("10.1.4", document=docs, staff=[staff("儿童督导员")]) == "fail"


# ------------------------------------------------------------------ 10.1.5 社会工作者、专业岗位、志愿服务队伍


def social_work_ledger() -> Ledger:
    return {
        "staff": [staff("社会工作者", employment="购买社会工作服务")],
        "child": [child(f"C{i}") for i in range(1, 16)],  # 15 children on the register
        "document": documents("社会工作专业岗位纳入专业技术系列"),
        "residential_area": [dict(a) for a in AREAS],
        "volunteer_team": [
            {"area": "R1", "name": "一居护苗队", "founded": "2021-05-01"},
            {"area": "R2", "name": "二居护苗队", "founded": "2023-09-01", "members": 12},
        ],
    }


def test_10_1_5_social_worker_document_and_a_team_per_area_passes() -> None:
    # 在岗社会工作者 + 专业岗位纳入专业技术系列 + 每个居民区一支志愿服务队伍 → pass
    assert verdict("10.1.5", **social_work_ledger()) == "pass"


@pytest.mark.parametrize(
    "break_it",
    [
        # 没有在岗社会工作者（唯一一名评估期内离岗）
        pytest.param(
            lambda led: led.update(staff=[staff("社会工作者", left="2023-06-30")]), id="no-social-worker"
        ),
        # 社会工作专业岗位未纳入专业技术系列
        pytest.param(lambda led: led.update(document=[]), id="no-document"),
        # R2 没有志愿服务队伍
        pytest.param(
            lambda led: led.update(volunteer_team=led["volunteer_team"][:1]), id="area-without-team"
        ),
        # R2 的队伍评估期结束后才成立（2024-04-10）
        pytest.param(
            lambda led: led["volunteer_team"][1].update(founded="2024-04-10"), id="team-founded-too-late"
        ),
    ],
)
def test_10_1_5_each_requirement_broken_fails(break_it: Callable[[Ledger], None]) -> None:
    led = social_work_ledger()
    break_it(led)
    assert verdict("10.1.5", **led) == "fail"


# 社工比例读法 (docs/domain.md, Readings): “根据所服务的未成年人数量…按适当比例配备” — one social
# worker for every 每名社工服务儿童数 (20) children on the register (default), or at least one?
AT_LEAST_ONE = {"社工比例读法": "至少1名"}


def test_10_1_5_reading_one_social_worker_per_twenty_children() -> None:
    led = social_work_ledger()
    led["child"] = [child(f"C{i}") for i in range(1, 21)]  # 20 children: one worker is enough
    assert verdict("10.1.5", **led) == "pass"
    led["child"].append(child("C21"))  # 21: one is not
    assert verdict("10.1.5", **led) == "fail"
    assert verdict("10.1.5", reading=AT_LEAST_ONE, **led) == "pass"
    led["staff"].append(staff("社会工作者"))  # a second worker
    assert verdict("10.1.5", **led) == "pass"
    # children who left the register before the as-of date are not served any more
    led = social_work_ledger()
    led["child"] = [child(f"C{i}", left="2023-12-31") for i in range(1, 30)]
    assert verdict("10.1.5", **led) == "pass"


def test_10_1_5_reading_a_register_left_out_is_unknown_unless_one_is_enough() -> None:
    led = social_work_ledger()
    del led["child"]
    assert verdict("10.1.5", **led) == "unknown"
    assert verdict("10.1.5", reading=AT_LEAST_ONE, **led) == "pass"


# 社区读法: “各社区培育发展一支…志愿服务队伍” — a team in every residential area (default), or one
# for the street?
ONE_FOR_THE_STREET = {"社区读法": "街镇一支"}


def test_10_1_5_reading_one_team_for_the_street() -> None:
    led = social_work_ledger()
    led["volunteer_team"] = led["volunteer_team"][:1]  # R2 has none
    assert verdict("10.1.5", **led) == "fail"
    assert verdict("10.1.5", reading=ONE_FOR_THE_STREET, **led) == "pass"
    led["volunteer_team"] = []
    assert verdict("10.1.5", reading=ONE_FOR_THE_STREET, **led) == "fail"


def test_10_1_5_team_not_yet_founded_mid_period_is_pending() -> None:
    # on 2023-10-01 R2's team (founded later) is not there yet, but is due only at 评估期.end
    led = social_work_ledger()
    led["volunteer_team"][1]["founded"] = "2023-12-01"
    assert verdict("10.1.5", as_of=MID, **led) == "pending"


# ------------------------------------------------------------------ 10.2.1 儿童主任、督导员培训


def cadre_training_ledger() -> Ledger:
    """S1: 儿童主任 in post since 2020 → one 轮训 in 2023. S2: 儿童督导员 appointed 2023-06-01
    → 入职培训 by deadline(2023-06-01, 3 months) = 2023-09-01 (a Friday). Every training has
    ≥50 % child social-work content and its materials kept."""
    return {
        "staff": [person("S1", "儿童主任", "2020-03-01"), person("S2", "儿童督导员", "2023-06-01")],
        "training": [
            training("S1", "2023-05-20", "轮训", child_share="60%"),
            training("S2", "2023-09-01", "入职培训", child_share="50%"),  # 届满日当天；正好50%
        ],
    }


def test_10_2_1_induction_in_three_months_and_yearly_refresher_passes() -> None:
    assert verdict("10.2.1", **cadre_training_ledger()) == "pass"


def set_training(index: int, **fields: Any) -> Callable[[Ledger], None]:
    return lambda led: led["training"][index].update(fields)


@pytest.mark.parametrize(
    "break_it",
    [
        # (1) 新任督导员入职培训晚于3个月（2023-09-04，期限 2023-09-01）
        pytest.param(set_training(1, date="2023-09-04"), id="induction-late"),
        # (1) 新任督导员没有入职培训（那次是轮训）
        pytest.param(set_training(1, kind="轮训"), id="no-induction"),
        # (2) 儿童主任2023年未轮训：唯一一次轮训在2024年1月
        pytest.param(set_training(0, date="2024-01-10"), id="no-refresher-in-2023"),
        # (2) 儿童主任2023年的培训是入职培训而非轮训
        pytest.param(set_training(0, kind="入职培训"), id="refresher-of-wrong-kind"),
        # (3) 一次培训儿童社会工作相关课程只占40%
        pytest.param(set_training(0, child_share="40%"), id="child-share-below-50"),
        # (3) 培训资料未保存完好
        pytest.param(set_training(1, materials_kept=False), id="materials-not-kept"),
    ],
)
def test_10_2_1_each_requirement_broken_fails(break_it: Callable[[Ledger], None]) -> None:
    led = cadre_training_ledger()
    break_it(led)
    assert verdict("10.2.1", **led) == "fail"


def test_10_2_1_who_is_assessed() -> None:
    led = cadre_training_ledger()
    # a 强制报告责任人员's training is not this rule's: a 30 % course of theirs does not fail it
    led["staff"].append(person("S3", "强制报告责任人员"))
    led["training"].append(training("S3", "2023-07-01", subject="强制报告制度", child_share="30%"))
    # a 儿童主任 who left in October 2023 was not in post the whole of 2023: no 轮训 required
    led["staff"].append(person("S4", "儿童主任", "2019-01-01", left="2023-10-15"))
    assert verdict("10.2.1", **led) == "pass"


def test_10_2_1_appointment_whose_three_months_end_after_the_period_is_not_assessed() -> None:
    # appointed 2024-01-15: the 3 months end 2024-04-15, after 评估期; not in post all of 2023;
    # no training recorded → nothing to check → n/a
    led = {"staff": [person("S1", "儿童主任", "2024-01-15")], "training": []}
    assert verdict("10.2.1", **led) == "n/a"


def test_10_2_1_refresher_not_yet_due_mid_period_is_pending() -> None:
    # on 2023-10-01 the 2023 refresher is due only on 2023-12-31; S2's induction is done
    led = cadre_training_ledger()
    del led["training"][0]
    assert verdict("10.2.1", as_of=MID, **led) == "pending"


def test_10_2_1_missing_child_share_is_unknown() -> None:
    # the 占比 field left empty: the 50 % requirement cannot be decided → unknown, not fail
    led = cadre_training_ledger()
    led["training"][0] = training("S1", "2023-05-20", child_share=None)
    assert verdict("10.2.1", **led) == "unknown"


# ------------------------------------------------------------------ 10.2.2 强制报告责任人员培训


def reporter_training_ledger() -> Ledger:
    """R1 in post since 2021 → a 强制报告制度 轮训 in 2023; R2 appointed 2023-06-01 → a
    强制报告制度 入职培训 by 2023-09-01."""
    return {
        "staff": [
            person("R1", "强制报告责任人员", "2021-09-01"),
            person("R2", "强制报告责任人员", "2023-06-01"),
        ],
        "training": [
            training("R1", "2023-11-08", "轮训", subject="强制报告制度"),
            training("R2", "2023-07-03", "入职培训", subject="强制报告制度"),
        ],
    }


def test_10_2_2_induction_and_refresher_on_mandatory_reporting_passes() -> None:
    assert verdict("10.2.2", **reporter_training_ledger()) == "pass"


@pytest.mark.parametrize(
    "break_it",
    [
        # 新任人员入职培训不是强制报告制度培训
        pytest.param(set_training(1, subject="儿童社会工作"), id="induction-wrong-subject"),
        # 新任人员入职培训晚于3个月
        pytest.param(set_training(1, date="2023-09-05"), id="induction-late"),
        # 在岗人员2023年的轮训不是强制报告制度
        pytest.param(set_training(0, subject="其他"), id="refresher-wrong-subject"),
        # 在岗人员2023年没有轮训：唯一一次轮训在2024年2月
        pytest.param(set_training(0, date="2024-02-20"), id="no-refresher-in-2023"),
    ],
)
def test_10_2_2_each_requirement_broken_fails(break_it: Callable[[Ledger], None]) -> None:
    led = reporter_training_ledger()
    break_it(led)
    assert verdict("10.2.2", **led) == "fail"


def test_10_2_2_refresher_early_in_2023_counts_for_the_calendar_year() -> None:
    # 每年 = calendar year 2023: a 轮训 on 2023-03-20 (before 评估期 starts) still counts for 2023
    led = reporter_training_ledger()
    led["training"][0]["date"] = "2023-03-20"
    assert verdict("10.2.2", **led) == "pass"


def test_10_2_2_no_reporters_is_not_applicable() -> None:
    # only a 儿童主任 in the staff ledger: nobody to train in mandatory reporting → n/a
    assert verdict("10.2.2", staff=[person("S1", "儿童主任")], training=[]) == "n/a"


# ------------------------------------------------------------------ N.1 … N.9 负面工作清单（veto）

ITEMS = [f"N.{i}" for i in range(1, 10)]


def veto_ledger(*incidents: dict[str, Any]) -> Ledger:
    """An incident ledger, plus what the computed parts read — N.3: benefits paid at their
    standard (none here); N.7: instructions completed (none here); N.8: a 儿童督导员 in post and
    the 内设机构职责 document — so that only the incidents decide."""
    return {
        "incident": list(incidents),
        "benefit": [],
        "instruction": [],
        "staff": [staff("儿童督导员")],
        "document": documents("未成年人保护内设机构职责"),
    }


@pytest.mark.parametrize("item", ITEMS)
def test_N_no_incident_passes(item: str) -> None:
    # 评估期内无该项负面事件（incident 台账在，但为空）→ pass
    assert verdict(item, **veto_ledger()) == "pass"


@pytest.mark.parametrize("item", ITEMS)
def test_N_incident_in_the_period_fails(item: str) -> None:
    # 评估期内经认定发生该项事件 → fail（一票否决）
    assert verdict(item, **veto_ledger(incident(item))) == "fail"


@pytest.mark.parametrize("item", ITEMS)
def test_N_incident_boundaries(item: str) -> None:
    other = "N.2" if item == "N.1" else "N.1"
    # another item's incident does not hit this one
    assert verdict(item, **veto_ledger(incident(other))) == "pass"
    # an incident on 2023-03-31, the day before 评估期, is outside it
    assert verdict(item, **veto_ledger(incident(item, "2023-03-31"))) == "pass"
    # one on 2024-03-31, the last day of 评估期, is inside it
    assert verdict(item, **veto_ledger(incident(item, "2024-03-31"))) == "fail"


@pytest.mark.parametrize("item", ITEMS)
def test_N_no_incident_ledger_is_unknown_and_mid_period_is_pending(item: str) -> None:
    led = veto_ledger()
    # no incident ledger: whether anything happened is not known
    del led["incident"]
    assert verdict(item, **led) == "unknown"
    # on 2023-10-01 nothing has happened yet, but something still could before 评估期 ends
    assert verdict(item, as_of=MID, **veto_ledger()) == "pending"


@pytest.mark.parametrize("item", ITEMS)
def test_N_incident_before_the_as_of_date_fails_at_once(item: str) -> None:
    # an incident on 2023-08-20 is already a hit on 2023-10-01: a broken none(…) cannot recover
    assert verdict(item, as_of=MID, **veto_ledger(incident(item))) == "fail"


@pytest.mark.parametrize(
    ("tables", "expected"),
    [
        # 只有内设机构职责文件（无在岗儿童督导员）→ 已明确内设机构 → pass
        ({"document": documents("未成年人保护内设机构职责"), "staff": [staff("儿童主任")]}, "pass"),
        # 只有在岗儿童督导员（无内设机构文件）→ 已明确专门人员 → pass
        ({"document": [], "staff": [staff("儿童督导员")]}, "pass"),
        # 督导员在岗，文件台账缺失：true or unknown = true → pass
        ({"staff": [staff("儿童督导员")]}, "pass"),
        # 二者皆无 → 未明确内设机构或专门人员 → fail
        ({"document": documents("未保站工作职责"), "staff": [staff("儿童主任")]}, "fail"),
        # 文件评估期内废止、督导员评估期内离任 → 期末二者皆无 → fail
        (
            {
                "document": [document("未成年人保护内设机构职责", repealed="2023-12-01")],
                "staff": [staff("儿童督导员", left="2023-12-01")],
            },
            "fail",
        ),
        # 二者的台账都缺失 → unknown
        ({}, "unknown"),
    ],
)
def test_N_8_unit_or_dedicated_staff(tables: Ledger, expected: str) -> None:
    assert verdict("N.8", incident=[], **tables) == expected


def test_N_8_neither_mid_period_is_pending() -> None:
    # on 2023-10-01 neither is in place yet; due at 评估期.end → pending, not a veto yet
    assert verdict("N.8", as_of=MID, incident=[], document=[], staff=[]) == "pending"


def test_N_8_a_unit_document_without_evidence_does_not_count() -> None:
    # 有效的内设机构职责文件须有据可查（文号或存档位置），与“有效文件”的约定一致：
    # 没有佐证的文件、又没有在岗儿童督导员 → 一票否决。
    undocumented = document("未成年人保护内设机构职责")
    del undocumented["evidence"]
    assert verdict("N.8", incident=[], document=[undocumented], staff=[]) == "fail"
    assert verdict("N.8", incident=[], document=[document("未成年人保护内设机构职责")], staff=[]) == "pass"


@pytest.mark.parametrize(
    ("rule", "tables"),
    [
        ("9.1.2", {"venue": [], "document": documents("未保站工作职责", "未保站工作制度")}),
        ("9.1.1", {"venue": [], "document": documents("临时照护点工作制度")}),
        ("8.1.3", {"venue": []}),
    ],
)
def test_a_place_not_yet_registered_mid_period_is_pending(rule: str, tables: Ledger) -> None:
    # 场所台账没有设立日期：期中尚未登记的场所仍可在评估期末前设立 → pending；期末仍没有 → fail。
    judgements = [judgement(rule, date="2023-09-20")] if rule == "9.1.1" else []
    assert verdict(rule, as_of=MID, judgements=judgements, **tables) == "pending"
    assert verdict(rule, judgements=judgements, **tables) == "fail"


# N.3 and N.7 are computed from records too (docs/domain.md, “Kinds of clause”).


def paid(month: str, amount: int, standard: int = 2400) -> dict[str, Any]:
    return {"child": "C1", "kind": "基本生活补贴", "month": month, "amount": amount, "standard": standard}


@pytest.mark.parametrize(
    ("amount", "month", "expected"),
    [
        (2400, "2023-06-10", "pass"),  # at the standard
        (2300, "2023-06-10", "fail"),  # below it: 保障资金没有落实到位
        (2300, "2023-03-10", "pass"),  # before 评估期
    ],
)
def test_N_3_a_benefit_below_its_standard_is_a_hit(amount: int, month: str, expected: str) -> None:
    led = veto_ledger() | {"child": [child("C1", "孤儿")], "benefit": [paid(month, amount)]}
    assert verdict("N.3", **led) == expected


def task(source: str, due: str, completed: str | None = None) -> dict[str, Any]:
    row = {"source": source, "received": "2023-05-04", "due": due, "summary": "交办事项"}
    return row | ({"completed": completed} if completed else {})


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (task("区委、区政府", "2023-05-20", "2023-05-18"), "pass"),  # done in time
        (task("区委、区政府", "2023-05-20", "2023-06-10"), "pass"),  # done late: 1.2.3, not N.7
        (task("区委、区政府", "2023-05-20"), "fail"),  # never done: 拒不处置
        (task("街镇负责同志", "2023-05-20"), "pass"),  # not from a higher level
    ],
)
def test_N_7_a_task_from_above_left_undone_is_a_hit(row: dict[str, Any], expected: str) -> None:
    assert verdict("N.7", **veto_ledger() | {"instruction": [row]}) == expected


def test_N_7_an_overdue_task_is_refused_only_a_month_after_its_time_limit() -> None:
    # due 2023-09-01 (a Friday): a month later is 2023-10-01, inside 国庆, so 2023-10-07, the
    # last day it could still be done; a completion entered later does not undo the refusal
    led = veto_ledger() | {"instruction": [task("市委、市政府", "2023-09-01")]}
    assert verdict("N.7", as_of=dt.date(2023, 10, 6), **led) == "pending"
    assert verdict("N.7", as_of=dt.date(2023, 10, 7), **led) == "fail"
    done_late = veto_ledger() | {"instruction": [task("市委、市政府", "2023-09-01", "2023-10-20")]}
    assert verdict("N.7", as_of=dt.date(2023, 10, 7), **done_late) == "fail"
    assert verdict("N.7", as_of=dt.date(2023, 12, 31), **done_late) == "fail"

