"""The language stage: ``.prl`` text ⇄ syntax tree.

In: the text of a rule file. Out: its surface syntax tree (:mod:`protrules.language.nodes`), or
located diagnostics (:mod:`protrules.language.diagnostics`) saying what is wrong; and back, the
one canonical layout of a tree (:mod:`protrules.language.formatter`). The grammar is package data
(``grammar/prl.lark``). Nothing here knows what a name means: that is the checking stage's job.
"""
