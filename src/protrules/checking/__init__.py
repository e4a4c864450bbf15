"""The checking stage: syntax tree → checked program.

In: a rule file's syntax tree (:mod:`protrules.language.nodes`). Out: the checked program
(:class:`~protrules.checking.ir.Program`) — every name resolved, every expression typed, each
rule carrying its id, title and clause — or one :class:`~protrules.language.diagnostics.RuleFileError`
listing every problem at once, sorted by position.
"""
