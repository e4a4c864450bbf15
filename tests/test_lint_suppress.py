"""Lint a CI can gate on: suppression comments, ``[tool.protrules.lint]``, severities, JSON.

The shipped rule files lint clean, and every suppression in them carries a reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from protrules.authoring.suppress import (
    LintConfig,
    LintConfigError,
    apply,
    find_config,
    lint_source,
    load_config,
    suppressions,
)
from protrules.cli import main

ROOT = Path(__file__).resolve().parent.parent

RULES = """\
standard "s":
    title: "t"
    assessment: 评估期

period 评估期 = 2023-04-01 .. 2024-03-31
{date_line}

fact meeting "会议":
    date: date "日期"
    topic: text "主题"{topic_comment}

rule 1.1 "开会":{rule_comment}
    clause: "开会。"
    require count(meeting where meeting.date in 评估期) >= 0
    require count(meeting) >= 1
"""


def _text(date_line: str = "date 截止 = 2023-04-30", topic_comment: str = "", rule_comment: str = "") -> str:
    return RULES.format(date_line=date_line, topic_comment=topic_comment, rule_comment=rule_comment)


def _codes(text: str, config: LintConfig | None = None) -> list[tuple[str, int]]:
    found, _ = lint_source(text, "s.prl", config)
    return [(d.code, d.span.line if d.span else 0) for d in found]


def test_unsuppressed_findings() -> None:
    assert _codes(_text()) == [("PRL705", 6), ("PRL702", 10), ("PRL711", 14)]


def test_a_comment_after_code_allows_its_line() -> None:
    text = _text(topic_comment="  # protrules: allow PRL702 — kept for the assessors")
    assert _codes(text) == [("PRL705", 6), ("PRL711", 14)]
    assert lint_source(text, "s.prl")[1] == 1


def test_a_comment_after_a_block_header_allows_the_block() -> None:
    text = _text(rule_comment="  # protrules: allow PRL711 — a self-check")
    assert _codes(text) == [("PRL705", 6), ("PRL702", 10)]


def test_a_comment_on_its_own_line_allows_the_declaration_below_and_its_block() -> None:
    fact = 'fact meeting "会议":'
    text = _text().replace(fact, "# protrules: allow PRL702: minutes only\n\n" + fact)
    assert _codes(text) == [("PRL705", 6), ("PRL711", 16)]
    text = _text().replace("date 截止", "# protrules: allow PRL705 -- documentation\ndate 截止")
    assert _codes(text) == [("PRL702", 11), ("PRL711", 15)]


def test_several_codes_and_allow_file() -> None:
    text = "# protrules: allow-file PRL702, prl705 — a draft\n" + _text()
    assert _codes(text) == [("PRL711", 15)]


def test_a_suppression_covers_only_its_block() -> None:
    """An own-line comment before the date does not reach the rule below it."""
    text = _text().replace("date 截止", "# protrules: allow PRL711 — wrong place\ndate 截止")
    assert ("PRL711", 15) in _codes(text)
    assert ("PRL792", 6) in _codes(text)  # and it matches nothing where it is


def test_suppressions_without_reason_unknown_code_or_unused_are_findings() -> None:
    text = _text(
        topic_comment="  # protrules: allow PRL702",
        rule_comment="  # protrules: allow PRL799, PRL711 — a self-check",
    )
    text = text.replace("date 截止", "# protrules: allow PRL706 — nothing to allow\ndate 截止")
    codes = _codes(text)
    assert ("PRL790", 11) in codes  # no reason (it still allows PRL702)
    assert ("PRL702", 11) not in codes
    assert ("PRL791", 13) in codes  # PRL799 is no lint code
    assert ("PRL792", 6) in codes  # PRL706: nothing to allow
    assert ("PRL711", 16) not in codes


def test_hash_in_a_string_is_not_a_comment() -> None:
    found, problems = suppressions('title: "# protrules: allow PRL702 — x"\n')
    assert found == [] and problems == []


def test_config_severity_and_allow(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    rules = tmp_path / "rules" / "s.prl"
    rules.write_text(_text(), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.protrules.lint]\n"
        'severity = { PRL711 = "error", PRL705 = "info" }\n'
        'allow = { PRL702 = "kept for the assessors" }\n',
        encoding="utf-8",
    )
    config = load_config(find_config(str(rules)))
    found, suppressed = lint_source(_text(), str(rules), config)
    assert [(d.code, d.severity) for d in found] == [("PRL705", "info"), ("PRL711", "error")]
    assert suppressed == 1
    (tmp_path / "pyproject.toml").write_text(
        '[tool.protrules.lint]\nper-file-allow = { "rules/s.prl" = { PRL711 = "self-check" } }\n',
        encoding="utf-8",
    )
    config = load_config(find_config(str(rules)))
    assert [d.code for d in lint_source(_text(), str(rules), config)[0]] == ["PRL705", "PRL702"]
    assert [d.code for d in lint_source(_text(), str(tmp_path / "other.prl"), config)[0]] == [
        "PRL705",
        "PRL702",
        "PRL711",
    ]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('colour = "red"', "unknown key `colour`"),
        ('severity = { PRL711 = "fatal" }', "a severity is one of error, warning, info"),
        ('allow = { PRL702 = "" }', "PRL702 needs a reason"),
        ('allow = { PRL999 = "why" }', "`PRL999` is not a lint code"),
        ("severity = 3", "must be a table of lint codes"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(f"[tool.protrules.lint]\n{table}\n", encoding="utf-8")
    with pytest.raises(LintConfigError, match=message.replace("(", r"\(")):
        load_config(str(path))


def test_cli_json_fail_on_and_config_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.prl").write_text(_text(), encoding="utf-8")
    assert main(["lint", "--format", "json", "s.prl"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "protrules-lint/1"
    assert [(f["code"], f["line"], f["severity"]) for f in data["files"][0]["findings"]] == [
        ("PRL705", 6, "warning"),
        ("PRL702", 10, "warning"),
        ("PRL711", 14, "warning"),
    ]
    assert data["summary"] == {"files": 1, "with_errors": 0, "findings": 3, "failing": 3}
    assert main(["lint", "--fail-on", "error", "s.prl"]) == 0
    capsys.readouterr()
    (tmp_path / "pyproject.toml").write_text("[tool.protrules.lint]\nallow = 1\n", encoding="utf-8")
    assert main(["lint", "s.prl"]) == 2
    assert "must be a table of lint codes" in capsys.readouterr().err
    (tmp_path / "broken.prl").write_text("standard:\n", encoding="utf-8")
    assert main(["lint", "--format", "json", "--config", "none.toml", "broken.prl"]) == 2


def test_apply_keeps_order_and_counts() -> None:
    assert apply([], "", "x.prl") == ([], 0)


@pytest.mark.parametrize("name", ["example.prl", "changning_2023.prl"])
def test_shipped_rule_files_lint_clean_and_every_suppression_has_a_reason(name: str) -> None:
    path = ROOT / "rules" / name
    text = path.read_text(encoding="utf-8")
    config = load_config(find_config(str(path)))
    found, suppressed = lint_source(text, str(path), config)
    assert [f"{d.code} {d.span}: {d.message}" for d in found] == []
    assert suppressed > 0
    comments, problems = suppressions(text, str(path))
    assert problems == [] and all(len(c.reason) >= 10 for c in comments)
    assert all(len(reason) >= 10 for reason in config.allowed(str(path)).values())
