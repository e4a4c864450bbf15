"""``protrules calendar``: ask the working-day calendar a question and read the answer.

Every answer is a line a person reads, with the reason: ``2023-10-07 星期六 working day
(调休上班 make-up working day)``. The calendar is :mod:`protrules.calendar.workdays` (the State
Council's notices); ``--rules FILE`` adds a rule file's loaded notices and school vacations,
``--notice FILE`` a file of ``notice`` blocks. ``import-notice`` reads a new notice's published
text (:mod:`protrules.calendar.notice_text`), shows what it found and writes its notice block.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import TYPE_CHECKING, Any

from protrules.calendar.notices import source_text
from protrules.calendar.wording import duration_words
from protrules.calendar.workdays import Notice, Period, WorkCalendar
from protrules.cli.common import (
    FINDINGS,
    LANGUAGE,
    OK,
    CliError,
    date_arg,
    emit,
    int_arg,
    load_rules,
    require_file,
    say,
)
from protrules.errors import ProtrulesError
from protrules.i18n import Message, joined, msg, msgn

if TYPE_CHECKING:
    from protrules.calendar.notice_text import NoticeText

__all__ = ["add_parser", "describe_day", "load_notices"]

WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
ARTICLES = {201: "第二百零一条", 202: "第二百零二条", 203: "第二百零三条"}


def _calendar(args: argparse.Namespace) -> WorkCalendar:
    calendar = load_rules(args.rules).calendar if args.rules is not None else WorkCalendar.china()
    if args.notices:
        calendar = calendar.with_notices(load_notices(args.notices))
    return calendar


def load_notices(paths: list[str]) -> list[Notice]:
    """The notices of files of ``notice`` blocks (what ``import-notice`` writes)."""
    from protrules.checking.checker import check_notices
    from protrules.language.diagnostics import RuleFileError
    from protrules.language.parser import parse_file

    notices: list[Notice] = []
    for path in paths:
        require_file(path)
        try:
            notices += check_notices(*parse_file(path))
        except RuleFileError as error:
            raise CliError(error.message, rendered=error.render(LANGUAGE.get())) from None
    return notices


def _day(d: dt.date) -> str:
    return f"{d} {WEEKDAYS_ZH[d.weekday()]}"


def _kind(calendar: WorkCalendar, d: dt.date) -> tuple[Message, list[Message | str]]:
    """ "working day" or "rest day", and the reasons a person would want to know."""
    reasons: list[Message | str] = []
    if calendar.is_working_day(d):
        kind = msg("working day")
        if d.weekday() >= 5:
            reasons.append(msg("调休上班 make-up working day"))
    else:
        kind = msg("rest day")
        if calendar.is_statutory_holiday(d):
            reasons.append(msg("法定节假日 statutory holiday"))
        elif d.weekday() < 5:
            reasons.append(msg("放假 day off"))
        else:
            reasons.append(msg("weekend"))
        block = calendar.holiday_block(d)
        if block is not None:
            reasons.append(f"节假日 {block}")
    vacation = calendar.vacation_of(d)
    if vacation is not None:
        reasons.append(f"{vacation.name} {vacation.period}")
    return kind, reasons


def describe_day(calendar: WorkCalendar, d: dt.date, lang: str = "en") -> str:
    """``2023-10-07 星期六 working day (调休上班 make-up working day)`` and the like, in ``lang``
    (``2023-10-07 星期六 工作日（调休上班）``)."""
    kind, reasons = _kind(calendar, d)
    if not reasons:
        return msg("{day} {kind}", day=_day(d), kind=kind).render(lang)
    return msg("{day} {kind} ({reasons})", day=_day(d), kind=kind, reasons=joined(reasons)).render(lang)


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
    emit("".join(describe_day(calendar, d, LANGUAGE.get()) + "\n" for d in days))
    return OK


def cmd_add(args: argparse.Namespace) -> int:
    calendar = _calendar(args)
    start = date_arg(args.date)
    n = int_arg(args.n, "N")
    result = calendar.add_working_days(start, n)
    sign = "+" if n >= 0 else "-"
    amount = msgn("{n} working day", "{n} working days", abs(n))
    line = msg(
        "{start} {sign} {amount} = {result}", start=start, sign=sign, amount=amount, result=_day(result)
    )
    if n >= 0:
        note = msg(
            "the {ordinal} working day after {start}, which is not counted", ordinal=_ordinal(n), start=start
        )
    else:
        note = msg(
            "the {ordinal} working day before {start}, which is not counted",
            ordinal=_ordinal(-n),
            start=start,
        )
    emit(say(line) + "\n  " + say(msg("({note})", note=note)) + "\n")
    return OK


def _ordinal(n: int) -> Message:
    """3rd, 11th / 3, 11 (Chinese writes 第 3 个 around it)."""
    if 10 <= n % 100 <= 20:
        return msg("{n}th", n=n)
    return {1: msg("{n}st", n=n), 2: msg("{n}nd", n=n), 3: msg("{n}rd", n=n)}.get(n % 10, msg("{n}th", n=n))


def cmd_deadline(args: argparse.Namespace) -> int:
    from dateutil.relativedelta import relativedelta

    from protrules.programme.due import parse_duration

    calendar = _calendar(args)
    start = date_arg(args.date)
    try:
        duration = parse_duration(args.duration)
    except ProtrulesError as error:
        raise CliError(error.msg) from None
    keyword = {"days": "days", "weeks": "weeks", "working_days": "working_days", "months": "months",
               "quarters": "quarters", "years": "years"}.get(duration.unit)  # fmt: skip
    if keyword is None:
        raise CliError(
            msg(
                "a deadline counts days, weeks, working days, months or years, not {duration}",
                duration=str(duration),
            )
        )
    result = calendar.deadline(start, **{keyword: duration.amount})
    words = duration_words(duration, LANGUAGE.get())
    lines = [
        msg("{start} + {duration} → {result}", start=start, duration=words, result=_day(result)),
        msg("  {start} is not counted (民法典 {article})", start=start, article=ARTICLES[201]),
    ]
    if duration.unit == "working_days":
        lines.append(
            msg(
                "  the {ordinal} working day after {start} is {result}",
                ordinal=_ordinal(duration.amount),
                start=start,
                result=result,
            )
        )
    else:
        if duration.family == "months":
            end: dt.date = start + relativedelta(months=duration.base)
            lines.append(
                msg(
                    "  + {duration} = {end} ({article}: the corresponding day, or the month's last day)",
                    duration=words,
                    end=end,
                    article=ARTICLES[202],
                )
            )
        else:
            end = start + dt.timedelta(days=duration.base)
            lines.append(msg("  + {duration} = {end}", duration=words, end=end))
        if end != result:
            kind, reasons = _kind(calendar, end)
            lines.append(
                msg(
                    "  {day} is a {kind} ({reasons}): the period ends on the next working day, {result}"
                    " ({article})",
                    day=_day(end),
                    kind=kind,
                    reasons=joined(reasons),
                    result=result,
                    article=ARTICLES[203],
                )
            )
    emit("".join(say(line) + "\n" for line in lines))
    return OK


def cmd_blocks(args: argparse.Namespace) -> int:
    calendar = _calendar(args)
    year = int_arg(args.year, "YEAR")
    if not 1 <= year <= 9999:
        raise CliError(msg("YEAR: there is no year {year}", year=year))
    notice = calendar.notice(year)
    blocks = calendar.holiday_blocks(Period(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    statutory_total = len(notice.statutory)
    lines = [
        say(
            msg(
                "{year}: {blocks} 节假日 blocks, {statutory} 法定节假日 statutory days",
                year=year,
                blocks=len(blocks),
                statutory=statutory_total,
            )
        ),
        say(msg("source: {source}", source=source_text(notice.source))),
        "",
    ]
    for block in blocks:
        days = [block.start + dt.timedelta(days=i) for i in range(block.days)]
        statutory = [d for d in days if calendar.is_statutory_holiday(d)]
        span = _day(block.start) if block.days == 1 else f"{_day(block.start)} .. {_day(block.end)}"
        length = msgn("{n} day", "{n} days", block.days)
        lines.append(
            say(msg("{span}  {length}  statutory: {days}", span=span, length=length, days=_ranges(statutory)))
        )
    lines.append("")
    weekends = (dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range(366))
    worked = [d for d in weekends if d.year == year and d.weekday() >= 5 and calendar.is_working_day(d)]
    if worked:
        make_up = msg("调休上班 make-up working days: {days}", days=joined(_day(d) for d in worked))
    else:
        make_up = msg("调休上班 make-up working days: none")
    lines.append(say(make_up))
    emit("\n".join(lines) + "\n")
    return OK


def cmd_between(args: argparse.Namespace) -> int:
    calendar = _calendar(args)
    a, b = date_arg(args.a, "A"), date_arg(args.b, "B")
    count = calendar.working_days_between(a, b)
    low, high = (a, b) if a <= b else (b, a)
    days = (high - low).days
    line = msg(
        "{count} in ({a}, {b}]  ({days}; {a} is not counted)",
        count=msgn("{n} working day", "{n} working days", abs(count), n=count),
        a=a,
        b=b,
        days=msgn("{n} calendar day", "{n} calendar days", days),
    )
    emit(say(line) + "\n")
    return OK


# ------------------------------------------------------------------ import-notice


def _read_notice(path: str) -> tuple[str, str]:
    """The text of FILE (or stdin for ``-``) and the name to report it under; UTF-8 only."""
    from protrules.calendar.notice_text import MAX_NOTICE_CHARS, Located, NoticeTextError

    if path == "-":
        data, name = sys.stdin.buffer.read(4 * MAX_NOTICE_CHARS + 1), "<stdin>"
    else:
        require_file(path)
        with open(path, "rb") as handle:
            data, name = handle.read(4 * MAX_NOTICE_CHARS + 1), path
    try:
        return data.decode("utf-8"), name
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise NoticeTextError(
            msg("the notice is not UTF-8 text"), name, Located(line, 1), "",
            hint=msg("save it as UTF-8 (it may be GBK)"),
        ) from None  # fmt: skip


def notice_summary(text: NoticeText, calendar: WorkCalendar, lang: str = "en") -> str:
    """What ``import-notice`` found, in ``lang``, for a person to confirm against the published
    notice."""
    from protrules.calendar.notices import holidays_version
    from protrules.output import display_width, pad

    notice = text.notice()
    days_off = sum(len(item.days_off) for item in text.items)
    make_up = sum(len(item.make_up_days) for item in text.items)
    counts = msg(
        "{year}: {items} items, {off} days off ({statutory} statutory), {work} make-up working days",
        year=text.year,
        items=len(text.items),
        off=days_off,
        statutory=len(notice.statutory),
        work=make_up,
    )
    lines = [f"《{text.title}》 {text.citation}", counts.render(lang), ""]
    heads = [f"{item.numeral}、{'、'.join(item.festivals)}" for item in text.items]
    labels = {key: label.render(lang) for key, label in _LABELS.items()}
    width = max(display_width(head) for head in heads) + 2
    label_width = max(10, *(display_width(label) for label in labels.values()))
    for head, item in zip(heads, text.items, strict=True):
        count = msgn("{n} day", "{n} days", len(item.days_off)).render(lang)
        rows = [("off", msg("{days} ({count})", days=_spans(item.days_off), count=count).render(lang))]
        if item.make_up_days:
            rows.append(("work", ", ".join(_day(d) for d in item.make_up_days)))
        rows.append(("statutory", _spans(item.statutory) or msg("none").render(lang)))
        rows += [("note", msg("{note} (no day off)", note=note).render(lang)) for note in item.notes]
        for i, (key, value) in enumerate(rows):
            label = pad(labels[key], label_width)
            lines.append(f"{pad(head if i == 0 else '', width)}{label} {value}".rstrip())
    law = msg(
        "statutory: the days {law} grants, from the lunar calendar (holidays {version}); the notice gives"
        " the rest.",
        law=_LAW,
        version=holidays_version(),
    )
    lines += ["", law.render(lang), _compared(notice, calendar, lang)]
    return "\n".join(lines) + "\n"


_LAW = "《全国年节及纪念日放假办法》"
#: The summary's row labels: the days off, the make-up working days, the statutory days, a note.
_LABELS = {"off": msg("off"), "work": msg("work"), "statutory": msg("statutory"), "note": msg("note")}


def _spans(days: tuple[dt.date, ...]) -> str:
    """``2024-02-10 星期六 .. 2024-02-17 星期六`` for each run of consecutive days."""
    from protrules.calendar.notice_text import day_runs

    return ", ".join(_day(a) if a == b else f"{_day(a)} .. {_day(b)}" for a, b in day_runs(days))


def _compared(notice: Notice, calendar: WorkCalendar, lang: str) -> str:
    """How the notice compares, day by day, with what the calendar already holds for its year,
    in ``lang``."""
    year = notice.year
    if year not in calendar.published_years:
        return msg(
            "{year} is not in the calendar yet (it knows {years}): this notice adds it.",
            year=year,
            years=_years(calendar),
        ).render(lang)
    loaded = calendar.with_notices([notice])
    first = min((*notice.days_off, *notice.make_up_days, dt.date(year, 1, 1)))
    days = [first + dt.timedelta(days=i) for i in range((dt.date(year, 12, 31) - first).days + 1)]
    known = [d for d in days if d.year in calendar.published_years]
    differ = [d for d in known if calendar.is_working_day(d) != loaded.is_working_day(d)]
    source = source_text(calendar.notice(year).source)
    if not differ:
        return msg(
            "The calendar already has {year} ({source}): the same working days, day by day.",
            year=year,
            source=source,
        ).render(lang)
    kind = {True: msg("working"), False: msg("rest")}
    shown = "".join(
        msg(
            "\n  {day}: a {now} day by this notice, a {before} day in the calendar",
            day=_day(d),
            now=kind[loaded.is_working_day(d)],
            before=kind[calendar.is_working_day(d)],
        ).render(lang)
        for d in differ
    )
    return msgn(
        "The calendar already has {year} ({source}); {n} day differs:{days}",
        "The calendar already has {year} ({source}); {n} days differ:{days}",
        len(differ),
        year=year,
        source=source,
        days=shown,
    ).render(lang)


def _years(calendar: WorkCalendar) -> str:
    years = sorted(calendar.published_years)
    runs: list[str] = []
    for year in years:
        if runs and int(runs[-1].split("–")[-1]) == year - 1:
            runs[-1] = f"{runs[-1].split('–')[0]}–{year}"
        else:
            runs.append(str(year))
    return ", ".join(runs)


def cmd_import_notice(args: argparse.Namespace) -> int:
    from protrules.calendar.notice_text import parse_notice_text

    if args.output is not None and args.file != "-" and os.path.exists(args.output):
        if os.path.exists(args.file) and os.path.samefile(args.output, args.file):
            raise CliError(
                msg("-o {path} is the notice being read: it is never written over", path=args.output)
            )
        if not args.force:
            raise CliError(
                msg("{path} exists: choose another name, or add --force to replace it", path=args.output)
            )
    text, name = _read_notice(args.file)
    found = parse_notice_text(text, name)
    summary = notice_summary(found, _calendar(args), LANGUAGE.get())
    block = found.block()
    if args.output is None:
        sys.stderr.write(summary)
        emit(block, colour=False)
        return OK
    emit(summary + "\n", colour=False)
    if not args.yes:
        if args.file == "-" or not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise CliError(
                msg(
                    "nothing written: add --yes to write {path} without a terminal to confirm on",
                    path=args.output,
                )
            )
        question = msg(
            "Write the notice block for {year} to {path}? [y/N] ", year=found.year, path=args.output
        )
        answer = input(say(question))
        if answer.strip().lower() not in ("y", "yes", "是"):
            sys.stdout.write(say(msg("nothing written")) + "\n")
            return FINDINGS
    emit(block, args.output)
    wrote = msg(
        "wrote {path}: notice {year} ({citation})", path=args.output, year=found.year, citation=found.citation
    )
    sys.stdout.write(say(wrote) + "\n")
    return OK


# ------------------------------------------------------------------ parser


def add_parser(commands: Any) -> None:
    """Register ``calendar`` and its questions on the ``protrules`` subcommand parser."""
    from protrules.cli.common import Parser

    common = Parser(add_help=False)
    common.add_argument(
        "--rules",
        metavar="RULES",
        help=say(msg("also use this rule file's holiday notices and school vacations")),
    )
    common.add_argument(
        "--notice", metavar="FILE", action="append", dest="notices", default=[],
        help=say(msg("also use the notice blocks of FILE (as import-notice writes them); may be repeated")),
    )  # fmt: skip
    calendar = commands.add_parser(
        "calendar",
        help=say(msg("working days, holiday blocks and deadlines")),
        description=say(
            msg(
                "Ask the PRC working-day calendar: make-up working days, statutory holidays,\n"
                "节假日 blocks and the Civil Code's deadlines."
            )
        ),
        epilog=say(
            msg("""\
examples:
  protrules calendar is-working-day 2023-10-07 2023-10-02
  protrules calendar add 2023-09-28 3
  protrules calendar deadline 2023-01-31 "3 months"
  protrules calendar blocks 2023
  protrules calendar between 2023-09-28 2023-10-09
  protrules calendar import-notice notice-2027.txt -o notice-2027.prl""")
        ),
    )
    questions = calendar.add_subparsers(dest="question", metavar="QUESTION", parser_class=Parser)
    questions.required = True

    day = questions.add_parser(
        "is-working-day",
        parents=[common],
        help=say(msg("working day or rest day, and why")),
        description=say(
            msg("Say whether each date is a working day (工作日) or a rest day (休息日), and why.")
        ),
        epilog=say(msg("example:\n  protrules calendar is-working-day 2023-10-07 2023-10-02 2023-10-14")),
    )
    day.add_argument("dates", metavar="DATE", nargs="+", help=say(msg("YYYY-MM-DD")))
    day.set_defaults(func=cmd_is_working_day, parser=day)

    add = questions.add_parser(
        "add",
        parents=[common],
        help=say(msg("the N-th working day after a date")),
        description=say(msg("The N-th working day after DATE (DATE not counted); a negative N counts back.")),
        epilog=say(
            msg(
                "example:\n  protrules calendar add 2023-09-28 3    # 2023-10-09 (10-07, 10-08: make-up days)"
            )
        ),
    )
    add.add_argument("date", metavar="DATE", help=say(msg("YYYY-MM-DD")))
    add.add_argument("n", metavar="N", help=say(msg("working days, e.g. 30 or -5")))
    add.set_defaults(func=cmd_add, parser=add)

    deadline = questions.add_parser(
        "deadline",
        parents=[common],
        help=say(msg("the last day of a period (民法典 Arts. 201–203)")),
        description=say(
            msg("The last day of a period of DURATION starting on DATE, counted as the Civil Code says.")
        ),
        epilog=say(
            msg("""\
examples:
  protrules calendar deadline 2023-01-31 "3 months"
  protrules calendar deadline 2023-09-28 "30 working days"
  protrules calendar deadline 2024-09-01 1个月""")
        ),
    )
    deadline.add_argument("date", metavar="DATE", help=say(msg("YYYY-MM-DD (not counted)")))
    deadline.add_argument(
        "duration", metavar="DURATION", help=say(msg('e.g. "3 months", "30 working days", 10天'))
    )
    deadline.set_defaults(func=cmd_deadline, parser=deadline)

    blocks = questions.add_parser(
        "blocks",
        parents=[common],
        help=say(msg("a year's 节假日 blocks and statutory days")),
        description=say(
            msg("The 节假日 blocks of a year (maximal runs of rest days with a statutory holiday).")
        ),
        epilog=say(msg("example:\n  protrules calendar blocks 2023")),
    )
    blocks.add_argument("year", metavar="YEAR", help=say(msg("e.g. 2023")))
    blocks.set_defaults(func=cmd_blocks, parser=blocks)

    between = questions.add_parser(
        "between",
        parents=[common],
        help=say(msg("working days in (A, B]")),
        description=say(msg("The number of working days after A up to and including B.")),
        epilog=say(msg("example:\n  protrules calendar between 2023-09-28 2023-10-09")),
    )
    between.add_argument("a", metavar="A", help=say(msg("YYYY-MM-DD (not counted)")))
    between.add_argument("b", metavar="B", help=say(msg("YYYY-MM-DD")))
    between.set_defaults(func=cmd_between, parser=between)

    importer = questions.add_parser(
        "import-notice",
        parents=[common],
        help=say(msg("read a year's State Council holiday notice and write its notice block")),
        description=say(
            msg(
                "Read the published text of 《国务院办公厅关于YYYY年部分节假日安排的通知》,"
                " show the days off\n"
                "and make-up working days it gives, item by item, and write them as a notice block\n"
                "(cited by the notice's number and date) that rule files and --notice load.\n"
                "Without -o the summary goes to stderr and the block to stdout; with -o the summary\n"
                "goes to stdout and the block is written after a y on the terminal, or with --yes.\n"
                "A text it cannot read or that contradicts itself is an error at its line and column."
            )
        ),
        epilog=say(
            msg("""\
examples:
  protrules calendar import-notice tests/data/notices/2025.txt
  protrules calendar import-notice notice-2027.txt -o rules/notice-2027.prl
  protrules calendar import-notice - -o notice-2027.prl --yes < notice-2027.txt""")
        ),
    )
    importer.add_argument(
        "file", metavar="FILE", help=say(msg("the notice's plain text (UTF-8), or - for stdin"))
    )
    importer.add_argument("-o", "--output", metavar="OUT", help=say(msg("write the notice block to OUT")))
    importer.add_argument("--yes", action="store_true", help=say(msg("write OUT without asking")))
    importer.add_argument(
        "--force", action="store_true", help=say(msg("replace OUT if it exists (never the input)"))
    )
    importer.set_defaults(func=cmd_import_notice, parser=importer)
