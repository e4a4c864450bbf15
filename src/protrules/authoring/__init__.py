"""The author's tools: what helps a policy author write a rule file well.

In: a rule file (text, syntax tree and checked program). Out: findings — lint warnings with
stable ``PRL7xx`` codes (:mod:`.lint`) that suppression comments and ``[tool.protrules.lint]``
may allow (:mod:`.suppress`) — and the editor's tools built on the same parser.
"""
