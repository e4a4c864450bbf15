"""How a ``protrules`` command speaks: its language, its usage errors, its argument parser.

One command runs in one language (``--lang``, else the locale): :func:`speaking` sets it for
the command's length, :func:`say` renders a message in it, and :class:`Parser` gives every
subcommand ``--lang`` and one-line usage errors in it (argparse's own messages too).
:class:`CliError` is bad input or usage, printed as ``protrules: error: …`` with exit code 2.
Split from :mod:`protrules.cli.common`, which re-exports every name.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from typing import Any, NoReturn

from protrules.i18n import LANGS, Text, check_language, env_language, gettext_for, msg, render
from protrules.output import wrap

__all__ = [
    "BAD_INPUT",
    "FINDINGS",
    "LANGUAGE",
    "MAX_WORK",
    "OK",
    "CliError",
    "Parser",
    "command_language",
    "say",
    "speaking",
]

#: Exit codes: the documented contract of every subcommand.
OK, FINDINGS, BAD_INPUT = 0, 1, 2


#: The language the running command speaks (``"en"`` or ``"zh"``): :func:`speaking` sets it
#: for the length of one command; messages, usage errors and help are rendered in it.
LANGUAGE: ContextVar[str] = ContextVar("protrules_language", default="en")
#: The evaluation budget per entity the running command was given (``--max-work``), if any.
MAX_WORK: ContextVar[int | None] = ContextVar("protrules_max_work", default=None)


def say(message: Text) -> str:
    """A message in the running command's language (:data:`LANGUAGE`)."""
    return render(message, LANGUAGE.get())


class CliError(Exception):
    """Bad input or usage: ``message`` is printed as ``protrules: error: …`` (exit 2).

    ``rendered`` replaces that line when the error is already multi-line text a person
    reads (a rule file's rendered diagnostics). The message is a :class:`~protrules.i18n.Message`
    (or text the same in every language); ``message`` gives it in the command's language.
    """

    def __init__(self, message: Text, *, rendered: str | None = None, code: int = BAD_INPUT) -> None:
        super().__init__(render(message))
        self.msg = message
        self.rendered = rendered
        self.code = code

    @property
    def message(self) -> str:
        """The message in the command's language."""
        return say(self.msg)


def command_language(argv: Sequence[str]) -> str:
    """The language a command line asks for: its ``--lang`` (anywhere before ``--``), else the
    locale (:func:`protrules.i18n.env_language`); a ``--lang`` naming another language is a
    usage error."""
    wanted = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            wanted = argv[i + 1]
        elif arg.startswith("--lang="):
            wanted = arg.partition("=")[2]
    if wanted is None:
        return env_language()
    if wanted not in LANGS:
        raise CliError(
            msg("--lang: unknown language `{lang}` (choose from {choices})", lang=wanted, choices=LANGS)
        )
    return wanted


@contextlib.contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Run one command in ``lang``: its messages, and argparse's own (usage, help headings,
    usage errors), which argparse looks up through its module's ``_`` and ``ngettext``."""
    translations = gettext_for(check_language(lang))
    token = LANGUAGE.set(lang)
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = translations.gettext, translations.ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
        LANGUAGE.reset(token)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and examples kept verbatim; help wrapped by terminal columns, between
    Chinese characters too (argparse breaks lines only at spaces, and Chinese has none)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        if text.isascii():
            return super()._split_lines(text, width)
        return wrap(text, width)


class Parser(argparse.ArgumentParser):
    """argparse with examples kept verbatim, usage errors as one ``protrules: error:`` line, and
    ``--lang zh|en`` on every command (read before parsing, by :func:`command_language`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        if not self.add_help:  # a parent of other parsers: they have their own --lang
            return
        self.add_argument(
            "--lang",
            choices=LANGS,
            default=argparse.SUPPRESS,
            help=say(msg("language of messages and reports (default: the locale)")),
        )

    def error(self, message: str) -> NoReturn:
        line = msg("protrules: error: {message} (see `{prog} --help`)", message=message, prog=self.prog)
        sys.stderr.write(say(line) + "\n")
        raise SystemExit(BAD_INPUT)
