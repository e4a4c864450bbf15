"""The ``protrules`` command: check, explain, rank, due, report, diff, test, fmt, lint, calendar, schema.

A thin layer: every subcommand parses its arguments, calls the library (``RuleSet``,
:mod:`protrules.report.render`, :mod:`protrules.programme.ranking`, :mod:`protrules.programme.due`,
:mod:`protrules.testing.prltest`, :mod:`protrules.calendar.workdays`) and writes the result. ``docs/cli.md``
shows each with real output.

Exit codes: 0 success (for ``check``: every entity meets the standard), 1 findings (an
entity that does not meet the standard, a failing test, a file ``fmt --check`` would change,
a lint finding), 2 bad input or usage (a missing file, a bad date, a rule file with errors,
an unknown option). Bad input is reported as ``protrules: error: …`` on stderr, never as a
traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from protrules._version import __version__
from protrules.cli.common import (
    BAD_INPUT,
    FINDINGS,
    MAX_WORK,
    OK,
    CliError,
    Parser,
    add_rules_and_facts,
    as_of_arg,
    emit,
    entity_failures,
    evaluate_facts,
    findings_code,
    load_facts,
    load_rules,
    rules_and_district,
    say,
    terminal_width,
    top_arg,
)
from protrules.cli.programme import cmd_due, cmd_rank
from protrules.errors import ProtrulesError
from protrules.i18n import env_language, joined, msg
from protrules.i18n.system import os_reason
from protrules.output import display_width

if TYPE_CHECKING:

    from protrules.checking.ir import Program
    from protrules.evaluation.results import EntityResult, RuleResult
    from protrules.i18n import Message

__all__ = ["build_parser", "main"]

DESCRIPTION = msg("""\
Evaluate compliance standards written in .prl against entities' ledgers.

examples:
  protrules check rules/example.prl examples/demo/
  protrules explain rules/example.prl examples/demo/xingxing.json 1.1.1
  protrules rank rules/example.prl examples/demo/ --top 1
  protrules due rules/example.prl examples/demo/ --as-of 2023-09-30 --within "3 months"
  protrules test rules/example.prl --coverage
  protrules calendar deadline 2023-01-31 "3 months"

exit codes: 0 ok (check: every entity meets the standard), 1 findings (an entity that
does not meet it, a failing test, a lint finding, a file fmt --check would change),
2 bad input or usage.
""")


# ------------------------------------------------------------------ check


def _only(text: str | None) -> list[str] | None:
    from protrules.evaluation.results import VERDICTS
    from protrules.language.diagnostics import suggest

    if text is None:
        return None
    wanted = [v.strip() for v in text.split(",") if v.strip()]
    for verdict in wanted:
        if verdict not in VERDICTS:
            guess = suggest(verdict, VERDICTS)
            if guess:
                raise CliError(
                    msg(
                        "--only: unknown verdict `{verdict}`; did you mean {guess}?",
                        verdict=verdict,
                        guess=guess,
                    )
                )
            raise CliError(
                msg(
                    "--only: unknown verdict `{verdict}` (verdicts: {verdicts})",
                    verdict=verdict,
                    verdicts=joined(VERDICTS),
                )
            )
    if not wanted:
        raise CliError(msg("--only: name at least one verdict ({verdicts})", verdicts=joined(VERDICTS)))
    return wanted


def _settled(result: EntityResult) -> EntityResult:
    return result.settle()


def _layout(args: argparse.Namespace, program: Program, results: Sequence[EntityResult]) -> str:
    """The text layout: one entity's summary, the rules × entities table, or one line each."""
    from protrules.report import render

    layout = args.layout
    if layout == "auto":
        if len(results) == 1:
            return render.summary_text(program, results[0], only=args.only_verdicts, lang=args.lang)
        table = render.table_text(program, results, lang=args.lang)
        fits = max(display_width(line) for line in table.splitlines()) <= terminal_width()
        layout = "table" if fits else "summary"
    if layout == "summary":
        return render.summary_table(program, results, lang=args.lang)
    if args.only_verdicts is not None:
        shown = tuple(
            rule
            for rule in program.rules
            if any(r.verdicts.get(rule.id) in args.only_verdicts for r in results)
        )
        program = attrs.evolve(program, rules=shown)
    return (
        render.table_text(program, results, lang=args.lang)
        + "\n"
        + render.status_lines(results, lang=args.lang)
    )


def cmd_check(args: argparse.Namespace) -> int:
    from protrules.report import render

    args.only_verdicts = _only(args.only)
    if args.only_verdicts is not None and args.format != "text":
        raise CliError(msg("--only works with --format text (JSON and Markdown always hold every rule)"))
    if args.no_checks and args.format != "json":
        raise CliError(msg("--no-checks works with --format json (text and Markdown never list checks)"))
    if args.layout != "auto" and args.format != "text":
        raise CliError(msg("--layout works with --format text"))
    ruleset = rules_and_district(args)
    as_of = as_of_arg(args, ruleset)
    if args.format == "markdown":  # the 督导报告, as `protrules report --format markdown` writes it
        from protrules.cli.report import DEFAULT_WITHIN, build_report
        from protrules.report.markdown import markdown_report

        report = build_report(
            ruleset, args.facts, as_of, DEFAULT_WITHIN, args.jobs, traces=False, lang=args.lang
        )
        emit(markdown_report(report), args.output, colour=False)
        return findings_code(report.streets)
    # Text shows verdicts, reasons and evidence, never single checks.
    keep = args.format == "json" and not args.no_checks
    # Results are kept until all are rendered: each is settled as it arrives, so none holds facts.
    results = evaluate_facts(args.facts, ruleset, as_of, args.jobs, checks=keep, keep=_settled)
    if args.format == "json":
        text = render.report_json(ruleset.program, results, as_of)
    else:
        text = _layout(args, ruleset.program, results)
    emit(text, args.output, colour=args.format == "text")
    return findings_code(results)


# ------------------------------------------------------------------ explain


def _blocking(results: Sequence[RuleResult]) -> int:
    """explain's exit code: 1 when a rule it explains keeps the entity from meeting the standard
    (it fails, lacks data or is pending; advisory rules never do) — what ``check`` says of them."""
    from protrules.evaluation.results import FAIL, PENDING, UNKNOWN

    blocking = (FAIL, UNKNOWN, PENDING)
    return FINDINGS if any(r.verdict in blocking and r.kind != "advisory" for r in results) else OK


def cmd_explain(args: argparse.Namespace) -> int:
    from protrules.report import render

    only = _only(args.only)
    if only is not None and args.format != "text":
        raise CliError(msg("--only works with --format text (JSON always holds every check)"))
    ruleset = rules_and_district(args)
    try:
        wanted = [ruleset.rule(rule_id).id for rule_id in args.rule_ids]
    except ProtrulesError as error:
        raise CliError(error.msg) from None
    as_of = as_of_arg(args, ruleset)
    ledgers = load_facts([args.facts], ruleset)
    if len(ledgers) != 1:
        names = joined([ledger.id for ledger in ledgers[:5]] + (["…"] if len(ledgers) > 5 else []))
        raise CliError(
            msg(
                "explain takes one ledger, but {path} holds {count} ({names}); name one",
                path=args.facts,
                count=len(ledgers),
                names=names,
            )
        )
    ledger = ledgers[0]
    results = ruleset.explain(ledger, wanted or None, as_of)
    # The facts as the evaluation saw them, and what the as-of date left out.
    known, left = ruleset.as_known_on(ledger, as_of)
    if args.format == "json":
        text = render.explain_json(ruleset.program, known, results, as_of, left_out=left)
    else:
        shown = results if only is None else [r for r in results if r.verdict in only]
        text = render.explain_text(
            ruleset.program, known, shown, as_of, checks=only, left_out=left, lang=args.lang
        )
        if not shown:
            text = say(_nothing_to_explain(wanted, only or [])) + "\n"
    emit(text, args.output, colour=args.format == "text")
    return _blocking(results)


def _nothing_to_explain(wanted: Sequence[str], only: Sequence[str]) -> Message:
    from protrules.evaluation.labels import VERDICT_WORD

    verdicts = say(msg(" or ")).join(say(VERDICT_WORD[v]) for v in only)
    if wanted:
        return msg(
            "nothing to explain: none of {rules} is {verdicts}", rules=joined(wanted), verdicts=verdicts
        )
    return msg("nothing to explain: none is {verdicts}", verdicts=verdicts)


# ------------------------------------------------------------------ schema


def cmd_schema(args: argparse.Namespace) -> int:
    from protrules.facts.schema import json_schema
    from protrules.language.diagnostics import suggest
    from protrules.output import dumps

    ruleset = load_rules(args.rules)
    fact_types = ruleset.fact_types
    schema = json_schema(fact_types, title=f"{ruleset.title} — ledger", rule_set_id=ruleset.id)
    if args.fact_type is not None:
        name = args.fact_type
        if name not in fact_types:
            guess = suggest(name, fact_types)
            if guess:
                raise CliError(msg("unknown fact type {name}; did you mean {guess}?", name=name, guess=guess))
            raise CliError(
                msg("unknown fact type {name} (fact types: {names})", name=name, names=joined(fact_types))
            )
        # One record of that type, self-contained (references are ids, so nothing else is needed).
        schema = {"$schema": schema["$schema"], "title": f"{ruleset.title} — {name}", **schema["$defs"][name]}
    emit(dumps(schema), args.output, colour=False)
    return OK


# ------------------------------------------------------------------ the parser


def _add_format_and_output(parser: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    parser.add_argument("-f", "--format", choices=formats, default=formats[0])
    parser.add_argument("-o", "--output", metavar="FILE", help=say(msg("write to FILE instead of stdout")))


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, every subcommand with ``--help`` and an example."""
    from protrules.cli import calendar as cli_calendar
    from protrules.cli import diff as cli_diff
    from protrules.cli import report as cli_report
    from protrules.cli import tools as cli_tools

    parser = Parser(prog="protrules", description=say(DESCRIPTION))
    parser.add_argument("--version", action="version", version=f"protrules {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True

    check = commands.add_parser(
        "check",
        help=say(msg("assess entities against a standard")),
        description=say(msg("Assess every entity's ledger against the standard: verdicts, status, score.")),
        epilog=say(
            msg("""\
examples:
  protrules check rules/example.prl examples/demo/yangguang.json
  protrules check rules/example.prl examples/demo/ --only fail,unknown
  protrules check rules/changning_2023.prl examples/changning/ --layout summary
  protrules check rules/example.prl examples/demo/ -f json -o result.json
  protrules check rules/changning_2023.prl examples/changning/ -f json --no-checks
  protrules check rules/example.prl examples/demo/ -f markdown -o 督导报告.md

One entity prints its summary; several print a table (one column per entity) and a status
line each, or, when that table is wider than the terminal (80 columns when not a terminal),
one line per entity with a mark per area. Exit code 0 when every entity meets the standard
(达标), 1 otherwise, 2 for bad input.""")
        ),
    )
    add_rules_and_facts(check)
    _add_format_and_output(check, ("text", "json", "markdown"))
    check.add_argument(
        "--layout",
        choices=("auto", "table", "summary"),
        default="auto",
        help=say(
            msg(
                "text output for several entities: the rules × entities table, one line per entity, or"
                " (auto, the default) the table when it fits the terminal"
            )
        ),
    )
    check.add_argument(
        "--only",
        metavar="VERDICTS",
        help=say(msg("text output: show only rules with these verdicts, e.g. fail,unknown")),
    )
    check.add_argument(
        "--no-checks",
        action="store_true",
        help=say(
            msg(
                "JSON output: leave out each rule's checks (verdicts, reasons, due dates and evidence"
                " stay); much smaller and faster for many ledgers"
            )
        ),
    )
    check.set_defaults(func=cmd_check)

    explain = commands.add_parser(
        "explain",
        help=say(msg("why a rule has its verdict")),
        description=say(
            msg("Explain rules' verdicts for one entity: the clause, every check, the values, the facts.")
        ),
        epilog=say(
            msg("""\
examples:
  protrules explain rules/example.prl examples/demo/xingxing.json 1.1.1
  protrules explain rules/changning_2023.prl examples/changning/hongqiao.json --only fail
  protrules explain rules/example.prl examples/demo/xingxing.json 2.1.1 N.1 -f json

With no RULE_ID every rule is explained. Failure first: rules and their checks are shown
fail, unknown, pending, then pass. Exit code 1 when a rule explained fails, lacks data or is
pending (what check counts against the entity), 0 otherwise, 2 for bad input.""")
        ),
    )
    add_rules_and_facts(explain, many=False)
    explain.add_argument(
        "rule_ids", metavar="RULE_ID", nargs="*", help=say(msg("rule ids, e.g. 2.1.3 (default: all)"))
    )
    _add_format_and_output(explain, ("text", "json"))
    explain.add_argument(
        "--only",
        metavar="VERDICTS",
        help=say(
            msg("text output: only rules and checks with these verdicts, e.g. fail or fail,unknown,pending")
        ),
    )
    explain.set_defaults(func=cmd_explain)

    rank_ = commands.add_parser(
        "rank",
        help=say(msg("rank entities and name at most the cap")),
        description=(
            say(
                msg(
                    "Rank entities by score (ties: fewer failed clauses, then id), exclude vetoed ones, and\n"
                    "name the first N that meet the standard (N = the standard's cap, or --top)."
                )
            )
        ),
        epilog=say(
            msg("""\
examples:
  protrules rank rules/example.prl examples/demo/
  protrules rank rules/changning_2023.prl examples/changning/ --top 3 -f json

Exit code 0 when every entity meets the standard (达标), 1 otherwise (as check), 2 for bad
input.""")
        ),
    )
    add_rules_and_facts(rank_)
    rank_.add_argument(
        "--top", metavar="N", type=top_arg, help=say(msg("name at most N (default: the standard's cap)"))
    )
    _add_format_and_output(rank_, ("text", "json"))
    rank_.set_defaults(func=cmd_rank)

    due = commands.add_parser(
        "due",
        help=say(msg("obligations falling due or overdue")),
        description=(
            say(
                msg(
                    "List what falls due (pending checks with a deadline) and what is overdue (failed"
                    " checks\n"
                    "whose deadline has passed), soonest first."
                )
            )
        ),
        epilog=say(
            msg("""\
examples:
  protrules due rules/example.prl examples/demo/ --as-of 2023-09-30
  protrules due rules/example.prl examples/demo/ --as-of 2023-09-30 --within "30 days"
  protrules due rules/changning_2023.prl examples/changning/ --within 30个工作日

DURATION is an amount and a unit: days, weeks, working days, months, quarters, years
(or 天, 周, 个工作日, 个月, 个季度, 年). --within keeps what falls due on or before
as-of + DURATION, and every overdue obligation. Exit code 1 when an obligation is overdue,
0 otherwise, 2 for bad input.""")
        ),
    )
    add_rules_and_facts(due)
    due.add_argument(
        "--within", metavar="DURATION", help=say(msg('e.g. "30 days", "2 weeks", "30 working days"'))
    )
    _add_format_and_output(due, ("text", "json"))
    due.set_defaults(func=cmd_due)

    cli_report.add_parser(commands)
    cli_diff.add_parser(commands)
    cli_tools.add_parsers(commands)
    cli_calendar.add_parser(commands)

    schema = commands.add_parser(
        "schema",
        help=say(msg("JSON Schema of the ledgers a standard reads")),
        description=say(
            msg("Print the JSON Schema of the ledger format the standard's fact declarations define.")
        ),
        epilog=say(
            msg("""\
examples:
  protrules schema rules/example.prl > ledger.schema.json
  protrules schema rules/example.prl --fact-type meeting""")
        ),
    )
    schema.add_argument("rules", metavar="RULES", help=say(msg("the standard, a .prl file")))
    schema.add_argument("--fact-type", metavar="NAME", help=say(msg("only this fact type")))
    schema.add_argument("-o", "--output", metavar="FILE", help=say(msg("write to FILE instead of stdout")))
    schema.set_defaults(func=cmd_schema)
    for name, sub in commands.choices.items():
        if name != "calendar":  # its questions name themselves (cli_calendar)
            sub.set_defaults(parser=sub)
    return parser


def _report(error: CliError) -> None:
    from protrules.cli.common import colour_enabled, colourize

    if error.rendered is not None:
        text = error.rendered.rstrip("\n") + "\n"
        sys.stderr.write(colourize(text) if colour_enabled(sys.stderr) else text)
    else:
        sys.stderr.write(say(msg("protrules: error: {message}", message=error.message)) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 findings, 2 bad input).

    It speaks the language of ``--lang``, else of the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``)."""
    from protrules.cli.common import command_language, speaking

    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        lang = command_language(arguments)
    except CliError as error:
        with speaking(env_language()):
            _report(error)
        return error.code
    with speaking(lang):
        return _run(arguments, lang)


def _run(argv: Sequence[str], lang: str) -> int:
    from protrules.cli.common import forget_stdin

    forget_stdin()
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:
            # Name the subcommand whose --help lists what it accepts.
            getattr(args, "parser", parser).error(
                say(msg("unrecognized arguments: {args}", args=" ".join(extra)))
            )
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else BAD_INPUT
    args.lang = lang
    MAX_WORK.set(getattr(args, "max_work", None))
    try:
        code: int = args.func(args)
        if entity_failures():  # an entity without a result: reported on stderr as it ended
            return max(code, BAD_INPUT)
        return code
    except CliError as error:
        _report(error)
        return error.code
    except ProtrulesError as error:
        rendered = getattr(error, "render", None)
        _report(CliError(error.msg, rendered=rendered(lang) if callable(rendered) else None))
        return BAD_INPUT
    except OSError as error:
        if isinstance(error, BrokenPipeError):
            _quiet_stdout()
            return FINDINGS
        reason = os_reason(error)  # the system's words
        _report(
            CliError(
                msg("{reason}: {path}", reason=reason, path=error.filename) if error.filename else reason
            )
        )
        return BAD_INPUT
    except KeyboardInterrupt:
        sys.stderr.write(say(msg("protrules: interrupted")) + "\n")
        return 130


def _quiet_stdout() -> None:
    """After a closed pipe (``protrules check … | head``), keep Python from complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
