"""The district ledger: facts that hold for every street of a district, kept once.

Some facts are the district's, not a street's: the district's rehabilitation-aid policy for
disabled children (Changning 7.3.1), the district's nursing-allowance policy (7.3.3), the
police and justice bureaus' separate appraisal rules (8.1.1, 8.1.2), and the programme's own
records (applications, the candidate list's publicity, objections, the review panel's
decisions, the naming). They are kept in one ledger, the *district ledger*, whose facts every
street's evaluation sees as if they were in the street's own ledger (docs/facts.md, “The
district ledger”).

A district ledger is an ordinary ledger (a JSON file or a CSV folder). In a folder of ledgers
it is the one named ``_district.json`` (or the CSV folder ``_district/``): the folder's street
ledgers are evaluated with it, and it is not itself a street. :func:`with_district` merges it
into a street's ledger: a fact type either covers is covered, and its rows are the street's
followed by the district's. References stay inside the ledger they are written in. A district
row whose id is also a street row's id, of the same type, is an error: evidence (``type:id``)
would not say which one it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import attrs

from protrules.errors import ProtrulesError
from protrules.facts.model import Ledger
from protrules.i18n import joined, msg

__all__ = ["DISTRICT", "DistrictError", "district_beside", "is_district", "with_district"]

#: The name of a district ledger in a folder of ledgers: ``_district.json`` or ``_district/``.
DISTRICT = "_district"


class DistrictError(ProtrulesError):
    """A district ledger that cannot be merged into a street's (an id both use)."""

    code = "PRL405"  # a duplicate id (facts.ledgers DUPLICATE)


def is_district(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a district ledger by its name (``_district.json``, ``_district/``)."""
    name = os.path.basename(os.path.normpath(os.fspath(path)))
    return name == DISTRICT or name.lower() == f"{DISTRICT}.json"


def district_beside(paths: Iterable[str | os.PathLike[str]]) -> str | None:
    """The district ledger that goes with these FACTS paths: the ``_district`` ledger in a folder
    they name, or in the folder of a ledger they name. None when there is none; an error when
    they lead to two different ones."""
    found: set[str] = set()
    for path in paths:
        name = os.fspath(path)
        if name == "-" or is_district(name):
            continue
        folder = (
            name
            if os.path.isdir(name) and not os.path.exists(os.path.join(name, "entity.csv"))
            else (os.path.dirname(os.path.normpath(name)) or ".")
        )
        for candidate in (os.path.join(folder, f"{DISTRICT}.json"), os.path.join(folder, DISTRICT)):
            if os.path.exists(candidate):
                found.add(os.path.normpath(candidate))
                break
    if len(found) > 1:
        raise DistrictError(
            msg(
                "the ledgers lead to more than one district ledger ({paths}): name one with --district",
                paths=joined(sorted(found)),
            )
        )
    return found.pop() if found else None


def with_district(ledger: Ledger, district: Ledger | None, skip: Iterable[str] = ()) -> Ledger:
    """The street's ledger with the district's facts added (the ledger itself without one);
    ``skip`` names fact types the district keeps for itself (the programme's records).

    The merged ledger is kept with the street's, so that every evaluation of it with that
    district sees the same facts (and gives equal results).
    """
    if district is None:
        return ledger
    skip = frozenset(skip)
    key = ("district", id(district), skip)
    found = ledger.known.get(key)
    if found is not None and found[0] is district:
        merged: Ledger = found[1]
        return merged
    facts = dict(ledger.facts)
    for name, rows in district.facts.items():
        if name in skip:
            continue
        mine = facts.get(name, ())
        taken = {f.id: f for f in mine}
        for fact in rows:
            if fact.id in taken:
                raise DistrictError(
                    msg(
                        "{district}: {type} “{id}” is also in {ledger}: give district rows ids of their own",
                        district=district.origin or msg("the district ledger"),
                        type=name,
                        id=fact.id,
                        ledger=ledger.origin or ledger.id,
                    )
                )
        facts[name] = (*mine, *rows)
    merged = attrs.evolve(ledger, facts=facts, known={})
    ledger.known[key] = (district, merged)
    return merged
