"""What every ``protrules`` subcommand shares: errors, loading, dates, output, colour, progress.

The command is a thin layer over the library: these helpers only turn command-line text into
library calls and library results into bytes on a stream. Colour is added here and only
here (never inside a message or a renderer), and only when stdout is a terminal and
``NO_COLOR`` is not set; the progress line goes to stderr only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

from protrules.errors import ProtrulesError
from protrules.language.diagnostics import RuleFileError

if TYPE_CHECKING:
    from protrules.compiling.ruleset import RuleSet
    from protrules.evaluation.results import EntityResult
    from protrules.facts.model import Ledger

__all__ = [
    "CliError",
    "Parser",
    "colour_enabled",
    "colourize",
    "date_arg",
    "emit",
    "evaluate_facts",
    "load_facts",
    "load_rules",
    "progress",
    "require_file",
    "write_atomic",
]

T = TypeVar("T")

#: Exit codes: the documented contract of every subcommand.
OK, FINDINGS, BAD_INPUT = 0, 1, 2


class CliError(Exception):
    """Bad input or usage: ``message`` is printed as ``protrules: error: …`` (exit 2).

    ``rendered`` replaces that line when the error is already multi-line text a person
    reads (a rule file's rendered diagnostics).
    """

    def __init__(self, message: str, *, rendered: str | None = None, code: int = BAD_INPUT) -> None:
        super().__init__(message)
        self.message = message
        self.rendered = rendered
        self.code = code


class Parser(argparse.ArgumentParser):
    """argparse with examples kept verbatim and usage errors as one ``protrules: error:`` line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"protrules: error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(BAD_INPUT)


# ------------------------------------------------------------------ input


def require_file(path: str, *, folder_ok: bool = False) -> None:
    """A missing path is ``no such file: x.json``; a folder where a file is needed says so."""
    if not os.path.exists(path):
        raise CliError(f"no such file: {path}")
    if not folder_ok and os.path.isdir(path):
        raise CliError(f"{path} is a folder, not a file")


def date_arg(text: str, what: str = "date") -> dt.date:
    """A strict YYYY-MM-DD date from the command line; the error names the text and the option."""
    from protrules.calendar.workdays import parse_date

    try:
        return parse_date(text)
    except ProtrulesError as error:
        raise CliError(f"{what}: {error.message}") from None


def int_arg(text: str, what: str) -> int:
    """A whole number from the command line (ASCII digits, optional sign)."""
    if not re.fullmatch(r"[+-]?[0-9]+", text.strip()):
        raise CliError(f"{what}: expected a whole number, not `{text}`")
    return int(text)


def load_rules(path: str, parameters: Sequence[str] | None = None) -> RuleSet:
    """Parse, check and compile a rule file; its errors become one rendered CliError.

    ``parameters`` are ``--parameter 名称=值`` arguments: the rule set is evaluated with those
    values instead of the file's (checking.parameters reads each value by its type).
    """
    from protrules import load_rules as _load

    require_file(path)
    try:
        ruleset = _load(path)
    except RuleFileError as error:
        raise CliError(error.message, rendered=error.render()) from None
    values: dict[str, str] = {}
    for given in parameters or ():
        name, equals, value = given.partition("=")
        if not equals or not name.strip():
            raise CliError(f"--parameter: expected NAME=VALUE, e.g. 节假日开放读法=每个节假日, not `{given}`")
        values[name.strip()] = value.strip()
    try:
        return ruleset.with_parameters(values)
    except ProtrulesError as error:
        raise CliError(f"--parameter: {error.message}") from None


def load_facts(paths: Sequence[str], ruleset: RuleSet) -> list[Ledger]:
    """The ledgers named by FACTS arguments (files, CSV folders, folders of ledgers), in order."""
    from protrules.facts.ledgers import load_ledgers

    for path in paths:
        require_file(path, folder_ok=True)
    ledgers = list(load_ledgers(list(paths), ruleset.fact_types))
    if not ledgers:
        raise CliError(f"no ledgers found in {', '.join(paths)}")
    return ledgers


def evaluate_facts(
    paths: Sequence[str],
    ruleset: RuleSet,
    as_of: dt.date,
    jobs: int,
    *,
    checks: bool = True,
    keep: Callable[[EntityResult], EntityResult] | None = None,
) -> list[EntityResult]:
    """The results for the ledgers named by FACTS arguments, in order.

    Ledgers are read one at a time as they are evaluated, so only the results are held;
    ``keep`` may shrink each result as it arrives to what the command needs. With ``jobs`` > 1
    the ledgers are read and evaluated in that many worker processes (0: one per core), so the
    work of loading them is shared out too. ``checks=False``: results without checks.
    """
    from protrules.facts.ledgers import ledger_paths, load_ledgers, note_entity

    for path in paths:
        require_file(path, folder_ok=True)
    items = ledger_paths(paths)
    if not items:
        raise CliError(f"no ledgers found in {', '.join(paths)}")
    if jobs == 1:
        stream = ruleset.evaluate_many(load_ledgers(items, ruleset.fact_types), as_of, checks=checks)
        with fewer_collections():
            return [keep(r) if keep else r for r in progress(stream, len(items))]
    from concurrent.futures import ProcessPoolExecutor

    workers = jobs or os.cpu_count() or 1
    chunk = max(1, min(64, len(items) // (workers * 4)))
    with ProcessPoolExecutor(workers, initializer=_collect_less) as pool:
        stream = ruleset.evaluate_many(items, as_of, executor=pool, chunk=chunk, checks=checks)
        results = [keep(r) if keep else r for r in progress(stream, len(items))]
    seen: dict[str, str] = {}
    for item, result in zip(items, results, strict=True):
        note_entity(seen, result.entity, item)
    return results


#: The garbage collector's thresholds while the command evaluates ledgers (CPython's default
#: is (700, 10, 10)). Reading and evaluating a ledger allocates tens of thousands of objects
#: that live until its result is made; at the default the collector re-examined them and every
#: result held so far often enough to take a quarter of a long run. Hardly any of them form
#: reference cycles, so collecting fourteen times less often costs next to no memory.
GC_THRESHOLD = (10_000, 10, 10)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run with :data:`GC_THRESHOLD`, then put the process's thresholds back."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _collect_less() -> None:
    """A worker process's start: it only ever evaluates ledgers for the command."""
    gc.set_threshold(*GC_THRESHOLD)


# ------------------------------------------------------------------ output


def colour_enabled(stream: IO[str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


_RESET = "\033[0m"
_STYLES = {
    "✓ pass": "\033[32m",
    "✗ fail": "\033[31m",
    "… pending": "\033[33m",
    "? unknown": "\033[35m",
    "一票否决 vetoed": "\033[1;31m",
    "不达标 fails": "\033[31m",
    "待定 incomplete": "\033[33m",
    "达标 meets": "\033[32m",
    "★ named": "\033[1;32m",
    "逾期 overdue": "\033[31m",
    "待办 due": "\033[33m",
    "working day": "\033[32m",
    "rest day": "\033[33m",
}
_LINE_STYLES = {"FAIL ": "\033[31m", "ERROR ": "\033[1;31m", "ok ": "\033[32m"}
_TOKENS = re.compile("|".join(re.escape(k) for k in sorted(_STYLES, key=len, reverse=True)))
_HEADINGS = {"error": "\033[1;31m", "warning": "\033[1;33m"}
_DIAGNOSTIC = re.compile(r"^(error|warning)(\[PRL\d+\])", re.MULTILINE)


def colourize(text: str) -> str:
    """ANSI colours for verdicts, statuses and diagnostic headings (terminal output only)."""
    text = _TOKENS.sub(lambda m: f"{_STYLES[m.group(0)]}{m.group(0)}{_RESET}", text)
    text = _DIAGNOSTIC.sub(lambda m: f"{_HEADINGS[m.group(1)]}{m.group(0)}{_RESET}", text)
    lines = []
    for line in text.split("\n"):
        for prefix, style in _LINE_STYLES.items():
            if line.startswith(prefix):
                line = f"{style}{prefix}{_RESET}{line[len(prefix) :]}"
                break
        lines.append(line)
    return "\n".join(lines)


def write_atomic(path: str, text: str) -> None:
    """Write UTF-8 text to a temp file beside ``path`` and rename it over ``path``."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise CliError(f"no such folder: {os.path.dirname(path) or directory}")
    mode = None
    with contextlib.suppress(OSError):
        mode = os.stat(path).st_mode & 0o7777
    fd, temp = tempfile.mkstemp(prefix=".protrules-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def emit(text: str, output: str | None = None, *, colour: bool = True) -> None:
    """Text to ``--output FILE`` (plain, atomically) or to stdout (coloured on a terminal)."""
    if output is not None and output != "-":
        write_atomic(output, text)
        return
    if colour and colour_enabled(sys.stdout):
        text = colourize(text)
    sys.stdout.write(text)


def progress(items: Iterable[T], total: int, what: str = "entities") -> Iterator[T]:
    """Yield ``items``, showing ``\\r12/100 entities`` on stderr when it is a terminal."""
    stream = sys.stderr
    isatty = getattr(stream, "isatty", None)
    if total < 2 or not (isatty and isatty()):
        yield from items
        return
    last = 0.0
    done = 0
    try:
        for item in items:
            done += 1
            now = time.monotonic()
            if now - last >= 0.1 or done == total:
                stream.write(f"\r{done}/{total} {what}")
                stream.flush()
                last = now
            yield item
    finally:
        stream.write("\r\033[K")
        stream.flush()
