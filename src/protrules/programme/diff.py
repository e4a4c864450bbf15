"""Two versions of a standard side by side: what changed, and what the change would do.

A standard is revised every year or two; before a district publishes a revision it wants to
know which streets the revision would fail. :func:`compare` matches the two versions' rules by
id and reports the clauses added, removed and changed — title, clause text, reading (the
note and the rule's logic), weight, kind, place — the parameters added, removed and changed
(values, effective dates, citations) and the other declarations a rule reads (definitions,
periods, fact types …). With ledgers it evaluates both versions on the same day and reports
the impact: every (entity, rule) verdict that flips and every entity whose status, score,
rank or naming changes. OpenFisca calls this a reform; here it is two rule files.

The result is data (attrs classes); :mod:`protrules.report.diff` renders it as text, JSON
(``protrules-diff/1``) and a section of the district report.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor
from decimal import Decimal

import attrs

from protrules.checking.ir import ParamDef, Program
from protrules.checking.parameters import value_text
from protrules.compiling.ruleset import RuleSet
from protrules.evaluation.findings import Reason
from protrules.evaluation.results import EntityResult
from protrules.facts.model import Ledger
from protrules.language import nodes as n
from protrules.language.formatter import format_module
from protrules.language.parser import parse
from protrules.programme.ranking import Ranking, for_ranking

__all__ = [
    "ClauseChange",
    "DeclarationChange",
    "Diff",
    "EntityChange",
    "FieldChange",
    "Impact",
    "ParameterChange",
    "VerdictFlip",
    "Version",
    "compare",
]

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

#: The fields of a clause compared, in the order reports list them.
CLAUSE_FIELDS = ("title", "clause", "note", "logic", "weight", "kind", "place")


@attrs.frozen
class Version:
    """One side of the comparison: the standard as its header names it, and its file."""

    id: str
    title: str
    version: str | None
    source: str


@attrs.frozen
class FieldChange:
    """One field of a clause that differs: ``logic`` holds the rule's statements as
    ``protrules fmt`` writes them (so layout never counts as a change)."""

    field: str
    old: str
    new: str

    def lines(self) -> list[str]:
        """For ``logic``: the unified diff of the statements, ``-``/``+``/`` `` prefixed."""
        return [
            line
            for line in difflib.unified_diff(self.old.splitlines(), self.new.splitlines(), lineterm="", n=1)
            if not line.startswith(("---", "+++", "@@"))
        ]


@attrs.frozen
class ClauseChange:
    """A clause (rule) added, removed or changed, matched by its id."""

    rule: str
    change: str  # added | removed | changed
    title: str
    fields: tuple[FieldChange, ...] = ()


@attrs.frozen
class ParameterChange:
    """A parameter added, removed, or with other values, effective dates or citations.

    Each side is its values as (effective date or None, value as a rule file writes it,
    citation), in date order."""

    name: str
    change: str
    title: str | None
    old: tuple[tuple[dt.date | None, str, str | None], ...]
    new: tuple[tuple[dt.date | None, str, str | None], ...]


@attrs.frozen
class DeclarationChange:
    """Another declaration a rule may read — a definition, period, date, fact type, enum,
    vacation, notice — added, removed or rewritten; ``old``/``new`` as ``protrules fmt``
    writes it."""

    kind: str
    name: str
    change: str
    old: str
    new: str


@attrs.frozen
class VerdictFlip:
    """One entity's verdict of one rule that differs between the versions (``None``: the
    rule is not in that version)."""

    entity: str
    name: str
    rule: str
    title: str
    old: str | None
    new: str | None
    reason: str  # the new version's reason (the old one's for a removed rule), the author's form
    #: The same reason as data, and the program it is worded from (a report says it in plain words).
    why: Reason | None = attrs.field(default=None, eq=False, repr=False)
    program: Program | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class EntityChange:
    """An entity whose status, score, rank or naming differs between the versions."""

    entity: str
    name: str
    old_status: str
    new_status: str
    old_score: Decimal | None
    new_score: Decimal | None
    old_position: int | None  # None: excluded (vetoed), or not ranked (did not apply)
    new_position: int | None
    old_named: bool
    new_named: bool
    flips: int
    #: Ranked at all: under a programme only the streets that applied are (docs/domain.md).
    old_applied: bool = True
    new_applied: bool = True


@attrs.frozen
class Impact:
    """What the new version would do to the ledgers, both evaluated as of ``as_of``."""

    as_of: dt.date
    entities: int
    flips: tuple[VerdictFlip, ...]
    changes: tuple[EntityChange, ...]
    old_named: tuple[tuple[str, str], ...]  # (id, name) of the named entities, best first
    new_named: tuple[tuple[str, str], ...]


@attrs.frozen
class Diff:
    """Everything that differs between two versions of a standard."""

    old: Version
    new: Version
    clauses: tuple[ClauseChange, ...]
    unchanged: int  # clauses in both versions with nothing changed
    parameters: tuple[ParameterChange, ...]
    declarations: tuple[DeclarationChange, ...]
    impact: Impact | None = None
    #: Parameters set for the new version's evaluation (a what-if): (name, value, published).
    overrides: tuple[tuple[str, str, str], ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing differs: no clause, parameter or declaration, and no verdict or entity."""
        changes = self.impact is not None and (self.impact.flips or self.impact.changes)
        return not (self.clauses or self.parameters or self.declarations or changes)


# ------------------------------------------------------------------ comparing


def compare(
    old: RuleSet,
    new: RuleSet,
    ledgers: Iterable[Ledger | str | os.PathLike[str]] | None = None,
    *,
    as_of: dt.date | None = None,
    executor: Executor | None = None,
) -> Diff:
    """What differs between ``old`` and ``new``, and, given ledgers (or their paths), what the
    new version would do to them.

    Both versions evaluate every ledger as of the same day, ``as_of`` or by default the end of
    the old version's assessment period. A path is read by each version with its own fact
    declarations, so a ledger the new version's declarations refuse is an error
    (:class:`~protrules.facts.FactErrors`). ``executor`` evaluates in parallel as
    :meth:`RuleSet.evaluate_many` does."""
    old_p, new_p = old.program, new.program
    clauses, unchanged = _clauses(old_p, new_p)
    impact = None
    if ledgers is not None:
        day = as_of or old.default_as_of()
        from protrules.facts.ledgers import ledger_paths

        items: list[Ledger | str] = []
        for item in ledgers:  # a folder of ledgers names each of them
            items += [item] if isinstance(item, Ledger) else ledger_paths([item])
        before = list(old.evaluate_many(items, day, checks=False, executor=executor))
        after = list(new.evaluate_many(items, day, checks=False, executor=executor))
        impact = _impact(old, new, before, after, day)
    return Diff(
        old=_version(old_p),
        new=_version(new_p),
        clauses=clauses,
        unchanged=unchanged,
        parameters=_parameters(old_p.params, new_p.params),
        declarations=_declarations(old_p, new_p),
        impact=impact,
        overrides=tuple(
            (name, value_text(new_p.params[name].type, value), new_p.published.get(name, ""))
            for name, value in new_p.overrides
        ),
    )


def _version(program: Program) -> Version:
    version = program.settings.get("version")
    shown = str(version) if version is not None else None
    return Version(program.id, program.title, shown, program.source_name)


# -- clauses


def _rule_nodes(program: Program) -> dict[str, n.Rule]:
    """The rules of the program's source as written (parsed again: the checked program keeps
    no syntax), by id; none when the program has no source text."""
    if not program.source_text:
        return {}
    module = parse(program.source_text, program.source_name or "<rules>")
    found: dict[str, n.Rule] = {}
    for decl in module.declarations:
        children: Sequence[n.Decl] = (decl,)
        if isinstance(decl, n.Area):
            children = [r for c in decl.children for r in (c.rules if isinstance(c, n.Item) else (c,))]
        for child in children:
            if isinstance(child, n.Rule):
                found[child.id] = child
    return found


def _logic(rule: n.Rule | None) -> str:
    """A rule's statements as ``protrules fmt`` writes them (settings and layout left out)."""
    if rule is None:
        return ""
    text = format_module(n.Module((attrs.evolve(rule, settings=(), title=""),)))
    return "\n".join(line[4:] for line in text.splitlines()[1:]) + "\n"


def _clauses(old: Program, new: Program) -> tuple[tuple[ClauseChange, ...], int]:
    old_nodes, new_nodes = _rule_nodes(old), _rule_nodes(new)
    old_rules = {r.id: r for r in old.rules}
    out: list[ClauseChange] = []
    unchanged = 0
    new_ids = {r.id for r in new.rules}
    for rule in new.rules:
        before = old_rules.get(rule.id)
        if before is None:
            out.append(ClauseChange(rule.id, ADDED, rule.title))
            continue
        sides = {
            "title": (before.title, rule.title),
            "clause": (before.clause, rule.clause),
            "note": (before.note or "", rule.note or ""),
            "logic": (_logic(old_nodes.get(rule.id)), _logic(new_nodes.get(rule.id))),
            "weight": (str(before.weight), str(rule.weight)),
            "kind": (before.kind, rule.kind),
            "place": (_place(old, before.area, before.item), _place(new, rule.area, rule.item)),
        }
        fields = tuple(FieldChange(f, *sides[f]) for f in CLAUSE_FIELDS if sides[f][0] != sides[f][1])
        if fields:
            out.append(ClauseChange(rule.id, CHANGED, rule.title, fields))
        else:
            unchanged += 1
    out += [ClauseChange(r.id, REMOVED, r.title) for r in old.rules if r.id not in new_ids]
    return tuple(sorted(out, key=lambda c: _id_key(c.rule))), unchanged


def _place(program: Program, area: str, item: str | None) -> str:
    where = f"{area} {program.areas.get(area, '')}".strip()
    if item:
        where += f" → {item} {program.items.get(item, '')}".rstrip()
    return where


def _id_key(rule_id: str) -> tuple[tuple[int, int | str], ...]:
    """Rule ids in the standard's order: 2.1.10 after 2.1.9, numbers before letters (N.1)."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in rule_id.split("."))


# -- parameters and other declarations


def _values(param: ParamDef) -> tuple[tuple[dt.date | None, str, str | None], ...]:
    return tuple((since, value_text(param.type, value), source) for since, value, source in param.values)


def _parameters(old: Mapping[str, ParamDef], new: Mapping[str, ParamDef]) -> tuple[ParameterChange, ...]:
    out: list[ParameterChange] = []
    for name, param in new.items():
        before = old.get(name)
        if before is None:
            out.append(ParameterChange(name, ADDED, param.title, (), _values(param)))
        elif _values(before) != _values(param) or before.type != param.type:
            out.append(ParameterChange(name, CHANGED, param.title, _values(before), _values(param)))
    out += [ParameterChange(k, REMOVED, p.title, _values(p), ()) for k, p in old.items() if k not in new]
    return tuple(out)


_DECLARATIONS: Mapping[type, str] = {
    n.Define: "define",
    n.FactDecl: "fact",
    n.EnumDecl: "enum",
    n.PeriodDecl: "period",
    n.DateDecl: "date",
    n.DatesDecl: "dates",
    n.VacationDecl: "vacation",
    n.NoticeDecl: "notice",
}


def _declared(program: Program) -> dict[tuple[str, str], str]:
    """(kind, name) → the declaration as ``protrules fmt`` writes it."""
    if not program.source_text:
        return {}
    module = parse(program.source_text, program.source_name or "<rules>")
    out: dict[tuple[str, str], str] = {}
    for decl in module.declarations:
        kind = _DECLARATIONS.get(type(decl))
        if kind is not None:
            name = str(decl.year) if isinstance(decl, n.NoticeDecl) else str(getattr(decl, "name", ""))
            out[(kind, name)] = format_module(n.Module((decl,))).rstrip("\n")
    return out


def _declarations(old: Program, new: Program) -> tuple[DeclarationChange, ...]:
    before, after = _declared(old), _declared(new)
    out: list[DeclarationChange] = []
    for key, text in after.items():
        if key not in before:
            out.append(DeclarationChange(*key, ADDED, "", text))
        elif before[key] != text:
            out.append(DeclarationChange(*key, CHANGED, before[key], text))
    out += [DeclarationChange(*key, REMOVED, text, "") for key, text in before.items() if key not in after]
    return tuple(out)


# -- impact


def _impact(
    old_rules: RuleSet,
    new_rules: RuleSet,
    before: list[EntityResult],
    after: list[EntityResult],
    as_of: dt.date,
) -> Impact:
    old, new = old_rules.program, new_rules.program
    titles = {r.id: r.title for r in old.rules} | {r.id: r.title for r in new.rules}
    old_rank = _ranking(before, old, old_rules.district, as_of)
    new_rank = _ranking(after, new, new_rules.district, as_of)
    flips: list[VerdictFlip] = []
    changes: list[EntityChange] = []
    order = [r.id for r in new.rules] + [r.id for r in old.rules if new.rule(r.id) is None]
    for first, second in zip(before, after, strict=True):
        assert first.entity == second.entity  # both read the same ledgers, in order
        mine: list[VerdictFlip] = []
        for rule_id in order:
            was, now = first.verdicts.get(rule_id), second.verdicts.get(rule_id)
            if was != now:
                result, program = second.result(rule_id), new
                if result is None:  # a removed rule: the old version's reason
                    result, program = first.result(rule_id), old
                reason = result.reason if result is not None else ""
                why = result.why if result is not None else None
                flip = VerdictFlip(
                    second.entity, second.name, rule_id, titles[rule_id], was, now, reason, why, program
                )
                mine.append(flip)
        flips += mine
        p, q = old_rank.place(first.entity), new_rank.place(second.entity)
        change = EntityChange(
            second.entity, second.name, first.status, second.status, first.score, second.score,
            p.position if p else None, q.position if q else None, p is not None and p.named,
            q is not None and q.named,
            len(mine), p is not None, q is not None,
        )  # fmt: skip
        if (change.old_status, change.old_score, change.old_position, change.old_named, p is None) != (
            change.new_status, change.new_score, change.new_position, change.new_named, q is None
        ) or mine:
            changes.append(change)
    return Impact(
        as_of=as_of,
        entities=len(after),
        flips=tuple(flips),
        changes=tuple(changes),
        old_named=tuple((p.entity, p.name) for p in old_rank.named),
        new_named=tuple((p.entity, p.name) for p in new_rank.named),
    )


def _ranking(
    results: list[EntityResult], program: Program, district: Ledger | None, as_of: dt.date
) -> Ranking:
    """The ranking the version makes: under a programme, of the streets that applied, named
    as the programme's steps have named them by ``as_of`` (protrules.programme.selection)."""
    from protrules.programme.selection import programme_ranking

    return programme_ranking(program, [for_ranking(r) for r in results], district, as_of)
