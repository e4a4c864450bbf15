"""The programme's selection (docs/domain.md) on hand-made results: order, ties, vetoes, the cap."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

import protrules
from protrules.evaluation.results import (
    FAIL,
    FAILS,
    INCOMPLETE,
    MEETS,
    PASS,
    VETOED,
    EntityResult,
    RuleResult,
)
from protrules.programme.ranking import for_ranking, rank, ranking_json, ranking_text

AS_OF = dt.date(2024, 3, 31)
ROOT = Path(__file__).resolve().parent.parent


def _rule(rule_id: str, verdict: str, kind: str = "required") -> RuleResult:
    return RuleResult(rule_id, rule_id, kind, 1, verdict, "", None, (), ())


def entity(
    ident: str,
    score: str | None,
    *,
    failed: int = 0,
    status: str | None = None,
    vetoed_by: tuple[str, ...] = (),
) -> EntityResult:
    """An entity with ``failed`` failed required clauses and the given score."""
    rules = [_rule(f"1.1.{i + 1}", FAIL) for i in range(failed)] + [_rule("9.9.9", PASS)]
    rules += [_rule(v, FAIL, "veto") for v in vetoed_by]
    if status is None:
        status = VETOED if vetoed_by else (FAILS if failed else MEETS)
    value = Decimal(score) if score is not None else None
    return EntityResult(ident, f"街道{ident}", AS_OF, status, value, 1, 1, vetoed_by, tuple(rules))


def order(results: list[EntityResult], cap: int | None = 3) -> list[str]:
    return [p.entity for p in rank(results, cap).places]


def test_by_score_highest_first() -> None:
    results = [entity("a", "0.9"), entity("b", "1"), entity("c", "0.95")]
    ranking = rank(results, 3)
    assert [p.entity for p in ranking.places] == ["b", "c", "a"]
    assert [p.position for p in ranking.places] == [1, 2, 3]
    assert "#1: score 100.0%" in ranking.places[0].explanation


def test_tie_broken_by_fewer_failed_clauses() -> None:
    a = entity("a", "0.9", failed=2, status=FAILS)
    b = entity("b", "0.9", failed=1, status=FAILS)
    ranking = rank([a, b], 3)
    assert [p.entity for p in ranking.places] == ["b", "a"]
    assert [p.failed for p in ranking.places] == [1, 2]
    assert "ahead of it on fewer failed clauses (1 vs 2)" in ranking.places[0].explanation
    assert "behind it on more failed clauses (2 vs 1)" in ranking.places[1].explanation


def test_equal_entities_share_a_position_and_no_id_decides() -> None:
    results = [entity("zz", "1"), entity("aa", "1"), entity("mm", "1")]
    ranking = rank(results, 3)
    assert [p.position for p in ranking.places] == [1, 1, 1]
    assert [p.entity for p in ranking.places] == ["aa", "mm", "zz"]  # listed by id, no more
    assert all("entity id" not in p.explanation for p in ranking.places)
    shares = "shares #1 with 街道mm (mm), 街道zz (zz) (same score and failed clauses)"
    assert shares in ranking.places[0].explanation
    assert [p.entity for p in ranking.named] == ["aa", "mm", "zz"]  # three places for three


def test_a_tie_at_the_cap_is_left_to_the_review_panel() -> None:
    # Five equal streets for three places: the ranking cannot choose, and does not use ids.
    results = [entity(x, "1") for x in "edcba"]
    ranking = rank(results, 3)
    assert ranking.named == ()
    assert [p.entity for p in ranking.tied] == list("abcde")
    assert ranking.open_places == 3
    assert "tied at the cap: 5 meet the standard for 3 places" in ranking.places[0].explanation
    assert "never by id" in ranking.places[0].explanation
    # A better street above the tie keeps its place; the tie is for the two left.
    ranking = rank([entity("top", "1"), *[entity(x, "0.9", failed=0) for x in "abc"]], 3)
    assert [p.entity for p in ranking.named] == ["top"]
    assert [p.entity for p in ranking.tied] == ["a", "b", "c"] and ranking.open_places == 2


def test_the_panels_decision_settles_the_tie() -> None:
    results = [entity(x, "1") for x in "abcde"]
    ranking = rank(results, 3, {"e": True, "c": True, "a": True, "b": False})
    assert [p.entity for p in ranking.named] == ["a", "c", "e"]
    assert ranking.tied == ()
    assert "by the review panel (评审)" in ranking.place("e").explanation  # type: ignore[union-attr]
    assert "the review panel (评审) chose others" in ranking.place("b").explanation  # type: ignore[union-attr]
    # a decision that does not fill exactly the places left settles nothing
    still = rank(results, 3, {"a": True})
    assert still.named == () and len(still.tied) == 5


def test_order_does_not_depend_on_input_order() -> None:
    results = [entity("b", "0.9"), entity("a", "0.9"), entity("c", "1"), entity("d", "0.5", failed=1)]
    # (a and b share a position: they are listed by id, which decides nothing)
    assert order(results) == order(list(reversed(results))) == ["c", "a", "b", "d"]


def test_vetoed_are_excluded_and_listed_last_whatever_the_score() -> None:
    results = [entity("v", "1", vetoed_by=("N.1", "N.3")), entity("a", "0.5", failed=3)]
    ranking = rank(results, 3)
    assert [p.entity for p in ranking.places] == ["a", "v"]
    vetoed = ranking.places[-1]
    assert vetoed.excluded and not vetoed.named and vetoed.position is None
    assert vetoed.vetoed_by == ("N.1", "N.3")
    assert vetoed.explanation.startswith("excluded: vetoed by N.1, N.3")
    assert ranking.excluded == (vetoed,)


def test_cap_names_at_most_cap() -> None:
    scores = ("1", "0.99", "0.98", "0.97", "0.96")
    results = [entity(x, score) for x, score in zip("abcde", scores, strict=True)]
    ranking = rank(results, 3)
    assert [p.entity for p in ranking.named] == ["a", "b", "c"]
    assert "named (3 of at most 3)" in ranking.places[2].explanation
    assert "not named: the cap of 3 is reached" in ranking.places[3].explanation
    assert [p.entity for p in rank(results, None).named] == list("abcde")
    assert rank(results, 0).named == ()


def test_entities_that_do_not_meet_are_not_named_and_use_no_place() -> None:
    results = [
        entity("top", "0.99", failed=1),  # best score, but fails a clause
        entity("open", "0.98", status=INCOMPLETE),  # nothing failed, something unknown
        entity("m1", "0.9"),
        entity("m2", "0.8"),
    ]
    ranking = rank(results, 2)
    assert [p.entity for p in ranking.places] == ["top", "open", "m1", "m2"]
    assert [p.entity for p in ranking.named] == ["m1", "m2"]
    assert "not named: does not meet the standard (不达标 fails)" in ranking.places[0].explanation
    assert "not named: does not meet the standard (待定 incomplete)" in ranking.places[1].explanation
    assert "named (1 of at most 2)" in ranking.places[2].explanation


def test_no_score_ranks_last_among_the_ranked() -> None:
    results = [entity("none", None, status=INCOMPLETE), entity("low", "0.1", failed=1)]
    ranking = rank(results, 3)
    assert [p.entity for p in ranking.places] == ["low", "none"]
    assert "no applicable clause" in ranking.places[1].explanation


def test_negative_cap_is_refused() -> None:
    with pytest.raises(ValueError, match="cap"):
        rank([], -1)


def test_place_lookup_and_empty_ranking() -> None:
    ranking = rank([entity("a", "1")], 1)
    place = ranking.place("a")
    assert place is not None and place.named
    assert ranking.place("b") is None
    assert rank([], 3).places == ()


def test_renderings_on_the_demo() -> None:
    rules = protrules.load_rules(ROOT / "rules" / "example.prl")
    from protrules.facts.ledgers import load_ledgers

    ledgers = list(load_ledgers([str(ROOT / "examples" / "demo")], rules.fact_types))
    results = [rules.evaluate(x, AS_OF) for x in ledgers]
    ranking = rank(results, rules.program.cap)
    text = ranking_text(rules.program, ranking, AS_OF)
    assert "at most 2 named" in text and "命名 named: 阳光站" in text
    data = json.loads(ranking_json(rules.program, ranking, AS_OF))
    assert data["format"] == "protrules-ranking/1"
    assert data["named"] == ["yangguang"]
    assert [p["id"] for p in data["places"]] == ["yangguang", "xingxing"]
    assert data["places"][1]["excluded"] is True
    assert ranking_json(rules.program, ranking, AS_OF) == ranking_json(
        rules.program, rank(results[::-1], 2), AS_OF
    )


def test_ranking_slim_results_ranks_exactly_as_full_ones() -> None:
    from protrules.facts.ledgers import load_ledgers

    rules = protrules.load_rules(ROOT / "rules" / "changning_2023.prl")
    as_of = dt.date(2024, 3, 31)
    results = [
        rules.evaluate(x, as_of) for x in load_ledgers([ROOT / "examples" / "changning"], rules.fact_types)
    ]
    slim = [for_ranking(r) for r in results]
    assert all(not r.reason and not r.evidence and not r.checks for e in slim for r in e.results)
    assert rank(slim, 3) == rank(results, 3)
    assert ranking_text(rules.program, rank(slim, 3), as_of) == ranking_text(
        rules.program, rank(results, 3), as_of
    )
