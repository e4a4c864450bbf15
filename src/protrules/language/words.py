"""How a rule file spells durations and comparisons: every spelling of a duration's unit in
either dialect (``30 working days``, ``30个工作日``) and the mathematical comparison signs.

Shared by the parser's tree builder, the formatter and the obligations programme; kept apart
from the parser so that none of them needs Lark to read a duration.
"""

from __future__ import annotations

import re

from protrules.calendar.durations import Duration
from protrules.errors import ProtrulesError
from protrules.i18n import msg
from protrules.language.keywords import UNITS as UNIT_SPELLINGS

__all__ = ["COMPARE_OPS", "UNITS", "parse_duration"]

#: Every spelling of a duration's unit, in either dialect → the unit (:mod:`protrules.language.keywords`).
UNITS: dict[str, str] = {spelling: unit.name for unit in UNIT_SPELLINGS for spelling in (*unit.en, *unit.zh)}

_DURATION = re.compile(r"^\s*([0-9]+)\s*(\S.*?)\s*$")


def parse_duration(text: str) -> Duration:
    """A duration written as in a rule file: ``30 days``, ``2 weeks``, ``3 months``,
    ``30 working days``, ``1 year``, or in Chinese ``30个工作日``, ``2周``, ``3个月``.

    Raises :class:`ProtrulesError` naming the text when it is not one.
    """
    match = _DURATION.match(text)
    unit = None
    if match:
        spelled = " ".join(match.group(2).split())
        unit = UNITS.get(spelled) or UNITS.get(spelled.lower())
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in text):
        raise ProtrulesError(msg("invalid duration `{text}`: use ASCII digits 0-9", text=text), code="PRL801")
    if match is None or unit is None:
        raise ProtrulesError(
            msg(
                "invalid duration `{text}`: expected an amount and a unit,"
                " e.g. 30 days, 2 weeks, 3 months, 30 working days, 30个工作日",
                text=text,
            ),
            code="PRL801",
        )
    return Duration(int(match.group(1)), unit)


COMPARE_OPS = {"≥": ">=", "≤": "<=", "≠": "!="}
