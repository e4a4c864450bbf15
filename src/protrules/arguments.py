"""The public API's arguments, checked where they come in.

A wrong-typed argument used to travel into the evaluation and fail there with Python's own
error about something the caller never wrote: ``evaluate(ledger, as_of="2024-03-31")`` raised
``TypeError: '>' not supported between 'datetime.date' and 'str'`` from a comparison deep in a
rule, ``evaluate(dict)`` an ``AttributeError``. Each public function now checks its arguments
first and raises :class:`ArgumentError`, which names the function, the argument, what it takes
and what it was given.

:class:`ArgumentError` is a :class:`~protrules.errors.ProtrulesError` — callers catching
protrules' errors catch it — and a :class:`TypeError`, which is what Python code expects of a
wrong-typed argument (``docs/api.md``, "Errors").
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any, NoReturn

from protrules.errors import ProtrulesError
from protrules.i18n import Text, msg

__all__ = [
    "ArgumentError",
    "expect_date",
    "expect_flag",
    "expect_mapping",
    "expect_path",
    "expect_positive",
    "expect_text",
    "expect_texts",
    "expect_type",
    "refuse",
]


class ArgumentError(ProtrulesError, TypeError):
    """A public function was called with an argument of the wrong type."""

    code = "PRL009"


def _shown(value: Any) -> str:
    """What was given, briefly: its type, and its value when that is short."""
    if value is None:
        return "None"
    text = repr(value)
    kind = type(value).__name__
    return f"{kind} {text}" if len(text) <= 40 else kind


def refuse(function: str, argument: str, wanted: Text, value: Any, hint: Text | None = None) -> NoReturn:
    """Raise :class:`ArgumentError` for ``function``'s ``argument``."""
    if hint is None:
        raise ArgumentError(
            msg("{function}: {argument} must be {wanted}, not {given}",
                function=function, argument=argument, wanted=wanted, given=_shown(value))
        )  # fmt: skip
    raise ArgumentError(
        msg("{function}: {argument} must be {wanted}, not {given} ({hint})",
            function=function, argument=argument, wanted=wanted, given=_shown(value), hint=hint)
    )  # fmt: skip


def expect_type(
    value: Any, kind: type | tuple[type, ...], function: str, argument: str, wanted: Text
) -> None:
    """Refuse ``value`` unless it is an instance of ``kind``."""
    if not isinstance(value, kind):
        refuse(function, argument, wanted, value)


def expect_date(value: Any, function: str, argument: str = "as_of", *, optional: bool = True) -> None:
    """A ``datetime.date`` (None where it is optional), never a ``datetime``: comparing a
    datetime with the dates of a ledger raises, and its time of day would mean nothing."""
    if value is None and optional:
        return
    if isinstance(value, dt.datetime):
        refuse(function, argument, msg("a datetime.date"), value, msg("use its .date()"))
    if not isinstance(value, dt.date):
        wanted = msg("a datetime.date or None") if optional else msg("a datetime.date")
        hint = msg("protrules.parse_date(text) reads YYYY-MM-DD") if isinstance(value, str) else None
        refuse(function, argument, wanted, value, hint)


def expect_flag(value: Any, function: str, argument: str) -> None:
    """A bool (or an int, 0 or 1, as Python's own flags take): ``checks="no"`` would read as true."""
    if not isinstance(value, int) or value not in (0, 1):
        refuse(function, argument, msg("True or False"), value)


def expect_positive(value: Any, function: str, argument: str) -> None:
    """A whole number above zero (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        refuse(function, argument, msg("a whole number above zero"), value)


def expect_text(value: Any, function: str, argument: str) -> None:
    if not isinstance(value, str):
        hint = msg("decode it: .decode('utf-8')") if isinstance(value, bytes | bytearray) else None
        refuse(function, argument, msg("a str"), value, hint)


def expect_texts(value: Any, function: str, argument: str, wanted: Text) -> None:
    """A list or tuple of str (not a str, whose letters would be read one by one)."""
    if not isinstance(value, list | tuple):
        refuse(function, argument, wanted, value, msg("a list, e.g. [{example}]", example=repr(value)))
    for item in value:
        if not isinstance(item, str):
            refuse(function, argument, wanted, item)


def expect_path(value: Any, function: str, argument: str = "path") -> None:
    """A file's path: a str or an ``os.PathLike`` of one, without a NUL (which no file name
    holds, and which makes the operating system's calls raise ``ValueError``)."""
    text = value if isinstance(value, str) else os.fspath(value) if isinstance(value, os.PathLike) else None
    if not isinstance(text, str):
        refuse(function, argument, msg("a path (str or pathlib.Path)"), value)
    if "\x00" in text:
        wanted, hint = msg("a path (str or pathlib.Path)"), msg("it holds a NUL character")
        refuse(function, argument, wanted, value, hint)


def expect_mapping(value: Any, function: str, argument: str, wanted: Text) -> None:
    if not isinstance(value, Mapping):
        refuse(function, argument, wanted, value)
