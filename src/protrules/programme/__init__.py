"""The programme stage: what a district does with the verdicts.

In: entity results from a rule set. Out: the programme's decisions — ranking and the named
streets (:mod:`.ranking`), obligations falling due (:mod:`.due`).
"""
