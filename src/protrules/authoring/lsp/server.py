"""The language server over stdio (``protrules lsp``), on pygls.

Diagnostics are published on open, on every change and on save — every error the parser and
checker find, or, once the file checks, its lint findings with the file's suppressions and
``[tool.protrules.lint]`` applied: the codes and messages ``protrules check`` and
``protrules lint`` print. Hover, go to definition, find references, completion, formatting
and rename read :mod:`.analysis`. Positions are converted by :mod:`.positions` (LSP counts
UTF-16 code units; a rule file is Chinese text, and a supplementary-plane character is two).
The client's ``locale`` (``initialize``) is kept as the language of messages.
"""

from __future__ import annotations

import re
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from protrules._version import __version__
from protrules.authoring.lsp.analysis import NAME, RULE_ID, Analysis, Occurrence, analyse
from protrules.authoring.lsp.positions import Lines
from protrules.authoring.suppress import LintConfigError, find_config, load_config
from protrules.authoring.vocabulary import vocabulary
from protrules.i18n import check_language, msg
from protrules.language import nodes as n
from protrules.language.diagnostics import Diagnostic, Span
from protrules.language.dialects import detect_dialect

__all__ = ["PrlServer", "diagnostic_message", "make_server"]

_SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
}
_SYMBOL_KINDS = {
    "fact": lsp.CompletionItemKind.Class,
    "field": lsp.CompletionItemKind.Field,
    "parameter": lsp.CompletionItemKind.Constant,
    "period": lsp.CompletionItemKind.Variable,
    "vacation": lsp.CompletionItemKind.Variable,
    "date": lsp.CompletionItemKind.Variable,
    "date set": lsp.CompletionItemKind.Variable,
    "enum": lsp.CompletionItemKind.Enum,
    "define": lsp.CompletionItemKind.Variable,
    "rule": lsp.CompletionItemKind.Reference,
}
_ATTRIBUTE = re.compile(r"([^\W\d]\w*)\.([^\W\d]\w*)?$")
_EXPECT = re.compile(r"^\s*(?:expect|预期)\s+(\S*)$")


def diagnostic_message(diagnostic: Diagnostic, lang: str | None = None) -> str:
    """A diagnostic's text as an editor shows it: the message the CLI prints, then its hint.

    One place renders it, given the client's language, so a message catalogue serves the
    command line and the editor alike."""
    try:
        language = check_language(lang or "en")
    except ValueError:  # a client language protrules does not speak
        language = "en"
    hint = diagnostic.hint_text(language)
    note = msg("hint: {hint}", hint=hint).render(language) if hint else ""
    return diagnostic.text(language) + (f"\n{note}" if note else "")


class PrlServer(LanguageServer):
    """The server: one :class:`Analysis` per open document, the last that parsed kept for
    completion while the text is broken."""

    def __init__(self) -> None:
        super().__init__("protrules", __version__)
        self.analyses: dict[str, Analysis] = {}
        self.parsed: dict[str, Analysis] = {}
        self.lang: str | None = None

    def analyse(self, uri: str) -> Analysis:
        document = self.workspace.get_text_document(uri)
        name = document.path or uri
        try:
            config = load_config(find_config(name)) if document.path else None
        except LintConfigError:
            config = None
        result = analyse(document.source, name, config)
        self.analyses[uri] = result
        if result.module is not None:
            self.parsed[uri] = result
        return result

    def current(self, uri: str) -> Analysis:
        return self.analyses.get(uri) or self.analyse(uri)

    def publish(self, uri: str, version: int | None = None) -> None:
        result = self.analyse(uri)
        lines = Lines(result.text)
        items = [self.to_lsp_diagnostic(d, lines) for d in result.diagnostics]
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version)
        )

    def to_lsp_diagnostic(self, d: Diagnostic, lines: Lines) -> lsp.Diagnostic:
        return lsp.Diagnostic(
            range=to_range(d.span, lines),
            message=diagnostic_message(d, self.lang),
            severity=_SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Error),
            code=d.code,
            source="protrules",
        )


def to_range(span: Span | None, lines: Lines) -> lsp.Range:
    """An LSP range (UTF-16) of a parser span; a span without width covers one character."""
    if span is None:
        return lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
    start = lines.to_lsp(span.line, span.column)
    end_line, end_column = span.end_line, span.end_column
    if (end_line, end_column) <= (span.line, span.column):
        end_line, end_column = span.line, span.column + 1
    end = lines.to_lsp(end_line, end_column)
    return lsp.Range(lsp.Position(*start), lsp.Position(*end))


def _occurrence(ls: PrlServer, uri: str, position: lsp.Position) -> tuple[Analysis, Occurrence | None]:
    result = ls.current(uri)
    line, column = Lines(result.text).from_lsp(position.line, position.character)
    return result, result.at(line, column)


def _location(uri: str, span: Span, lines: Lines) -> lsp.Location:
    return lsp.Location(uri=uri, range=to_range(span, lines))


def make_server() -> PrlServer:
    """A server with every feature registered (not started)."""
    server = PrlServer()

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: PrlServer, params: lsp.InitializedParams) -> None:
        del params

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: PrlServer, params: lsp.InitializeParams) -> None:
        ls.lang = params.locale

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PrlServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri, params.text_document.version)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PrlServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.publish(params.text_document.uri, params.text_document.version)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PrlServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PrlServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.analyses.pop(uri, None)
        ls.parsed.pop(uri, None)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: PrlServer, params: lsp.HoverParams) -> lsp.Hover | None:
        result, found = _occurrence(ls, params.text_document.uri, params.position)
        symbol = result.symbols.get(found.key) if found is not None else None
        if found is None or symbol is None or not symbol.hover:
            return None
        content = lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=symbol.hover)
        return lsp.Hover(contents=content, range=to_range(found.span, Lines(result.text)))

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: PrlServer, params: lsp.DefinitionParams) -> lsp.Location | None:
        result, found = _occurrence(ls, params.text_document.uri, params.position)
        symbol = result.symbols.get(found.key) if found is not None else None
        if symbol is None:
            return None
        return _location(params.text_document.uri, symbol.span, Lines(result.text))

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    def references(ls: PrlServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
        result, found = _occurrence(ls, params.text_document.uri, params.position)
        if found is None:
            return []
        lines = Lines(result.text)
        uses = result.uses(found.key, declaration=params.context.include_declaration)
        return [_location(params.text_document.uri, o.span, lines) for o in uses]

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[".", " "]))
    def completion(ls: PrlServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        uri = params.text_document.uri
        document = ls.workspace.get_text_document(uri)
        lines = Lines(document.source)
        line, column = lines.from_lsp(params.position.line, params.position.character)
        before = lines.line(line)[: column - 1]
        result = ls.parsed.get(uri) or ls.current(uri)
        return lsp.CompletionList(is_incomplete=False, items=complete(result, before, line))

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: PrlServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
        from protrules.language.diagnostics import RuleFileError
        from protrules.language.formatter import format_source

        document = ls.workspace.get_text_document(params.text_document.uri)
        try:
            formatted = format_source(document.source, document.path or params.text_document.uri)
        except RuleFileError:
            return None  # the diagnostics say why; nothing is changed
        if formatted == document.source:
            return []
        lines = Lines(document.source)
        end = lsp.Position(len(lines.lines), 0)
        return [lsp.TextEdit(range=lsp.Range(lsp.Position(0, 0), end), new_text=formatted)]

    @server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(ls: PrlServer, params: lsp.PrepareRenameParams) -> lsp.Range | None:
        result, found = _occurrence(ls, params.text_document.uri, params.position)
        if found is None or found.key not in result.symbols:
            return None
        return to_range(found.span, Lines(result.text))

    @server.feature(lsp.TEXT_DOCUMENT_RENAME)
    def rename(ls: PrlServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
        result, found = _occurrence(ls, params.text_document.uri, params.position)
        if found is None or found.key not in result.symbols:
            return None
        new = params.new_name
        _check_new_name(result, found.key, new)
        lines = Lines(result.text)
        edits = [lsp.TextEdit(range=to_range(o.span, lines), new_text=new) for o in result.uses(found.key)]
        return lsp.WorkspaceEdit(changes={params.text_document.uri: edits})

    return server


def _check_new_name(result: Analysis, key: str, new: str) -> None:
    symbol = result.symbols[key]
    pattern = RULE_ID if symbol.kind == "rule" else NAME
    if not pattern.fullmatch(new):
        what = (
            "a rule id such as 2.1.3"
            if symbol.kind == "rule"
            else "a name (a letter, then letters, digits, _)"
        )
        raise JsonRpcInvalidParams(f"`{new}` is not {what}")
    if symbol.kind != "rule" and vocabulary().category(new) in ("declaration", "keyword", "operator"):
        raise JsonRpcInvalidParams(f"`{new}` is a keyword of the language")
    if symbol.kind == "field":
        fact = symbol.name.split(".")[0]
        taken = f"field:{fact}.{new}" in result.symbols
    elif symbol.kind == "rule":
        taken = f"rule:{new}" in result.symbols
    else:
        rule = symbol.key.split(":")[1] if symbol.kind == "local" else None
        taken = any(
            s.name == new
            for s in result.symbols.values()
            if s.kind not in ("field", "rule", "local") or (s.kind == "local" and s.key.split(":")[1] == rule)
        )
    if taken:
        raise JsonRpcInvalidParams(f"`{new}` is already declared")


# ------------------------------------------------------------------ completion


def complete(result: Analysis, before: str, line: int) -> list[lsp.CompletionItem]:
    """Completions for the text of a line before the cursor."""
    attribute = _ATTRIBUTE.search(before)
    if attribute is not None:
        fact = _fact_of(result, attribute.group(1), line)
        fields = result.fields_of(fact) if fact else [s for s in result.symbols.values() if s.kind == "field"]
        seen: dict[str, lsp.CompletionItem] = {}
        for s in fields:
            name = s.name.split(".", 1)[1]
            seen.setdefault(name, _item(name, "field", s.hover))
        return list(seen.values())
    # the words of the file's own dialect (docs/language.md, "The Chinese dialect")
    dialect = result.module.dialect if result.module is not None else detect_dialect(result.text)
    expect = _EXPECT.search(before)
    if expect is not None:
        rules = [_item(s.name, "rule", s.hover) for s in result.symbols.values() if s.kind == "rule"]
        if dialect == "zh":
            return rules
        return [*rules, lsp.CompletionItem(label="status", kind=lsp.CompletionItemKind.Keyword)]
    items = [
        _item(s.name, s.kind, s.hover) for s in result.symbols.values() if s.kind not in ("field", "rule")
    ]
    vocab = vocabulary(dialect)
    for category, words in vocab.words.items():
        if category == "function":
            items += [_function(w) for w in words]
        else:
            kind = lsp.CompletionItemKind.Keyword
            items += [lsp.CompletionItem(label=w, kind=kind, detail=category) for w in words]
    items += [
        lsp.CompletionItem(label=t, kind=lsp.CompletionItemKind.TypeParameter, detail="type")
        for t in vocab.types
    ]
    items += [
        lsp.CompletionItem(label=b, kind=lsp.CompletionItemKind.Variable, detail="built-in")
        for b in vocab.builtins
    ]
    return items


def _function(name: str) -> lsp.CompletionItem:
    from protrules.language.functions import FUNCTIONS, FUNCTIONS_ZH

    known = FUNCTIONS.get(name) or FUNCTIONS_ZH.get(name)
    detail = known.usage if known is not None else "function"
    doc = known.summary if known is not None else None
    return lsp.CompletionItem(
        label=name, kind=lsp.CompletionItemKind.Function, detail=detail, documentation=doc
    )


def _item(label: str, kind: str, hover: str) -> lsp.CompletionItem:
    doc = lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=hover) if hover else None
    return lsp.CompletionItem(
        label=label, kind=_SYMBOL_KINDS.get(kind, lsp.CompletionItemKind.Text), detail=kind, documentation=doc
    )


def _fact_of(result: Analysis, name: str, line: int) -> str | None:
    """The fact type of ``name`` written on ``line``: a fact type, or a rule's variable bound to one."""
    if f"fact:{name}" in result.symbols:
        return name
    if result.module is None:
        return None
    for rule in _enclosing_rules(result.module.declarations, line):
        found = _bound(rule.body, name, result)
        if found:
            return found
    return None


def _enclosing_rules(decls: Any, line: int) -> list[n.Rule]:
    out: list[n.Rule] = []
    for decl in decls:
        if isinstance(decl, n.Area | n.Item):
            out += _enclosing_rules(decl.children if isinstance(decl, n.Area) else decl.rules, line)
        elif (
            isinstance(decl, n.Rule)
            and decl.span is not None
            and decl.span.line <= line <= decl.span.end_line
        ):
            out.append(decl)
    return out


def _source_fact(expr: Any, result: Analysis) -> str | None:
    if isinstance(expr, n.Select):
        return _source_fact(expr.source, result)
    if isinstance(expr, n.Name) and f"fact:{expr.name}" in result.symbols:
        return expr.name
    return None


def _bound(body: Any, name: str, result: Analysis) -> str | None:
    from protrules.authoring.lsp.analysis import _exprs

    for stmt in body:
        if isinstance(stmt, n.ForFacts) and stmt.var == name:
            return _source_fact(stmt.source, result) or (name if f"fact:{name}" in result.symbols else None)
        if isinstance(stmt, n.Let) and stmt.name == name:
            return _source_fact(stmt.value, result)
        if isinstance(stmt, n.ForFacts | n.ForPeriods):
            found = _bound(stmt.body, name, result)
            if found:
                return found
    for expr in _exprs(body):
        if isinstance(expr, n.Select) and expr.alias == name:
            return _source_fact(expr.source, result)
    return None


def main() -> None:
    """Serve over stdio until the client says exit."""
    make_server().start_io()
