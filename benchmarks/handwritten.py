"""The six rules of ``benchmarks/six_rules.prl``, hand-written as a careful programmer would.

This is the baseline protrules is measured against: plain Python, no framework, every
calendar question answered from tables built once (a set of working-day ordinals and their
sorted list, so "30 working days after d" is one bisection), per-week counters instead of a
scan per week, hash joins instead of nested loops. It gives the verdicts pass / fail / n/a
(pending cannot occur on the as-of date the benchmarks use, 2024-03-31, because every deadline
the rules check falls on or before it; it handles it anyway) and nothing else: no reasons,
no evidence, no unknown values (the generated ledgers always cover every fact type and field).

The calendar data comes from protrules' :class:`WorkCalendar` (the ``holidays`` package's
State Council notices), read once into plain sets and lists here.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from typing import Any

from protrules.calendar.workdays import WorkCalendar
from protrules.facts.model import Fact, Ledger

__all__ = ["RULE_IDS", "HandwrittenSix"]


def _ordinal(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()

RULE_IDS = ("A.1.1", "B.1.1", "C.1.1", "D.1.1", "E.1.1", "F.1.1")
PASS, FAIL, PENDING, NA = "pass", "fail", "pending", "n/a"
_FAMILY = frozenset(("家庭教育宣传培训", "家庭教育指导"))
_NEW_ROLES = frozenset(("儿童主任", "儿童督导员"))


class HandwrittenSix:
    """Evaluates the six rules for one ledger; build once, call :meth:`evaluate` per street."""

    def __init__(
        self,
        calendar: WorkCalendar | None = None,
        *,
        period: tuple[dt.date, dt.date] = (dt.date(2023, 4, 1), dt.date(2024, 3, 31)),
        as_of: dt.date = dt.date(2024, 3, 31),
        years: range = range(2014, 2027),
    ) -> None:
        cal = calendar or WorkCalendar.china()
        first, last = dt.date(years.start, 1, 1).toordinal(), dt.date(years.stop - 1, 12, 31).toordinal()
        self.workdays = [o for o in range(first, last + 1) if cal.is_working_day(dt.date.fromordinal(o))]
        self.working = frozenset(self.workdays)
        self.start, self.end = period[0].toordinal(), period[1].toordinal()
        self.as_of = as_of.toordinal()
        # 每年: the calendar years that end inside the period (only 2023 here).
        self.years = [
            (dt.date(y, 1, 1).toordinal(), dt.date(y, 12, 31).toordinal())
            for y in range(period[0].year, period[1].year + 1)
            if self.start <= dt.date(y, 12, 31).toordinal() <= self.end
        ]
        # 每季度: the calendar quarters entirely inside the period.
        self.quarters = []
        for y in range(period[0].year, period[1].year + 1):
            for m in (1, 4, 7, 10):
                q_start = dt.date(y, m, 1)
                q_end = dt.date(y + (m == 10), (m + 3) % 12 or 12, 1) - dt.timedelta(days=1)
                if self.start <= q_start.toordinal() and q_end.toordinal() <= self.end:
                    self.quarters.append((q_start.toordinal(), q_end.toordinal()))
        # 每周: the ISO weeks entirely inside the period, as (first Monday, number of weeks).
        monday = self.start + (7 - dt.date.fromordinal(self.start).weekday()) % 7
        self.first_monday = monday
        self.weeks = (self.end - monday + 1) // 7

    # ------------------------------------------------------------------ calendar helpers
    def add_working_days(self, ordinal: int, n: int) -> int:
        """The n-th working day after ``ordinal`` (not counted), n > 0."""
        return self.workdays[bisect_right(self.workdays, ordinal) + n - 1]

    def deadline_months(self, d: dt.date, months: int) -> int:
        """民法典 Arts. 201–203: d + n months (clamped to the month's end), rolled to a working day."""
        month0 = d.month - 1 + months
        year, month = d.year + month0 // 12, month0 % 12 + 1
        end = dt.date(year, month, min(d.day, _calendar.monthrange(year, month)[1])).toordinal()
        return self.workdays[bisect_left(self.workdays, end)]

    def _due(self, met: bool, due: int) -> str:
        if met:
            return PASS
        return PENDING if due > self.as_of else FAIL

    # ------------------------------------------------------------------ the rules
    def evaluate(self, ledger: Ledger) -> tuple[str, str, str, str, str, str]:
        facts = ledger.facts
        return (
            self.meetings(facts["meeting"]),
            self.activities(facts["activity"]),
            self.terminations(facts["background_check"], facts["termination"]),
            self.inductions(facts["staff"], facts["training"]),
            self.classes(facts["tutoring_class"]),
            self.opening(facts["venue"], facts["venue_session"]),
        )

    def meetings(self, meetings: tuple[Fact, ...]) -> str:
        """A: ≥2 coordination meetings in each calendar year that ends inside the period."""
        verdict = NA
        for y_start, y_end in self.years:
            held = 0
            for m in meetings:
                v = m.values
                if v["kind"] == "协调会议" and y_start <= v["date"].toordinal() <= y_end:
                    held += 1
            verdict = self._worse(verdict, PASS if held >= 2 else self._due(False, y_end))
        return verdict

    def activities(self, activities: tuple[Fact, ...]) -> str:
        """B: every quarter inside the period has ≥1 recorded family-education activity."""
        done: set[int] = set()
        for a in activities:
            v = a.values
            if v["record_kept"] and v["kind"] in _FAMILY:
                o = v["date"].toordinal()
                for i, (q_start, q_end) in enumerate(self.quarters):
                    if q_start <= o <= q_end:
                        done.add(i)
        verdict = NA
        for i, (_q_start, q_end) in enumerate(self.quarters):
            verdict = self._worse(verdict, self._due(i in done, q_end))
        return verdict

    def terminations(self, checks: tuple[Fact, ...], terminations: tuple[Fact, ...]) -> str:
        """C: a termination within 30 working days after each hit received inside the period."""
        ended: dict[int, list[int]] = defaultdict(list)
        for t in terminations:
            ended[id(t.values["person"])].append(t.values["date"].toordinal())
        verdict = NA
        for c in checks:
            v = c.values
            if v["result"] != "有记录":
                continue
            received = v["result_date"].toordinal()
            if not self.start <= received <= self.end:
                continue
            due = self.add_working_days(received, 30)
            met = any(received <= o <= due for o in ended.get(id(v["person"]), ()))
            verdict = self._worse(verdict, self._due(met, due))
        return verdict

    def inductions(self, staff: tuple[Fact, ...], trainings: tuple[Fact, ...]) -> str:
        """D: each new 儿童主任/儿童督导员 whose 3-month deadline is in the period was inducted by then."""
        inducted: dict[int, list[int]] = defaultdict(list)
        for t in trainings:
            if t.values["kind"] == "入职培训":
                inducted[id(t.values["person"])].append(t.values["date"].toordinal())
        verdict = NA
        for s in staff:
            v = s.values
            if v["role"] not in _NEW_ROLES:
                continue
            due = self.deadline_months(v["appointed"], 3)
            if not self.start <= due <= self.end:
                continue
            appointed = v["appointed"].toordinal()
            met = any(appointed <= o <= due for o in inducted.get(id(s), ()))
            verdict = self._worse(verdict, self._due(met, due))
        return verdict

    def classes(self, classes: tuple[Fact, ...]) -> str:
        """E: no tutoring class inside the period on a rest day."""
        start, end, working = self.start, self.end, self.working
        for k in classes:
            o = k.values["date"].toordinal()
            if start <= o <= end and o not in working:
                return FAIL
        return PASS if self.end <= self.as_of else PENDING

    def opening(self, venues: tuple[Fact, ...], sessions: tuple[Fact, ...]) -> str:
        """F: every ISO week inside the period, each care venue is open ≥5 distinct days, ≥1 a rest day."""
        care = {id(v): v for v in venues if v.values["kind"] == "未成年人关爱服务场所"}
        if not care:
            return NA
        monday, weeks, working = self.first_monday, self.weeks, self.working
        open_days: dict[int, list[set[int]]] = {key: [set() for _ in range(weeks)] for key in care}
        for s in sessions:
            v = s.values
            per_week = open_days.get(id(v["venue"]))
            if per_week is None:
                continue
            o = v["date"].toordinal()
            week = (o - monday) // 7
            if 0 <= week < weeks:
                per_week[week].add(o)
        verdict = PASS
        for per_week in open_days.values():
            for week, days in enumerate(per_week):
                if len(days) >= 5 and any(o not in working for o in days):
                    continue
                week_end = monday + 7 * week + 6
                verdict = self._worse(verdict, self._due(False, week_end))
                if verdict == FAIL:
                    return FAIL
        return verdict

    # ------------------------------------------------------------------ from records
    def evaluate_records(self, document: dict[str, Any]) -> tuple[str, str, str, str, str, str]:
        """The six verdicts from a street as a JSON API hands it (``ledger_to_mapping``'s shape:
        lists of dicts, dates as ``YYYY-MM-DD`` text, references as ids): each rule reads the
        fields it needs, dates through ``date.fromisoformat``, joins on ids. No validation."""
        facts = document["facts"]
        day = _ordinal
        meetings = [(m["kind"], day(m["date"])) for m in facts["meeting"]]
        activities = [
            day(a["date"]) for a in facts["activity"] if a["record_kept"] and a["kind"] in _FAMILY
        ]
        hits = [day(c["result_date"]) for c in facts["background_check"] if c["result"] == "有记录"]
        hit_people = [c["person"] for c in facts["background_check"] if c["result"] == "有记录"]
        ended: dict[str, list[int]] = defaultdict(list)
        for t in facts["termination"]:
            ended[t["person"]].append(day(t["date"]))
        inducted: dict[str, list[int]] = defaultdict(list)
        for t in facts["training"]:
            if t["kind"] == "入职培训":
                inducted[t["person"]].append(day(t["date"]))
        new = [s for s in facts["staff"] if s["role"] in _NEW_ROLES]
        staff = [(s["id"], dt.date.fromisoformat(s["appointed"])) for s in new]
        classes = [day(k["date"]) for k in facts["tutoring_class"]]
        care = {v["id"] for v in facts["venue"] if v["kind"] == "未成年人关爱服务场所"}
        sessions = [(s["venue"], day(s["date"])) for s in facts["venue_session"] if s["venue"] in care]
        return (
            self._a(meetings),
            self._b(activities),
            self._c(hits, hit_people, ended),
            self._d(staff, inducted),
            self._e(classes),
            self._f(care, sessions),
        )

    def _a(self, meetings: list[tuple[str, int]]) -> str:
        verdict = NA
        for y_start, y_end in self.years:
            held = sum(1 for kind, o in meetings if kind == "协调会议" and y_start <= o <= y_end)
            verdict = self._worse(verdict, PASS if held >= 2 else self._due(False, y_end))
        return verdict

    def _b(self, activities: list[int]) -> str:
        done = {i for o in activities for i, (a, b) in enumerate(self.quarters) if a <= o <= b}
        verdict = NA
        for i, (_q_start, q_end) in enumerate(self.quarters):
            verdict = self._worse(verdict, self._due(i in done, q_end))
        return verdict

    def _c(self, hits: list[int], people: list[str], ended: dict[str, list[int]]) -> str:
        verdict = NA
        for received, person in zip(hits, people, strict=True):
            if not self.start <= received <= self.end:
                continue
            due = self.add_working_days(received, 30)
            met = any(received <= o <= due for o in ended.get(person, ()))
            verdict = self._worse(verdict, self._due(met, due))
        return verdict

    def _d(self, staff: list[tuple[str, dt.date]], inducted: dict[str, list[int]]) -> str:
        verdict = NA
        for ident, appointed in staff:
            due = self.deadline_months(appointed, 3)
            if not self.start <= due <= self.end:
                continue
            start = appointed.toordinal()
            met = any(start <= o <= due for o in inducted.get(ident, ()))
            verdict = self._worse(verdict, self._due(met, due))
        return verdict

    def _e(self, classes: list[int]) -> str:
        start, end, working = self.start, self.end, self.working
        if any(start <= o <= end and o not in working for o in classes):
            return FAIL
        return PASS if self.end <= self.as_of else PENDING

    def _f(self, care: set[str], sessions: list[tuple[str, int]]) -> str:
        if not care:
            return NA
        monday, weeks, working = self.first_monday, self.weeks, self.working
        open_days: dict[str, list[set[int]]] = {key: [set() for _ in range(weeks)] for key in care}
        for venue, o in sessions:
            week = (o - monday) // 7
            if 0 <= week < weeks:
                open_days[venue][week].add(o)
        verdict = PASS
        for key in sorted(care):
            for week, days in enumerate(open_days[key]):
                if len(days) >= 5 and any(o not in working for o in days):
                    continue
                verdict = self._worse(verdict, self._due(False, monday + 7 * week + 6))
                if verdict == FAIL:
                    return FAIL
        return verdict

    @staticmethod
    def _worse(a: str, b: str) -> str:
        order = {NA: 0, PASS: 1, PENDING: 2, FAIL: 3}
        return a if order[a] >= order[b] else b
