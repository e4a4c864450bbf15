"""Run-time values and the operations on them, shared by the compiler and the reference
interpreter so that both give the same answers by construction.

``Unknown`` is a value, not an exception: it flows through operators (three-valued logic,
as in SQL and Kleene) and carries the reason a person needs ("no data on meeting"), as a
message a reader sees in Chinese or English (a fact type's or field's name in it is a
:class:`Declared`, which a reason shows by its title: 台账中没有场所开放记录).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from protrules.calendar.workdays import Period, WorkCalendar
from protrules.errors import ProtrulesError
from protrules.facts.model import Duration, Fact, Ledger, LookupTable, field_attribute
from protrules.i18n import Message, Text, msg

__all__ = ["Ctx", "Declared", "EvaluationLimitError", "Partial", "Unit", "Unknown", "apply", "lookup"]


@attrs.frozen
class Unknown:
    """A value that cannot be known from the facts at hand, and why."""

    reason: Text

    def __str__(self) -> str:
        return f"unknown ({self.reason})"


@attrs.frozen
class Partial:
    """A selection some of whose facts could not be decided (a condition was unknown)."""

    items: tuple[Fact, ...]
    maybe: tuple[Fact, ...]
    reason: Text


@attrs.frozen
class Declared:
    """A name the rule file declares, inside a message: a fact type, or (``field``) one of its
    fields. It reads as the name (``no data on meeting``); a reason in words shows the title
    the file gives it (台账中没有未成年人保护工作会议). See :mod:`protrules.report.reasons`."""

    type: str
    field: str | None = None

    def __str__(self) -> str:
        return self.field if self.field is not None else self.type

    def __message__(self) -> Message:
        return Message(str(self).replace("{", "{{").replace("}", "}}"))


class Unit(str):
    """A calendar unit a `for each` visits, labelled as the author reads it (``2023-Q2``,
    ``2023-W14 (04-03..04-09)``, ``2023年暑假 2023-07-01..2023-08-31``), knowing what it is:
    its kind (year, quarter, week, vacation, holiday …), its period and a vacation's name."""

    unit: str
    period: Period | None
    name: str | None

    def __new__(
        cls, label: str, unit: str = "", period: Period | None = None, name: str | None = None
    ) -> Unit:
        made = super().__new__(cls, label)
        made.unit, made.period, made.name = unit, period, name
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Unit, (str(self), self.unit, self.period, self.name))


@attrs.define(slots=True)
class Ctx:
    """Everything an evaluation reads: the ledger, the as-of date, the calendar, bindings."""

    ledger: Ledger
    as_of: dt.date
    calendar: WorkCalendar
    params: Mapping[str, tuple[tuple[dt.date | None, Any, str | None], ...]]
    env: dict[str, Any] = attrs.field(factory=dict)
    evidence: list[Fact] = attrs.field(factory=list)
    trace: list[Any] | None = None
    depth: int = 0
    indexes: dict[tuple[str, ...], Any] = attrs.field(factory=dict)
    selections: dict[int, Any] = attrs.field(factory=dict)  # loop-independent selections, per entity
    work: int = 0
    max_work: int = 0  # 0: unbounded

    def spend(self, steps: int) -> None:
        """Count facts visited; past ``max_work`` stop with a clear error, never hang."""
        self.work += steps
        if self.max_work and self.work > self.max_work:
            raise EvaluationLimitError.of(self.max_work, _entity(self.ledger))


def _entity(ledger: Ledger) -> str:
    return f"{ledger.name} ({ledger.id})" if ledger.name and ledger.name != ledger.id else ledger.id


class EvaluationLimitError(ProtrulesError):
    """An entity's evaluation did more work than its budget allows (``docs/limits.md``).

    ``entity`` is the entity's id and ``rule`` the id of the rule that was running (None
    until the rule set names it); ``steps`` the budget. Only that entity stops: a batch
    (:meth:`~protrules.RuleSet.evaluate_many`, ``protrules check``) goes on with the rest.
    """

    code = "PRL602"

    def __init__(
        self, message: Text, *, entity: str | None = None, rule: str | None = None, steps: int = 0
    ) -> None:
        super().__init__(message)
        self.entity, self.rule, self.steps = entity, rule, steps

    def __reduce__(self) -> tuple[Any, ...]:  # crosses process pools with what it names
        return (_limit_error, (self.msg, self.entity, self.rule, self.steps))

    @classmethod
    def of(
        cls, steps: int, entity: str, rule: str | None = None, where: str | None = None
    ) -> EvaluationLimitError:
        """The error for ``entity`` past ``steps``, in ``rule`` (at ``where`` in its file)."""
        shown = f"{steps:,}"
        if rule is None:
            message = msg(
                "evaluation stopped after {steps} steps for {entity}: a rule compares too many facts "
                "with each other; narrow its selections or raise the limit "
                "(--max-work, or RuleSet(program, max_work=…))",
                steps=shown, entity=entity,
            )  # fmt: skip
        else:
            message = msg(
                "evaluation stopped after {steps} steps for {entity}, in rule {rule} ({where}): the rule "
                "compares too many facts with each other; narrow its selections or raise the limit "
                "(--max-work, or RuleSet(program, max_work=…))",
                steps=shown, entity=entity, rule=rule, where=where or "?",
            )  # fmt: skip
        return cls(message, entity=entity, rule=rule, steps=steps)


def _limit_error(message: Text, entity: str | None, rule: str | None, steps: int) -> EvaluationLimitError:
    return EvaluationLimitError(message, entity=entity, rule=rule, steps=steps)


def facts_of(ctx: Ctx, name: str) -> tuple[Fact, ...] | Unknown:
    facts = ctx.ledger.facts.get(name)
    if facts is None:
        return Unknown(no_data(name))
    return facts


def param_value(ctx: Ctx, name: str, when: dt.date) -> Any:
    """The value of a parameter in force on ``when`` (its undated value if it has one)."""
    chosen: Any = None
    found = False
    for since, value, _source in ctx.params[name]:
        if since is None or since <= when:
            chosen, found = value, True
    if not found:
        return Unknown(msg("parameter {name} has no value in force on {day}", name=name, day=when))
    return chosen


def fact_field(fact: Fact, name: str) -> Any:
    if name == "id":
        return fact.id
    value = getattr(fact, field_attribute(name), _MISSING)
    if value is _MISSING:
        return Unknown(missing_field(fact, name))
    return value


_MISSING: Any = object()


def no_data(name: str) -> Message:
    """``no data on meeting``: the ledger does not cover a fact type."""
    return msg("no data on {type}", type=Declared(name))


def undecided(count: int, reason: Text) -> Message:
    """``2 fact(s) undecided: …``: a selection some of whose facts could not be decided."""
    return msg("{n} fact(s) undecided: {reason}", n=count, reason=reason)


def inverted(start: Any, end: Any) -> Message:
    """A period written with its end before its start."""
    return msg("the period {start} .. {end} ends before it starts", start=start, end=end)


def missing_field(fact: Fact, name: str) -> Message:
    """``meeting M1 has no date``: an optional field not filled in."""
    return msg(
        "{type} {id} has no {field}", type=Declared(fact.type), id=fact.id, field=Declared(fact.type, name)
    )


def date_part(d: dt.date, part: str) -> int:
    if part == "year":
        return d.year
    if part == "month":
        return d.month
    if part == "day":
        return d.day
    if part == "weekday":
        return d.isoweekday()
    return (d.month - 1) // 3 + 1  # quarter


def period_part(p: Period, part: str) -> Any:
    if part == "start":
        return p.start
    if part == "end":
        return p.end
    return p.days


_DEADLINE_KW = {
    "days": "days",
    "weeks": "weeks",
    "working_days": "working_days",
    "months": "months",
    "quarters": "quarters",
    "years": "years",
}


_DEADLINES: dict[tuple[WorkCalendar, dt.date, int, str], dt.date] = {}


def deadline(cal: WorkCalendar, d: dt.date, duration: Duration) -> dt.date | Unknown:
    """The Civil Code deadline, memoised: a calendar never changes, and the same dates recur
    across facts and entities (a street's ledger asks for a few hundred deadlines)."""
    key = (cal, d, duration.amount, duration.unit)
    found = _DEADLINES.get(key)
    if found is not None:
        return found
    if duration.unit not in _DEADLINE_KW:
        return Unknown(
            msg("a deadline counts days, weeks, months or years, not {duration}", duration=str(duration))
        )
    result: dt.date = cal.deadline(d, **{_DEADLINE_KW[duration.unit]: duration.amount})
    if len(_DEADLINES) > 200_000:
        _DEADLINES.clear()
    _DEADLINES[key] = result
    return result


_SHIFTS: dict[tuple[WorkCalendar, dt.date, int, str], dt.date] = {}


def shift(cal: WorkCalendar, d: dt.date, duration: Duration, sign: int) -> dt.date | Unknown:
    """`d + duration` without the Art. 203 roll-forward (plain calendar arithmetic); months
    and working days memoised like :func:`deadline`."""
    amount = duration.amount * sign
    unit = duration.unit
    try:
        if unit == "days":
            return d + dt.timedelta(days=amount)
        if unit == "weeks":
            return d + dt.timedelta(weeks=amount)
        key = (cal, d, amount, unit)
        found = _SHIFTS.get(key)
        if found is not None:
            return found
        if unit == "working_days":
            found = cal.add_working_days(d, amount)
        elif unit in ("months", "quarters", "years"):
            found = d + relativedelta(months=duration.base * sign)
        else:
            return Unknown(
                msg("a date moves by days, weeks, months or years, not {duration}", duration=str(duration))
            )
    except (OverflowError, ValueError):  # past 9999-12-31 or before 0001-01-01 (dateutil: ValueError)
        return Unknown(
            msg("{day} {sign} {duration} is outside the calendar", day=d, sign="+" if sign > 0 else "-",
                duration=str(duration))
        )  # fmt: skip
    if len(_SHIFTS) > 200_000:
        _SHIFTS.clear()
    _SHIFTS[key] = found
    return found


def scale(a: Any, b: Any) -> Duration | Unknown:
    """`n * duration` (or `duration * n`): the duration n times over, in its own unit."""
    times, duration = (a, b) if isinstance(b, Duration) else (b, a)
    if times < 0:
        return Unknown(
            msg("{times} * {duration} is a negative duration", times=times, duration=str(duration))
        )
    return Duration(times * duration.amount, duration.unit)


def arith(op: str, a: Any, b: Any) -> Any:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        a, b = Decimal(a), Decimal(b)
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0:
            return Unknown(msg("division by zero"))
        return Decimal(a) / Decimal(b)
    except (InvalidOperation, DivisionByZero):
        return Unknown(msg("arithmetic error"))


# ------------------------------------------------------------------ built-in functions of values

_ROUNDINGS = {"round": ROUND_HALF_UP, "floor": ROUND_FLOOR, "ceil": ROUND_CEILING}


def rounded(func: str, value: Any, places: int, mode: str) -> Any:
    """round (half up, 四舍五入), floor or ceil of a number to ``places`` decimal places.

    ``mode`` is what the checker decided the result is: ``integer`` (no places given),
    ``decimal``, or ``percentage``, whose places count in the percentage as written, so
    round(33.333%, 1) is 33.3%."""
    if places < 0 or places > 12:
        return Unknown(msg("{func}() to {places} places: give 0 to 12 places", func=func, places=places))
    shift = places + 2 if mode == "percentage" else places
    try:
        result = Decimal(value).quantize(Decimal(1).scaleb(-shift), rounding=_ROUNDINGS[func])
    except InvalidOperation:
        return Unknown(msg("{func}() of {value} is too large", func=func, value=show(value)))
    return int(result) if mode == "integer" else result


def _extreme(func: str, values: Sequence[Any]) -> Any:
    """min / max of numbers, dates or durations (durations of one family)."""
    if isinstance(values[0], Duration):
        families = {v.family for v in values}
        if len(families) > 1:
            return Unknown(msg("cannot compare {values}", values=" and ".join(str(v) for v in values)))
        pick = min if func == "min" else max
        return pick(values, key=lambda v: v.base)
    return min(values) if func == "min" else max(values)


def _make_date(year: int, month: int, day: int) -> dt.date | Unknown:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return Unknown(msg("there is no date {day}", day=f"{year}-{month:02d}-{day:02d}"))


def months_between(a: dt.date, b: dt.date) -> int:
    """The whole months from a to b: n such that a + n months ≤ b < a + (n + 1) months,
    with month-end clamping (2023-01-31 + 1 month = 2023-02-28); negative when b is before a."""
    if b < a:
        return -months_between(b, a)
    months = (b.year - a.year) * 12 + b.month - a.month
    if a + relativedelta(months=months) > b:
        months -= 1
    return months


def _intersection(p: Period, q: Period) -> Period | Unknown:
    found = p.intersection(q)
    if found is None:
        return Unknown(msg("the periods {p} and {q} share no day", p=str(p), q=str(q)))
    return found


def apply(cal: WorkCalendar, func: str, args: Sequence[Any]) -> Any:
    """A built-in function of definite values (an unknown argument is the caller's to pass on).

    The one meaning of every function of :data:`protrules.checking.typing_calls.SIGNATURES`, of
    scalar min and max, and of round, floor and ceil, for every evaluator."""
    if func == "deadline":
        return deadline(cal, args[0], args[1])
    if func == "working_days_between":
        return cal.working_days_between(args[0], args[1])
    if func == "days_between":
        return (args[1] - args[0]).days
    if func == "months_between":
        return months_between(args[0], args[1])
    if func == "years_between":
        months = months_between(args[0], args[1])
        return months // 12 if months >= 0 else -(-months // 12)
    if func in ("min", "max"):
        return _extreme(func, args)
    if func in _ROUNDINGS:
        return rounded(func, args[0], args[1], args[2])
    if func == "date":
        return _make_date(*args)
    if func == "overlaps":
        return bool(args[0].overlaps(args[1]))
    if func == "intersection":
        return _intersection(args[0], args[1])
    raise AssertionError(func)  # pragma: no cover - the checker knows every function


def lookup(name: str, table: Any, key: Any) -> Any:
    """A lookup parameter's value for ``key`` (its table is the one in force)."""
    if isinstance(table, Unknown):
        return table
    assert isinstance(table, LookupTable)
    found, value = table.find(key)
    if not found:
        return Unknown(
            msg("{name} has no row for {key} (its first row is from {first})", name=name, key=show(key),
                first=show(table.rows[0][0]))
        )  # fmt: skip
    return value


COMPARE: Mapping[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def compare(op: str, mode: str, a: Any, b: Any) -> bool | Unknown:
    if mode == "duration":
        if a.family != b.family:
            return Unknown(msg("cannot compare {a} with {b}", a=str(a), b=str(b)))
        a, b = a.base, b.base
    elif mode == "fact":
        return (a is b) if op == "=" else (a is not b)
    return COMPARE[op](a, b)


def member(mode: str, a: Any, b: Any) -> bool:
    if mode == "date_period":
        return bool(b.start <= a <= b.end)
    if mode == "date_dates":
        return any(p.start <= a <= p.end for p in b)
    if mode == "value_list":
        return a in b
    return bool(b.start <= a.start and a.end <= b.end)


def calendar_test(cal: WorkCalendar, test: str, d: dt.date) -> bool:
    if test == "working day":
        return cal.is_working_day(d)
    if test == "rest day":
        return cal.is_rest_day(d)
    if test == "statutory holiday":
        return cal.is_statutory_holiday(d)
    if test == "in vacation":
        return cal.in_vacation(d)
    return cal.holiday_block(d) is not None  # in holiday


_UNITS: dict[tuple[WorkCalendar, str, Period], tuple[tuple[Unit, Period], ...]] = {}


def units(cal: WorkCalendar, unit: str, period: Period) -> tuple[tuple[Unit, Period], ...]:
    """The calendar units of a period with the label a person reads (2023-Q2, 2023-W14 …),
    memoised: calendars and periods never change, and every entity asks for the same weeks."""
    key = (cal, unit, period)
    found = _UNITS.get(key)
    if found is None:
        if len(_UNITS) > 10_000:
            _UNITS.clear()
        found = _UNITS[key] = _units(cal, unit, period)
    return found


def _units(cal: WorkCalendar, unit: str, period: Period) -> tuple[tuple[Unit, Period], ...]:
    if unit == "vacation":
        return tuple(
            (Unit(f"{v.name} {v.period}", unit, v.period, v.name), v.period) for v in cal.vacations(period)
        )
    if unit == "holiday":
        return tuple((Unit(f"节假日 {p}", unit, p), p) for p in cal.holiday_blocks(period))
    out = []
    for p in cal.units(period, "half" if unit == "half year" else unit):
        if unit == "year":
            label = str(p.start.year)
        elif unit == "half year":
            label = f"{p.start.year}-H{1 if p.start.month == 1 else 2}"
        elif unit == "day":
            label = str(p.start)
        elif unit == "quarter":
            label = f"{p.start.year}-Q{(p.start.month - 1) // 3 + 1}"
        elif unit == "month":
            label = f"{p.start.year}-{p.start.month:02d}"
        else:
            iso = p.start.isocalendar()
            label = f"{iso[0]}-W{iso[1]:02d} ({p.start:%m-%d}..{p.end:%m-%d})"
        out.append((Unit(label, unit, p), p))
    return tuple(out)


def show(value: Any) -> str:
    """A value as a person reads it in a reason or a trace."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Unknown):
        return f"unknown ({value.reason})"
    if isinstance(value, Fact):
        return f"{value.type} {value.id}"
    if isinstance(value, tuple | Partial):
        items = value.items if isinstance(value, Partial) else value
        ids = ", ".join(f.id for f in items[:5]) + (", …" if len(items) > 5 else "")
        return f"{len(items)} fact{'s' if len(items) != 1 else ''}" + (f" ({ids})" if items else "")
    if isinstance(value, Decimal):
        return show_decimal(value)
    if isinstance(value, LookupTable):
        return ", ".join(f"from {show(bound)}: {show(v)}" for bound, v in value.rows)
    return str(value)


def summarise(func: str, values: list[Any], items: tuple[Fact, ...], percentage: bool) -> Any:
    """share / distinct / sum / min / max of the argument's values over the facts."""
    if func == "share":
        if not items:
            return Unknown(msg("share of no facts"))
        return Decimal(sum(1 for v in values if v is True)) / Decimal(len(items))
    if func == "distinct":
        return len(set(values))
    if func == "sum":
        total: Any = Decimal(0) if percentage or any(isinstance(v, Decimal) for v in values) else 0
        for v in values:
            total = total + v
        return total
    if not values:
        return Unknown(msg("{func} of no facts", func=func))
    return min(values) if func == "min" else max(values)


#: A decimal shows at most this many places; more (a division's 1/7) are rounded, marked "…".
SHOWN_PLACES = 6


def show_decimal(value: Decimal) -> str:
    """A decimal as a person reads it: whole numbers without a point, places as computed (a
    rounded 177.10 keeps its 0), and a long fraction cut to six places, half up, with "…"
    after it to say there is more: 1240 / 7 shows as 177.142857…."""
    if value == value.to_integral():
        return format(value.normalize(), "f")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > SHOWN_PLACES:
        cut = value.quantize(Decimal(1).scaleb(-SHOWN_PLACES), rounding=ROUND_HALF_UP)
        return format(cut, "f") + "…"
    return format(value, "f")
