"""Lint findings a CI can gate on: suppression comments, ``[tool.protrules.lint]``, severities.

A finding that is wrong for a file is allowed where it occurs, with a reason, so the next
reader knows why::

    # protrules: allow PRL705 — the notice's four dates, kept as documentation
    date 公示截止 "候选名单公示完成" = 2024-04-30

    require 月.days >= 28  # protrules: allow PRL711 — a self-check of the calendar

A comment alone on its line covers the declaration or statement below it and everything
indented under it (a fact and its fields, a rule and its body); a comment after a block's
header (``rule 3.3.1 "经费":  # protrules: allow …``) covers that block; a comment after
other code covers its own line; ``allow-file`` covers the whole file. Several codes are separated by
commas; the reason follows ``—``, ``--`` or ``:`` and is required. The nearest
``pyproject.toml`` above the rule file may allow codes everywhere or per file and change a
code's severity::

    [tool.protrules.lint]
    severity = { PRL731 = "error", PRL723 = "info" }
    allow = { PRL707 = "enums are shared with the district's other standards" }
    per-file-allow = { "rules/old.prl" = { PRL702 = "kept for the 2021 ledgers" } }

A suppression without a reason (PRL790), naming an unknown code (PRL791) or that matches no
finding (PRL792) is itself a finding, so a stale suppression cannot outlive its cause.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from protrules.authoring.lint import CODES
from protrules.errors import ProtrulesError
from protrules.i18n import joined, msg
from protrules.i18n.system import os_reason
from protrules.language.diagnostics import Diagnostic, Span
from protrules.language.recovery import comment_start

__all__ = [
    "CHECKER_WARNINGS",
    "SEVERITIES",
    "SUPPRESSION_CODES",
    "LintConfig",
    "LintConfigError",
    "Suppression",
    "apply",
    "find_config",
    "lint_source",
    "load_config",
    "suppressions",
    "unique",
]

#: Severities, most severe first; ``info`` findings never fail ``protrules lint``.
SEVERITIES = ("error", "warning", "info")

#: The checker's own warnings, which ``protrules lint`` reports and a comment may allow too.
CHECKER_WARNINGS: Mapping[str, str] = {
    "PRL305": "a standard without a title",
    "PRL708": "a `define` no rule uses",
}

#: The findings about suppressions themselves (never suppressible).
SUPPRESSION_CODES: Mapping[str, str] = {
    "PRL790": "a suppression without a reason",
    "PRL791": "a suppression naming an unknown lint code",
    "PRL792": "a suppression that matches no finding",
}

_COMMENT = re.compile(
    r"#\s*protrules:\s*(?P<verb>allow-file|allow)\b\s*(?P<codes>[A-Za-z0-9_]+(?:\s*,\s*[A-Za-z0-9_]+)*)?"
    r"\s*(?:(?:—|--|:)\s*(?P<reason>.*?))?\s*$"
)


class LintConfigError(ProtrulesError):
    """A ``[tool.protrules.lint]`` table that cannot be read."""

    code = "PRL793"


@attrs.frozen
class Suppression:
    """One ``# protrules: allow`` comment: the codes, the reason and the lines it covers."""

    codes: tuple[str, ...]
    reason: str
    span: Span  # where the comment is written
    first: int  # first line covered (1-based)
    last: int  # last line covered


@attrs.frozen
class LintConfig:
    """``[tool.protrules.lint]``: severities by code, and codes allowed everywhere or per file."""

    severity: Mapping[str, str] = attrs.field(factory=dict)
    allow: Mapping[str, str] = attrs.field(factory=dict)
    per_file_allow: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    root: str = ""  # the folder of the pyproject.toml; per-file paths are relative to it
    origin: str = ""  # the file it was read from

    def allowed(self, path: str) -> Mapping[str, str]:
        """The codes allowed in the rule file at ``path``, with their reasons."""
        found = dict(self.allow)
        target = os.path.normcase(os.path.abspath(path))
        for pattern, codes in self.per_file_allow.items():
            if os.path.normcase(os.path.abspath(os.path.join(self.root, pattern))) == target:
                found.update(codes)
        return found


def _code_of(text: str) -> str:
    return text.strip().upper()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _is_code(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def suppressions(text: str, name: str = "") -> tuple[list[Suppression], list[Diagnostic]]:
    """The suppression comments of a rule file, and the findings about them (PRL790, PRL791)."""
    lines = text.removeprefix("\ufeff").split("\n")
    found: list[Suppression] = []
    problems: list[Diagnostic] = []
    known = set(CODES) | set(CHECKER_WARNINGS)
    for number, line in enumerate(lines, start=1):
        start = comment_start(line)
        if start < 0:
            continue
        match = _COMMENT.match(line, start)
        if match is None:
            continue
        span = Span(number, start + 1, number, len(line.rstrip()) + 1, name)
        codes = tuple(_code_of(c) for c in (match.group("codes") or "").split(",") if c.strip())
        reason = (match.group("reason") or "").strip()
        if not codes:
            problems.append(
                Diagnostic(
                    "PRL791",
                    msg("the suppression names no lint code"),
                    span,
                    msg("write `# protrules: allow PRL702 — why`"),
                    severity="warning",
                )
            )
            continue
        unknown = [c for c in codes if c not in known]
        for code in unknown:
            problems.append(
                Diagnostic(
                    "PRL791",
                    msg("`{code}` is not a lint code that can be allowed", code=code),
                    span,
                    msg("lint codes are PRL701–PRL731 (docs/formatting.md)"),
                    severity="warning",
                )
            )
        if not reason:
            problems.append(
                Diagnostic(
                    "PRL790",
                    msg("the suppression gives no reason"),
                    span,
                    msg("say why after a dash: `# protrules: allow PRL702 — kept for the assessors`"),
                    severity="warning",
                )
            )
        codes = tuple(c for c in codes if c in known)
        if not codes:
            continue
        if match.group("verb") == "allow-file":
            first, last = 1, len(lines)
        elif line[:start].rstrip().endswith(":"):  # after a block's header: the block
            first, last = _block_after(lines, number - 1)
        elif line[:start].strip():
            first = last = number
        else:
            first, last = _block_after(lines, number)
        found.append(Suppression(codes, reason, span, first, last))
    return found, problems


def _block_after(lines: Sequence[str], number: int) -> tuple[int, int]:
    """The lines of the declaration or statement below line ``number`` and its indented block."""
    index = number  # 0-based index of the line after the comment
    while index < len(lines) and not _is_code(lines[index]):
        index += 1
    if index >= len(lines):
        return number, number
    head = _indent(lines[index])
    last = index
    for later in range(index + 1, len(lines)):
        if _is_code(lines[later]):
            if _indent(lines[later]) <= head:
                break
            last = later
    return index + 1, last + 1


def apply(
    findings: Iterable[Diagnostic], text: str, name: str, config: LintConfig | None = None
) -> tuple[list[Diagnostic], int]:
    """The findings that remain once comments and configuration allowed theirs, with their
    configured severities, plus the findings about suppressions; and how many were allowed."""
    config = config or LintConfig()
    comments, problems = suppressions(text, name)
    allowed = config.allowed(name)
    used: set[int] = set()
    kept: list[Diagnostic] = []
    suppressed = 0
    for finding in findings:
        line = finding.span.line if finding.span is not None else 0
        hits = [i for i, s in enumerate(comments) if finding.code in s.codes and s.first <= line <= s.last]
        if hits:
            used.update(hits)
            suppressed += 1
        elif finding.code in allowed:
            suppressed += 1
        else:
            kept.append(_with_severity(finding, config))
    for index, comment in enumerate(comments):
        if index not in used:
            problems.append(
                Diagnostic(
                    "PRL792",
                    msg("the suppression of {codes} matches no finding", codes=joined(comment.codes)),
                    comment.span,
                    msg("remove it: what it allowed is gone"),
                    severity="warning",
                )
            )
    kept.extend(_with_severity(p, config) for p in problems)
    kept.sort(key=Diagnostic.sort_key)
    return kept, suppressed


def _with_severity(finding: Diagnostic, config: LintConfig) -> Diagnostic:
    severity = config.severity.get(finding.code)
    return attrs.evolve(finding, severity=severity) if severity else finding


def lint_source(text: str, name: str, config: LintConfig | None = None) -> tuple[list[Diagnostic], int]:
    """Check and lint a rule file's text, as ``protrules lint`` and the language server do: the
    checker's warnings and the lint findings, suppressions applied, sorted; and how many were
    allowed. Raises :class:`~protrules.diagnostics.RuleFileError` for a file with errors."""
    from protrules.authoring.lint import lint
    from protrules.checking.checker import check
    from protrules.language.diagnostics import Source
    from protrules.language.parser import parse

    module = parse(text, name)
    program = check(module, Source(name, text))
    return apply(unique([*program.warnings, *lint(program, module)]), text, name, config)


def unique(findings: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Findings without repeats (the checker and lint may both report one), in order."""
    seen: set[tuple[str, Span | None, str]] = set()
    out = []
    for finding in findings:
        key = (finding.code, finding.span, str(finding.message))
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


# ------------------------------------------------------------------ configuration


def find_config(path: str) -> str | None:
    """The nearest ``pyproject.toml`` in the folder of ``path`` or above it."""
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        candidate = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load_config(pyproject: str | None) -> LintConfig:
    """``[tool.protrules.lint]`` of a ``pyproject.toml`` (an empty config if it has none)."""
    if pyproject is None:
        return LintConfig()
    try:
        with open(pyproject, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise LintConfigError(
            msg("cannot read {path}: {reason}", path=pyproject, reason=os_reason(error))
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise LintConfigError(
            msg("{path}: not valid TOML: {error}", path=pyproject, error=str(error))
        ) from None
    table = data.get("tool", {}).get("protrules", {}).get("lint", {})
    where = f"{pyproject}: [tool.protrules.lint]"
    if not isinstance(table, dict):
        raise LintConfigError(msg("{where} must be a table", where=where))
    keys = {"severity", "allow", "per-file-allow"}
    for key in table:
        if key not in keys:
            raise LintConfigError(
                msg(
                    "{where}: unknown key `{key}` (known: {keys})",
                    where=where,
                    key=key,
                    keys=joined(sorted(keys)),
                )
            )
    severity = _code_table(table.get("severity", {}), f"{where} severity", values=SEVERITIES)
    allow = _code_table(table.get("allow", {}), f"{where} allow")
    per_file: dict[str, Mapping[str, str]] = {}
    raw = table.get("per-file-allow", {})
    if not isinstance(raw, dict):
        raise LintConfigError(
            msg("{where} per-file-allow must map file paths to {{code = reason}} tables", where=where)
        )
    for file, codes in raw.items():
        per_file[str(file)] = _code_table(codes, f"{where} per-file-allow {file!r}")
    return LintConfig(severity, allow, per_file, os.path.dirname(os.path.abspath(pyproject)), pyproject)


def _code_table(raw: Any, where: str, values: Sequence[str] | None = None) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise LintConfigError(msg("{where} must be a table of lint codes", where=where))
    out: dict[str, str] = {}
    for key, value in raw.items():
        code = _code_of(str(key))
        if code not in CODES and code not in CHECKER_WARNINGS and code not in SUPPRESSION_CODES:
            raise LintConfigError(msg("{where}: `{key}` is not a lint code", where=where, key=key))
        if values is not None:
            if value not in values:
                raise LintConfigError(
                    msg(
                        "{where}: {code} = {value}; a severity is one of {allowed}",
                        where=where,
                        code=code,
                        value=repr(value),
                        allowed=joined(values),
                    )
                )
        elif not isinstance(value, str) or not value.strip():
            raise LintConfigError(msg("{where}: {code} needs a reason (text)", where=where, code=code))
        out[code] = str(value).strip()
    return out
