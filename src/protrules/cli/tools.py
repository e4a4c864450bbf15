"""The ``protrules`` subcommands for policy authors: test, fmt and lint.

``test`` runs the tests kept beside the rules (:mod:`protrules.testing.prltest`), ``fmt`` rewrites
rule files in the one canonical layout (:mod:`protrules.language.formatter`), ``lint`` reports what
type-checks but is probably wrong (:mod:`protrules.authoring.lint`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from protrules.cli.common import (
    BAD_INPUT,
    FINDINGS,
    OK,
    CliError,
    colour_enabled,
    colourize,
    emit,
    load_rules,
    require_file,
    write_atomic,
)
from protrules.language.diagnostics import RuleFileError

__all__ = ["add_parsers", "cmd_fmt", "cmd_lint", "cmd_test"]


def _stderr(text: str) -> None:
    sys.stderr.write(colourize(text) if colour_enabled(sys.stderr) else text)


# ------------------------------------------------------------------ test


def cmd_test(args: argparse.Namespace) -> int:
    from protrules.testing import prltest

    ruleset = load_rules(args.rules)
    cases = prltest.tests_from_program(ruleset.program, args.rules)
    for path in args.tests:
        require_file(path)
        if path.endswith(".prl"):
            raise CliError(f"{path}: extra tests are JSON files (a .prl file of tests alone does not parse)")
        cases.extend(prltest.load_test_file(path, ruleset))
    run = prltest.run_tests(ruleset, cases)
    text = prltest.run_text(run)
    if not cases:
        text = f"no tests: {args.rules} has no `test` blocks and no test files were given\n" + text
    if args.coverage:
        text += "\n" + prltest.coverage_text(ruleset, prltest.coverage(ruleset, run))
    emit(text)
    return FINDINGS if run.failed else OK


# ------------------------------------------------------------------ fmt


def _read_text(path: str) -> str:
    require_file(path)
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8 text (save it as UTF-8; it may be GBK)") from None


def cmd_fmt(args: argparse.Namespace) -> int:
    from protrules.language.formatter import format_source

    changed: list[str] = []
    unchanged = 0
    broken = 0
    for path in args.files:
        try:
            text = _read_text(path)
            formatted = format_source(text, path)
        except RuleFileError as error:
            _stderr(error.render().rstrip("\n") + "\n")
            broken += 1
            continue
        except CliError as error:
            sys.stderr.write(f"protrules: error: {error.message}\n")
            broken += 1
            continue
        if formatted == text:
            unchanged += 1
            continue
        changed.append(path)
        if args.check:
            print(f"would reformat {path}")
        else:
            write_atomic(path, formatted)
            print(f"reformatted {path}")
    verb = "would be reformatted" if args.check else "reformatted"
    summary = f"{len(changed)} file{'s' if len(changed) != 1 else ''} {verb}, {unchanged} unchanged"
    if broken:
        summary += f", {broken} with errors"
    print(summary)
    if broken:
        return BAD_INPUT
    return FINDINGS if args.check and changed else OK


# ------------------------------------------------------------------ lint


def _key(diagnostic: Any) -> tuple[Any, ...]:
    return (diagnostic.code, diagnostic.span, diagnostic.message)


def cmd_lint(args: argparse.Namespace) -> int:
    from protrules import check, parse
    from protrules.authoring.lint import lint
    from protrules.language.diagnostics import Source, render

    findings = 0
    broken = 0
    out: list[str] = []
    for path in args.files:
        try:
            text = _read_text(path)
            source = Source(path, text)
            module = parse(text, path)
            program = check(module, source)
        except RuleFileError as error:
            _stderr(error.render().rstrip("\n") + "\n")
            broken += 1
            continue
        except CliError as error:
            sys.stderr.write(f"protrules: error: {error.message}\n")
            broken += 1
            continue
        seen = set()
        diagnostics = []
        for diagnostic in (*program.warnings, *lint(program, module)):
            if _key(diagnostic) not in seen:
                seen.add(_key(diagnostic))
                diagnostics.append(diagnostic)
        diagnostics.sort(key=lambda d: d.sort_key())
        findings += len(diagnostics)
        out.extend(render(d, source) + "\n\n" for d in diagnostics)
    files = len(args.files) - broken
    out.append(
        f"{findings} finding{'s' if findings != 1 else ''} in {files} file{'s' if files != 1 else ''}"
        + (f", {broken} with errors" if broken else "")
        + "\n"
    )
    emit("".join(out))
    if broken:
        return BAD_INPUT
    return FINDINGS if findings else OK


# ------------------------------------------------------------------ parsers


def add_parsers(commands: Any) -> None:
    """Register test, fmt and lint on the ``protrules`` subcommand parser."""
    test = commands.add_parser(
        "test",
        help="run the tests kept beside the rules",
        description=(
            "Run the `test` blocks of a rule file, and JSON test files, and compare verdicts.\n"
            "Each failing expectation is printed; the last line is `N passed, M failed` (tests)."
        ),
        epilog="""\
examples:
  protrules test rules/example.prl
  protrules test rules/example.prl tests/more.json --coverage

A JSON test file holds one test, a list of them, or {"tests": [...]}:
  {"name": "星星站未达标", "facts": "../examples/demo/xingxing.json",
   "as_of": "2024-03-31", "expect": {"1.1.1": "fail"}, "status": "vetoed"}
"facts" is a path relative to the test file or an inline ledger object.
Exit code 1 when a test fails.""",
    )
    test.add_argument("rules", metavar="RULES", help="the standard, a .prl file")
    test.add_argument("tests", metavar="TESTS", nargs="*", help="extra JSON test files")
    test.add_argument(
        "--coverage", action="store_true", help="name untested rules and verdicts a rule never took"
    )
    test.set_defaults(func=cmd_test)

    fmt = commands.add_parser(
        "fmt",
        help="rewrite rule files in the canonical layout",
        description="Format .prl files in place (only files that change are rewritten).",
        epilog="""\
examples:
  protrules fmt rules/example.prl
  protrules fmt --check rules/*.prl      # exit code 1 if a file would change""",
    )
    fmt.add_argument("files", metavar="FILES", nargs="+", help=".prl files")
    fmt.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 listing files that would change"
    )
    fmt.set_defaults(func=cmd_fmt)

    lint = commands.add_parser(
        "lint",
        help="report suspicious rules",
        description="Check rule files and report what is valid but probably wrong.",
        epilog="""\
examples:
  protrules lint rules/example.prl rules/changning_2023.prl

Exit code 1 when there is a finding, 2 when a file has errors.""",
    )
    lint.add_argument("files", metavar="FILES", nargs="+", help=".prl files")
    lint.set_defaults(func=cmd_lint)
