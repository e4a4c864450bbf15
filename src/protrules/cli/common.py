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
import functools
import gc
import os
import re
import secrets
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

from protrules.errors import ProtrulesError
from protrules.i18n import (
    LANGS,
    Message,
    Text,
    check_language,
    env_language,
    gettext_for,
    joined,
    msg,
    render,
)
from protrules.language.diagnostics import RuleFileError
from protrules.limits import WORK_PER_ENTITY
from protrules.output import wrap

if TYPE_CHECKING:
    from protrules.compiling.ruleset import RuleSet
    from protrules.evaluation.results import EntityResult
    from protrules.facts.model import Ledger

__all__ = [
    "LANGUAGE",
    "MAX_WORK",
    "STDIN",
    "CliError",
    "Parser",
    "add_rules_and_facts",
    "as_of_arg",
    "colour_enabled",
    "colourize",
    "command_language",
    "date_arg",
    "emit",
    "entity_failures",
    "evaluate_facts",
    "jobs_arg",
    "load_facts",
    "load_rules",
    "map_ledgers",
    "progress",
    "read_stdin",
    "require_file",
    "rules_and_district",
    "say",
    "speaking",
    "terminal_width",
    "top_arg",
    "with_district_of",
    "write_atomic",
]

T = TypeVar("T")

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


# ------------------------------------------------------------------ input


def require_file(path: str, *, folder_ok: bool = False) -> None:
    """A missing path is ``no such file: x.json``; a folder where a file is needed says so."""
    if not os.path.exists(path):
        raise CliError(msg("no such file: {path}", path=path))
    if not folder_ok and os.path.isdir(path):
        raise CliError(msg("{path} is a folder, not a file", path=path))


def date_arg(text: str, what: Text | None = None) -> dt.date:
    """A strict YYYY-MM-DD date from the command line; the error names the text and the option."""
    from protrules.calendar.workdays import parse_date

    try:
        return parse_date(text)
    except ProtrulesError as error:
        raise CliError(msg("{what}: {message}", what=what or msg("date"), message=error.msg)) from None


def int_arg(text: str, what: str) -> int:
    """A whole number from the command line (ASCII digits, optional sign)."""
    if not re.fullmatch(r"[+-]?[0-9]+", text.strip()):
        raise CliError(msg("{what}: expected a whole number, not `{text}`", what=what, text=text))
    return int(text)


#: What ``-`` names on the command line: standard input, which can be read once.
STDIN = "-"
_stdin_read_for: list[str] = []


def forget_stdin() -> None:
    """A new run of the command: standard input is unread again (``main`` calls this)."""
    _stdin_read_for.clear()


def read_stdin(what: str) -> str:
    """Standard input as UTF-8 text, for the argument ``what`` names; it can be read once."""
    if _stdin_read_for:
        raise CliError(
            msg(
                "{what}: standard input is already read for {other}; name a file",
                what=what,
                other=_stdin_read_for[0],
            )
        )
    _stdin_read_for.append(what)
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise CliError(msg("{what}: standard input is not UTF-8 text (it may be GBK)", what=what)) from None


def load_rules(path: str, parameters: Sequence[str] | None = None) -> RuleSet:
    """Parse, check and compile a rule file (``-``: from standard input); its errors become
    one rendered CliError.

    ``parameters`` are ``--parameter 名称=值`` arguments: the rule set is evaluated with those
    values instead of the file's (checking.parameters reads each value by its type).
    """
    from protrules import load_rules as _load

    try:
        if path == STDIN:
            from protrules import check, compile, parse
            from protrules.language.diagnostics import Source

            text = read_stdin("RULES")
            ruleset = compile(check(parse(text, "<stdin>"), Source("<stdin>", text)))
        else:
            require_file(path)
            ruleset = _load(path)
    except RuleFileError as error:
        raise CliError(error.msg, rendered=error.render(LANGUAGE.get())) from None
    budget = MAX_WORK.get()
    if budget is not None and budget != ruleset.max_work:
        from protrules import compile

        ruleset = compile(ruleset.program, max_work=budget)
    values: dict[str, str] = {}
    for given in parameters or ():
        name, equals, value = given.partition("=")
        if not equals or not name.strip():
            raise CliError(msg("--set: expected NAME=VALUE, e.g. 会议次数=3, not `{given}`", given=given))
        values[name.strip()] = value.strip()
    try:
        return ruleset.with_parameters(values)
    except ProtrulesError as error:
        raise CliError(msg("--set: {message}", message=error.msg)) from None


def rules_and_district(args: argparse.Namespace) -> RuleSet:
    """The rule set of RULES (with ``--set`` values), reading every ledger with the district
    ledger: ``--district PATH``, else the ``_district.json`` (or ``_district/``) beside the
    FACTS ledgers, if there is one (protrules.facts.district)."""
    ruleset = load_rules(args.rules, args.parameter)
    facts = args.facts if isinstance(args.facts, list) else [args.facts]
    return with_district_of(ruleset, facts, getattr(args, "district", None))


def with_district_of(ruleset: RuleSet, facts: list[str], given: str | None) -> RuleSet:
    """``ruleset`` reading every ledger with the district ledger ``given``, else the one beside
    ``facts``, read with the rule set's own fact declarations; ``ruleset`` itself when there
    is none."""
    from protrules.facts.district import DistrictError, district_beside
    from protrules.facts.ledgers import load_ledger

    if given is None:
        try:
            given = district_beside(facts)
        except DistrictError as error:
            raise CliError(error.msg) from None
    if given is None:
        return ruleset
    require_file(given, folder_ok=True)
    return ruleset.with_district(load_ledger(given, ruleset.fact_types))


def _stdin_ledger(ruleset: RuleSet) -> Ledger:
    from protrules.facts.ledgers import ledger_from_json

    return ledger_from_json(read_stdin("FACTS"), ruleset.fact_types, origin="<stdin>")


def _items(paths: Sequence[str], ruleset: RuleSet) -> list[str | Ledger]:
    """What FACTS arguments name: ledger paths, folders expanded; ``-`` is a JSON ledger read now."""
    from protrules.facts.ledgers import ledger_paths

    items: list[str | Ledger] = []
    for path in paths:
        if path == STDIN:
            items.append(_stdin_ledger(ruleset))
            continue
        require_file(path, folder_ok=True)
        items.extend(ledger_paths([path]))
    if not items:
        raise CliError(msg("no ledgers found in {paths}", paths=joined(paths)))
    return items


def _load(items: Sequence[str | Ledger], ruleset: RuleSet) -> Iterator[Ledger]:
    """The ledgers one at a time, in order; two with one entity id are an error."""
    from protrules.facts.ledgers import load_ledger, note_entity

    seen: dict[str, str] = {}
    for item in items:
        ledger = load_ledger(item, ruleset.fact_types) if isinstance(item, str) else item
        note_entity(seen, ledger.id, item if isinstance(item, str) else "<stdin>")
        yield ledger


def load_facts(paths: Sequence[str], ruleset: RuleSet) -> list[Ledger]:
    """The ledgers named by FACTS arguments (files, CSV folders, folders of ledgers, ``-``), in order."""
    return list(_load(_items(paths, ruleset), ruleset))


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
    return map_ledgers(paths, ruleset, functools.partial(_evaluated, as_of=as_of, checks=checks), jobs, keep)


def _evaluated(ruleset: RuleSet, ledger: Ledger, *, as_of: dt.date, checks: bool) -> EntityResult:
    return ruleset.evaluate(ledger, as_of, checks=checks)


def map_ledgers(
    paths: Sequence[str],
    ruleset: RuleSet,
    work: Callable[[RuleSet, Ledger], T],
    jobs: int,
    keep: Callable[[T], T] | None = None,
) -> list[T]:
    """``work(ruleset, ledger)`` for each ledger FACTS arguments name, in order, with progress.

    Ledgers are read one at a time as their turn comes, so only what ``work`` returns is held
    (``keep`` may shrink each as it arrives). With ``jobs`` other than 1 the ledgers are read
    and worked on in that many processes (0: one per core): ``work`` must then be picklable
    (a module-level function, or a ``functools.partial`` of one).


    An entity whose work raises protrules' error (an evaluation past its budget,
    ``docs/limits.md``) has no result: its error is written to standard error after the
    others are done, and the command exits 2 however its other results came out
    (:func:`entity_failures`).
    """
    from protrules.facts.ledgers import note_entity

    items = _items(paths, ruleset)
    results: list[T] = []
    failed: list[ProtrulesError] = []
    if jobs == 1:
        with fewer_collections():
            done = (_worked(ruleset, work, ledger) for ledger in _load(items, ruleset))
            for value in progress(done, len(items)):
                _take(value, keep, results, failed)
    else:
        from concurrent.futures import ProcessPoolExecutor

        workers = jobs or os.cpu_count() or 1
        chunk = max(1, min(64, len(items) // (workers * 4)))
        with ProcessPoolExecutor(workers, initializer=_collect_less) as pool:
            outcomes = pool.map(functools.partial(_in_worker, ruleset, work), items, chunksize=chunk)
            seen: dict[str, str] = {}
            for item, (entity, value) in zip(items, progress(outcomes, len(items)), strict=True):
                note_entity(seen, entity, item if isinstance(item, str) else "<stdin>")
                _take(value, keep, results, failed)
    for error in failed:
        sys.stderr.write(say(msg("protrules: error: {message}", message=error.msg)) + "\n")
    _FAILED.extend(failed)
    return results


#: The entities of this command's run that have no result, for its exit code.
_FAILED: list[ProtrulesError] = []


def entity_failures() -> list[ProtrulesError]:
    """The errors of the entities that have no result in this run (and forget them)."""
    found = list(_FAILED)
    _FAILED.clear()
    return found


class _Failed:
    """An entity's work that raised: its error, in place of its result."""

    __slots__ = ("error",)

    def __init__(self, error: ProtrulesError) -> None:
        self.error = error

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Failed, (self.error,))


def _worked(ruleset: RuleSet, work: Callable[[RuleSet, Ledger], T], ledger: Ledger) -> T | _Failed:
    try:
        return work(ruleset, ledger)
    except ProtrulesError as error:
        return _Failed(error)


def _take(value: Any, keep: Callable[[T], T] | None, results: list[T], failed: list[ProtrulesError]) -> None:
    if isinstance(value, _Failed):
        failed.append(value.error)
    else:
        results.append(keep(value) if keep else value)


def _in_worker(
    ruleset: RuleSet, work: Callable[[RuleSet, Ledger], T], item: str | Ledger
) -> tuple[str, T | _Failed]:
    """In a worker process: read the ledger (unless it came read) and do the work on it."""
    from protrules.facts.ledgers import load_ledger

    ledger = load_ledger(item, ruleset.fact_types) if isinstance(item, str) else item
    return ledger.id, _worked(ruleset, work, ledger)


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


# ------------------------------------------------------------------ arguments


def as_of_arg(args: argparse.Namespace, ruleset: RuleSet) -> dt.date:
    """``--as-of``, or the end of the standard's assessment period."""
    if args.as_of is None:
        return ruleset.default_as_of()
    return date_arg(args.as_of, "--as-of")


def add_rules_and_facts(parser: argparse.ArgumentParser, *, many: bool = True) -> None:
    """RULES, FACTS (one, or several with ``--jobs``) and ``--as-of``."""
    parser.add_argument(
        "rules", metavar="RULES", help=say(msg("the standard, a .prl file (-: standard input)"))
    )
    if many:
        parser.add_argument(
            "facts",
            metavar="FACTS",
            nargs="+",
            help=say(
                msg(
                    "ledgers: .json files, CSV folders, or folders holding them (-: one JSON ledger from"
                    " standard input)"
                )
            ),
        )
        parser.add_argument(
            "--jobs",
            metavar="N",
            type=jobs_arg,
            default=1,
            help=say(msg("read and evaluate the ledgers in N worker processes (0: one per core; default 1)")),
        )
    else:
        parser.add_argument(
            "facts",
            metavar="FACTS",
            help=say(msg("one ledger: a .json file or a CSV folder (-: standard input)")),
        )
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help=say(msg("the assessment date, YYYY-MM-DD (default: end of the assessment period)")),
    )
    parser.add_argument(
        "--max-work",
        metavar="STEPS",
        type=_positive,
        help=say(
            msg(
                "stop an entity's evaluation after STEPS steps of work (facts visited); the entity is"
                " reported, the others go on (default {steps}; docs/limits.md)",
                steps=f"{WORK_PER_ENTITY:,}",
            )
        ),
    )
    parser.add_argument(
        "--district",
        metavar="PATH",
        help=say(
            msg(
                "the district ledger: facts that hold for every street, read with each ledger"
                " (default: the _district.json or _district/ beside the FACTS ledgers, if any)"
            )
        ),
    )
    parser.add_argument(
        "--set",
        "--parameter",
        dest="parameter",
        metavar="NAME=VALUE",
        action="append",
        help=say(
            msg(
                "what-if: give a parameter of the rule file another value for this run, written as in"
                ' the file: another threshold (--set 会议次数=3, --set 复查间隔="6 months") or another'
                " reading of a clause (--set 节假日开放读法=每个节假日); repeatable; the report says so"
            )
        ),
    )


def _positive(text: str) -> int:
    """An argparse type: a whole number above zero."""
    value = _non_negative()(text)
    if value == 0:
        raise argparse.ArgumentTypeError(say(msg("must be 1 or more, not 0")))
    return value


def _non_negative(what: Message | None = None, zero: Message | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number, 0 or more (`zero` says what 0 means)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            wanted = what or msg("a whole number")
            raise argparse.ArgumentTypeError(
                say(msg("expected {what}, not `{text}`", what=wanted, text=text))
            ) from None
        if value < 0:
            least = zero or "0"
            raise argparse.ArgumentTypeError(
                say(msg("must be {zero} or more, not {value}", zero=least, value=value))
            )
        return value

    return parse


jobs_arg = _non_negative(msg("a whole number of processes"), msg("0 (one per core)"))
top_arg = _non_negative()


# ------------------------------------------------------------------ output


def colour_enabled(stream: IO[str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def terminal_width(stream: IO[str] | None = None) -> int:
    """The columns of the terminal ``stream`` (stdout) writes to; 80 when it is not a terminal,
    so that output to a pipe or a file does not depend on the window it was started from."""
    stream = stream or sys.stdout
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return 80
    return shutil.get_terminal_size((80, 24)).columns


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
_HEADINGS = {"error": "\033[1;31m", "warning": "\033[1;33m", "错误": "\033[1;31m", "警告": "\033[1;33m"}
_DIAGNOSTIC = re.compile(r"^(error|warning|错误|警告)(\[PRL\d+\])", re.MULTILINE)


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
    """Write UTF-8 text to a temp file beside ``path`` and rename it over ``path``.

    A reader never sees half a file. A new file gets the mode any program's new file gets
    (0666 less the umask: 0644 under the usual 022), so a report can be shared; a file that
    is replaced keeps its mode.
    """
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise CliError(msg("no such folder: {path}", path=os.path.dirname(path) or directory))
    mode = None
    with contextlib.suppress(OSError):
        mode = os.stat(path).st_mode & 0o7777
    fd, temp = _create_beside(directory)
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


def _create_beside(directory: str) -> tuple[int, str]:
    """A new, empty temp file in ``directory``, created as ``open(…, "w")`` would create it.

    Not ``tempfile.mkstemp``: it creates its files 0600 whatever the umask, and the rename
    then left every report readable by its owner only.
    """
    for _ in range(100):
        temp = os.path.join(directory, f".protrules-{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {directory}")  # pragma: no cover


def emit(text: str, output: str | None = None, *, colour: bool = True) -> None:
    """Text to ``--output FILE`` (plain, atomically) or to stdout (coloured on a terminal)."""
    if output is not None and output != "-":
        write_atomic(output, text)
        return
    if colour and colour_enabled(sys.stdout):
        text = colourize(text)
    sys.stdout.write(text)


def progress(items: Iterable[T], total: int, what: str = "ledgers") -> Iterator[T]:
    """Yield ``items``, with a progress bar, rate and time left on stderr when it is a terminal.

    Nothing is written when stderr is not a terminal (a pipe, a file, a CI log) or for fewer
    than two items; the bar is erased when the run ends.
    """
    stream = sys.stderr
    isatty = getattr(stream, "isatty", None)
    if total < 2 or not (isatty and isatty()):
        yield from items
        return
    from tqdm import tqdm

    with tqdm(
        items, total=total, unit=f" {what}", file=stream, leave=False, dynamic_ncols=True, mininterval=0.2
    ) as bar:
        yield from bar
