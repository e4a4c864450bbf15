"""``protrules report``: the 督导报告 of a district, as one HTML file or as Markdown.

Each ledger is read, evaluated with its checks, its obligations listed, the rules on its
问题清单 explained, and its page built, before the next is read: only the pages are held, so a
report on hundreds of streets needs no more memory than its pages. ``check --format markdown``
writes the same Markdown report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
from typing import TYPE_CHECKING, Any

import attrs

from protrules.cli.common import (
    FINDINGS,
    OK,
    CliError,
    add_rules_and_facts,
    as_of_arg,
    emit,
    load_rules,
    map_ledgers,
    rules_and_district,
    say,
    top_arg,
    with_district_of,
)
from protrules.i18n import msg

if TYPE_CHECKING:
    from protrules.compiling.ruleset import RuleSet
    from protrules.evaluation.results import EntityResult
    from protrules.facts.model import Ledger
    from protrules.programme.due import Obligation
    from protrules.report.district import District, StreetPage

__all__ = ["DEFAULT_WITHIN", "add_parser", "build_report", "cmd_report"]

#: The horizon of "what falls due" when ``--within`` is not given.
DEFAULT_WITHIN = "30 days"


@attrs.frozen
class Street:
    """What the report keeps of one street: its page, what ranking reads, its obligations."""

    page: StreetPage
    ranked: EntityResult
    obligations: tuple[Obligation, ...]


def street(
    ruleset: RuleSet, ledger: Ledger, *, as_of: dt.date, until: dt.date, traces: bool = True, lang: str = "zh"
) -> Street:
    """Evaluate one ledger and build its page in ``lang`` (in a worker process with ``--jobs``)."""
    from protrules.programme.due import obligations
    from protrules.programme.ranking import for_ranking
    from protrules.report.district import problem_rules, street_page

    result = ruleset.evaluate(ledger, as_of)
    items = obligations(ruleset, [result], (until - as_of).days)
    wanted = problem_rules(result, until)
    traced = ruleset.explain(ledger, wanted, as_of) if traces and wanted else []
    page = street_page(
        ruleset.program, result, ledger=ledger, traced=traced, obligations=items, until=until, lang=lang
    )
    return Street(page, for_ranking(result), tuple(items))


def build_report(
    ruleset: RuleSet,
    facts: list[str],
    as_of: dt.date,
    within: str,
    jobs: int,
    *,
    traces: bool = True,
    top: int | None = None,
    lang: str = "zh",
) -> District:
    """The district's report from the ledgers FACTS arguments name, in ``lang``."""
    from protrules.errors import ProtrulesError
    from protrules.programme.due import horizon, parse_duration
    from protrules.programme.selection import programme_ranking, select
    from protrules.report.district import build_district
    from protrules.report.labels import fictional_lines

    try:
        until = horizon(ruleset.calendar, as_of, parse_duration(within))
    except ProtrulesError as error:
        raise CliError(msg("--within: {message}", message=error.msg)) from None
    work = functools.partial(street, as_of=as_of, until=until, traces=traces, lang=lang)
    streets = map_ledgers(facts, ruleset, work, jobs)
    cap = top if top is not None else ruleset.program.cap
    program, ranked = ruleset.program, [s.ranked for s in streets]
    selection = None
    if program.programme is not None:  # the programme's records as of the date, for its section
        selection = select(program, ranked, ruleset.district, as_of, cap)
    return build_district(
        program,
        [s.page for s in streets],
        programme_ranking(program, ranked, ruleset.district, as_of, cap),
        [o for s in streets for o in s.obligations],
        as_of,
        until=until,
        horizon=within,
        selection=selection,
        fictional=fictional_lines(ranked, lang),
        lang=lang,
    )


def cmd_report(args: argparse.Namespace) -> int:
    from protrules.evaluation.results import MEETS

    ruleset = rules_and_district(args)
    as_of = as_of_arg(args, ruleset)
    report = build_report(
        ruleset,
        args.facts,
        as_of,
        args.within,
        args.jobs,
        traces=args.format == "html",
        top=args.top,
        lang=args.lang,
    )
    if args.compare is not None:  # the section on what changed since an earlier version
        from protrules.errors import ProtrulesError
        from protrules.programme.diff import compare

        older = with_district_of(load_rules(args.compare), args.facts, getattr(args, "district", None))
        try:
            report = attrs.evolve(report, revision=compare(older, ruleset, args.facts, as_of=as_of))
        except ProtrulesError as error:
            raise CliError(error.msg) from None
    if args.format == "html":
        from protrules.report.html import html_report

        text = html_report(report)
    else:
        from protrules.report.markdown import markdown_report

        text = markdown_report(report)
    emit(text, args.output, colour=False)
    return OK if all(page.status == MEETS for page in report.streets) else FINDINGS


def add_parser(commands: Any) -> None:
    """Register ``report`` on the ``protrules`` subcommand parser."""
    report = commands.add_parser(
        "report",
        help=say(msg("the 督导报告: an HTML or Markdown report of every entity")),
        description=say(
            msg(
                "Write the supervision report (督导报告): an overview of every entity (streets × areas,\n"
                "ranking, vetoes, the programme's steps, what falls due), then a page per entity with\n"
                "its 问题清单 first — what fails, lacks data or falls due, with clause, reason, facts\n"
                "and, in HTML, the explanation folded beneath."
            )
        ),
        epilog=say(
            msg("""\
examples:
  protrules report rules/changning_2023.prl examples/changning/ -o 督导报告.html
  protrules report rules/example.prl examples/demo/ -f markdown -o 督导报告.md
  protrules report rules/changning_2023.prl examples/changning/ --as-of 2023-11-01 --within 3个月

HTML is one self-contained file (inline CSS and SVG, no script, no network) that prints
as an A4 report. Exit code 0 when every entity meets the standard (达标), 1 otherwise,
2 for bad input.""")
        ),
    )
    add_rules_and_facts(report)
    report.add_argument("-f", "--format", choices=("html", "markdown"), default="html")
    report.add_argument("-o", "--output", metavar="FILE", help=say(msg("write to FILE instead of stdout")))
    report.add_argument(
        "--within",
        metavar="DURATION",
        default=DEFAULT_WITHIN,
        help=say(
            msg(
                'list what falls due within DURATION of the as-of date (default "{within}")',
                within=DEFAULT_WITHIN,
            )
        ),
    )
    report.add_argument(
        "--top", metavar="N", type=top_arg, help=say(msg("name at most N (default: the standard's cap)"))
    )
    report.add_argument(
        "--compare",
        metavar="OLD",
        help=say(
            msg(
                "add a section comparing RULES with an earlier version OLD (a .prl file): the clauses"
                " and parameters changed, and what the change does to every entity (see protrules diff)"
            )
        ),
    )
    report.set_defaults(func=cmd_report)
