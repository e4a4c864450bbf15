"""The compiling stage: checked program → Python that evaluates it, and the rule set that runs it.

In: a checked program (:class:`~protrules.checking.ir.Program`). Out: a
:class:`~protrules.compiling.ruleset.RuleSet`, built once and reused for any number of ledgers,
and the cache of checked programs (:mod:`.cache`).
"""
