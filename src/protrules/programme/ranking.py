"""Ranking: order entities by score and choose at most ``cap`` of those that meet the standard.

docs/domain.md (“Decisions the text does not make”): an entity hit by a negative-list item
(vetoed) is excluded whatever its score; the others are ranked by score, highest first, and on
equal scores by fewer failed clauses. Entities equal on both share a position: nothing in the
results tells them apart, and an id is no reason. The first ``cap`` of them that meet the
standard (达标) are chosen; an entity that does not meet it keeps its place but is never chosen,
so it uses up no place. When entities that share a position would take more places than are
left, none of them is chosen by the ranking: the tie is for a review panel (评审) to settle,
and ``decisions`` — the panel's recorded choice, entity id → chosen or not — settles it.

Without a programme the chosen entities are reported as named; a standard's programme
(:mod:`protrules.programme.selection`) takes them as its candidates instead. Every place
carries its ``reasons``, messages that read in English or Chinese (``explanation_in(lang)``;
``explanation`` is the English, which JSON keeps); ``ranking_text`` and ``ranking_json`` render
a :class:`Ranking`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from protrules.checking.ir import Program
from protrules.checking.parameters import parameters_json, parameters_line
from protrules.evaluation.labels import STATUS_LABEL
from protrules.evaluation.results import FAIL, MEETS, STATUS_ZH, VETOED, EntityResult
from protrules.evaluation.runtime import show
from protrules.i18n import Message, joined, msg, msgn
from protrules.output import display_width, dumps, pad

__all__ = [
    "RANKING_FORMAT",
    "Place",
    "Ranking",
    "for_ranking",
    "rank",
    "ranking_json",
    "ranking_text",
    "scoring_text",
]

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
    reasons: tuple[Message, ...]
    #: Tied at the cap with others for the places left, and not settled by a panel decision.
    tied: bool = False

    @property
    def explanation(self) -> str:
        """Why the entity is at this place and why it is or is not chosen, in English."""
        return self.explanation_in("en")

    def explanation_in(self, lang: str) -> str:
        """The explanation in ``lang``: its reasons, one after the other."""
        return msg("; ").render(lang).join(reason.render(lang) for reason in self.reasons)


@attrs.frozen
class Ranking:
    """The ranked places (excluded entities last) and the cap that limited the naming."""

    places: tuple[Place, ...]
    cap: int | None

    @property
    def named(self) -> tuple[Place, ...]:
        """The named (chosen) entities, best first."""
        return tuple(p for p in self.places if p.named)

    @property
    def tied(self) -> tuple[Place, ...]:
        """The entities tied at the cap, for a review panel to choose among."""
        return tuple(p for p in self.places if p.tied)

    @property
    def open_places(self) -> int:
        """How many of the cap's places the tie leaves to the panel."""
        if not self.tied or self.cap is None:
            return 0
        return self.cap - len(self.named)

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


def _key(result: EntityResult) -> tuple[Decimal, int]:
    """What ranks an entity: its score, then its failed clauses (fewer first)."""
    return (-_score_key(result), _failed(result))


def _score_text(result: EntityResult) -> Message:
    if result.score is None:
        return msg("no applicable clause (no score)")
    passed, applicable = show(Decimal(result.passed)), show(Decimal(result.applicable))
    return msg(
        "score {percent}% ({passed}/{applicable})",
        percent=f"{result.score * 100:.1f}",
        passed=passed,
        applicable=applicable,
    )


def _label(result: EntityResult) -> str:
    return f"{result.name} ({result.entity})"


def _against(result: EntityResult, other: EntityResult, before: bool) -> Message:
    """Why ``result`` is placed before (or after) ``other``, which has the same score."""
    mine, theirs = _failed(result), _failed(other)
    if before:
        return msg(
            "tied on score with {other}, ahead of it on fewer failed clauses ({mine} vs {theirs})",
            other=_label(other),
            mine=mine,
            theirs=theirs,
        )
    return msg(
        "tied on score with {other}, behind it on more failed clauses ({mine} vs {theirs})",
        other=_label(other),
        mine=mine,
        theirs=theirs,
    )


#: What being chosen is called: named without a programme, proposed (for the candidate list,
#: 候选名单) with one.
_CHOSEN = {"named": msg("named"), "proposed": msg("proposed")}


def _chosen(word: Message, count: int, cap: int | None, by_panel: bool) -> Message:
    """Why a place is chosen: its count among the chosen, of the cap, and whether by the panel."""
    if cap is None:
        return msg("{chosen} ({count})", chosen=word, count=count)
    if by_panel:
        return msg(
            "{chosen} ({count} of at most {cap}, by the review panel (评审) among those tied at the cap)",
            chosen=word,
            count=count,
            cap=cap,
        )
    return msg("{chosen} ({count} of at most {cap})", chosen=word, count=count, cap=cap)


def _groups(ranked: list[EntityResult]) -> list[list[EntityResult]]:
    """Entities equal on score and failed clauses, in ranking order."""
    groups: list[list[EntityResult]] = []
    for result in ranked:
        if groups and _key(groups[-1][0]) == _key(result):
            groups[-1].append(result)
        else:
            groups.append([result])
    return groups


def _neighbours(ranked: list[EntityResult], index: int) -> list[Message]:
    """How the entity at ``index`` stands against those just above and below it with the same score."""
    result = ranked[index]
    out = []
    for other, before in ((ranked[index - 1] if index > 0 else None, False),
                          (ranked[index + 1] if index + 1 < len(ranked) else None, True)):
        if other is None or _score_key(other) != _score_key(result):
            continue
        if _key(other) != _key(result):  # those equal on both are named by the caller
            out.append(_against(result, other, before))
    return out


def rank(
    results: Sequence[EntityResult],
    cap: int | None,
    decisions: Mapping[str, bool] | None = None,
    *,
    chosen_as: str = "named",
) -> Ranking:
    """Rank entities and choose at most ``cap`` of those that meet the standard.

    ``cap`` None chooses every entity that meets the standard. ``decisions`` is a review
    panel's choice among entities tied at the cap (entity id → chosen). The ranking depends
    only on the results, never on their order: entities that share a position are listed by
    id, which decides nothing. ``chosen_as`` is what the explanations call being chosen:
    ``named`` without a programme, ``proposed`` (for the candidate list) with one.
    """
    chosen_word = _CHOSEN[chosen_as]
    if cap is not None and cap < 0:
        raise ValueError(f"cap must be 0 or more, not {cap}")
    decisions = decisions or {}
    ranked = sorted((r for r in results if r.status != VETOED), key=lambda r: (*_key(r), r.entity))
    excluded = sorted((r for r in results if r.status == VETOED), key=lambda r: (*_key(r), r.entity))
    places: list[Place] = []
    chosen = 0
    settled = True  # False once a tie at the cap is left to the panel: no later place is chosen
    position = 1
    index = 0  # of the entity in `ranked`
    for group in _groups(ranked):
        meeting = [r.entity for r in group if r.status == MEETS]
        left = None if cap is None else cap - chosen
        winners: set[str] = set()
        tie = by_panel = False
        if settled and (left is None or len(meeting) <= left):
            winners = set(meeting)
        elif settled and left:
            picked = {e for e in meeting if decisions.get(e) is True}
            by_panel = len(picked) == left
            winners = picked if by_panel else set()
            tie = not by_panel
        for result in group:
            parts = [
                msg("#{position}: {score}", position=position, score=_score_text(result)),
                *_neighbours(ranked, index),
            ]
            index += 1
            if len(group) > 1:
                others = joined(_label(r) for r in group if r is not result)
                parts.append(
                    msg(
                        "shares #{position} with {others} (same score and failed clauses)",
                        position=position,
                        others=others,
                    )
                )
            if result.status != MEETS:
                parts.append(
                    msg(
                        "not {chosen}: does not meet the standard ({status})",
                        chosen=chosen_word,
                        status=STATUS_LABEL[result.status],
                    )
                )
            elif result.entity in winners:
                chosen += 1
                parts.append(_chosen(chosen_word, chosen, cap, by_panel))
            elif tie:
                parts.append(
                    msgn(
                        "tied at the cap: {meeting} meet the standard for {n} place — for the review"
                        " panel (评审) to settle, never by id",
                        "tied at the cap: {meeting} meet the standard for {n} places — for the review"
                        " panel (评审) to settle, never by id",
                        left or 0,
                        meeting=len(meeting),
                    )
                )
            elif by_panel:
                parts.append(
                    msg(
                        "not {chosen}: the review panel (评审) chose others among those tied",
                        chosen=chosen_word,
                    )
                )
            elif not settled:
                parts.append(
                    msg(
                        "not {chosen}: the places above it wait for the review panel (评审)",
                        chosen=chosen_word,
                    )
                )
            else:
                parts.append(msg("not {chosen}: the cap of {cap} is reached", chosen=chosen_word, cap=cap))
            places.append(
                Place(
                    position,
                    result.entity,
                    result.name,
                    result.score,
                    _failed(result),
                    result.status,
                    result.entity in winners,
                    False,
                    result.vetoed_by,
                    tuple(parts),
                    tie and result.entity in meeting,
                )
            )
        settled = settled and not tie
        position += len(group)
    for result in excluded:
        hits = joined(result.vetoed_by) if result.vetoed_by else msg("a negative-list item")
        explanation = msg(
            "excluded: vetoed by {hits} (负面清单 一票否决), whatever its {score}",
            hits=hits,
            score=_score_text(result),
        )
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
                (explanation,),
            )
        )
    return Ranking(tuple(places), cap)


# ------------------------------------------------------------------ rendering


def _named_cell(place: Place) -> Message | None:
    if place.named:
        return msg("★ named")
    return msg("excluded") if place.excluded else msg("tied") if place.tied else None


def _score_cell(place: Place) -> str:
    return f"{place.score * 100:.1f}%" if place.score is not None else "-"


#: How ties are settled, in one line of a ranking's header.
TIES = msg(
    "ties: equal on score and failed clauses share a position; a tie at the cap is left to a review"
    " panel (评审), never settled by id"
)


def ranking_text(
    program: Program, ranking: Ranking, as_of: dt.date, notes: Sequence[str] = (), lang: str = "en"
) -> str:
    """The ranking as a table, then each place's explanation, in ``lang``; ``notes`` are header
    lines (which entities are fictional examples:
    :func:`~protrules.evaluation.results.fictional_lines`)."""
    if ranking.cap is not None:
        heading = msg(
            "{title} — ranking as of {date} (at most {cap} named)",
            title=program.title,
            date=as_of,
            cap=ranking.cap,
        )
    else:
        heading = msg("{title} — ranking as of {date} (no cap)", title=program.title, date=as_of)
    header = ["#", *(m.render(lang) for m in (msg("名称 entity"), msg("得分 score"), msg("未通过 failed"),
                                            msg("结果 status"), msg("命名 named")))]  # fmt: skip
    rows: list[list[str]] = []
    for place in ranking.places:
        mark = _named_cell(place)
        rows.append(
            [
                str(place.position) if place.position is not None else "-",
                f"{place.name} ({place.entity})",
                _score_cell(place),
                str(place.failed),
                STATUS_LABEL[place.status].render(lang),
                mark.render(lang) if mark is not None else "",
            ]
        )
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(pad(cell, width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    out = [
        heading.render(lang),
        *notes,
        *parameters_line(program, lang),
        scoring_text(program, lang),
        TIES.render(lang),
        "",
        line(header),
    ]
    out.append("-" * display_width(line(header)))
    out.extend(line(row) for row in rows)
    out.append("")
    for place in ranking.places:
        entity = f"{place.name} ({place.entity})"
        explanation = msg("{entity}: {explanation}", entity=entity, explanation=place.explanation_in(lang))
        out.append(explanation.render(lang))
    names = [p.name for p in ranking.named]
    named = msg("命名 named: {names}", names=joined(names)) if names else msg("命名 named: none")
    out += ["", named.render(lang)]
    if ranking.tied:
        tied = msgn(
            "待评审 tied at the cap, for the review panel: {names} ({n} place)",
            "待评审 tied at the cap, for the review panel: {names} ({n} places)",
            ranking.open_places,
            names=joined(p.name for p in ranking.tied),
        )
        out.append(tied.render(lang))
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
                    "tied": p.tied,
                    "explanation": p.explanation,
                }
                for p in ranking.places
            ],
            "named": [p.entity for p in ranking.named],
            "tied": [p.entity for p in ranking.tied],
            "scoring": scoring_text(program),
        }
    )


def scoring_text(program: Program, lang: str = "en") -> str:
    """How a score is computed, in one line, in ``lang``: the weights (and the parameters holding
    them) and what unknown counts as (docs/domain.md, “Verdicts, status and score”)."""
    counted = [r for r in program.rules if r.kind in ("required", "assessed")]
    groups: dict[tuple[str, str | None], list[str]] = {}
    for rule in counted:
        groups.setdefault((show(Decimal(rule.weight)), rule.weight_param), []).append(rule.id)
    weights: Message
    if len(groups) == 1:
        (weight, param), _ = next(iter(groups.items()))
        if param:
            weights = msg("every clause weighs {weight} (parameter {param})", weight=weight, param=param)
        else:
            weights = msg("every clause weighs {weight}", weight=weight)
    else:
        each = []
        for (weight, param), ids in sorted(groups.items(), key=lambda g: -len(g[1])):
            if param:
                each.append(msgn("{weight} ({param}) for {n} clause", "{weight} ({param}) for {n} clauses",
                                 len(ids), weight=weight, param=param))  # fmt: skip
            else:
                each.append(
                    msgn("{weight} for {n} clause", "{weight} for {n} clauses", len(ids), weight=weight)
                )
        weights = msg("weights: {weights}", weights=msg("; ").render(lang).join(m.render(lang) for m in each))
    return msg(
        "得分 score = weight of the clauses passed ÷ weight of the clauses that apply; {weights};"
        " unknown and pending count as applying and not passed; n/a, advisory and negative-list"
        " rules are left out; a negative-list hit (一票否决) excludes the entity whatever its score",
        weights=weights,
    ).render(lang)
