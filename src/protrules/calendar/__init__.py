"""The calendar stage: the PRC working-day calendar a standard counts in.

In: dates, periods and durations; the State Council's yearly holiday notices (from the
``holidays`` package for the years it publishes, or loaded as data). Out: answers — is a day a
working day, a statutory holiday, inside a holiday block or a school vacation; when a Civil Code
deadline ends; the ISO weeks, quarters and years of a period.

The published text of a new year's notice is read by :mod:`protrules.calendar.notice_text`.

It imports nothing of protrules but :mod:`protrules.errors` and :mod:`protrules.output`:
every other stage may use it.
"""

from __future__ import annotations

from protrules.calendar.durations import Duration
from protrules.calendar.workdays import Notice, Period, Vacation, WorkCalendar, parse_date

__all__ = ["Duration", "Notice", "Period", "Vacation", "WorkCalendar", "parse_date"]
