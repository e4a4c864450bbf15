"""The evaluation stage: what verdicts are made of, and the reference interpreter.

In: a checked program and a ledger. Out: verdicts — :class:`~protrules.evaluation.results.Check`,
:class:`~protrules.evaluation.results.RuleResult`, :class:`~protrules.evaluation.results.EntityResult`.
It holds the run-time values and operations every evaluator shares (:mod:`.runtime`), where
checks go while a rule runs (:mod:`.tally`), the ledger indexes selections use (:mod:`.indexes`)
and the reference interpreter (:mod:`.reference`), which walks the checked program and is the
independent oracle the compiled path is tested against. Generated code calls into this stage,
so it sits below the compiling stage.
"""
