"""The sentences of a holiday notice's items, and the located error every misreading raises.

An item's body is sentences ending in 。, each one of:

- days off: ``2月10日至17日放假调休，共8天`` / ``1月1日（周三）放假1天，不调休`` /
  ``6月10日放假，与周末连休`` / ``5月1日放假，5月2日（星期一）补休`` /
  ``2018年12月30日至2019年1月1日放假调休，共3天``;
- make-up working days: ``2月4日（星期日）、2月18日（星期日）上班`` (``20日（星期六）、21日…``
  continue the month before them);
- a note that gives no day: ``鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息``.

A date without a year is in the notice's year, but a December date in the 元旦 item is in the
December before it, and a range's end without a year follows its start (12月30日至1月1日).
Parentheses after a date hold its weekday (星期日, 周日), checked, and in recent notices a
lunar date (农历除夕, 农历正月初七, 农历腊月二十八), checked against the lunar new year.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

import attrs

from protrules.errors import CalendarError
from protrules.i18n import Message, Text, msg, msgn, render
from protrules.output import display_width

__all__ = ["FESTIVALS", "FOLD", "Located", "NoticeTextError", "Statement", "numeral_value", "read_sentence"]

FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")

#: Full-width ASCII forms (：，（）０-９) and wide spaces made ASCII, one character for one, so
#: a column in the folded text is the column in the text as given.
FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xA0: 0x20}

_DATE = re.compile(r"(?:(\d{4})[ \t]*年[ \t]*)?(\d{1,2})[ \t]*月[ \t]*(\d{1,2})[ \t]*日")
_DAY = re.compile(r"(\d{1,2})[ \t]*日")
_WEEKDAY = re.compile(r"(?:星期|周|礼拜)([一二三四五六日天])")
_LUNAR = re.compile(
    r"农历(?:(除夕)|([正二三四五六七八九十冬腊]|十一|十二)月([初十廿二三][一二三四五六七八九十]{0,2}))"
)
_RANGE_WORDS = ("至", "—", "–", "-", "~")
_WEEKDAYS = "一二三四五六日"


class Located(NamedTuple):
    """Where in the notice's text: 1-based line and column, and how many characters."""

    line: int
    column: int
    width: int = 1


class NoticeTextError(CalendarError):
    """A notice's text cannot be read (``PRL502``) or contradicts itself (``PRL503``), at a place.

    ``str(error)`` is one line, ``notice.txt:7:33: …``; :meth:`render` shows the line with a
    caret under the culprit, as the rule-file diagnostics do.
    """

    code = "PRL502"

    def __init__(
        self, message: Text, name: str, at: Located, text: str, *,
        code: str = "PRL502", hint: Text | None = None,
    ) -> None:  # fmt: skip
        super().__init__(
            msg("{where}: {message}", where=f"{name}:{at.line}:{at.column}", message=message), code=code
        )
        self.said = message
        self.name = name
        self.at = at
        self.text = text
        self.hint = hint

    @property
    def detail(self) -> str:
        """What is wrong, in English, without the place."""
        return render(self.said, "en")

    def render(self, lang: str = "en") -> str:
        """The error as a person reads it, in ``lang``: message, place, the line and a caret."""
        error = msg("error").render(lang)
        detail = render(self.said, lang)
        lines = [f"{error}[{self.code}]: {detail}", f"  --> {self.name}:{self.at.line}:{self.at.column}"]
        if self.text.strip():
            number = str(self.at.line)
            pad = " " * len(number)
            prefix = self.text[: self.at.column - 1].expandtabs(1)
            culprit = self.text[self.at.column - 1 : self.at.column - 1 + self.at.width] or " "
            caret = " " * display_width(prefix) + "^" * max(1, display_width(culprit))
            lines += [f"{pad} |", f"{number} | {self.text.rstrip()}", f"{pad} | {caret}"]
            if self.hint:
                lines[-1] += f" {render(self.hint, lang)}"
        elif self.hint:
            lines.append(msg("  = hint: {hint}", hint=self.hint).render(lang))
        return "\n".join(lines)


ErrorFactory = Callable[..., NoticeTextError]
Dated = tuple[date, Located]


@attrs.frozen
class Statement:
    """What one sentence says: days off, make-up working days, a note, or 不调休."""

    days_off: tuple[Dated, ...] = ()
    make_up_days: tuple[Dated, ...] = ()
    note: str | None = None
    no_make_up: Located | None = None  # where the sentence says 不调休


def numeral_value(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20; None for what is not a numeral up to 99."""
    digits = {ch: i for i, ch in enumerate("一二三四五六七八九", start=1)}
    if text in digits:
        return digits[text]
    tens, sep, ones = text.partition("十")
    if not sep or (tens and tens not in digits) or (ones and ones not in digits):
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def _lunar_day(text: str) -> int | None:
    """初一 → 1, 十五 → 15, 二十 → 20, 廿八/二十八 → 28, 三十 → 30."""
    if text.startswith("初"):
        value = numeral_value(text[1:])
        return value if value is not None and value <= 10 else None
    value = numeral_value(text.replace("廿", "二十", 1))
    return value if value is not None and 11 <= value <= 30 else None


def read_sentence(
    sentence: str,
    offset: int,
    line: int,
    *,
    year: int,
    new_year: bool,
    lunar_new_year: date,
    error: ErrorFactory,
) -> Statement:
    """Read one sentence of an item (folded text, without its 。) that starts at ``offset``."""
    return _Sentence(sentence, offset, line, year, new_year, lunar_new_year, error).read()


class _Sentence:
    """A cursor over one sentence: each method reads one construct or raises where it stops."""

    def __init__(
        self, text: str, offset: int, line: int, year: int, new_year: bool, lunar_new_year: date,
        error: ErrorFactory,
    ) -> None:  # fmt: skip
        self.text, self.offset, self.line = text, offset, line
        self.year, self.new_year, self.lunar_new_year = year, new_year, lunar_new_year
        self.error = error
        self.pos = 0

    # -- the cursor

    def at(self, start: int | None = None, end: int | None = None) -> Located:
        start = self.pos if start is None else start
        width = max(1, (end if end is not None else start + 1) - start)
        return Located(self.line, self.offset + start + 1, width)

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def take(self, *words: str) -> str | None:
        self.skip()
        for word in words:
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return word
        return None

    def match(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        self.skip()
        found = pattern.match(self.text, self.pos)
        if found is not None:
            self.pos = found.end()
        return found

    def stuck(self, expected: Message) -> NoticeTextError:
        self.skip()
        rest = self.text[self.pos :].strip()
        seen: Text = msg("the end of the sentence")
        if rest:
            seen = f"`{rest[:16]}{'…' if len(rest) > 16 else ''}`"
        return self.error(
            msg("expected {expected} here, not {seen}", expected=expected, seen=seen),
            self.at(self.pos, len(self.text)),
        )

    # -- sentences

    def read(self) -> Statement:
        self.skip()
        if self.text.startswith("鼓励", self.pos):
            return Statement(note=self.text.strip() + "。")
        days = self.days(allow_range=True)
        if self.take("放假"):
            return self.days_off(days)
        if self.take("上班"):
            self.end()
            return Statement(make_up_days=self.make_up(days))
        raise self.stuck(msg("放假 or 上班"))

    def days_off(self, days: list[Dated]) -> Statement:
        """After ``…放假``: 调休, N天, then clauses 共N天 / 与周末连休 / 不调休 / …补休 / …上班."""
        self.take("调休")
        off, work = list(days), list[Dated]()
        no_make_up: Located | None = None
        stated = self.match(re.compile(r"(\d+)[ \t]*天"))
        if stated is not None:
            self.count(stated, days)
        while self.take(","):
            start = self.pos
            if (total := self.match(re.compile(r"共[ \t]*(\d+)[ \t]*天"))) is not None:
                self.count(total, days)
            elif self.take("与周末连休"):
                first, last = days[0][0], days[-1][0]
                before, after = first - dt.timedelta(days=1), last + dt.timedelta(days=1)
                if before.weekday() != 6 and after.weekday() != 5:
                    raise self.error(
                        msg("与周末连休, but {days} is not next to a weekend", days=_span(first, last)),
                        self.at(start, self.pos), code="PRL503",
                    )  # fmt: skip
            elif self.take("不调休"):
                no_make_up = self.at(start, self.pos)
            else:
                more = self.days(allow_range=False)
                if self.take("补休"):
                    for day, at in more:
                        if day.weekday() >= 5:
                            raise self.error(
                                msg("补休 on {day}, a {weekday}: a day off in lieu is a weekday", day=day,
                                    weekday=_weekday(day)),
                                at, code="PRL503",
                            )  # fmt: skip
                    off += more
                elif self.take("上班"):
                    work += self.make_up(more)
                else:
                    raise self.stuck(msg("补休 or 上班"))
        self.end()
        return Statement(days_off=tuple(off), make_up_days=tuple(work), no_make_up=no_make_up)

    def end(self) -> None:
        self.skip()
        if self.pos < len(self.text):
            raise self.stuck(msg("，or 。"))

    def count(self, found: re.Match[str], days: list[Dated]) -> None:
        if int(found.group(1)) != len(days):
            said = msgn("{stated}, but {days} is {n} day", "{stated}, but {days} is {n} days", len(days),
                        stated=found.group(0), days=_span(days[0][0], days[-1][0]))  # fmt: skip
            raise self.error(
                said,
                self.at(found.start(), found.end()), code="PRL503",
            )  # fmt: skip

    def make_up(self, days: list[Dated]) -> tuple[Dated, ...]:
        for day, at in days:
            if day.weekday() < 5:
                raise self.error(
                    msg(
                        "make-up working day {day} is a {weekday}: make-up working days are Saturdays"
                        " or Sundays",
                        day=day,
                        weekday=_weekday(day),
                    ),
                    at, code="PRL503",
                )  # fmt: skip
        return tuple(days)

    # -- dates

    def days(self, *, allow_range: bool) -> list[Dated]:
        """``D``, ``D至D`` (every day of the range) or ``D、D、…`` (each day)."""
        first = self.one_date(None)
        if allow_range and self.take(*_RANGE_WORDS):
            last = self.one_date(first[0])
            if last[0] < first[0]:
                raise self.error(
                    msg("the range ends ({last}) before it starts ({first})", last=last[0], first=first[0]),
                    last[1],
                    code="PRL503",
                )
            span = (last[0] - first[0]).days
            return [
                (first[0] + dt.timedelta(days=i), first[1] if i < span else last[1]) for i in range(span + 1)
            ]
        out = [first]
        while self.take("、"):
            out.append(self.one_date(out[-1][0]))
        return out

    def one_date(self, after: date | None) -> Dated:
        """A date, with its year resolved and its parentheses checked; ``after`` is the date it
        continues (a range's start, the previous day of a list), so ``17日`` is in its month."""
        found = self.match(_DATE)
        if found is not None:
            year_text, month, day = found.group(1), int(found.group(2)), int(found.group(3))
        elif after is not None and (found := self.match(_DAY)) is not None:
            year_text, month, day = str(after.year), after.month, int(found.group(1))
        else:
            raise self.stuck(msg("a date such as 2月10日"))
        at = self.at(found.start(), found.end())
        if year_text is not None:
            year = int(year_text)
        elif after is not None:
            year = after.year if month >= after.month else after.year + 1
        else:
            year = self.year - 1 if month == 12 and self.new_year else self.year
        try:
            resolved = date(year, month, day)
        except ValueError:
            raise self.error(
                msg("{month}月{day}日 is not a date in {year}", month=month, day=day, year=year),
                at,
                code="PRL503",
            ) from None
        if year != self.year and (year, month) != (self.year - 1, 12):
            raise self.error(
                msg("{day} is outside {year} and the December before it", day=resolved, year=self.year),
                at,
                code="PRL503",
            )
        self.annotation(resolved)
        return resolved, Located(at.line, at.column, self.pos - found.start())

    def annotation(self, day: date) -> None:
        """``（星期日）``, ``（周二）``, ``（农历除夕、周二）``: each part checked against ``day``."""
        self.skip()
        if not self.text.startswith("(", self.pos):
            return
        close = self.text.find(")", self.pos)
        if close < 0:
            raise self.error(msg("a parenthesis that is not closed"), self.at(self.pos))
        position = self.pos + 1
        for part in re.split(r"[、,]", self.text[self.pos + 1 : close]):
            stripped = part.strip()
            start = position + len(part) - len(part.lstrip())
            at = self.at(start, start + len(stripped))
            position += len(part) + 1
            if (weekday := _WEEKDAY.fullmatch(stripped)) is not None:
                said = "日" if weekday.group(1) == "天" else weekday.group(1)
                if said != _WEEKDAYS[day.weekday()]:
                    said = msg("{stated}, but {day} is a {weekday}", stated=stripped, day=day,
                               weekday=_weekday(day))  # fmt: skip
                    raise self.error(said, at, code="PRL503")
            elif (lunar := _LUNAR.fullmatch(stripped)) is not None:
                self.lunar(day, lunar, at)
            else:
                raise self.error(
                    msg("`{part}` in the parentheses of {day}: expected its weekday (星期日, 周日)"
                        " or its lunar date (农历正月初七)", part=stripped, day=day), at,
                )  # fmt: skip
        self.pos = close + 1

    def lunar(self, day: date, found: re.Match[str], at: Located) -> None:
        """A lunar date checked against the lunar new year: 除夕 and 正月 days exactly, 腊月 days
        to within the month's unknown length (29 or 30 days); other months are not checked."""
        eve = self.lunar_new_year - dt.timedelta(days=1)
        if found.group(1):
            candidates = {eve}
        else:
            month, number = found.group(2), _lunar_day(found.group(3))
            if number is None:
                raise self.error(msg("`{said}` is not a lunar date", said=found.group(0)), at)
            if month == "正":
                candidates = {self.lunar_new_year + dt.timedelta(days=number - 1)}
            elif month == "腊":
                lengths = (length for length in (29, 30) if number <= length)
                candidates = {eve - dt.timedelta(days=length - number) for length in lengths}
            else:
                raise self.error(
                    msg("{said} cannot be checked: protrules checks 农历除夕, 正月 and 腊月 dates",
                        said=found.group(0)),
                    at, hint=msg("if the date is right, remove the lunar date from the parentheses"),
                )  # fmt: skip
        if day not in candidates:
            shown = _either(sorted(candidates))
            raise self.error(msg("{said} is {days}, not {day}", said=found.group(0), days=shown, day=day), at,
                             code="PRL503")  # fmt: skip


def _weekday(day: date) -> str:
    return "星期" + _WEEKDAYS[day.weekday()]


def _span(first: date, last: date) -> str:
    return str(first) if first == last else f"{first}..{last}"


def _either(days: list[date]) -> Text:
    """One day, or two joined by "or" (a 腊月 day of a month of 29 or 30 days)."""
    if len(days) == 1:
        return str(days[0])
    return msg("{first} or {second}", first=days[0], second=days[1])
