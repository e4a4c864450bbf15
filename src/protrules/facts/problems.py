"""Errors in ledgers: located messages, their codes, and the collector that gathers them.

Every loader reports all problems of one ledger at once (up to :data:`MAX_ERRORS`), so a clerk
can fix a spreadsheet in one pass; :func:`collect` runs a reader with a fresh :class:`Errors`
and raises :class:`FactErrors` when it recorded anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

from protrules.errors import ProtrulesError
from protrules.i18n import Text, msg, msgn, render

__all__ = [
    "DUPLICATE", "FIELD", "MAX_ERRORS", "READ", "REFERENCE", "SHAPE", "TOO_MANY", "VALUE",
    "Errors", "FactError", "FactErrors", "Full", "Where", "collect", "place",
]  # fmt: skip

MAX_ERRORS: Final = 100  # past this, more messages help nobody

# Error codes (PRL4xx: facts), documented in docs/facts.md.
READ: Final = "PRL401"  # the file cannot be read: missing, too large, not UTF-8, not JSON/CSV
SHAPE: Final = "PRL402"  # the document's structure: keys, lists, fact types, files, columns
FIELD: Final = "PRL403"  # a record's fields: unknown, missing, required but null or empty
VALUE: Final = "PRL404"  # a value does not match its declared type
DUPLICATE: Final = "PRL405"  # duplicate ids, keys, columns or entities
REFERENCE: Final = "PRL406"  # a reference to a record that is not there
TOO_MANY: Final = "PRL407"  # more facts than one ledger may hold (docs/limits.md)

T = TypeVar("T")
Where = Callable[[str | None], str]  # field name (None: the record itself) → location


#: A row of a spreadsheet or a Parquet file, and its column: ``staff.csv:row 3, column name``.
_ROW = re.compile(r"(?P<path>.*):row (?P<row>\d+)(?:, column (?P<column>.*))?", re.S)
_ROWS = re.compile(r"(?P<path>.*):rows (?P<first>\d+)–(?P<last>\d+)", re.S)


def place(location: str) -> Text:
    """A location as the reader's language writes it: a CSV or Parquet file's row and column
    (``staff.csv:row 3, column name`` / ``staff.csv:第 3 行，列 name``); a JSON pointer or a
    ``file:line:column`` is the same in every language, and stays as it is."""
    found = _ROW.fullmatch(location)
    if found is None:
        rows = _ROWS.fullmatch(location)
        if rows is not None:
            path, first, last = rows.group("path", "first", "last")
            return msg("{path}:rows {first}–{last}", path=path, first=first, last=last)
        return location
    path, row, column = found.group("path", "row", "column")
    if column is None:
        return msg("{path}:row {row}", path=path, row=row)
    return msg("{path}:row {row}, column {column}", path=path, row=row, column=column)


class FactError(ProtrulesError):
    """One problem in a ledger: ``location`` says where, ``message`` what was found and expected.

    ``location`` is English (``staff.csv:row 3, column name``); :meth:`location_in` gives it in
    another language, the file, JSON pointer, line and column the same."""

    code = VALUE

    def __init__(self, location: str, message: Text, *, code: str = VALUE) -> None:
        located = msg("{where}: {message}", where=place(location), message=message) if location else message
        super().__init__(located, code=code)
        self.location = location
        self._text = message

    @property
    def message(self) -> str:
        return render(self._text, "en")

    def message_in(self, lang: str) -> str:
        """What was found and expected, in ``lang`` (without the location)."""
        return render(self._text, lang)

    def location_in(self, lang: str) -> str:
        """Where the problem is, in ``lang``: :func:`place`."""
        return render(place(self.location), lang)

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, so errors cross process pools intact
        return (type(self), (self.location, self._text), self.__dict__)


class FactErrors(ProtrulesError):
    """Every problem found in one ledger (at most 100); the loaders raise only this."""

    def __init__(self, errors: Sequence[FactError], *, truncated: bool = False) -> None:
        self.errors: tuple[FactError, ...] = tuple(errors)
        self.truncated = truncated
        summary: Text = self.errors[0].msg if self.errors else msg("invalid ledger")
        if len(self.errors) > 1:
            summary = msg("{summary} (and {more} more)", summary=summary, more=len(self.errors) - 1)
        super().__init__(summary, code=self.errors[0].code if self.errors else SHAPE)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.errors,), self.__dict__)

    def render(self, lang: str = "en") -> str:
        """Each error in ``lang`` as ``error[CODE]: message`` with its location below, then a count."""
        error = msg("error").render(lang)
        parts = [f"{error}[{e.code}]: {e.message_in(lang)}\n  --> {e.location_in(lang)}" for e in self.errors]
        count = len(self.errors)
        end = msgn("{n} error found", "{n} errors found", count)
        if self.truncated:
            end = msg("{count}, stopped after {most}", count=end, most=MAX_ERRORS)
        parts.append(end.render(lang))
        return "\n".join(parts)


# --------------------------------------------------------------------------- error collection


class Full(Exception):
    """Raised by the collector at MAX_ERRORS to stop work that can only add more errors."""


class Errors:
    def __init__(self) -> None:
        self.items: list[FactError] = []

    def add(self, where: str, message: Text, code: str) -> None:
        self.items.append(FactError(where, message, code=code))
        if len(self.items) >= MAX_ERRORS:
            raise Full


def collect(build: Callable[[Errors], T | None]) -> T:
    """Run ``build`` with a fresh collector; raise FactErrors if it recorded anything."""
    errs = Errors()
    try:
        result = build(errs)
    except Full:
        raise FactErrors(errs.items, truncated=True) from None
    if errs.items or result is None:
        raise FactErrors(errs.items)
    return result
