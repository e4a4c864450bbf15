"""The language server, driven over its real protocol (JSON-RPC on stdio, tests/lspclient.py).

Positions are UTF-16 code units: the document has Chinese names and a name with a character of
a supplementary plane (𠀋, two UTF-16 units), so every position after it on its line is one
more than its column in code points.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls")

from protrules.authoring.lsp.positions import Lines, from_utf16, to_utf16
from protrules.language.formatter import format_source
from tests.lspclient import Client, LspError

TEXT = """\
standard "lsp":
    title: "编辑器"
    assessment: 评估期

period 评估期 "评估期" = 2023-04-01 .. 2024-03-31
parameter 𠀋次数 "每年会议次数": integer = 2 source "附件1 1.1.1"

fact meeting "会议":
    date: date "召开日期"
    online: boolean "线上"

area 1 "组织":
    item 1.1 "会议":
        rule 1.1.1 "每年至少召开两次会议":
            clause: "每年至少召开两次会议。"
            require 𠀋次数 <= count(meeting where meeting.date in 评估期)
            require none(meeting where meeting.online)

test "一次":
    facts: "one.json"
    expect 1.1.1 fail
"""
LINES = TEXT.split("\n")


def _at(line: int, text: str, offset: int = 0) -> dict[str, int]:
    """The LSP position (UTF-16) of ``text`` on 0-based ``line``, ``offset`` code points in."""
    index = LINES[line].index(text) + offset
    return {"line": line, "character": to_utf16(LINES[line], index)}


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    c = Client()
    try:
        yield c
    finally:
        c.close()


@pytest.fixture(scope="module")
def uri(client: Client, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("lsp")
    path = folder / "doc.prl"
    path.write_text(TEXT, encoding="utf-8")
    capabilities = client.initialize()["capabilities"]
    for provider in ("hover", "definition", "references", "completion", "documentFormatting", "rename"):
        assert capabilities.get(f"{provider}Provider"), provider
    uri = path.as_uri()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "prl", "version": 1, "text": TEXT}},
    )
    assert client.diagnostics(uri) == []
    return uri


def _doc(uri: str, position: dict[str, int]) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": position}


def test_utf16_conversions() -> None:
    line = "require 𠀋次数 <= 3"
    assert to_utf16(line, 8) == 8  # before 𠀋
    assert to_utf16(line, 9) == 10  # after it: one code point, two units
    assert from_utf16(line, 10) == 9
    assert from_utf16(line, 9) == 8  # inside the surrogate pair: the character it splits
    assert from_utf16(line, 99) == len(line)
    lines = Lines("a\r\n𠀋b\n")
    assert lines.to_lsp(2, 2) == (1, 2) and lines.from_lsp(1, 2) == (2, 2)
    bom = Lines("\ufeffstandard")  # the parser's columns on line 1 start after the mark
    assert bom.to_lsp(1, 1) == (0, 1) and bom.from_lsp(0, 1) == (1, 1)


def test_every_error_at_once_with_the_cli_codes_and_utf16_ranges(client: Client, uri: str) -> None:
    broken = TEXT.replace("meeting.date in", "meeting.dat in").replace(
        "none(meeting where", "none(meting where"
    )
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": broken}]},
    )
    found = client.diagnostics(uri)
    import protrules
    from protrules.language.diagnostics import RuleFileError, Source

    with pytest.raises(RuleFileError) as error:
        protrules.check(protrules.parse(broken, "doc.prl"), Source("doc.prl", broken))
    # The test client's locale is zh-CN: the server speaks Chinese, as the CLI does with --lang zh.
    expected = [(d.code, d.text("zh")) for d in error.value.diagnostics]
    assert len(expected) >= 2
    assert [(d["code"], d["message"].split("\n提示：")[0]) for d in found] == expected
    assert all(d["source"] == "protrules" and d["severity"] == 1 for d in found)
    dat = next(d for d in found if "`dat`" in d["message"])
    hint = next(d for d in error.value.diagnostics if "`dat`" in str(d.message)).hint_text("zh")
    line = broken.split("\n")[15]
    index = line.index("meeting.dat")  # the span is the attribute, as the CLI's caret shows
    assert dat["range"]["start"] == {"line": 15, "character": index + 1}  # 𠀋 counts two
    assert dat["range"]["end"]["character"] == index + 1 + len("meeting.dat")
    assert hint is not None and "`date`" in hint
    assert dat["message"].endswith(f"\n提示：{hint}")
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": TEXT}]},
    )
    assert client.diagnostics(uri) == []


def test_every_syntax_error_at_once(client: Client, uri: str) -> None:
    broken = TEXT.replace("<= count(", "<= <= count(").replace(
        "none(meeting where meeting.online)", "none(，)"
    )
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 20}, "contentChanges": [{"text": broken}]},
    )
    found = client.diagnostics(uri)
    assert [(d["code"], d["range"]["start"]["line"]) for d in found] == [("PRL102", 15), ("PRL101", 16)]
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 21}, "contentChanges": [{"text": TEXT}]},
    )
    assert client.diagnostics(uri) == []


def test_lint_findings_and_suppressions(client: Client, uri: str) -> None:
    unused = TEXT.replace("fact meeting", "date 截止 = 2023-04-30\n\nfact meeting")
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": unused}]},
    )
    (finding,) = client.diagnostics(uri)
    assert (finding["code"], finding["severity"], finding["range"]["start"]) == (
        "PRL705",
        2,
        {"line": 7, "character": 5},
    )
    allowed = unused.replace("2023-04-30\n", "2023-04-30  # protrules: allow PRL705 — documentation\n")
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 5}, "contentChanges": [{"text": allowed}]},
    )
    assert client.diagnostics(uri) == []
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 6}, "contentChanges": [{"text": TEXT}]},
    )
    assert client.diagnostics(uri) == []


def test_hover(client: Client, uri: str) -> None:
    hover = client.request("textDocument/hover", _doc(uri, _at(15, "𠀋次数", 1)))
    assert "**parameter 𠀋次数**: integer — 每年会议次数" in hover["contents"]["value"]
    assert "`2` — source: 附件1 1.1.1" in hover["contents"]["value"]
    assert hover["range"] == {"start": _at(15, "𠀋次数"), "end": _at(15, "𠀋次数", 3)}
    hover = client.request("textDocument/hover", _doc(uri, _at(15, "评估期")))
    assert "2023-04-01 星期六 .. 2024-03-31 星期日 (366 days)" in hover["contents"]["value"]
    hover = client.request("textDocument/hover", _doc(uri, _at(15, "meeting.date", 9)))
    assert hover["contents"]["value"] == "**meeting.date**: date — 召开日期"
    assert hover["range"]["start"] == _at(15, "meeting.date", 8)
    hover = client.request("textDocument/hover", _doc(uri, _at(20, "1.1.1")))
    assert "**rule 1.1.1** 每年至少召开两次会议 — required" in hover["contents"]["value"]
    assert "> 每年至少召开两次会议。" in hover["contents"]["value"]
    assert client.request("textDocument/hover", _doc(uri, _at(15, "require"))) is None


def test_definition_and_references(client: Client, uri: str) -> None:
    found = client.request("textDocument/definition", _doc(uri, _at(15, "meeting.date", 10)))
    assert found == {"uri": uri, "range": {"start": _at(8, "date"), "end": _at(8, "date", 4)}}
    found = client.request("textDocument/definition", _doc(uri, _at(15, "𠀋次数", 2)))
    assert found["range"]["start"] == _at(5, "𠀋次数")
    refs = client.request(
        "textDocument/references", {**_doc(uri, _at(5, "𠀋次数")), "context": {"includeDeclaration": True}}
    )
    assert [r["range"]["start"] for r in refs] == [_at(5, "𠀋次数"), _at(15, "𠀋次数")]
    refs = client.request(
        "textDocument/references", {**_doc(uri, _at(7, "meeting")), "context": {"includeDeclaration": False}}
    )
    assert [r["range"]["start"]["line"] for r in refs] == [15, 15, 16, 16]
    refs = client.request(
        "textDocument/references", {**_doc(uri, _at(13, "1.1.1")), "context": {"includeDeclaration": False}}
    )
    assert [r["range"]["start"] for r in refs] == [_at(20, "1.1.1")]


def _labels(result: dict[str, Any]) -> list[str]:
    return [item["label"] for item in result["items"]]


def test_a_rules_own_names(client: Client, uri: str) -> None:
    text = TEXT.replace(
        "            require none(meeting where meeting.online)",
        "            let 线上 = meeting as 会 where 会.online\n            require none(线上)",
    )
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 30}, "contentChanges": [{"text": text}]},
    )
    assert client.diagnostics(uri) == []
    lines = text.split("\n")
    use = {"line": 17, "character": lines[17].index("线上") + 1}
    found = client.request("textDocument/definition", _doc(uri, use))
    assert found["range"]["start"] == {"line": 16, "character": lines[16].index("线上")}
    hover = client.request("textDocument/hover", _doc(uri, use))
    assert hover["contents"]["value"] == "`let 线上 = meeting as 会 where 会.online`"
    alias = {"line": 16, "character": lines[16].index("会.online")}
    refs = client.request(
        "textDocument/references", {**_doc(uri, alias), "context": {"includeDeclaration": True}}
    )
    assert [r["range"]["start"]["character"] for r in refs] == [
        lines[16].index("会 where"),
        alias["character"],
    ]
    result = client.request("textDocument/rename", {**_doc(uri, use), "newName": "网上会议"})
    assert [e["range"]["start"]["line"] for e in result["changes"][uri]] == [16, 17]
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 31}, "contentChanges": [{"text": TEXT}]},
    )
    assert client.diagnostics(uri) == []


def test_completion(client: Client, uri: str) -> None:
    typing = TEXT.replace("meeting.online)", "meeting.)")
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 7}, "contentChanges": [{"text": typing}]},
    )
    client.diagnostics(uri)  # a syntax error now; completion uses the last text that parsed
    line = typing.split("\n")[16]
    position = {"line": 16, "character": to_utf16(line, line.index("meeting.)") + len("meeting."))}
    fields = client.request("textDocument/completion", _doc(uri, position))
    assert sorted(_labels(fields)) == ["date", "online"]
    everything = _labels(client.request("textDocument/completion", _doc(uri, {"line": 16, "character": 12})))
    assert {"require", "count", "𠀋次数", "评估期", "meeting", "pass", "working_days_between"} <= set(
        everything
    )
    items = client.request("textDocument/completion", _doc(uri, {"line": 16, "character": 12}))["items"]
    count = next(item for item in items if item["label"] == "count")
    assert (count["detail"], count["documentation"]) == ("count(facts)", "the number of facts")
    position = {"line": 20, "character": len("    expect ")}
    assert _labels(client.request("textDocument/completion", _doc(uri, position))) == ["1.1.1", "status"]
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 8}, "contentChanges": [{"text": TEXT}]},
    )
    assert client.diagnostics(uri) == []


def test_formatting(client: Client, uri: str) -> None:
    (edit,) = client.request(
        "textDocument/formatting",
        {"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}},
    )
    assert edit["newText"] == format_source(TEXT, "doc.prl")
    assert edit["range"] == {
        "start": {"line": 0, "character": 0},
        "end": {"line": len(LINES), "character": 0},
    }


def test_rename(client: Client, uri: str) -> None:
    position = _at(15, "𠀋次数", 1)
    assert client.request("textDocument/prepareRename", _doc(uri, position)) == {
        "start": _at(15, "𠀋次数"),
        "end": _at(15, "𠀋次数", 3),
    }
    result = client.request("textDocument/rename", {**_doc(uri, position), "newName": "会议次数"})
    edits = result["changes"][uri]
    assert [(e["range"]["start"], e["newText"]) for e in edits] == [
        (_at(5, "𠀋次数"), "会议次数"),
        (_at(15, "𠀋次数"), "会议次数"),
    ]
    result = client.request(
        "textDocument/rename", {**_doc(uri, _at(15, "meeting.date", 9)), "newName": "held"}
    )
    assert [e["range"]["start"]["line"] for e in result["changes"][uri]] == [8, 15]
    for bad, message in (
        ("2x", "is not a name"),
        ("require", "is a keyword"),
        ("评估期", "is already declared"),
    ):
        with pytest.raises(LspError, match=message):
            client.request("textDocument/rename", {**_doc(uri, position), "newName": bad})
    assert client.request("textDocument/prepareRename", _doc(uri, _at(15, "require"))) is None


def test_the_shipped_standard_publishes_no_diagnostics(client: Client) -> None:
    path = Path(__file__).resolve().parent.parent / "rules" / "changning_2023.prl"
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "prl", "version": 1, "text": text}},
    )
    assert client.diagnostics(uri) == []  # its suppressions and pyproject.toml's are read
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []


def test_a_chinese_file_completes_chinese_words(client: Client, tmp_path: Path) -> None:
    """A file in the Chinese dialect is completed with its own words, not the English ones."""
    text = format_source(TEXT, "doc.prl", "zh")
    path = tmp_path / "中文.prl"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "prl", "version": 1, "text": text}},
    )
    assert client.diagnostics(uri) == []
    lines = text.split("\n")
    row = next(i for i, line in enumerate(lines) if line.strip().startswith("要求 没有"))
    items = client.request("textDocument/completion", _doc(uri, {"line": row, "character": 12}))["items"]
    labels = {item["label"] for item in items}
    assert {"要求", "计数", "没有", "通过", "为工作日", "整数", "评估日", "评估期", "meeting"} <= labels
    assert not labels & {"require", "count", "pass", "integer", "as_of"}
    count = next(item for item in items if item["label"] == "计数")
    assert count["detail"] == "count(facts)"
    expect = next(i for i, line in enumerate(lines) if line.strip().startswith("预期 "))
    position = {"line": expect, "character": len("    预期 ")}
    assert _labels(client.request("textDocument/completion", _doc(uri, position))) == ["1.1.1"]
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
