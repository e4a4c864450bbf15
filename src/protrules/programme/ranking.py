"""The programme's selection: rank entities by score and name at most ``cap`` of them.

docs/domain.md (“Decisions the text does not make”): an entity hit by a negative-list item
(vetoed) is excluded whatever its score; the others are ranked by score, highest first, ties
broken by fewer failed clauses, then by entity id; the first ``cap`` of them that meet the
standard (达标) are named. An entity that does not meet the standard keeps its place in the
ranking but is never named, so it does not use up one of the ``cap`` places.

Every place carries an ``explanation``: why it is where it is (its score, the tie-breaks that
decided against its neighbours) and why it is or is not named. ``ranking_text`` and
``ranking_json`` render a :class:`Ranking`; they never evaluate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import attrs

from protrules.checking.ir import Program
from protrules.checking.parameters import parameters_json, parameters_line
from protrules.evaluation.results import FAIL, MEETS, STATUS_ZH, VETOED, EntityResult
from protrules.evaluation.runtime import show
from protrules.output import display_width, dumps, pad

__all__ = ["RANKING_FORMAT", "Place", "Ranking", "for_ranking", "rank", "ranking_json", "ranking_text"]

RANKING_FORMAT = "protrules-ranking/1"


@attrs.frozen
class Place:
    """One entity's place in a ranking.

    ``position`` is its 1-based rank among the entities not excluded, or None when it is
    excluded (vetoed). ``failed`` counts its failed required and assessed clauses.
    """

    position: int | None
    entity: str
    name: str
    score: Decimal | None
    failed: int
    status: str
    named: bool
    excluded: bool
    vetoed_by: tuple[str, ...]
    explanation: str


@attrs.frozen
class Ranking:
    """The ranked places (excluded entities last) and the cap that limited the naming."""

    places: tuple[Place, ...]
    cap: int | None

    @property
    def named(self) -> tuple[Place, ...]:
        """The named entities, best first."""
        return tuple(p for p in self.places if p.named)

    @property
    def excluded(self) -> tuple[Place, ...]:
        """The entities excluded by a negative-list hit."""
        return tuple(p for p in self.places if p.excluded)

    def place(self, entity: str) -> Place | None:
        """The place of the entity with this id, or None."""
        for p in self.places:
            if p.entity == entity:
                return p
        return None


def for_ranking(result: EntityResult) -> EntityResult:
    """The result as far as :func:`rank` reads it — status, score, vetoes and each rule's
    verdict — without reasons, evidence or checks, so ranking many thousands of entities
    holds a few kilobytes for each instead of the whole result."""
    rules = tuple(
        attrs.evolve(r, reason="", due=None, evidence=(), checks=(), lets=()) for r in result.results
    )
    return attrs.evolve(result, results=rules, with_checks=False)


def _failed(result: EntityResult) -> int:
    return result.count(FAIL)


def _score_key(result: EntityResult) -> Decimal:
    # No applicable clause at all (score None) ranks below every real score.
    return result.score if result.score is not None else Decimal(-1)


def _sort_key(result: EntityResult) -> tuple[Decimal, int, str]:
    return (-_score_key(result), _failed(result), result.entity)


def _score_text(result: EntityResult) -> str:
    if result.score is None:
        return "no applicable clause (no score)"
    passed, applicable = show(Decimal(result.passed)), show(Decimal(result.applicable))
    return f"score {result.score * 100:.1f}% ({passed}/{applicable})"


def _label(result: EntityResult) -> str:
    return f"{result.name} ({result.entity})"


def _tie_break(result: EntityResult, other: EntityResult, before: bool) -> str:
    """Why ``result`` is placed before (or after) ``other``, which has the same score."""
    side = "ahead of" if before else "behind"
    mine, theirs = _failed(result), _failed(other)
    if mine != theirs:
        fewer = "fewer" if mine < theirs else "more"
        return f"tied on score with {_label(other)}, {side} it on {fewer} failed clauses ({mine} vs {theirs})"
    return (
        f"tied on score and failed clauses ({mine}) with {_label(other)}, {side} it on entity id"
        f" ({result.entity} {'<' if before else '>'} {other.entity})"
    )


def rank(results: Sequence[EntityResult], cap: int | None) -> Ranking:
    """Rank entities and name at most ``cap`` of those that meet the standard.

    ``cap`` None names every entity that meets the standard. The order is total and depends
    only on the results (score, failed clauses, entity id), never on the input order.
    """
    if cap is not None and cap < 0:
        raise ValueError(f"cap must be 0 or more, not {cap}")
    ranked = sorted((r for r in results if r.status != VETOED), key=_sort_key)
    excluded = sorted((r for r in results if r.status == VETOED), key=_sort_key)
    places: list[Place] = []
    named_count = 0
    for index, result in enumerate(ranked):
        parts = [f"#{index + 1}: {_score_text(result)}"]
        if index > 0 and _score_key(ranked[index - 1]) == _score_key(result):
            parts.append(_tie_break(result, ranked[index - 1], before=False))
        if index + 1 < len(ranked) and _score_key(ranked[index + 1]) == _score_key(result):
            parts.append(_tie_break(result, ranked[index + 1], before=True))
        named = False
        if result.status != MEETS:
            parts.append(
                f"not named: does not meet the standard ({STATUS_ZH[result.status]} {result.status})"
            )
        elif cap is not None and named_count >= cap:
            parts.append(f"not named: the cap of {cap} is reached")
        else:
            named = True
            named_count += 1
            limit = f" of at most {cap}" if cap is not None else ""
            parts.append(f"named ({named_count}{limit})")
        places.append(
            Place(
                index + 1,
                result.entity,
                result.name,
                result.score,
                _failed(result),
                result.status,
                named,
                False,
                result.vetoed_by,
                "; ".join(parts),
            )
        )
    for result in excluded:
        hits = ", ".join(result.vetoed_by) or "a negative-list item"
        explanation = f"excluded: vetoed by {hits} (负面清单 一票否决), whatever its {_score_text(result)}"
        places.append(
            Place(
                None,
                result.entity,
                result.name,
                result.score,
                _failed(result),
                result.status,
                False,
                True,
                result.vetoed_by,
                explanation,
            )
        )
    return Ranking(tuple(places), cap)


# ------------------------------------------------------------------ rendering


def _score_cell(place: Place) -> str:
    return f"{place.score * 100:.1f}%" if place.score is not None else "-"


def ranking_text(program: Program, ranking: Ranking, as_of: dt.date) -> str:
    """The ranking as a table, then each place's explanation."""
    cap = f"at most {ranking.cap} named" if ranking.cap is not None else "no cap"
    header = ["#", "名称 entity", "得分 score", "未通过 failed", "结果 status", "命名 named"]
    rows: list[list[str]] = []
    for place in ranking.places:
        rows.append(
            [
                str(place.position) if place.position is not None else "-",
                f"{place.name} ({place.entity})",
                _score_cell(place),
                str(place.failed),
                f"{STATUS_ZH[place.status]} {place.status}",
                "★ named" if place.named else ("excluded" if place.excluded else ""),
            ]
        )
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(pad(cell, width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    out = [f"{program.title} — ranking as of {as_of} ({cap})", *parameters_line(program), "", line(header)]
    out.append("-" * display_width(line(header)))
    out.extend(line(row) for row in rows)
    out.append("")
    for place in ranking.places:
        out.append(f"{place.name} ({place.entity}): {place.explanation}")
    named = ", ".join(p.name for p in ranking.named) or "none"
    out += ["", f"命名 named: {named}"]
    return "\n".join(out) + "\n"


def ranking_json(program: Program, ranking: Ranking, as_of: dt.date) -> str:
    """The ranking as JSON (format ``protrules-ranking/1``), byte-identical for equal input."""
    return dumps(
        {
            "format": RANKING_FORMAT,
            "standard": {"id": program.id, "title": program.title, **parameters_json(program)},
            "as_of": as_of.isoformat(),
            "cap": ranking.cap,
            "places": [
                {
                    "position": p.position,
                    "id": p.entity,
                    "name": p.name,
                    "score": float(p.score) if p.score is not None else None,
                    "failed": p.failed,
                    "status": p.status,
                    "status_zh": STATUS_ZH[p.status],
                    "named": p.named,
                    "excluded": p.excluded,
                    "vetoed_by": list(p.vetoed_by),
                    "explanation": p.explanation,
                }
                for p in ranking.places
            ],
            "named": [p.entity for p in ranking.named],
        }
    )
