"""``protrules calendar``: ask the working-day calendar a question and read the answer.

Every answer is a line a person reads, with the reason: ``2023-10-07 星期六 working day
(调休上班 make-up working day)``. The calendar is :mod:`protrules.calendar.workdays` (the State
Council's notices); ``--rules FILE`` adds a rule file's loaded notices and school vacations.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from protrules.calendar.workdays import Period, WorkCalendar
from protrules.cli.common import OK, CliError, date_arg, emit, int_arg, load_rules
from protrules.errors import ProtrulesError

__all__ = ["add_parser", "describe_day"]

WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
ARTICLES = {201: "第二百零一条", 202: "第二百零二条", 203: "第二百零三条"}


def _calendar(args: argparse.Namespace) -> WorkCalendar:
    if args.rules is not None:
        return load_rules(args.rules).calendar
    return WorkCalendar.china()


def _day(d: dt.date) -> str:
    return f"{d} {WEEKDAYS_ZH[d.weekday()]}"


def _kind(calendar: WorkCalendar, d: dt.date) -> tuple[str, list[str]]:
    """ "working day" or "rest day", and the reasons a person would want to know."""
    reasons = []
    if calendar.is_working_day(d):
        kind = "working day"
        if d.weekday() >= 5:
            reasons.append("调休上班 make-up working day")
    else:
        kind = "rest day"
        if calendar.is_statutory_holiday(d):
            reasons.append("法定节假日 statutory holiday")
        elif d.weekday() < 5:
            reasons.append("放假 day off")
        else:
            reasons.append("weekend")
        block = calendar.holiday_block(d)
        if block is not None:
            reasons.append(f"节假日 {block}")
    vacation = calendar.vacation_of(d)
    if vacation is not None:
        reasons.append(f"{vacation.name} {vacation.period}")
    return kind, reasons


def describe_day(calendar: WorkCalendar, d: dt.date) -> str:
    """``2023-10-07 星期六 working day (调休上班 make-up working day)`` and the like."""
    kind, reasons = _kind(calendar, d)
    return f"{_day(d)} {kind}" + (f" ({', '.join(reasons)})" if reasons else "")


def _ranges(days: list[dt.date]) -> str:
    """``2023-10-01..2023-10-03, 2023-09-29`` style: consecutive days joined."""
    parts: list[str] = []
    start = prev = None
    for day in [*sorted(days), None]:
        if day is not None and prev is not None and (day - prev).days == 1:
            prev = day
            continue
        if start is not None and prev is not None:
            parts.append(str(start) if start == prev else f"{start}..{prev}")
        start = prev = day
    return ", ".join(parts)


# ------------------------------------------------------------------ subcommands


def cmd_is_working_day(args: argparse.Namespace) -> int:
    calendar = _calendar(args)
    days = [date_arg(text) for text in args.dates]
    emit("".join(describe_day(calendar, d) + "\n" for d in days))
    return OK


def cmd_add(args: argparse.Namespace) -> int:
    calendar = _calendar(args)
    start = date_arg(args.date)
    n = int_arg(args.n, "N")
    result = calendar.add_working_days(start, n)
    sign = "+" if n >= 0 else "-"
    unit = "working day" if abs(n) == 1 else "working days"
    note = (
        f"the {_ordinal(abs(n))} working day {'after' if n >= 0 else 'before'} {start}, which is not counted"
    )
    emit(f"{start} {sign} {abs(n)} {unit} = {_day(result)}\n  ({note})\n")
    return OK


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def cmd_deadline(args: argparse.Namespace) -> int:
    from dateutil.relativedelta import relativedelta

    from protrules.programme.due import parse_duration

    calendar = _calendar(args)
    start = date_arg(args.date)
    try:
        duration = parse_duration(args.duration)
    except ProtrulesError as error:
        raise CliError(error.message) from None
    keyword = {"days": "days", "weeks": "weeks", "working_days": "working_days", "months": "months",
               "quarters": "quarters", "years": "years"}.get(duration.unit)  # fmt: skip
    if keyword is None:
        raise CliError(f"a deadline counts days, weeks, working days, months or years, not {duration}")
    result = calendar.deadline(start, **{keyword: duration.amount})
    lines = [f"{start} + {duration} → {_day(result)}", f"  {start} is not counted (民法典 {ARTICLES[201]})"]
    if duration.unit == "working_days":
        lines.append(f"  the {_ordinal(duration.amount)} working day after {start} is {result}")
    else:
        if duration.family == "months":
            end: dt.date = start + relativedelta(months=duration.base)
            lines.append(
                f"  + {duration} = {end} ({ARTICLES[202]}: the corresponding day, or the month's last day)"
            )
        else:
            end = start + dt.timedelta(days=duration.base)
            lines.append(f"  + {duration} = {end}")
        if end != result:
            kind, reasons = _kind(calendar, end)
            lines.append(
                f"  {_day(end)} is a {kind} ({', '.join(reasons)}): the period ends on the next"
                f" working day, {result} ({ARTICLES[203]})"
            )
    emit("\n".join(lines) + "\n")
    return OK


def cmd_blocks(args: argparse.Namespace) -> int:
    calendar = _calendar(args)
    year = int_arg(args.year, "YEAR")
    if not 1 <= year <= 9999:
        raise CliError(f"YEAR: there is no year {year}")
    notice = calendar.notice(year)
    blocks = calendar.holiday_blocks(Period(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    statutory_total = len(notice.statutory)
    lines = [
        f"{year}: {len(blocks)} 节假日 blocks, {statutory_total} 法定节假日 statutory days",
        f"source: {notice.source}",
        "",
    ]
    for block in blocks:
        days = [block.start + dt.timedelta(days=i) for i in range(block.days)]
        statutory = [d for d in days if calendar.is_statutory_holiday(d)]
        span = _day(block.start) if block.days == 1 else f"{_day(block.start)} .. {_day(block.end)}"
        length = f"{block.days} day{'s' if block.days != 1 else ''}"
        lines.append(f"{span}  {length}  statutory: {_ranges(statutory)}")
    lines.append("")
    make_up = ", ".join(_day(d) for d in notice.make_up_days) or "none"
    lines.append(f"调休上班 make-up working days: {make_up}")
    emit("\n".join(lines) + "\n")
    return OK


def cmd_between(args: argparse.Namespace) -> int:
    calendar = _calendar(args)
    a, b = date_arg(args.a, "A"), date_arg(args.b, "B")
    count = calendar.working_days_between(a, b)
    low, high = (a, b) if a <= b else (b, a)
    days = (high - low).days
    emit(
        f"{count} working day{'s' if abs(count) != 1 else ''} in ({a}, {b}]"
        f"  ({days} calendar day{'s' if days != 1 else ''}; {a} is not counted)\n"
    )
    return OK


# ------------------------------------------------------------------ parser


def add_parser(commands: Any) -> None:
    """Register ``calendar`` and its questions on the ``protrules`` subcommand parser."""
    from protrules.cli.common import Parser

    common = Parser(add_help=False)
    common.add_argument(
        "--rules", metavar="RULES", help="also use this rule file's holiday notices and school vacations"
    )
    calendar = commands.add_parser(
        "calendar",
        help="working days, holiday blocks and deadlines",
        description=(
            "Ask the PRC working-day calendar: make-up working days, statutory holidays,\n"
            "节假日 blocks and the Civil Code's deadlines."
        ),
        epilog="""\
examples:
  protrules calendar is-working-day 2023-10-07 2023-10-02
  protrules calendar add 2023-09-28 3
  protrules calendar deadline 2023-01-31 "3 months"
  protrules calendar blocks 2023
  protrules calendar between 2023-09-28 2023-10-09""",
    )
    questions = calendar.add_subparsers(dest="question", metavar="QUESTION", parser_class=Parser)
    questions.required = True

    day = questions.add_parser(
        "is-working-day",
        parents=[common],
        help="working day or rest day, and why",
        description="Say whether each date is a working day (工作日) or a rest day (休息日), and why.",
        epilog="example:\n  protrules calendar is-working-day 2023-10-07 2023-10-02 2023-10-14",
    )
    day.add_argument("dates", metavar="DATE", nargs="+", help="YYYY-MM-DD")
    day.set_defaults(func=cmd_is_working_day, parser=day)

    add = questions.add_parser(
        "add",
        parents=[common],
        help="the N-th working day after a date",
        description="The N-th working day after DATE (DATE not counted); a negative N counts back.",
        epilog="example:\n  protrules calendar add 2023-09-28 3    # 2023-10-09 (10-07, 10-08: make-up days)",
    )
    add.add_argument("date", metavar="DATE", help="YYYY-MM-DD")
    add.add_argument("n", metavar="N", help="working days, e.g. 30 or -5")
    add.set_defaults(func=cmd_add, parser=add)

    deadline = questions.add_parser(
        "deadline",
        parents=[common],
        help="the last day of a period (民法典 Arts. 201–203)",
        description="The last day of a period of DURATION starting on DATE, counted as the Civil Code says.",
        epilog="""\
examples:
  protrules calendar deadline 2023-01-31 "3 months"
  protrules calendar deadline 2023-09-28 "30 working days"
  protrules calendar deadline 2024-09-01 1个月""",
    )
    deadline.add_argument("date", metavar="DATE", help="YYYY-MM-DD (not counted)")
    deadline.add_argument("duration", metavar="DURATION", help='e.g. "3 months", "30 working days", 10天')
    deadline.set_defaults(func=cmd_deadline, parser=deadline)

    blocks = questions.add_parser(
        "blocks",
        parents=[common],
        help="a year's 节假日 blocks and statutory days",
        description="The 节假日 blocks of a year (maximal runs of rest days with a statutory holiday).",
        epilog="example:\n  protrules calendar blocks 2023",
    )
    blocks.add_argument("year", metavar="YEAR", help="e.g. 2023")
    blocks.set_defaults(func=cmd_blocks, parser=blocks)

    between = questions.add_parser(
        "between",
        parents=[common],
        help="working days in (A, B]",
        description="The number of working days after A up to and including B.",
        epilog="example:\n  protrules calendar between 2023-09-28 2023-10-09",
    )
    between.add_argument("a", metavar="A", help="YYYY-MM-DD (not counted)")
    between.add_argument("b", metavar="B", help="YYYY-MM-DD")
    between.set_defaults(func=cmd_between, parser=between)
