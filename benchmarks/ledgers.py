"""Deterministic street ledgers for the benchmarks, at any scale (10 … 100 000 streets).

``streets(n, seed)`` yields :class:`protrules.Ledger` objects one at a time — it never holds
more than one street — so a benchmark can stream 100 000 ledgers through
``RuleSet.evaluate_many`` in bounded memory. Street ``i`` of seed ``s`` is always the same
street (its random generator is seeded with ``(s, i)``), whatever ``n`` is and wherever the
stream starts.

Each street has about a year of facts (评估期 2023-04-01 .. 2024-03-31, plus the rest of
calendar 2023 and the weeks just around the period), about 460 facts, in the fact schema of
``benchmarks/six_rules.prl`` — which is the Changning schema (rules/changning_2023.prl) for
these types, so the facts are valid Changning facts too:

- ``meeting``: 2–4 coordination meetings in 2023 (a few streets hold only one), topical
  meetings and case conferences beside them;
- ``activity``: 5–8 activities a quarter; each quarter normally has a recorded family-education
  activity, a few streets miss one quarter (none, unrecorded, or held the day before it starts);
- ``employee``, ``background_check``, ``termination``: ~20 people in posts that work with
  children, entry checks before starting, yearly re-checks, some hits (有记录); a hit is
  followed by a termination 1–70 calendar days later or not at all, so some are late by the
  working-day count (30 working days, across the October and Spring Festival holidays);
- ``staff``, ``training``: ~14 people, new 儿童主任/儿童督导员 appointments through 2023
  (some on month ends, where the Civil-Code deadline clamps and rolls forward), induction
  trainings on time, on the rolled deadline, late, of the wrong kind, or missing;
- ``tutoring_institution``, ``tutoring_class``: 2–4 institutions with weekly classes; most
  skip days off but teach on make-up working days (调休上班, which are allowed); some hold a
  class on a weekend rest day or on a weekday holiday;
- ``venue``, ``venue_session``: a 关爱服务场所 opening 5–6 days a week on one of four
  schedules (Tue–Sun, Mon–Sat, Wed–Sun, Mon–Fri + Sunday), some closed on statutory
  holidays, occasional closures and double sessions; the Mon–Fri + Sunday schedule fails a
  week whose Sunday is a make-up working day, the Wed–Sun one fails a week with a closure.

Run ``python benchmarks/ledgers.py 1000`` for the verdict-relevant statistics of a stream.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import functools
import random
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from protrules.calendar.workdays import WorkCalendar
from protrules.facts.model import Fact, Ledger

__all__ = ["AS_OF", "PERIOD_END", "PERIOD_START", "SEED", "street", "streets"]

PERIOD_START, PERIOD_END = dt.date(2023, 4, 1), dt.date(2024, 3, 31)
AS_OF = PERIOD_END  # every deadline the six rules check falls on or before it: nothing is pending
SEED = 2023

_FIRST = dt.date(2014, 1, 1)  # the oldest date a street's facts use (employees' start dates)
_LAST = dt.date(2025, 6, 30)
_HIT_LAST = dt.date(2024, 1, 31)  # hits after this would still be open (pending) on AS_OF

_NAMES = ("王芳", "李强", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "周婷", "吴昊", "徐丽", "孙杰")
_UNITS = ("街道办事处", "未保站", "社区卫生服务中心", "第一小学", "幼儿园", "居委会", "青少年活动中心")
_HOURS = tuple(Decimal(h) for h in ("3", "3.5", "4", "4", "5", "6", "8"))
_SHORT = Decimal("2.5")
_FAMILY = ("家庭教育宣传培训", "家庭教育指导")
_OTHER_ACTIVITIES = (
    "无烟家庭倡导", "婴幼儿家庭照护支持", "重点家庭排摸", "法治宣传", "心理健康服务", "自护教育",
    "网络素养教育", "禁毒宣传教育", "未保法规宣传", "热线宣传", "未成年人专场",
)  # fmt: skip
_ORGANISERS = ("街镇", "未保站", "居委会", "社会组织", "派出所", "司法所")
_OTHER_ROLES = (
    "青少年事务社工",
    "社会工作者",
    "强制报告责任人员",
    "热线联络员",
    "信息系统管理员",
    "未保站工作人员",
)
_MONTH_ENDS = tuple(
    dt.date(y, m, d)
    for y, m, d in ((2022, 12, 31), (2023, 1, 31), (2023, 3, 31), (2023, 5, 31), (2023, 8, 31),
                    (2023, 11, 30),
                    (2023, 12, 31), (2023, 11, 29))
)  # fmt: skip
# Weekly opening schedules of the 关爱服务场所 (ISO weekdays) and how often streets use them.
_SCHEDULES = ((2, 3, 4, 5, 6, 7), (1, 2, 3, 4, 5, 6), (3, 4, 5, 6, 7), (1, 2, 3, 4, 5, 7))
_SCHEDULE_WEIGHTS = (40, 25, 20, 15)


class _Days:
    """Calendar facts the generator needs, computed once per process."""

    def __init__(self) -> None:
        cal = WorkCalendar.china()
        self.cal = cal
        first, last = _FIRST.toordinal(), _LAST.toordinal()
        self.dates = [dt.date.fromordinal(o) for o in range(first, last + 1)]  # shared date objects
        self.first = first
        self.working = [cal.is_working_day(d) for d in self.dates]
        self.statutory = [cal.is_statutory_holiday(d) for d in self.dates]

    def day(self, d: dt.date) -> dt.date:
        return self.dates[d.toordinal() - self.first]

    def between(self, rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
        return self.dates[rng.randint(a.toordinal(), b.toordinal()) - self.first]

    def working_between(self, rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
        while True:
            o = rng.randint(a.toordinal(), b.toordinal()) - self.first
            if self.working[o]:
                return self.dates[o]

    def plus(self, d: dt.date, days: int) -> dt.date:
        return self.dates[d.toordinal() - self.first + days]


@functools.cache
def _days() -> _Days:
    return _Days()


def _add_months(d: dt.date, months: int) -> dt.date:
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(d.day, _calendar.monthrange(year, month)[1]))


class _Street:
    """Builds one street's facts; ``rng`` decides everything, so a street is reproducible."""

    def __init__(self, rng: random.Random, days: _Days) -> None:
        self.rng = rng
        self.days = days
        self.facts: dict[str, list[Fact]] = {}

    def add(self, type_: str, values: dict[str, Any]) -> Fact:
        bucket = self.facts.setdefault(type_, [])
        fact = Fact(type_, f"{type_[0].upper()}{len(bucket) + 1:04d}", values)
        bucket.append(fact)
        return fact

    # ------------------------------------------------------------------ A: meetings
    def meetings(self) -> None:
        rng, days = self.rng, self.days
        held = rng.choice((2, 2, 3, 3, 4)) if rng.random() >= 0.12 else rng.choice((0, 1, 1))
        for _ in range(held):
            date = days.working_between(rng, dt.date(2023, 1, 3), dt.date(2023, 12, 29))
            self.add("meeting", {"date": date, "kind": "协调会议", "topic": "研究未成年人保护重点工作"})
        for _ in range(rng.randint(0, 1)):  # in 2024: not counted for 2023
            self.add("meeting", {"date": days.working_between(rng, dt.date(2024, 1, 2), dt.date(2024, 3, 29)),
                                 "kind": "协调会议"})  # fmt: skip
        for kind in ("专题会议", "个案会商", "个案会商"):
            if rng.random() < 0.7:
                self.add("meeting", {"date": days.working_between(rng, dt.date(2023, 1, 3), PERIOD_END),
                                     "kind": kind})  # fmt: skip

    # ------------------------------------------------------------------ B: activities
    def activities(self) -> None:
        rng, days = self.rng, self.days
        quarters = [(dt.date(2023, m, 1), _add_months(dt.date(2023, m, 1), 3) - dt.timedelta(days=1))
                    for m in (4, 7, 10)] + [(dt.date(2024, 1, 1), dt.date(2024, 3, 31))]  # fmt: skip
        missed = rng.randrange(4) if rng.random() < 0.10 else -1
        for q, (start, end) in enumerate(quarters):
            if q == missed:
                how = rng.randrange(3)
                if how == 1:  # held, but no record kept
                    self.add("activity", self._activity(days.between(rng, start, end), _FAMILY[0], False))
                elif how == 2:  # held the day before the quarter starts
                    self.add("activity", self._activity(days.plus(start, -1), _FAMILY[1], True))
            else:
                for _ in range(rng.choice((1, 1, 2))):
                    self.add("activity", self._activity(days.between(rng, start, end), rng.choice(_FAMILY),
                                                        True))  # fmt: skip
            for _ in range(rng.randint(3, 5)):
                kind = rng.choice(_OTHER_ACTIVITIES)
                self.add("activity", self._activity(days.between(rng, start, end), kind, rng.random() < 0.9))

    def _activity(self, date: dt.date, kind: str, kept: bool) -> dict[str, Any]:
        return {"date": date, "kind": kind, "title": f"{kind}活动", "organiser": self.rng.choice(_ORGANISERS),
                "record_kept": kept}  # fmt: skip

    # ------------------------------------------------------------------ C: checks and terminations
    def checks(self) -> None:
        rng, days = self.rng, self.days
        checks_in_period: list[Fact] = []
        people: list[tuple[Fact, list[Fact]]] = []
        for _ in range(rng.randint(14, 19)):
            new = rng.random() < 0.3
            start = (days.working_between(rng, PERIOD_START, dt.date(2024, 3, 15)) if new
                     else days.working_between(rng, _FIRST, dt.date(2023, 3, 31)))  # fmt: skip
            person = self.add(
                "employee", {"name": rng.choice(_NAMES), "unit": rng.choice(_UNITS), "start": start}
            )
            mine: list[Fact] = []
            if new:
                asked = days.plus(start, -rng.randint(12, 30))
                mine.append(self._check(person, "入职查询", asked, days.plus(asked, rng.randint(3, 10))))
            else:  # re-checked once a year
                asked = days.working_between(rng, max(start, dt.date(2022, 4, 6)), dt.date(2023, 3, 31))
                while asked <= PERIOD_END:
                    mine.append(self._check(person, "定期查询", asked, days.plus(asked, rng.randint(3, 10))))
                    asked = days.plus(asked, rng.randint(330, 364))
            people.append((person, mine))
            checks_in_period += [c for c in mine if PERIOD_START <= c.values["result_date"] <= _HIT_LAST]
        hits = rng.choices((0, 1, 2), weights=(45, 40, 15))[0]
        for hit in rng.sample(checks_in_period, min(hits, len(checks_in_period))):
            hit.values["result"] = "有记录"
            person = hit.values["person"]
            r = rng.random()
            if r < 0.95:  # terminated after 1–42 calendar days (mostly in time) or 43–70 (late)
                gap = rng.randint(1, 42) if r < 0.75 else rng.randint(43, 70)
                self._terminate(person, days.plus(hit.values["result_date"], gap))
        for person, _mine in rng.sample(people, 2):  # ordinary departures, no hit
            if "end" not in person.values:
                self._terminate(person, days.between(rng, PERIOD_START, PERIOD_END))

    def _check(self, person: Fact, kind: str, asked: dt.date, answered: dt.date) -> Fact:
        return self.add("background_check", {"person": person, "kind": kind, "date": asked,
                                              "result_date": answered, "result": "无记录"})  # fmt: skip

    def _terminate(self, person: Fact, date: dt.date) -> None:
        person.values["end"] = date
        self.add("termination", {"person": person, "date": date})

    # ------------------------------------------------------------------ D: staff and trainings
    def staff(self) -> None:
        rng, days, cal = self.rng, self.days, self.days.cal
        roles = ["儿童督导员"] * 2 + ["儿童主任"] * rng.randint(5, 7) + rng.sample(_OTHER_ROLES, 4)
        for role in roles:
            r = rng.random()
            if r < 0.55:
                appointed = days.between(rng, dt.date(2016, 1, 1), dt.date(2022, 12, 20))
            elif r < 0.67:
                appointed = rng.choice(_MONTH_ENDS)
            else:
                appointed = days.between(rng, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
            person = self.add("staff", {"name": rng.choice(_NAMES), "role": role, "unit": rng.choice(_UNITS),
                                        "appointed": appointed})  # fmt: skip
            if appointed.year >= 2023 or appointed.month == 12:
                due = days.day(cal.deadline(appointed, months=3))
                r = rng.random()
                if r < 0.72:
                    self._train(person, days.between(rng, appointed, due), "入职培训")
                elif r < 0.80:
                    self._train(person, due, "入职培训")  # on the (possibly rolled-forward) last day
                elif r < 0.86:
                    self._train(person, days.day(_add_months(appointed, 3)), "入职培训")  # the unrolled day
                elif r < 0.93:
                    self._train(person, days.plus(due, rng.randint(1, 25)), "入职培训")  # late
                elif r < 0.97:
                    self._train(person, days.between(rng, appointed, due), "轮训")  # the wrong kind
            if appointed.year < 2023 or rng.random() < 0.5:
                self._train(person, days.between(rng, dt.date(2023, 2, 1), dt.date(2023, 12, 20)), "轮训")

    def _train(self, person: Fact, date: dt.date, kind: str) -> None:
        self.add("training", {"person": person, "date": date, "kind": kind,
                              "subject": "儿童社会工作" if self.rng.random() < 0.8 else "强制报告制度",
                              "materials_kept": self.rng.random() < 0.95})  # fmt: skip

    # ------------------------------------------------------------------ E: tutoring classes
    def tutoring(self) -> None:
        rng, days = self.rng, self.days
        breach = rng.random() < 0.12
        for k in range(rng.randint(2, 4)):
            inst = self.add("tutoring_institution", {"name": f"培训机构{k + 1}", "mode": "线下"})
            weekday = rng.randint(1, 5)
            monday = dt.date(2023, 3, 27)
            for week in range(53):
                o = monday.toordinal() - days.first + 7 * week
                if days.dates[o + weekday - 1] < PERIOD_START or rng.random() < 0.72:
                    continue
                day = o + weekday - 1
                if not days.working[day] and rng.random() < 0.97:
                    continue  # most institutions skip a weekday that is a day off
                self._class(inst, days.dates[day])
            for o in range(PERIOD_START.toordinal() - days.first, PERIOD_END.toordinal() - days.first + 1):
                if days.working[o] and days.dates[o].isoweekday() >= 6 and rng.random() < 0.4:
                    self._class(inst, days.dates[o])  # a make-up working day (调休上班): allowed
            if breach and k == 0:
                while True:
                    day = days.between(rng, PERIOD_START, PERIOD_END)
                    if not days.working[day.toordinal() - days.first]:
                        self._class(inst, day)
                        break

    def _class(self, inst: Fact, date: dt.date) -> None:
        students, academic = self.rng.randint(8, 30), self.rng.random() < 0.8
        self.add("tutoring_class", {"institution": inst, "date": date, "students": students,
                                    "compulsory_stage": True, "academic": academic})  # fmt: skip

    # ------------------------------------------------------------------ F: venue opening
    def venues(self) -> None:
        rng, days = self.rng, self.days
        care = self.add(
            "venue", {"name": "未成年人关爱服务站", "kind": "未成年人关爱服务场所", "minors_gathering": True}
        )
        school = self.add("venue", {"name": "社区家长学校", "kind": "社区家长学校", "minors_gathering": True})
        if rng.random() < 0.5:
            self.add("venue", {"name": "儿童之家", "kind": "儿童之家", "minors_gathering": True})
        schedule = rng.choices(_SCHEDULES, weights=_SCHEDULE_WEIGHTS)[0]
        closed_on_holidays = rng.random() < 0.3
        closure = 0.006 if rng.random() < 0.5 else 0.0
        first, last = PERIOD_START.toordinal() - days.first, PERIOD_END.toordinal() - days.first
        for o in range(first, last + 1):
            date = days.dates[o]
            if date.isoweekday() not in schedule:
                continue
            if (closed_on_holidays and days.statutory[o]) or (closure and rng.random() < closure):
                continue
            hours = rng.choice(_HOURS) if rng.random() > 0.01 else _SHORT
            self.add("venue_session", {"venue": care, "date": date, "hours": hours})
            if rng.random() < 0.03:  # a second session the same day
                self.add("venue_session", {"venue": care, "date": date, "hours": Decimal(3)})
        for _ in range(rng.randint(4, 10)):  # the parents' school opens now and then
            self.add("venue_session", {"venue": school, "date": days.between(rng, PERIOD_START, PERIOD_END),
                                       "hours": Decimal(2)})  # fmt: skip


def street(index: int, seed: int = SEED) -> Ledger:
    """Street ``index`` of the stream ``seed``: always the same ledger."""
    rng = random.Random(seed * 1_000_003 + index)
    built = _Street(rng, _days())
    built.meetings()
    built.activities()
    built.checks()
    built.staff()
    built.tutoring()
    built.venues()
    order = ("meeting", "activity", "employee", "background_check", "termination", "staff", "training",
             "tutoring_institution", "tutoring_class", "venue", "venue_session")  # fmt: skip
    facts = {name: tuple(built.facts.get(name, ())) for name in order}
    return Ledger(f"S{index:06d}", f"街道{index:06d}", facts)


def streets(n: int, seed: int = SEED, start: int = 0) -> Iterator[Ledger]:
    """``n`` streets, ``start`` … ``start + n - 1``, generated one at a time (never all at once)."""
    for index in range(start, start + n):
        yield street(index, seed)


def fact_count(ledger: Ledger) -> int:
    return sum(len(facts) for facts in ledger.facts.values())


def _main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 else 100
    total = 0
    per_type: dict[str, int] = {}
    for ledger in streets(n):
        total += fact_count(ledger)
        for name, facts in ledger.facts.items():
            per_type[name] = per_type.get(name, 0) + len(facts)
    print(f"{n} streets, {total} facts, {total / n:.0f} per street")
    for name, count in per_type.items():
        print(f"  {name:<22} {count / n:7.1f}")


if __name__ == "__main__":
    _main(sys.argv)
