"""The six rules of ``benchmarks/six_rules.prl`` in peer rule engines from PyPI.

Each engine gets the rules written in its own language, as much of each rule as that language
can say. What none of them can say is the PRC working-day calendar (调休 make-up days,
statutory holidays), so every peer receives the calendar **as data**, built once in Python
from protrules' :class:`WorkCalendar`, exactly as a team choosing that engine would ship it:

- ``rest``: the rest days (a set or map of day numbers) — rule E and F's rest-day test look
  days up in it;
- ``wd`` and ``after``: the sorted working days and, for each day, the index of the first
  working day after it — rule C computes "30 working days after d" as ``wd[after[d] + 29]``
  in the engine;
- the calendar units: calendar year 2023, the four quarters and 52 ISO weeks inside the
  period (ISO weeks also as their 7 days), as lists of day-number bounds.

Every engine starts from the same records (a street as a JSON API hands it: lists of dicts,
dates as ``YYYY-MM-DD`` text, references as ids). Per fact, Python converts them to the
engine's input (dates as day numbers) — that conversion is the engine's data-in, timed — and
it computes
one value the engines cannot: rule D's Civil-Code deadline ``due`` (appointment + 3 months,
clamped to the month's end, rolled to the next working day), because none of these languages
has calendar-month arithmetic with that clamping plus a working-day roll-forward.

Each engine returns the six verdicts (pass / fail / n/a) for a street, to be compared with
protrules and the hand-written baseline before anything is timed. ``ENGINES`` maps a name to a
factory; a factory raises ``Unavailable`` when its package is not installed.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import itertools
import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any

from protrules.calendar.workdays import WorkCalendar

__all__ = ["ENGINES", "NOTES", "CalendarData", "Engine", "Unavailable", "plain"]

PERIOD = (dt.date(2023, 4, 1), dt.date(2024, 3, 31))
FAMILY = ("家庭教育宣传培训", "家庭教育指导")
NEW_ROLES = ("儿童主任", "儿童督导员")
CARE = "未成年人关爱服务场所"
Verdicts = tuple[str, str, str, str, str, str]
Record = dict[str, Any]


class Unavailable(Exception):
    """The engine's package is not installed (or does not work here)."""


class CalendarData:
    """The calendar as plain data, built once, for engines that have no calendar of their own."""

    def __init__(self, calendar: WorkCalendar | None = None, years: range = range(2014, 2027)) -> None:
        cal = calendar or WorkCalendar.china()
        first, last = dt.date(years.start, 1, 1).toordinal(), dt.date(years.stop - 1, 12, 31).toordinal()
        days = range(first, last + 1)
        working = [o for o in days if cal.is_working_day(dt.date.fromordinal(o))]
        is_working = set(working)
        self.wd = working
        self.rest = [o for o in days if o not in is_working]
        self.after = {o: bisect_right(working, o) for o in days}
        self.p0, self.p1 = PERIOD[0].toordinal(), PERIOD[1].toordinal()
        self.y0, self.y1 = dt.date(2023, 1, 1).toordinal(), dt.date(2023, 12, 31).toordinal()
        starts = [
            dt.date(2023, 4, 1),
            dt.date(2023, 7, 1),
            dt.date(2023, 10, 1),
            dt.date(2024, 1, 1),
            dt.date(2024, 4, 1),
        ]
        self.quarters = [{"s": a.toordinal(), "e": b.toordinal() - 1} for a, b in itertools.pairwise(starts)]
        monday = self.p0 + (7 - PERIOD[0].weekday()) % 7
        self.weeks = [
            {
                "s": monday + 7 * i,
                "e": monday + 7 * i + 6,
                "days": list(range(monday + 7 * i, monday + 7 * i + 7)),
            }
            for i in range((self.p1 - monday + 1) // 7)
        ]

    def due_months(self, d: dt.date, months: int = 3) -> int:
        """民法典 Arts. 201–203 (the one value computed in Python for every peer)."""
        month0 = d.month - 1 + months
        year, month = d.year + month0 // 12, month0 % 12 + 1
        end = dt.date(year, month, min(d.day, _calendar.monthrange(year, month)[1])).toordinal()
        return self.wd[bisect_left(self.wd, end)]

    def constants(self) -> dict[str, Any]:
        return {"p0": self.p0, "p1": self.p1, "y0": self.y0, "y1": self.y1, "quarters": self.quarters,
                "weeks": self.weeks}  # fmt: skip


class Engine:
    """An engine as the benchmark times it: ``load`` turns a street's records (as a JSON API
    hands them, ``benchmarks/run.py``'s ``records``) into the engine's input — its documented
    way in, timed as data-in — and ``run`` evaluates that input to the six verdicts. Calling
    the engine does both."""

    __slots__ = ("load", "run")

    def __init__(self, load: Callable[[Record], Any], run: Callable[[Any], Verdicts]) -> None:
        self.load, self.run = load, run

    def __call__(self, record: Record) -> Verdicts:
        return self.run(self.load(record))


def _same(record: Record) -> Record:
    return record


def _day(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


def plain(street: Record, cal: CalendarData) -> dict[str, list[dict[str, Any]]]:
    """A street's records as the peers take them: dates as day numbers, references as ids."""
    f, day = street["facts"], _day
    return {
        "meetings": [{"kind": m["kind"], "date": day(m["date"])} for m in f["meeting"]],
        "activities": [
            {"kind": a["kind"], "date": day(a["date"]), "kept": a["record_kept"]} for a in f["activity"]
        ],
        "checks": [
            {"person": c["person"], "result": c["result"], "rd": day(c["result_date"])}
            for c in f["background_check"]
        ],
        "terms": [{"person": t["person"], "date": day(t["date"])} for t in f["termination"]],
        "staff": [
            {
                "id": s["id"],
                "role": s["role"],
                "appointed": day(s["appointed"]),
                "due": cal.due_months(dt.date.fromisoformat(s["appointed"])),
            }
            for s in f["staff"]
        ],
        "trainings": [
            {"person": t["person"], "kind": t["kind"], "date": day(t["date"])} for t in f["training"]
        ],
        "classes": [{"date": day(k["date"])} for k in f["tutoring_class"]],
        "venues": [{"id": v["id"], "kind": v["kind"]} for v in f["venue"]],
        "sessions": [{"venue": x["venue"], "date": day(x["date"])} for x in f["venue_session"]],
    }


# ---------------------------------------------------------------------------------- CEL
# One CEL expression per rule, over `s` (the street) and the calendar data. Standard CEL has
# no `distinct` and no `let`, so F counts a week's distinct open days as the week's 7 days
# that have a session, and C repeats its selection.
_HITS = 's.checks.filter(c, c.result == "有记录" && c.rd >= p0 && c.rd <= p1)'
_NEW = 's.staff.filter(n, (n.role == "儿童主任" || n.role == "儿童督导员") && n.due >= p0 && n.due <= p1)'
_CARE = f's.venues.filter(v, v.kind == "{CARE}")'
CEL_RULES = (
    's.meetings.filter(m, m.kind == "协调会议" && m.date >= y0 && m.date <= y1).size() >= 2 ? "pass" : "fail"',
    "quarters.all(q, s.activities.exists(a, a.date >= q.s && a.date <= q.e && a.kept"
    ' && (a.kind == "家庭教育宣传培训" || a.kind == "家庭教育指导"))) ? "pass" : "fail"',
    f'{_HITS}.size() == 0 ? "n/a" : ({_HITS}.all(h, s.terms.exists(t, t.person == h.person'
    ' && t.date >= h.rd && t.date <= wd[after[h.rd] + 29])) ? "pass" : "fail")',
    f'{_NEW}.size() == 0 ? "n/a" : ({_NEW}.all(n, s.trainings.exists(t, t.person == n.id'
    ' && t.kind == "入职培训" && t.date >= n.appointed && t.date <= n.due)) ? "pass" : "fail")',
    's.classes.exists(k, k.date >= p0 && k.date <= p1 && k.date in rest) ? "fail" : "pass"',
    f'{_CARE}.size() == 0 ? "n/a" : ({_CARE}.all(v, weeks.all(w,'
    " w.days.filter(d, s.sessions.exists(x, x.venue == v.id && x.date == d)).size() >= 5"
    " && w.days.exists(d, d in rest && s.sessions.exists(x, x.venue == v.id && x.date == d))))"
    ' ? "pass" : "fail")',
)


def cel_rust(cal: CalendarData) -> Engine:
    """common-expression-language: CEL compiled and run in Rust (the cel-rust interpreter)."""
    try:
        import cel
    except ImportError as error:
        raise Unavailable(str(error)) from error
    context = cel.Context()
    for name, value in cal.constants().items():
        context.add_variable(name, value)
    context.add_variable("rest", dict.fromkeys(cal.rest, True))
    context.add_variable("wd", cal.wd)
    context.add_variable("after", cal.after)
    programs = [cel.compile(rule) for rule in CEL_RULES]

    def run(street: dict[str, Any]) -> Verdicts:
        context.add_variable("s", street)
        return tuple(p.execute(context) for p in programs)  # type: ignore[return-value]

    return Engine(lambda record: plain(record, cal), run)


def cel_python(cal: CalendarData) -> Engine:
    """cel-python (celpy): the same CEL, interpreted in pure Python."""
    try:
        import celpy
        from celpy import celtypes
    except ImportError as error:
        raise Unavailable(str(error)) from error
    env = celpy.Environment()
    programs = [env.program(env.compile(rule)) for rule in CEL_RULES]
    base = {name: celpy.json_to_cel(value) for name, value in cal.constants().items()}
    base["rest"] = celtypes.MapType({celtypes.IntType(o): celtypes.BoolType(True) for o in cal.rest})
    base["wd"] = celpy.json_to_cel(cal.wd)
    base["after"] = celtypes.MapType({celtypes.IntType(k): celtypes.IntType(v) for k, v in cal.after.items()})

    def run(activation: dict[str, Any]) -> Verdicts:
        return tuple(str(p.evaluate(activation)) for p in programs)  # type: ignore[return-value]

    return Engine(lambda record: dict(base, s=celpy.json_to_cel(plain(record, cal))), run)


# ---------------------------------------------------------------------------------- rule-engine
# rule-engine's language has comprehensions ([x for x in xs if …]) with access to outer
# variables, sets (`.to_set`) and ternaries, so every rule is one expression.
_RE_HITS = '[c for c in s.checks if c.result == "有记录" and c.rd >= p0 and c.rd <= p1]'
_RE_NEW = (
    '[n for n in s.staff if (n.role == "儿童主任" or n.role == "儿童督导员") and n.due >= p0 and n.due <= p1]'
)
_RE_CARE = f'[v for v in s.venues if v.kind == "{CARE}"]'
RULE_ENGINE_RULES = (
    '[m for m in s.meetings if m.kind == "协调会议" and m.date >= y0 and m.date <= y1].length >= 2 ? "pass" : "fail"',
    "[q for q in quarters if not [a for a in s.activities if a.date >= q.s and a.date <= q.e and a.kept"
    ' and (a.kind == "家庭教育宣传培训" or a.kind == "家庭教育指导")]].is_empty ? "pass" : "fail"',
    f'{_RE_HITS}.is_empty ? "n/a" : ([h for h in {_RE_HITS} if not [t for t in s.terms if t.person == h.person'
    ' and t.date >= h.rd and t.date <= wd[after[h.rd] + 29]]].is_empty ? "pass" : "fail")',
    f'{_RE_NEW}.is_empty ? "n/a" : ([n for n in {_RE_NEW} if not [t for t in s.trainings if t.person == n.id'
    ' and t.kind == "入职培训" and t.date >= n.appointed and t.date <= n.due]].is_empty ? "pass" : "fail")',
    '[k for k in s.classes if k.date >= p0 and k.date <= p1 and k.date in rest].is_empty ? "pass" : "fail"',
    f'{_RE_CARE}.is_empty ? "n/a" : ([v for v in {_RE_CARE} if not [w for w in weeks if'
    " [x.date for x in s.sessions if x.venue == v.id and x.date >= w.s and x.date <= w.e].to_set.length < 5"
    " or [x for x in s.sessions if x.venue == v.id and x.date >= w.s and x.date <= w.e and x.date in rest].is_empty"
    '].is_empty].is_empty ? "pass" : "fail")',
)


def rule_engine(cal: CalendarData) -> Engine:
    """rule-engine (zeroSteiner): a typed expression language interpreted in Python."""
    try:
        import rule_engine as re_
    except ImportError as error:
        raise Unavailable(str(error)) from error
    context = re_.Context(default_value=None)
    try:
        rules = [re_.Rule(text, context=context) for text in RULE_ENGINE_RULES]
    except re_.errors.RuleSyntaxError as error:
        raise Unavailable(f"rule-engine cannot parse a rule: {error}") from error
    constants = dict(cal.constants(), rest=set(cal.rest), wd=cal.wd, after=cal.after)

    def run(thing: dict[str, Any]) -> Verdicts:
        return tuple(r.evaluate(thing) for r in rules)  # type: ignore[return-value]

    return Engine(lambda record: dict(constants, s=plain(record, cal)), run)


ENGINES: dict[str, Callable[[CalendarData], Engine]] = {
    "rule-engine": rule_engine,
    "cel-rust": cel_rust,
    "cel-python": cel_python,
}

NOTES: dict[str, str] = {}


# ---------------------------------------------------------------------------------- ZEN (GoRules)
# ZEN closures see the current element (`#`) and top-level variables, never an enclosing
# element, and a loop node's expressions see only the item. So a correlated rule ("for each
# hit, a termination of the same person within …") is a decision graph: a node builds one item
# per hit carrying what the check needs, a loop node checks each item, a last node turns the
# results into verdicts. Everything inside runs in ZEN (Rust); Python only converts the street.
def _zen_node(
    node_id: str, expressions: list[tuple[str, str]], loop: str | None = None, passthrough: bool = True
) -> dict[str, Any]:
    content: dict[str, Any] = {
        "passThrough": passthrough,
        "expressions": [
            {"id": f"{node_id}{i}", "key": k, "value": v} for i, (k, v) in enumerate(expressions)
        ],
    }
    if loop is not None:
        content.update(inputField=loop, executionMode="loop", outputPath=f"{loop}Out", passThrough=False)
    return {"id": node_id, "name": node_id, "type": "expressionNode", "content": content}


ZEN_GRAPH = [
    _zen_node("prep", [
        ("A", 'len(filter(meetings, #.kind == "协调会议" and #.date >= y0 and #.date <= y1)) >= 2 ? "pass" : "fail"'),
        ("E", 'some(classes, #.date >= p0 and #.date <= p1 and rest[string(#.date)] == true) ? "fail" : "pass"'),
        ("quarterItems", "map(quarters, {s: #.s, e: #.e, acts: activities})"),
        ("hitItems", 'map(filter(checks, #.result == "有记录" and #.rd >= p0 and #.rd <= p1),'
                     " {person: #.person, rd: #.rd, due: wd[after[string(#.rd)] + 29], terms: terms})"),
        ("newItems", 'map(filter(staff, (#.role == "儿童主任" or #.role == "儿童督导员") and #.due >= p0 and #.due <= p1),'
                     " {id: #.id, appointed: #.appointed, due: #.due, trainings: trainings})"),
        ("careItems", f'map(filter(venues, #.kind == "{CARE}"), {{id: #.id, sessions: sessions,'
                      " weeks: map(weeks, {s: #.s, e: #.e, days: #.days, rest: filter(#.days, rest[string(#)] == true)})})"),
    ]),
    _zen_node("quarterLoop", [("ok", "some(acts, #.date >= s and #.date <= e and #.kept"
                                     ' and (#.kind == "家庭教育宣传培训" or #.kind == "家庭教育指导"))')], "quarterItems"),
    _zen_node("hitLoop", [("ok", "some(terms, #.person == person and #.date >= rd and #.date <= due)")], "hitItems"),
    _zen_node("newLoop", [("ok", 'some(trainings, #.person == id and #.kind == "入职培训"'
                                 " and #.date >= appointed and #.date <= due)")], "newItems"),
    _zen_node("careLoop", [("mine", "filter(sessions, #.venue == id)"),
                           ("weeks", "map(weeks, {s: #.s, e: #.e, days: #.days, rest: #.rest, sessions: $.mine})")],
              "careItems"),
    _zen_node("flat", [("weekItems", "flatMap(careItemsOut, #.weeks)")], passthrough=False),
    _zen_node("weekLoop", [("open", "map(filter(sessions, #.date >= s and #.date <= e), #.date)"),
                           ("ok", "len(filter(days, # in $.open)) >= 5 and some(rest, # in $.open)")], "weekItems"),
    _zen_node("verdicts", [
        ("B", 'all(quarterItemsOut, #.ok) ? "pass" : "fail"'),
        ("C", 'len(hitItemsOut) == 0 ? "n/a" : (all(hitItemsOut, #.ok) ? "pass" : "fail")'),
        ("D", 'len(newItemsOut) == 0 ? "n/a" : (all(newItemsOut, #.ok) ? "pass" : "fail")'),
        ("F", 'len(careItems) == 0 ? "n/a" : (all(weekItemsOut, #.ok) ? "pass" : "fail")'),
        ("A", "A"), ("E", "E"),
    ], passthrough=False),
]  # fmt: skip
# prep feeds every loop, the loops run side by side, and the verdict node merges their outputs.
ZEN_EDGES = [
    ("in", "prep"),
    ("prep", "quarterLoop"),
    ("prep", "hitLoop"),
    ("prep", "newLoop"),
    ("prep", "careLoop"),
    ("careLoop", "flat"),
    ("flat", "weekLoop"),
    ("prep", "verdicts"),
    ("quarterLoop", "verdicts"),
    ("hitLoop", "verdicts"),
    ("newLoop", "verdicts"),
    ("weekLoop", "verdicts"),
    ("verdicts", "out"),
]


def zen_engine(cal: CalendarData) -> Engine:
    """zen-engine (GoRules): a JSON decision graph of ZEN expressions, evaluated in Rust."""
    try:
        import zen
    except ImportError as error:
        raise Unavailable(str(error)) from error
    nodes = [
        {"id": "in", "name": "in", "type": "inputNode"},
        *ZEN_GRAPH,
        {"id": "out", "name": "out", "type": "outputNode"},
    ]
    edges = [{"id": f"e{i}", "sourceId": a, "targetId": b} for i, (a, b) in enumerate(ZEN_EDGES)]
    decision = zen.ZenEngine().create_decision(json.dumps({"nodes": nodes, "edges": edges}))
    constants = dict(cal.constants(), rest={str(o): True for o in cal.rest}, wd=cal.wd,
                     after={str(k): v for k, v in cal.after.items()})  # fmt: skip

    def run(street: dict[str, Any]) -> Verdicts:
        out = decision.evaluate(street)["result"]
        return (out["A"], out["B"], out["C"], out["D"], out["E"], out["F"])

    return Engine(lambda record: dict(constants, **plain(record, cal)), run)


ENGINES["zen-engine"] = zen_engine


# ---------------------------------------------------------------------------------- CLIPS
# CLIPS (via clipspy) is a forward-chaining production system with a Rete network. The rules
# are CLIPS rules: joins, `not` conditional elements, and fact-set queries for counting (CLIPS
# patterns cannot count). Street facts carry their row number (CLIPS drops a fact identical to
# one it holds: two meetings on one day would count once), and rules over permanent facts
# only also match the per-street `(street)` fact (else refraction stops them firing again). The calendar is loaded once as `day` facts (rest flag, working-day
# index) and a global multifield of working days; quarters and weeks as facts. A street's facts
# are loaded as text, the rules run, a function reads the verdicts and retracts the street.
CLIPS_CONSTRUCTS = f"""
(deftemplate meeting (slot kind) (slot date) (slot i))
(deftemplate activity (slot kind) (slot date) (slot kept) (slot i))
(deftemplate check (slot person) (slot result) (slot rd) (slot i))
(deftemplate termination (slot person) (slot date) (slot i))
(deftemplate staff (slot id) (slot role) (slot appointed) (slot due) (slot i))
(deftemplate training (slot person) (slot kind) (slot date) (slot i))
(deftemplate class (slot date) (slot i))
(deftemplate venue (slot id) (slot kind) (slot i))
(deftemplate session (slot venue) (slot date) (slot i))
(deftemplate day (slot o) (slot rest) (slot after))
(deftemplate quarter (slot s) (slot e))
(deftemplate week (slot s) (slot e))
(deftemplate street)
(deftemplate applies (slot rule))
(deftemplate breach (slot rule))
(deftemplate open (slot venue) (slot week) (slot date))
(deftemplate rest-open (slot venue) (slot week))

(defrule A (street)
  => (if (< (length$ (find-all-facts ((?m meeting))
                       (and (eq ?m:kind "协调会议") (>= ?m:date ?*y0*) (<= ?m:date ?*y1*)))) 2)
      then (assert (breach (rule A)))))
(defrule B (street) (quarter (s ?s) (e ?e))
  (not (activity (date ?d&:(>= ?d ?s)&:(<= ?d ?e)) (kept TRUE) (kind "家庭教育宣传培训"|"家庭教育指导")))
  => (assert (breach (rule B))))
(defrule C-applies (check (result "有记录") (rd ?rd&:(>= ?rd ?*p0*)&:(<= ?rd ?*p1*)))
  => (assert (applies (rule C))))
(defrule C (check (person ?p) (result "有记录") (rd ?rd&:(>= ?rd ?*p0*)&:(<= ?rd ?*p1*)))
  (day (o ?rd) (after ?i))
  (not (termination (person ?p) (date ?t&:(>= ?t ?rd)&:(<= ?t (nth$ (+ ?i 30) ?*wd*)))))
  => (assert (breach (rule C))))
(defrule D-applies (staff (role "儿童主任"|"儿童督导员") (due ?due&:(>= ?due ?*p0*)&:(<= ?due ?*p1*)))
  => (assert (applies (rule D))))
(defrule D (staff (id ?id) (role "儿童主任"|"儿童督导员") (appointed ?a) (due ?due&:(>= ?due ?*p0*)&:(<= ?due ?*p1*)))
  (not (training (person ?id) (kind "入职培训") (date ?t&:(>= ?t ?a)&:(<= ?t ?due))))
  => (assert (breach (rule D))))
(defrule E (class (date ?d&:(>= ?d ?*p0*)&:(<= ?d ?*p1*))) (day (o ?d) (rest TRUE))
  => (assert (breach (rule E))))
(defrule F-applies (venue (kind "{CARE}")) => (assert (applies (rule F))))
(defrule F-open (declare (salience 10))
  (venue (id ?v) (kind "{CARE}")) (week (s ?s) (e ?e)) (session (venue ?v) (date ?d&:(>= ?d ?s)&:(<= ?d ?e)))
  => (assert (open (venue ?v) (week ?s) (date ?d))))
(defrule F-rest (declare (salience 5)) (open (venue ?v) (week ?s) (date ?d)) (day (o ?d) (rest TRUE))
  => (assert (rest-open (venue ?v) (week ?s))))
(defrule F-days (declare (salience -10)) (venue (id ?v) (kind "{CARE}")) (week (s ?s))
  => (if (< (length$ (find-all-facts ((?o open)) (and (eq ?o:venue ?v) (eq ?o:week ?s)))) 5)
      then (assert (breach (rule F)))))
(defrule F-rest-day (declare (salience -10)) (venue (id ?v) (kind "{CARE}")) (week (s ?s))
  (not (rest-open (venue ?v) (week ?s)))
  => (assert (breach (rule F))))

(deffunction verdict (?rule ?always)
  (if (any-factp ((?b breach)) (eq ?b:rule ?rule)) then fail
   else (if (or ?always (any-factp ((?a applies)) (eq ?a:rule ?rule))) then pass else n/a)))
(deffunction verdicts ()
  (bind ?out (create$ (verdict A TRUE) (verdict B TRUE) (verdict C FALSE) (verdict D FALSE)
                      (verdict E TRUE) (verdict F FALSE)))
  (do-for-all-facts ((?f meeting activity check termination staff training class venue session street
                         applies breach open rest-open)) TRUE (retract ?f))
  ?out)
"""


def _clips_text(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def clips_engine(cal: CalendarData) -> Engine:
    """clipspy: CLIPS 6.4 (C) rules with a Rete network."""
    try:
        import clips
    except ImportError as error:
        raise Unavailable(str(error)) from error
    env = clips.Environment()
    wd = " ".join(map(str, cal.wd))
    env.build(f"(defglobal ?*p0* = {cal.p0} ?*p1* = {cal.p1} ?*y0* = {cal.y0} ?*y1* = {cal.y1})")
    env.build(f"(defglobal ?*wd* = (create$ {wd}))")
    for construct in _split_constructs(CLIPS_CONSTRUCTS):
        env.build(construct)
    rest = set(cal.rest)
    env.load_facts(" ".join(
        f"(day (o {o}) (rest {'TRUE' if o in rest else 'FALSE'}) (after {cal.after[o]}))" for o in cal.after
    ))  # fmt: skip
    env.load_facts(" ".join(f"(quarter (s {q['s']}) (e {q['e']}))" for q in cal.quarters))
    env.load_facts(" ".join(f"(week (s {w['s']}) (e {w['e']}))" for w in cal.weeks))
    templates = {"meetings": "meeting", "activities": "activity", "checks": "check", "terms": "termination",
                 "staff": "staff", "trainings": "training", "classes": "class", "venues": "venue",
                 "sessions": "session"}  # fmt: skip
    verdicts = env.find_function("verdicts")

    def load(record: Record) -> str:
        parts = ["(street)"]
        for key, records in plain(record, cal).items():
            name = templates[key]
            parts += [
                f"({name} (i {i}) " + " ".join(f"({k} {_clips_text(v)})" for k, v in r.items()) + ")"
                for i, r in enumerate(records)
            ]
        return " ".join(parts)

    def run(facts: str) -> Verdicts:
        env.load_facts(facts)
        env.run()
        return tuple(str(v) for v in verdicts())  # type: ignore[return-value]

    return Engine(load, run)


def _split_constructs(text: str) -> list[str]:
    """Top-level parenthesised constructs of a CLIPS source (strings hold no parentheses here)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth, start = depth + 1, (i if depth == 0 else start)
        elif ch == ")":
            depth -= 1
            if depth == 0:
                out.append(text[start : i + 1])
    return out


ENGINES["clips"] = clips_engine


# ---------------------------------------------------------------------------------- durable_rules
# durable_rules is an event engine: a rule's action runs as soon as its pattern matches, while
# facts are being asserted. So a street's data facts are asserted first and the "check" facts
# (the year, quarters, hits, new appointments, weeks) after them; a check whose `none(…)` still
# holds records a breach. Counting is a self-join: two distinct meetings, five open days in
# ascending order (distinct by construction); a rule's patterns always bind distinct facts. Its patterns cannot look a value up in a table,
# so Python also precomputes C's deadline and a `rest` flag on each class and session.
_DURABLE_SEQ = [0]


def durable_engine(cal: CalendarData) -> Engine:
    """durable_rules: Rete-style event engine (C core, JSON facts) driven from Python."""
    try:
        from durable.lang import assert_facts, c, m, none, ruleset, when_all
    except ImportError as error:
        raise Unavailable(str(error)) from error
    _DURABLE_SEQ[0] += 1
    name = f"six{_DURABLE_SEQ[0]}"
    found: dict[str, set[Any]] = {"breach": set(), "week": set(), "rest": set(), "year": set()}
    family = (m.kind == FAMILY[0]) | (m.kind == FAMILY[1])

    def day(extra: Any = None) -> Any:  # a care venue's session inside the week c.w
        pattern = (m.t == "care") & (m.date >= c.w.s) & (m.date <= c.w.e)
        return pattern if extra is None else pattern & extra

    with ruleset(name):

        @when_all(c.y << (m.t == "year"),
                  c.a << (m.t == "meeting") & (m.kind == "协调会议") & (m.date >= c.y.s) & (m.date <= c.y.e),
                  c.b << (m.t == "meeting") & (m.kind == "协调会议") & (m.date >= c.a.date) & (m.date <= c.y.e)
                  & (m.n != c.a.n))  # fmt: skip
        def two_meetings(c: Any) -> None:
            found["year"].add(c.y.s)

        @when_all(
            c.q << (m.t == "quarter"),
            none((m.t == "activity") & (m.date >= c.q.s) & (m.date <= c.q.e) & (m.kept == 1) & family),
        )
        def quarter_missed(c: Any) -> None:
            found["breach"].add("B")

        @when_all(
            c.h << (m.t == "hit"),
            none((m.t == "term") & (m.person == c.h.person) & (m.date >= c.h.rd) & (m.date <= c.h.due)),
        )
        def not_terminated(c: Any) -> None:
            found["breach"].add("C")

        @when_all(c.n << (m.t == "new"),
                  none((m.t == "training") & (m.person == c.n.pid) & (m.kind == "入职培训")
                       & (m.date >= c.n.appointed) & (m.date <= c.n.due)))  # fmt: skip
        def not_inducted(c: Any) -> None:
            found["breach"].add("D")

        @when_all((m.t == "class") & (m.date >= cal.p0) & (m.date <= cal.p1) & (m.rest == 1))
        def rest_day_class(c: Any) -> None:
            found["breach"].add("E")

        @when_all(
            c.w << (m.t == "week"),
            c.d1 << day(),
            c.d2 << day(m.date > c.d1.date),
            c.d3 << day(m.date > c.d2.date),
            c.d4 << day(m.date > c.d3.date),
            c.d5 << day(m.date > c.d4.date),
        )
        def five_days(c: Any) -> None:
            found["week"].add(c.w.s)

        # A separate rule: one rule's patterns bind distinct facts, and the rest day may be one of the five.
        @when_all(c.w << (m.t == "week"), day(m.rest == 1))
        def rest_day_open(c: Any) -> None:
            found["rest"].add(c.w.s)

        @when_all(+m.t)
        def other(c: Any) -> None:
            pass

    def run(record: Record) -> Verdicts:
        for bucket in found.values():
            bucket.clear()
        street = plain(record, cal)
        care = {v["id"] for v in street["venues"] if v["kind"] == CARE}
        if len(care) > 1:
            raise Unavailable("the durable_rules version is written for one care venue per street")
        rest = set(cal.rest)
        data: list[dict[str, Any]] = []
        data += [dict(r, t="meeting", n=i) for i, r in enumerate(street["meetings"])]
        data += [dict(r, t="activity", kept=int(r["kept"])) for r in street["activities"]]
        data += [dict(r, t="term") for r in street["terms"]]
        data += [dict(r, t="training") for r in street["trainings"]]
        data += [dict(r, t="class", rest=int(r["date"] in rest)) for r in street["classes"]]
        data += [{"t": "care", "date": r["date"], "rest": int(r["date"] in rest)}
                 for r in street["sessions"] if r["venue"] in care]  # fmt: skip
        hits = [dict(r, t="hit", due=cal.wd[cal.after[r["rd"]] + 29]) for r in street["checks"]
                if r["result"] == "有记录" and cal.p0 <= r["rd"] <= cal.p1]  # fmt: skip
        new = [{"t": "new", "pid": r["id"], "appointed": r["appointed"], "due": r["due"]} for r in street["staff"]
               if r["role"] in NEW_ROLES and cal.p0 <= r["due"] <= cal.p1]  # fmt: skip
        checks = [
            {"t": "year", "s": cal.y0, "e": cal.y1},
            *({"t": "quarter", **q} for q in cal.quarters),
            *hits,
            *new,
        ]
        checks += [{"t": "week", "s": w["s"], "e": w["e"]} for w in cal.weeks] if care else []
        for i, fact in enumerate(data + checks):  # durable_rules refuses two identical facts
            fact["sid"], fact["i"] = record["entity"]["id"], i
        assert_facts(name, data)
        assert_facts(name, checks)
        # (no delete_state: with it the engine fails with error 307 after a few streets)
        breach = found["breach"]
        return (
            "pass" if found["year"] else "fail",
            "fail" if "B" in breach else "pass",
            "n/a" if not hits else ("fail" if "C" in breach else "pass"),
            "n/a" if not new else ("fail" if "D" in breach else "pass"),
            "fail" if "E" in breach else "pass",
            "n/a"
            if not care
            else ("pass" if len(found["week"] & found["rest"]) == len(cal.weeks) else "fail"),
        )

    return Engine(_same, run)  # its conversion is its evaluation: asserting facts runs the rules


ENGINES["durable-rules"] = durable_engine
