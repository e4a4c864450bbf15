"""``protrules diff OLD NEW [FACTS…]``: two versions of a standard side by side, and with
ledgers what the new one would do to every entity (:mod:`protrules.programme.diff`)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from protrules.cli.common import (
    FINDINGS,
    OK,
    CliError,
    as_of_arg,
    emit,
    jobs_arg,
    load_rules,
    require_file,
    say,
    with_district_of,
)
from protrules.errors import ProtrulesError
from protrules.i18n import msg

__all__ = ["add_parser", "cmd_diff"]


def cmd_diff(args: argparse.Namespace) -> int:
    from protrules.programme.diff import compare
    from protrules.report.diff import diff_json, diff_text

    if "-" in (args.old, args.new, *args.facts):
        raise CliError(msg("diff reads files: standard input (-) is not one of them"))
    for path in args.facts:
        require_file(path, folder_ok=True)
    old = with_district_of(load_rules(args.old), args.facts, args.district)
    new = with_district_of(load_rules(args.new, args.parameter), args.facts, args.district)
    as_of = as_of_arg(args, old)
    try:
        if args.facts and args.jobs != 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(args.jobs or os.cpu_count() or 1) as pool:
                diff = compare(old, new, args.facts, as_of=as_of, executor=pool)
        else:
            diff = compare(old, new, args.facts or None, as_of=as_of)
    except ProtrulesError as error:
        raise CliError(error.msg) from None
    text = diff_json(diff) if args.format == "json" else diff_text(diff, args.lang)
    emit(text, args.output, colour=args.format == "text")
    return OK if diff.empty else FINDINGS


def add_parser(commands: Any) -> None:
    """Register ``diff`` on the ``protrules`` subcommand parser."""
    diff = commands.add_parser(
        "diff",
        help=say(msg("compare two versions of a standard, and what the change does to entities")),
        description=say(
            msg(
                "Compare two versions of a standard, matched by rule id: the clauses added, removed and\n"
                "changed (title, clause text, reading, logic, weight, kind, place), the parameters changed\n"
                "(values, effective dates, citations) and the other declarations. With ledgers, evaluate\n"
                "both on the same day and list every verdict that flips and every entity whose status,\n"
                "score, rank or naming changes."
            )
        ),
        epilog=say(
            msg("""\
examples:
  protrules diff rules/changning_2023.prl examples/changning_2024/changning_2024.prl
  protrules diff rules/changning_2023.prl examples/changning_2024/changning_2024.prl examples/changning/
  protrules diff rules/changning_2023.prl rules/changning_2023.prl examples/changning/ --set 会议次数=3
  protrules diff OLD.prl NEW.prl examples/changning/ --format json --output diff.json

--as-of defaults to the end of OLD's assessment period; --set applies to NEW (with OLD given
twice, it asks what the published standard would do with other values). Exit code 0 when
nothing differs, 1 when something does, 2 for bad input.""")
        ),
    )
    diff.add_argument("old", metavar="OLD", help=say(msg("the standard as it is, a .prl file")))
    diff.add_argument("new", metavar="NEW", help=say(msg("the revised standard, a .prl file")))
    diff.add_argument(
        "facts",
        metavar="FACTS",
        nargs="*",
        help=say(msg("ledgers to assess the change on: .json files, CSV folders, or folders holding them")),
    )
    diff.add_argument(
        "--jobs",
        metavar="N",
        type=jobs_arg,
        default=1,
        help=say(msg("evaluate the ledgers in N worker processes (0: one per core; default 1)")),
    )
    diff.add_argument(
        "--as-of",
        metavar="DATE",
        help=say(msg("the assessment date of both (default: end of OLD's assessment)")),
    )
    diff.add_argument(
        "--set",
        "--parameter",
        dest="parameter",
        metavar="NAME=VALUE",
        action="append",
        help=say(
            msg(
                "what-if on NEW: give one of its parameters another value, written as in the file"
                " (repeatable)"
            )
        ),
    )
    diff.add_argument(
        "--district",
        metavar="PATH",
        help=say(
            msg(
                "the district ledger read with each ledger by both versions"
                " (default: the _district.json or _district/ beside the FACTS ledgers, if any)"
            )
        ),
    )
    diff.add_argument("-f", "--format", choices=("text", "json"), default="text")
    diff.add_argument("-o", "--output", metavar="FILE", help=say(msg("write to FILE instead of stdout")))
    diff.set_defaults(func=cmd_diff)
