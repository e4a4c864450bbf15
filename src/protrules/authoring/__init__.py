"""The author's tools: what helps a policy author write a rule file well.

In: a rule file (text, syntax tree and checked program). Out: findings — lint warnings with
stable ``PRL7xx`` codes (:mod:`.lint`).
"""
