"""Chinese and English: the catalogue is complete, the language is chosen as documented, and no
user-facing message escapes the catalogue."""

from __future__ import annotations

import ast
import builtins
import pickle
from pathlib import Path

import pytest
from tools import messages

from protrules.cli import main
from protrules.cli.main import build_parser
from protrules.i18n import Message, env_language, joined, msg, msgn, render

SOURCE = Path(__file__).resolve().parent.parent / "src" / "protrules"


def test_every_message_has_a_chinese_form_with_the_same_fields() -> None:
    problems = list(messages.problems())
    assert problems == [], "\n".join(problems[:30])


def test_fields_are_compared_in_both_styles() -> None:
    assert messages.fields("unknown field `{name}` of `{type}`") == ["name", "type"]
    assert messages.fields("invalid choice: %(value)r (choose from %(choices)s)") == ["(choices)", "(value)"]
    assert messages.fields("expected %s argument") == [""]


def test_a_message_renders_in_either_language_with_nested_and_list_arguments() -> None:
    inner = msg("error")
    outer = msg("{where}: {message}", where=inner, message=joined(["a", "b"]))
    assert outer.render("en") == "error: a, b"
    assert outer.render("zh") == "错误：a、b"
    assert str(outer) == "error: a, b"
    assert render("verbatim", "zh") == "verbatim"


def test_plural_forms_follow_the_count() -> None:
    assert msgn("{n} error found", "{n} errors found", 1).render("en") == "1 error found"
    assert msgn("{n} error found", "{n} errors found", 3).render("en") == "3 errors found"
    assert msgn("{n} error found", "{n} errors found", 3).render("zh") == "发现 3 个错误"


def test_messages_compare_hash_and_pickle_by_id_and_arguments() -> None:
    a = msg("no such file: {path}", path="x.prl")
    assert a == msg("no such file: {path}", path="x.prl") != msg("no such file: {path}", path="y.prl")
    assert hash(a) == hash(pickle.loads(pickle.dumps(a)))
    assert pickle.loads(pickle.dumps(a)) == a
    assert isinstance(a, Message) and a.render("zh") == "文件不存在：x.prl"


@pytest.mark.parametrize(
    ("env", "wanted"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"}, "zh"),
        ({"LC_ALL": "zh_CN.UTF-8", "LC_MESSAGES": "C"}, "zh"),
        ({"LC_ALL": "", "LANG": "zh_CN"}, "zh"),  # an empty variable is not set (POSIX)
    ],
)
def test_the_locale_decides_in_posix_order(env: dict[str, str], wanted: str) -> None:
    assert env_language(env) == wanted


def test_lang_chooses_over_the_locale(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert main(["check", "missing.prl", "x"]) == 2
    assert capsys.readouterr().err == "protrules：错误：文件不存在：missing.prl\n"
    assert main(["check", "missing.prl", "x", "--lang", "en"]) == 2
    assert capsys.readouterr().err == "protrules: error: no such file: missing.prl\n"
    assert main(["--lang=zh", "check"]) == 2
    assert "缺少以下参数：RULES, FACTS" in capsys.readouterr().err
    assert main(["check", "--lang", "fr"]) == 2
    assert capsys.readouterr().err == "protrules：错误：--lang：未知的语言 `fr`（可选 en、zh）\n"


def test_help_is_chinese_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--help", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：protrules check")
    assert "显示本帮助并退出" in out and "提示和报告的语言（默认随系统语言环境）" in out


def _parsers(parser: object) -> list[object]:
    import argparse

    assert isinstance(parser, argparse.ArgumentParser)
    found: list[object] = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _parsers(sub)
    return found


def test_every_command_takes_lang() -> None:
    import argparse

    for parser in _parsers(build_parser()):
        assert isinstance(parser, argparse.ArgumentParser)
        assert "--lang" in parser._option_string_actions, parser.prog


# ------------------------------------------------------------------ no message escapes the catalogue

#: Calls whose text a person reads: (name, positions of the message arguments, keywords).
_ERRORS = ((0,), ())
_USER_FACING = {
    "Diagnostic": ((1, 3), ("message", "hint")),
    "error": ((1, 3), ("hint",)),
    "warn": ((1, 3), ("hint",)),
    "CliError": _ERRORS,
    "ArgumentTypeError": _ERRORS,
    "add_argument": ((), ("help",)),
    "add_parser": ((), ("help", "description", "epilog")),
    "add": ((1,), ()),  # a ledger's error collector: add(where, message, code)
    "expect": ((3,), ()),  # the type checker's expect(node, type, expr, what)
    "arity": ((1,), ()),
    "FactError": ((1,), ("message",)),
    "_error": ((1,), ()),  # the Parquet reader's _error(where, message)
}
#: Variables that hold a message before it is handed to one of those calls.
_TEXT_NAMES = {"hint", "message"}
#: Modules whose messages are not yet in the catalogue (issue 17, converted module by module).
#: Do not add to this list: write ``msg("…", name=value)`` for a new message (docs/i18n.md).
NOT_YET: set[str] = set()  # every module speaks through the catalogue now


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _is_text(node: ast.expr) -> bool:
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    if isinstance(node, ast.JoinedStr):
        return True
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(c.isalpha() for c in node.value)
    )


def untranslated(path: Path) -> list[str]:
    """Text literals and f-strings handed straight to a call whose text a person reads."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign | ast.AnnAssign):  # hint = f"…" handed on later
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if node.value is not None and set(names) & _TEXT_NAMES:
                values = (
                    [node.value.body, node.value.orelse]
                    if isinstance(node.value, ast.IfExp)
                    else [node.value]
                )
                found += [
                    f"{path.relative_to(SOURCE)}:{v.lineno}: {names[0]} = {ast.unparse(v)[:60]}"
                    for v in values
                    if _is_text(v)
                ]
        if not isinstance(node, ast.Call):
            continue
        name = _name(node)
        ours = name.endswith("Error") and not hasattr(builtins, name)  # not a programmer's ValueError
        positions, keywords = _USER_FACING.get(name, _ERRORS if ours else ((), ()))
        args = [node.args[i] for i in positions if i < len(node.args)]
        args += [k.value for k in node.keywords if k.arg in keywords]
        found += [
            f"{path.relative_to(SOURCE)}:{a.lineno}: {name}({ast.unparse(a)[:60]})"
            for a in args
            if _is_text(a)
        ]
    return found


def test_user_facing_text_goes_through_the_catalogue() -> None:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if str(path.relative_to(SOURCE)) not in NOT_YET:
            found += untranslated(path)
    assert found == [], "write msg('…', name=value) (docs/i18n.md):\n" + "\n".join(found)


def test_the_not_yet_list_names_only_modules_that_still_need_it() -> None:
    done = [
        name for name in sorted(NOT_YET) if not (SOURCE / name).exists() or not untranslated(SOURCE / name)
    ]
    assert done == [], f"converted: remove from NOT_YET: {done}"


def test_the_systems_own_reasons_are_translated(tmp_path: Path) -> None:
    from protrules.language.diagnostics import RuleFileError
    from protrules.language.parser import parse_file

    missing = str(tmp_path / "missing.prl")
    with pytest.raises(RuleFileError) as info:
        parse_file(missing)
    english = f"error[PRL001]: cannot read {missing}: no such file or directory"
    assert info.value.render("en").startswith(english)
    assert info.value.render("zh").startswith(f"错误[PRL001]: 无法读取 {missing}：文件或目录不存在")
    with pytest.raises(RuleFileError) as info:
        parse_file(str(tmp_path))
    assert "：是目录" in info.value.render("zh")


def test_chinese_help_is_wrapped_to_the_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from protrules.output import display_width, wrap

    monkeypatch.setenv("COLUMNS", "80")
    for command in ("check", "explain", "rank", "due", "test", "fmt", "lint", "diff", "report", "calendar"):
        assert main([command, "--help", "--lang", "zh"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert max(display_width(line) for line in lines if "protrules " not in line) <= 80, command
    # Chinese breaks between characters, never before closing punctuation.
    text = "台账：.json 文件、CSV 文件夹（-：标准输入）。"
    lines = wrap(text, 12)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "") and len(lines) == 4
    assert all(display_width(line) <= 12 for line in lines[:-1])
    assert lines[-1].endswith("）。")  # punctuation stays with the line before it
