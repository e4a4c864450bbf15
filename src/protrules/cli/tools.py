"""The ``protrules`` subcommands for policy authors: test, fmt and lint.

``test`` runs the tests kept beside the rules (:mod:`protrules.testing.prltest`), ``fmt`` rewrites
rule files in the one canonical layout (:mod:`protrules.language.formatter`), ``lint`` reports what
type-checks but is probably wrong (:mod:`protrules.authoring.lint`).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from typing import Any

from protrules.cli.common import (
    BAD_INPUT,
    FINDINGS,
    OK,
    STDIN,
    CliError,
    colour_enabled,
    colourize,
    emit,
    load_rules,
    read_stdin,
    require_file,
    write_atomic,
)
from protrules.errors import ProtrulesError
from protrules.language.diagnostics import RuleFileError
from protrules.language.keywords import DIALECTS

__all__ = ["add_parsers", "cmd_fmt", "cmd_lint", "cmd_lsp", "cmd_test"]


def _stderr(text: str) -> None:
    sys.stderr.write(colourize(text) if colour_enabled(sys.stderr) else text)


# ------------------------------------------------------------------ test


def cmd_test(args: argparse.Namespace) -> int:
    import re

    from protrules.testing import prltest, reports

    try:
        pattern = re.compile(args.run) if args.run is not None else None
    except re.error as error:
        raise CliError(f"--run {args.run!r} is not a regular expression: {error}") from None
    if args.threshold is not None and not 0 <= args.threshold <= 100:
        raise CliError(f"--threshold is a percentage from 0 to 100, not {args.threshold:g}")
    ruleset = load_rules(args.rules)
    cases = prltest.tests_from_program(ruleset.program, args.rules)
    for path in args.tests:
        require_file(path)
        if path.endswith(".prl"):
            raise CliError(f"{path}: extra tests are JSON files (a .prl file of tests alone does not parse)")
        cases.extend(prltest.load_test_file(path, ruleset))
    if pattern is not None:
        selected = [c for c in cases if pattern.search(c.name)]
        if not selected and cases:
            raise CliError(f"no test name matches --run {args.run!r} (of {len(cases)} tests)")
        cases = selected
    run = prltest.run_tests(ruleset, cases)
    wants_coverage = args.coverage or args.coverage_json is not None or args.threshold is not None
    cov = prltest.coverage(ruleset, run) if wants_coverage else None
    if args.junit is not None:
        write_atomic(args.junit, reports.junit_xml(run, args.rules))
    if args.coverage_json is not None and cov is not None:
        write_atomic(args.coverage_json, reports.coverage_json(ruleset, cov))
    below = cov is not None and args.threshold is not None and cov.percent < args.threshold
    if args.format == "json":
        emit(reports.run_json(run, cov), colour=False)
    else:
        text = prltest.run_text(run, verbose=args.verbose)
        if not cases:
            text = f"no tests: {args.rules} has no `test` blocks and no test files were given\n" + text
        if args.coverage and cov is not None:
            text += "\n" + prltest.coverage_text(ruleset, cov)
        if cov is not None and args.threshold is not None:
            verdict = "below" if below else "meets"
            text += f"coverage {cov.percent}% {verdict} the threshold {args.threshold:g}%\n"
        emit(text)
    return FINDINGS if run.failed or below else OK


# ------------------------------------------------------------------ fmt


def _read_text(path: str) -> str:
    if path == STDIN:
        return read_stdin("FILES")
    require_file(path)
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8 text (save it as UTF-8; it may be GBK)") from None


def _name(path: str) -> str:
    return "<stdin>" if path == STDIN else path


def _diff(path: str, before: str, after: str) -> str:
    """A unified diff of what formatting would change, as ``patch -p0`` and ``git apply -p0`` read it."""
    name = _name(path)
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    lines = difflib.unified_diff(old, new, name, name)
    missing = "\n\\ No newline at end of file\n"
    return "".join(line if line.endswith("\n") else line + missing for line in lines)


def cmd_fmt(args: argparse.Namespace) -> int:
    from protrules.language.formatter import format_source

    if STDIN in args.files and len(args.files) > 1:
        raise CliError("fmt: `-` (standard input) is formatted alone; name the files in another run")
    # With --diff the diffs are the output (stdout); what would change is said on stderr.
    say = sys.stderr if args.diff else sys.stdout
    dry = args.check or args.diff
    changed: list[str] = []
    unchanged = 0
    broken = 0
    for path in args.files:
        try:
            text = _read_text(path)
            formatted = format_source(text, _name(path), args.dialect)
        except RuleFileError as error:
            _stderr(error.render().rstrip("\n") + "\n")
            broken += 1
            continue
        except CliError as error:
            sys.stderr.write(f"protrules: error: {error.message}\n")
            broken += 1
            continue
        except ProtrulesError as error:  # a file that cannot be written in the other dialect
            sys.stderr.write(f"protrules: error: {_name(path)}: {error.message_in(args.lang)}\n")
            broken += 1
            continue
        if path == STDIN and not dry:  # a filter: the formatted text, and nothing else, on stdout
            sys.stdout.write(formatted)
            return OK
        if formatted == text:
            unchanged += 1
            continue
        changed.append(path)
        if args.diff:
            sys.stdout.write(_diff(path, text, formatted))
        if dry:
            print(f"would reformat {_name(path)}", file=say)
        else:
            write_atomic(path, formatted)
            print(f"reformatted {path}")
    verb = "would be reformatted" if dry else "reformatted"
    summary = f"{len(changed)} file{'s' if len(changed) != 1 else ''} {verb}, {unchanged} unchanged"
    if broken:
        summary += f", {broken} with errors"
    print(summary, file=say)
    if broken:
        return BAD_INPUT
    return FINDINGS if dry and changed else OK


# ------------------------------------------------------------------ lint


def _finding_json(diagnostic: Any) -> dict[str, Any]:
    span = diagnostic.span
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "end_line": span.end_line if span else None,
        "end_column": span.end_column if span else None,
    }


def cmd_lint(args: argparse.Namespace) -> int:
    from protrules.authoring.suppress import (
        SEVERITIES,
        LintConfigError,
        find_config,
        lint_source,
        load_config,
    )
    from protrules.language.diagnostics import Source, render
    from protrules.output import dumps

    fail_at = SEVERITIES.index(args.fail_on)
    failing = findings = broken = 0
    out: list[str] = []
    files: list[dict[str, Any]] = []
    for path in args.files:
        entry: dict[str, Any] = {"path": path}
        files.append(entry)
        try:
            text = _read_text(path)
            config = load_config(args.config if args.config is not None else find_config(path))
            diagnostics, suppressed = lint_source(text, _name(path), config)
        except RuleFileError as error:
            entry.update(status="errors", findings=[_finding_json(d) for d in error.diagnostics])
            if args.format == "text":
                _stderr(error.render().rstrip("\n") + "\n")
            broken += 1
            continue
        except (CliError, LintConfigError) as error:
            entry.update(status="errors", findings=[], message=error.message)
            if args.format == "text":
                sys.stderr.write(f"protrules: error: {error.message}\n")
            broken += 1
            continue
        findings += len(diagnostics)
        failing += sum(1 for d in diagnostics if SEVERITIES.index(d.severity) <= fail_at)
        entry.update(
            status="findings" if diagnostics else "clean",
            findings=[_finding_json(d) for d in diagnostics],
            suppressed=suppressed,
        )
        source = Source(path, text)
        out.extend(render(d, source) + "\n\n" for d in diagnostics)
    checked = len(args.files) - broken
    if args.format == "json":
        summary = {"files": checked, "with_errors": broken, "findings": findings, "failing": failing}
        emit(dumps({"format": "protrules-lint/1", "files": files, "summary": summary}), colour=False)
    else:
        allowed = sum(f.get("suppressed", 0) for f in files)
        out.append(
            f"{findings} finding{'s' if findings != 1 else ''} in {checked} file{'s' if checked != 1 else ''}"
            + (f", {allowed} allowed" if allowed else "")
            + (f", {broken} with errors" if broken else "")
            + "\n"
        )
        emit("".join(out))
    if broken:
        return BAD_INPUT
    return FINDINGS if failing else OK


# ------------------------------------------------------------------ lsp


def cmd_lsp(args: argparse.Namespace) -> int:
    del args
    try:
        from protrules.authoring.lsp.server import main as serve
    except ImportError as error:
        raise CliError(
            f"the language server needs the lsp extra: pip install 'protrules[lsp]' ({error})"
        ) from None
    serve()
    return OK


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
  protrules test rules/changning_2023.prl -v --run 新华
  protrules test rules/example.prl --junit junit.xml --coverage-json coverage.json --threshold 50

A JSON test file holds one test, a list of them, or {"tests": [...]}:
  {"name": "星星站未达标", "facts": "../examples/demo/xingxing.json",
   "as_of": "2024-03-31", "expect": {"1.1.1": "fail"}, "status": "vetoed"}
"facts" is a path relative to the test file or an inline ledger object.
Exit code 1 when a test fails or coverage is below --threshold.""",
    )
    test.add_argument("rules", metavar="RULES", help="the standard, a .prl file")
    test.add_argument("tests", metavar="TESTS", nargs="*", help="extra JSON test files")
    test.add_argument(
        "--coverage",
        action="store_true",
        help="name untested rules, verdicts a rule never took and requirement outcomes never seen",
    )
    test.add_argument(
        "-v", "--verbose", action="store_true", help="list every expectation, not only failures"
    )
    test.add_argument("--run", metavar="PATTERN", help="run only the tests whose name matches this regex")
    test.add_argument("-f", "--format", choices=("text", "json"), default="text", help="output format")
    test.add_argument("--junit", metavar="FILE", help="also write the run as JUnit XML to FILE")
    test.add_argument("--coverage-json", metavar="FILE", help="write coverage as JSON to FILE")
    test.add_argument(
        "--threshold",
        metavar="PCT",
        type=float,
        help="exit 1 when fewer than PCT%% of the outcomes (rule verdicts pass/fail, requirement "
        "outcomes) are seen",
    )
    test.set_defaults(func=cmd_test)

    fmt = commands.add_parser(
        "fmt",
        help="rewrite rule files in the canonical layout",
        description="Format .prl files in place (only files that change are rewritten).",
        epilog="""\
examples:
  protrules fmt rules/example.prl
  protrules fmt --check rules/*.prl      # exit code 1 if a file would change
  protrules fmt --diff rules/*.prl       # the changes as a unified diff, nothing written
  protrules fmt - < draft.prl > tidy.prl # standard input to standard output
  protrules fmt --dialect zh - < rules/changning_2023.prl > rules/changning_2023.zh.prl
                                         # the same rules in the Chinese dialect""",
    )
    fmt.add_argument("files", metavar="FILES", nargs="+", help=".prl files (- : standard input)")
    fmt.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 listing files that would change"
    )
    fmt.add_argument(
        "--diff",
        action="store_true",
        help="change nothing; print what would change as a unified diff (exit 1 if anything would)",
    )
    fmt.add_argument(
        "--dialect",
        choices=DIALECTS,
        help="write the files in this dialect of the language: en (English keywords) or zh "
        "(Chinese keywords); by default each file stays in its own",
    )
    fmt.set_defaults(func=cmd_fmt)

    lint = commands.add_parser(
        "lint",
        help="report suspicious rules",
        description="Check rule files and report what is valid but probably wrong.",
        epilog="""\
examples:
  protrules lint rules/example.prl rules/changning_2023.prl
  protrules lint --format json rules/*.prl

Allow a finding where it is right to, with a reason (docs/formatting.md):
  # protrules: allow PRL702 — kept for the assessors
on its own line (covers the declaration below and its block), after code (covers the
line), or `# protrules: allow-file …` (the file). The nearest pyproject.toml may set
[tool.protrules.lint] severity, allow and per-file-allow.

Exit code 1 when a finding is at least as severe as --fail-on, 2 when a file has errors.""",
    )
    lint.add_argument("files", metavar="FILES", nargs="+", help=".prl files (- : standard input)")
    lint.add_argument("-f", "--format", choices=("text", "json"), default="text", help="output format")
    lint.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        default="warning",
        help="the least severe finding that makes the exit code 1 (default: warning)",
    )
    lint.add_argument(
        "--config", metavar="PYPROJECT", help="read [tool.protrules.lint] from this file, not the nearest one"
    )
    lint.set_defaults(func=cmd_lint)

    lsp = commands.add_parser(
        "lsp",
        help="the language server for editors (stdio)",
        description=(
            "Serve the Language Server Protocol over stdin/stdout for an editor: diagnostics as you\n"
            "type, hover, go to definition, find references, completion, formatting, rename."
        ),
        epilog="""\
An editor starts it; it is not run by hand (docs/editors.md). It needs the lsp extra:
  pip install 'protrules[lsp]'""",
    )
    lsp.set_defaults(func=cmd_lsp)
