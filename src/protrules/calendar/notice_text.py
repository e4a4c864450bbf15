"""A State Council holiday notice as published, read from its plain text into a :class:`Notice`.

Every autumn the General Office of the State Council publishes 《国务院办公厅关于YYYY年部分节假日
安排的通知》. Until ``holidays`` transcribes it, the year it governs cannot be answered, so
this module reads the notice's own words — numbered items such as "二、春节：2月10日至17日放假
调休，共8天。2月4日（星期日）、2月18日（星期日）上班。" — into the year's days off and make-up
working days, with the document's number and date as the citation.

It never guesses. Every sentence of every item must be one it understands; every weekday the
text gives in parentheses must be the date's; 共N天 must count the range; a make-up day must be
a Saturday or a Sunday; every statutory day of 《全国年节及纪念日放假办法》 must be a day off, in
the item of its festival when the item names it. Anything else raises :class:`NoticeTextError`
at the line and column of the text: ``PRL502`` for text it cannot read, ``PRL503`` for text that
contradicts itself or the calendar. The sentence grammar is in :mod:`._notice_sentences`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import attrs

from protrules.calendar import notices as _notices
from protrules.calendar._notice_sentences import (
    FESTIVALS,
    FOLD,
    Located,
    NoticeTextError,
    Statement,
    numeral_value,
    read_sentence,
)
from protrules.calendar.workdays import Notice
from protrules.errors import CalendarError
from protrules.i18n import Message, Text, msg

__all__ = ["FESTIVALS", "Item", "Located", "NoticeText", "NoticeTextError", "day_runs", "parse_notice_text"]

MAX_NOTICE_CHARS = 100_000  # a notice is about 1,000 characters; anything larger is not one

_ITEM = re.compile(r"[ \t]*([一二三四五六七八九十]{1,3})、")
_HEADING = re.compile(r"([^:]{1,40}?)[ \t]*:")
_TITLE = re.compile(r"国务院办公厅关于(.{1,60}?)的通知")
_ANNUAL = re.compile(r"(?:(\d{4})[ \t]*年)?[ \t]*部分节假日安排")
_PREAMBLE_YEAR = re.compile(r"现将[ \t]*(\d{4})[ \t]*年")
_NUMBER = re.compile(r"国办发明电[ \t]*[〔\[【(][ \t]*(\d{4})[ \t]*[〕\]】)][ \t]*(\d{1,4})[ \t]*号")
_SIGNED = re.compile(r"[ \t]*(\d{4})[ \t]*年[ \t]*(\d{1,2})[ \t]*月[ \t]*(\d{1,2})[ \t]*日[ \t]*")
_ANY_DATE = re.compile(r"\d{1,2}[ \t]*月[ \t]*\d{1,2}[ \t]*日")
_LAW = "《全国年节及纪念日放假办法》"


@attrs.frozen
class Item:
    """One numbered item of a notice: its holidays, days off, make-up days and notes."""

    numeral: str  # 二
    festivals: tuple[str, ...]  # ("中秋节", "国庆节")
    line: int
    days_off: tuple[date, ...]
    make_up_days: tuple[date, ...]
    statutory: tuple[date, ...]  # the law's days among days_off
    notes: tuple[str, ...]  # sentences that are no days: 鼓励…休息


@attrs.frozen
class NoticeText:
    """What a notice's text says, checked: the year, the citation and the items."""

    year: int
    number: str  # 国办发明电〔2023〕7号
    issued: date
    title: str  # 国务院办公厅关于2024年部分节假日安排的通知
    items: tuple[Item, ...]

    @property
    def citation(self) -> str:
        """The notice's number and date, the ``source`` of its notice block."""
        return f"{self.number}，{self.issued.year}年{self.issued.month}月{self.issued.day}日"

    def notice(self) -> Notice:
        """The year's data as the calendar loads it (statutory days from the law)."""
        days = [d for item in self.items for d in item.days_off]
        work = [d for item in self.items for d in item.make_up_days]
        statutory = [d for days_ in _notices.festival_days(self.year).values() for d in days_]
        return Notice(self.year, days, work, statutory, self.citation)

    def block(self) -> str:
        """The notice as a .prl ``notice`` block, one group of lines per item, in canonical layout."""
        lines = [f"# {self.title}", f'notice {self.year} source "{self.citation}":']
        for item in self.items:
            lines.append(f"    off: {_ranges(item.days_off)}  # {item.numeral}、{'、'.join(item.festivals)}")
            if item.make_up_days:
                lines.append(f"    work: {', '.join(str(d) for d in item.make_up_days)}")
            if item.statutory:
                lines.append(f"    statutory: {_ranges(item.statutory)}")
        return "\n".join(lines) + "\n"


def day_runs(days: Sequence[date]) -> list[tuple[date, date]]:
    """The runs of consecutive days in ``days``, as (first, last), in order."""
    ordered = sorted(days)
    runs: list[tuple[date, date]] = []
    for day in ordered:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _ranges(days: Sequence[date]) -> str:
    """``2024-02-10 .. 2024-02-17, 2024-03-01``: runs of consecutive days joined."""
    return ", ".join(str(a) if a == b else f"{a} .. {b}" for a, b in day_runs(days))


# --------------------------------------------------------------------------- reading


class _Text:
    """A notice's lines as given (for messages) and folded (full-width forms made ASCII)."""

    def __init__(self, text: str, name: str) -> None:
        self.name = name
        body = text[1:] if text.startswith("\ufeff") else text
        self.raw = [line.rstrip("\r") for line in body.replace("\r\n", "\n").split("\n")]
        self.lines = [line.translate(FOLD) for line in self.raw]

    def error(
        self, message: Text, at: Located, *, code: str = "PRL502", hint: Text | None = None
    ) -> NoticeTextError:
        text = self.raw[at.line - 1] if 1 <= at.line <= len(self.raw) else ""
        return NoticeTextError(message, self.name, at, text, code=code, hint=hint)

    def joined(self, first: int, last: int) -> tuple[str, list[Located]]:
        """Lines ``first..last`` (0-based, exclusive end) stripped and joined, with where each
        character came from: a title broken over two lines reads as one."""
        out: list[str] = []
        where: list[Located] = []
        for index in range(first, last):
            line = self.lines[index]
            stripped = line.strip()
            start = len(line) - len(line.lstrip())
            out.append(stripped)
            where += [Located(index + 1, start + k + 1) for k in range(len(stripped))]
        return "".join(out), where


def parse_notice_text(text: str, name: str = "<notice>") -> NoticeText:
    """Read a notice's plain text (as published on gov.cn, full-width punctuation or not).

    ``name`` is the file name errors are reported under. Raises :class:`NoticeTextError`.
    """
    if len(text) > MAX_NOTICE_CHARS:
        raise NoticeTextError(
            msg("{count} characters is not a holiday notice (one is about 1,000)", count=len(text)),
            name,
            Located(1, 1),
            "",
        )
    source = _Text(text, name)
    starts = [i for i, line in enumerate(source.lines) if _ITEM.match(line)]
    title, year = _title_and_year(source, starts[0] if starts else len(source.lines))
    if not starts:
        raise source.error(
            msg("no numbered items (一、元旦：…): the notice's days are in its items"),
            Located(1, 1),
            hint=msg("put each item on its own line, as the notice is published"),
        )
    head_text, head_at = source.joined(0, starts[0])
    number_match = _NUMBER.search(head_text)
    if number_match is None:
        raise source.error(
            msg("no document number (国办发明电〔YYYY〕N号) before the first item"),
            head_at[0] if head_at else Located(1, 1),
            hint=msg("copy the notice with its number, as published"),
        )
    number = f"国办发明电〔{number_match.group(1)}〕{int(number_match.group(2))}号"
    issued, signed_line = _signature(source, starts[-1] + 1)
    if int(number_match.group(1)) != issued.year:
        raise source.error(
            msg("the number {number} is of {year}, but the notice is dated {issued}", number=number,
                year=number_match.group(1), issued=issued),
            head_at[number_match.start()], code="PRL503",
        )  # fmt: skip
    if not year - 1 <= issued.year <= year:
        raise source.error(
            msg("a notice for {year} dated {issued}: it is published in the year before, or in {year}",
                year=year, issued=issued),
            Located(signed_line, 1), code="PRL503",
        )  # fmt: skip
    _outside_items(source, starts, signed_line)
    try:
        law = _notices.festival_days(year)
        lunar_new_year = _notices.lunar_new_year(year)
    except CalendarError as error:
        raise source.error(error.msg, Located(1, 1), code="PRL503") from None
    items = _items(source, starts, year, lunar_new_year)
    return NoticeText(year, number, issued, title, _with_law(source, items, law))


def _title_and_year(source: _Text, first_item: int) -> tuple[str, int]:
    """The title and the year, from the title (国务院办公厅关于YYYY年部分节假日安排的通知) or the
    preamble (现将YYYY年…); an amendment's title (调整…, 延长…) is refused by name."""
    head, at = source.joined(0, first_item)
    title = _TITLE.search(head)
    title_year: int | None = None
    if title is not None:
        annual = _ANNUAL.fullmatch(title.group(1))
        if annual is None:
            raise source.error(
                msg(
                    "《{title}》 is not a year's holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知)",
                    title=title.group(0),
                ),
                Located(at[title.start(1)].line, at[title.start(1)].column, len(title.group(1))),
                hint=msg(
                    "an amendment changes a notice: edit that year's notice block by hand and cite both"
                ),
            )
        title_year = int(annual.group(1)) if annual.group(1) else None
    preamble = _PREAMBLE_YEAR.search(head)
    year = title_year if title_year is not None else (int(preamble.group(1)) if preamble else None)
    if year is None:
        raise source.error(
            msg(
                "the notice names no year: neither its title 国务院办公厅关于YYYY年部分节假日安排的通知"
                " nor 现将YYYY年… stands before the first item"
            ),
            Located(1, 1),
        )
    if preamble is not None and int(preamble.group(1)) != year:
        raise source.error(
            msg("the title is about {year}, but the text says 现将{said}年", year=year,
                said=preamble.group(1)),
            at[preamble.start(1)], code="PRL503",
        )  # fmt: skip
    return f"国务院办公厅关于{year}年部分节假日安排的通知", year


def _signature(source: _Text, after: int) -> tuple[date, int]:
    """The date the notice is signed (the line 2023年10月25日 under 国务院办公厅), and its line."""
    for index in range(len(source.lines) - 1, after - 1, -1):
        match = _SIGNED.fullmatch(source.lines[index])
        if match is not None:
            try:
                return date(*(int(g) for g in match.groups())), index + 1
            except ValueError:
                raise source.error(
                    msg("{year}年{month}月{day}日 is not a date", year=match.group(1), month=match.group(2),
                        day=match.group(3)),
                    Located(index + 1, len(source.lines[index]) - len(source.lines[index].lstrip()) + 1),
                    code="PRL503",
                ) from None
    last = max(i for i, line in enumerate(source.lines) if line.strip()) + 1
    raise source.error(
        msg("no date of issue (YYYY年M月D日 on its own line, under 国务院办公厅) after the items"),
        Located(last, 1),
        hint=msg("copy the notice to its end, with its date"),
    )


def _outside_items(source: _Text, starts: list[int], signed_line: int) -> None:
    """Refuse text between the items, and dates after them: a wrapped or stray sentence would
    otherwise be dropped without a word."""
    for index in range(starts[0], starts[-1]):
        if index not in starts and source.lines[index].strip():
            raise source.error(
                msg("a line between the numbered items that is not one"),
                Located(index + 1, len(source.lines[index]) - len(source.lines[index].lstrip()) + 1),
                hint=msg("join a wrapped item onto its line"),
            )
    for index in range(starts[-1] + 1, len(source.lines)):
        match = _ANY_DATE.search(source.lines[index])
        if match is not None and index + 1 != signed_line:
            raise source.error(
                msg("a date after the last numbered item: only the items give days"),
                Located(index + 1, match.start() + 1, match.end() - match.start()),
                hint=msg("join a wrapped item onto its line, or remove what is not the notice's"),
            )


def _items(
    source: _Text, starts: list[int], year: int, lunar_new_year: date
) -> list[tuple[Item, list[Located]]]:
    """Each item read, in order, with where each of its festival names stands."""
    out: list[tuple[Item, list[Located]]] = []
    seen_festivals: dict[str, tuple[str, int]] = {}
    for expected, index in enumerate(starts, start=1):
        line = source.lines[index]
        item_match = _ITEM.match(line)
        assert item_match is not None
        numeral = item_match.group(1)
        if numeral_value(numeral) != expected:
            raise source.error(
                msg(
                    "item {numeral}、 where item {expected}、 is due",
                    numeral=numeral,
                    expected=_numeral(expected),
                ),
                Located(index + 1, item_match.start(1) + 1, len(numeral)),
            )
        heading = _HEADING.match(line, item_match.end())
        if heading is None:
            raise source.error(
                msg("an item reads 二、春节：… (the holidays, a colon, then their days)"),
                Located(index + 1, item_match.end() + 1),
            )
        festivals: list[str] = []
        where: list[Located] = []
        offset = heading.start(1)
        for name in heading.group(1).split("、"):
            at = Located(index + 1, offset + len(name) - len(name.lstrip()) + 1, len(name.strip()) or 1)
            offset += len(name) + 1
            name = name.strip()
            if name not in FESTIVALS:
                raise source.error(
                    msg("unknown holiday `{name}`: the items name {names}", name=name,
                        names="、".join(FESTIVALS)),
                    at,
                )
            if name in seen_festivals:
                other, other_line = seen_festivals[name]
                raise source.error(
                    msg("{name} has an item already ({other}、, line {line})", name=name, other=other,
                        line=other_line),
                    at,
                    code="PRL503",
                )
            seen_festivals[name] = (numeral, index + 1)
            festivals.append(name)
            where.append(at)
        statements = _statements(source, index, heading.end(), year, "元旦" in festivals, lunar_new_year)
        out.append((_item(source, numeral, tuple(festivals), index + 1, statements), where))
    return out


def _statements(
    source: _Text, index: int, start: int, year: int, new_year: bool, lunar_new_year: date
) -> list[Statement]:
    """The sentences of an item's body (split at 。), each read by :func:`read_sentence`."""
    line = source.lines[index]
    statements: list[Statement] = []
    position = start
    for sentence in line[start:].split("。"):
        if sentence.strip():
            statement = read_sentence(
                sentence, position, index + 1, year=year, new_year=new_year,
                lunar_new_year=lunar_new_year, error=source.error,
            )  # fmt: skip
            if statement.note is not None:  # as written, full-width forms and all
                written = source.raw[index][position : position + len(sentence)]
                statement = Statement(note=written.strip() + "。")
            statements.append(statement)
        position += len(sentence) + 1
    if not statements:
        raise source.error(msg("the item gives no days"), Located(index + 1, start + 1))
    return statements


def _item(
    source: _Text, numeral: str, festivals: tuple[str, ...], line: int, statements: list[Statement]
) -> Item:
    """One item's days from its statements, checked against each other."""
    off: dict[date, Located] = {}
    work: dict[date, Located] = {}
    notes: list[str] = []
    for statement in statements:
        if statement.note is not None:
            notes.append(statement.note)
        for day, at in statement.days_off:
            if day in off:
                raise source.error(msg("{day} is a day off twice in this item", day=day), at, code="PRL503")
            off[day] = at
        for day, at in statement.make_up_days:
            if day in work:
                twice = msg("{day} is a make-up working day twice in this item", day=day)
                raise source.error(twice, at, code="PRL503")
            work[day] = at
        if statement.no_make_up is not None and any(s.make_up_days for s in statements):
            raise source.error(
                msg("不调休, but the item has make-up working days"), statement.no_make_up, code="PRL503"
            )
    if not off:
        raise source.error(msg("the item gives no day off"), Located(line, 1))
    return Item(numeral, festivals, line, tuple(sorted(off)), tuple(sorted(work)), (), tuple(notes))


def _with_law(
    source: _Text, read: list[tuple[Item, list[Located]]], law: dict[str, tuple[date, ...]]
) -> tuple[Item, ...]:
    """The items with their statutory days, after checking the notice against itself and the law:
    no day off or make-up day in two items, and every statutory day a day off (in the item of its
    festival when an item names it)."""
    owner: dict[date, str] = {}
    working: dict[date, str] = {}
    for item, _ in read:
        for day in item.days_off:
            if day in owner or day in working:
                raise source.error(
                    msg("{day} is already {what} in item {other}、", day=day, what=_what(day, owner),
                        other=owner.get(day) or working[day]),
                    Located(item.line, 1), code="PRL503",
                )  # fmt: skip
            owner[day] = item.numeral
        for day in item.make_up_days:
            if day in owner or day in working:
                raise source.error(
                    msg("make-up working day {day} is already {what} in item {other}、", day=day,
                        what=_what(day, owner), other=owner.get(day) or working[day]),
                    Located(item.line, 1), code="PRL503",
                )  # fmt: skip
            working[day] = item.numeral
    for item, where in read:
        for festival, at in zip(item.festivals, where, strict=True):
            for day in law.get(festival, ()):
                if day not in item.days_off:
                    raise source.error(
                        msg("{day} is {festival} ({law}), but not a day off in this item", day=day,
                            festival=festival, law=_LAW),
                        at, code="PRL503",
                    )  # fmt: skip
    statutory = sorted({d for days in law.values() for d in days})
    for day in statutory:
        if day not in owner:
            festival = next(f for f, days in law.items() if day in days)
            last = read[-1][0]
            raise source.error(
                msg("{day} is {festival} ({law}), but no item makes it a day off", day=day, festival=festival,
                    law=_LAW),
                Located(last.line, 1), code="PRL503",
            )  # fmt: skip
    return tuple(
        attrs.evolve(item, statutory=tuple(d for d in statutory if d in item.days_off)) for item, _ in read
    )


def _what(day: date, owner: dict[date, str]) -> Message:
    """What a day already is in another item: a day off or a make-up working day."""
    return msg("a day off") if day in owner else msg("a make-up working day")


def _numeral(n: int) -> str:
    """一 … 二十: the numeral of item ``n``."""
    digits = "一二三四五六七八九"
    if n < 10:
        return digits[n - 1]
    return ("" if n < 20 else digits[n // 10 - 1]) + "十" + ("" if n % 10 == 0 else digits[n % 10 - 1])
