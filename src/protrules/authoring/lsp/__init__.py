"""The protrules language server (``protrules lsp``): the editor's view of a rule file.

:mod:`.positions` converts between the parser's positions (1-based lines and columns in code
points) and LSP's (0-based lines, UTF-16 code units); :mod:`.analysis` reads a document once —
diagnostics, the declarations and every place each is used — and answers hover, definition,
references, completion and rename from that; :mod:`.server` is the pygls wiring. Only the
server needs pygls (the ``lsp`` extra).
"""
