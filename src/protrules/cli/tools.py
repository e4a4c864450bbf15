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
    LANGUAGE,
    OK,
    STDIN,
    CliError,
    colour_enabled,
    colourize,
    emit,
    load_rules,
    read_stdin,
    require_file,
    say,
    write_atomic,
)
from protrules.errors import ProtrulesError
from protrules.i18n import msg, msgn
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
        raise CliError(
            msg(
                "--run {pattern} is not a regular expression: {error}",
                pattern=repr(args.run),
                error=str(error),
            )
        ) from None
    if args.threshold is not None and not 0 <= args.threshold <= 100:
        raise CliError(
            msg("--threshold is a percentage from 0 to 100, not {value}", value=f"{args.threshold:g}")
        )
    ruleset = load_rules(args.rules)
    cases = prltest.tests_from_program(ruleset.program, args.rules)
    for path in args.tests:
        require_file(path)
        if path.endswith(".prl"):
            raise CliError(
                msg(
                    "{path}: extra tests are JSON files (a .prl file of tests alone does not parse)",
                    path=path,
                )
            )
        cases.extend(prltest.load_test_file(path, ruleset))
    if pattern is not None:
        selected = [c for c in cases if pattern.search(c.name)]
        if not selected and cases:
            raise CliError(
                msg(
                    "no test name matches --run {pattern} (of {n} tests)",
                    pattern=repr(args.run),
                    n=len(cases),
                )
            )
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
        lang = LANGUAGE.get()
        text = prltest.run_text(run, verbose=args.verbose, lang=lang)
        if not cases:
            none = msg(
                "no tests: {rules} has no `test` blocks and no test files were given", rules=args.rules
            )
            text = say(none) + "\n" + text
        if args.coverage and cov is not None:
            text += "\n" + prltest.coverage_text(ruleset, cov, lang=lang)
        if cov is not None and args.threshold is not None:
            threshold = f"{args.threshold:g}"
            measured = (
                msg(
                    "coverage {percent}% below the threshold {threshold}%",
                    percent=cov.percent,
                    threshold=threshold,
                )
                if below
                else msg(
                    "coverage {percent}% meets the threshold {threshold}%",
                    percent=cov.percent,
                    threshold=threshold,
                )
            )
            text += say(measured) + "\n"
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
        raise CliError(msg("{path}: not UTF-8 text (save it as UTF-8; it may be GBK)", path=path)) from None


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
        raise CliError(msg("fmt: `-` (standard input) is formatted alone; name the files in another run"))
    # With --diff the diffs are the output (stdout); what would change is said on stderr.
    stream = sys.stderr if args.diff else sys.stdout
    dry = args.check or args.diff
    changed: list[str] = []
    unchanged = 0
    broken = 0
    for path in args.files:
        try:
            text = _read_text(path)
            formatted = format_source(text, _name(path), args.dialect)
        except RuleFileError as error:
            _stderr(error.render(LANGUAGE.get()).rstrip("\n") + "\n")
            broken += 1
            continue
        except CliError as error:
            sys.stderr.write(say(msg("protrules: error: {message}", message=error.msg)) + "\n")
            broken += 1
            continue
        except ProtrulesError as error:  # a file that cannot be written in the other dialect
            message = msg("{path}: {message}", path=_name(path), message=error.msg)
            sys.stderr.write(say(msg("protrules: error: {message}", message=message)) + "\n")
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
            print(say(msg("would reformat {path}", path=_name(path))), file=stream)
        else:
            write_atomic(path, formatted)
            print(say(msg("reformatted {path}", path=path)))
    if dry:
        summary = msgn(
            "{n} file would be reformatted, {unchanged} unchanged",
            "{n} files would be reformatted, {unchanged} unchanged",
            len(changed),
            unchanged=unchanged,
        )
    else:
        summary = msgn(
            "{n} file reformatted, {unchanged} unchanged",
            "{n} files reformatted, {unchanged} unchanged",
            len(changed),
            unchanged=unchanged,
        )
    if broken:
        summary = msg("{summary}, {n} with errors", summary=summary, n=broken)
    print(say(summary), file=stream)
    if broken:
        return BAD_INPUT
    return FINDINGS if dry and changed else OK


# ------------------------------------------------------------------ lint


def _finding_json(diagnostic: Any) -> dict[str, Any]:
    span = diagnostic.span
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity,
        "message": diagnostic.text("en"),  # JSON values are the same in every language
        "hint": diagnostic.hint_text("en"),
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
                _stderr(error.render(LANGUAGE.get()).rstrip("\n") + "\n")
            broken += 1
            continue
        except (CliError, LintConfigError) as error:
            entry.update(status="errors", findings=[], message=str(error.msg))
            if args.format == "text":
                sys.stderr.write(say(msg("protrules: error: {message}", message=error.msg)) + "\n")
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
        out.extend(render(d, source, LANGUAGE.get()) + "\n\n" for d in diagnostics)
    checked = len(args.files) - broken
    if args.format == "json":
        summary = {"files": checked, "with_errors": broken, "findings": findings, "failing": failing}
        emit(dumps({"format": "protrules-lint/1", "files": files, "summary": summary}), colour=False)
    else:
        allowed = sum(f.get("suppressed", 0) for f in files)
        counted = msgn("{n} finding in {files}", "{n} findings in {files}", findings,
                       files=msgn("{n} file", "{n} files", checked))  # fmt: skip
        if allowed:
            counted = msg("{summary}, {n} allowed", summary=counted, n=allowed)
        if broken:
            counted = msg("{summary}, {n} with errors", summary=counted, n=broken)
        out.append(say(counted) + "\n")
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
            msg(
                "the language server needs the lsp extra: pip install 'protrules[lsp]' ({error})",
                error=str(error),
            )
        ) from None
    serve()
    return OK


# ------------------------------------------------------------------ parsers


def add_parsers(commands: Any) -> None:
    """Register test, fmt and lint on the ``protrules`` subcommand parser."""
    test = commands.add_parser(
        "test",
        help=say(msg("run the tests kept beside the rules")),
        description=(
            say(
                msg(
                    "Run the `test` blocks of a rule file, and JSON test files, and compare verdicts.\n"
                    "Each failing expectation is printed; the last line is `N passed, M failed` (tests)."
                )
            )
        ),
        epilog=say(
            msg("""\
examples:
  protrules test rules/example.prl
  protrules test rules/example.prl tests/more.json --coverage
  protrules test rules/changning_2023.prl -v --run 新华
  protrules test rules/example.prl --junit junit.xml --coverage-json coverage.json --threshold 50

A JSON test file holds one test, a list of them, or {"tests": [...]}:
  {"name": "星星站未达标", "facts": "../examples/demo/xingxing.json",
   "as_of": "2024-03-31", "expect": {"1.1.1": "fail"}, "status": "vetoed"}
"facts" is a path relative to the test file or an inline ledger object.
Exit code 1 when a test fails or coverage is below --threshold.""")
        ),
    )
    test.add_argument("rules", metavar="RULES", help=say(msg("the standard, a .prl file")))
    test.add_argument("tests", metavar="TESTS", nargs="*", help=say(msg("extra JSON test files")))
    test.add_argument(
        "--coverage",
        action="store_true",
        help=say(msg("name untested rules, verdicts a rule never took and requirement outcomes never seen")),
    )
    test.add_argument(
        "-v", "--verbose", action="store_true", help=say(msg("list every expectation, not only failures"))
    )
    test.add_argument(
        "--run", metavar="PATTERN", help=say(msg("run only the tests whose name matches this regex"))
    )
    test.add_argument(
        "-f", "--format", choices=("text", "json"), default="text", help=say(msg("output format"))
    )
    test.add_argument("--junit", metavar="FILE", help=say(msg("also write the run as JUnit XML to FILE")))
    test.add_argument("--coverage-json", metavar="FILE", help=say(msg("write coverage as JSON to FILE")))
    test.add_argument(
        "--threshold",
        metavar="PCT",
        type=float,
        help=say(
            msg(
                "exit 1 when fewer than PCT%% of the outcomes (rule verdicts pass/fail, requirement "
                "outcomes) are seen"
            )
        ),
    )
    test.set_defaults(func=cmd_test)

    fmt = commands.add_parser(
        "fmt",
        help=say(msg("rewrite rule files in the canonical layout")),
        description=say(msg("Format .prl files in place (only files that change are rewritten).")),
        epilog=say(
            msg("""\
examples:
  protrules fmt rules/example.prl
  protrules fmt --check rules/*.prl      # exit code 1 if a file would change
  protrules fmt --diff rules/*.prl       # the changes as a unified diff, nothing written
  protrules fmt - < draft.prl > tidy.prl # standard input to standard output
  protrules fmt --dialect zh - < rules/changning_2023.prl > rules/changning_2023.zh.prl
                                         # the same rules in the Chinese dialect""")
        ),
    )
    fmt.add_argument("files", metavar="FILES", nargs="+", help=say(msg(".prl files (- : standard input)")))
    fmt.add_argument(
        "--check",
        action="store_true",
        help=say(msg("change nothing; exit 1 listing files that would change")),
    )
    fmt.add_argument(
        "--diff",
        action="store_true",
        help=say(msg("change nothing; print what would change as a unified diff (exit 1 if anything would)")),
    )
    fmt.add_argument(
        "--dialect",
        choices=DIALECTS,
        help=say(
            msg(
                "write the files in this dialect of the language: en (English keywords) or zh "
                "(Chinese keywords); by default each file stays in its own"
            )
        ),
    )
    fmt.set_defaults(func=cmd_fmt)

    lint = commands.add_parser(
        "lint",
        help=say(msg("report suspicious rules")),
        description=say(msg("Check rule files and report what is valid but probably wrong.")),
        epilog=say(
            msg("""\
examples:
  protrules lint rules/example.prl rules/changning_2023.prl
  protrules lint --format json rules/*.prl

Allow a finding where it is right to, with a reason (docs/formatting.md):
  # protrules: allow PRL702 — kept for the assessors
on its own line (covers the declaration below and its block), after code (covers the
line), or `# protrules: allow-file …` (the file). The nearest pyproject.toml may set
[tool.protrules.lint] severity, allow and per-file-allow.

Exit code 1 when a finding is at least as severe as --fail-on, 2 when a file has errors.""")
        ),
    )
    lint.add_argument("files", metavar="FILES", nargs="+", help=say(msg(".prl files (- : standard input)")))
    lint.add_argument(
        "-f", "--format", choices=("text", "json"), default="text", help=say(msg("output format"))
    )
    lint.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        default="warning",
        help=say(msg("the least severe finding that makes the exit code 1 (default: warning)")),
    )
    lint.add_argument(
        "--config",
        metavar="PYPROJECT",
        help=say(msg("read [tool.protrules.lint] from this file, not the nearest one")),
    )
    lint.set_defaults(func=cmd_lint)

    lsp = commands.add_parser(
        "lsp",
        help=say(msg("the language server for editors (stdio)")),
        description=(
            say(
                msg(
                    "Serve the Language Server Protocol over stdin/stdout for an editor: diagnostics as you\n"
                    "type, hover, go to definition, find references, completion, formatting, rename."
                )
            )
        ),
        epilog=say(
            msg("""\
An editor starts it; it is not run by hand (docs/editors.md). It needs the lsp extra:
  pip install 'protrules[lsp]'""")
        ),
    )
    lsp.set_defaults(func=cmd_lsp)
