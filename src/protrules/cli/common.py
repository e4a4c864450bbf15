"""What every ``protrules`` subcommand shares: errors, loading, dates, output, colour, progress.

The command is a thin layer over the library: these helpers only turn command-line text into
library calls and library results into bytes on a stream. Here: reading the rule file, the
ledgers (files, folders, standard input) and the shared arguments, and evaluating many
ledgers in parallel. The command's language, usage errors and parser are in
:mod:`protrules.cli.speaking`, colour, output files and progress in :mod:`protrules.cli.writing`;
this module re-exports their names, so every helper is importable from here.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gc
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from protrules.cli.speaking import (
    BAD_INPUT,
    FINDINGS,
    LANGUAGE,
    MAX_WORK,
    OK,
    CliError,
    Parser,
    command_language,
    say,
    speaking,
)
from protrules.cli.writing import colour_enabled, colourize, emit, progress, terminal_width, write_atomic
from protrules.errors import ProtrulesError
from protrules.i18n import Message, Text, joined, msg
from protrules.language.diagnostics import RuleFileError
from protrules.limits import WORK_PER_ENTITY

if TYPE_CHECKING:
    from protrules.compiling.ruleset import RuleSet
    from protrules.evaluation.results import EntityResult
    from protrules.facts.model import Ledger
    from protrules.report.district import StreetPage

__all__ = [
    "BAD_INPUT",
    "FINDINGS",
    "LANGUAGE",
    "MAX_WORK",
    "OK",
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
    "findings_code",
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


def findings_code(results: Sequence[EntityResult | StreetPage]) -> int:
    """check's, rank's and report's exit code: 1 when an entity does not meet the standard."""
    from protrules.evaluation.results import MEETS

    return OK if all(r.status == MEETS for r in results) else FINDINGS


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
