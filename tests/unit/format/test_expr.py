"""Tests of the scenario expression language: parsing, errors, rendering, evaluation."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from itertools import product
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantees.model.errors import GuaranteesError
from guarantees.model.format.expr import (
    KEYWORDS,
    MAX_DEPTH,
    Binary,
    BinaryOp,
    Compare,
    CompareOp,
    Const,
    Count,
    Expr,
    ExprSyntaxError,
    Metric,
    Not,
    Ref,
    evaluate,
    metrics,
    parse,
    refs,
    render,
    strip_offsets,
)
from guarantees.model.format.uncertain import LARGEST, RANGE_RULE

A, B, C, D = Ref("a"), Ref("b"), Ref("c"), Ref("d")


def tree(text: str) -> Expr:
    """Parse and forget positions, to compare shapes."""
    return strip_offsets(parse(text))


def _and(left: Expr, right: Expr) -> Binary:
    return Binary("and", left, right)


def _or(left: Expr, right: Expr) -> Binary:
    return Binary("or", left, right)


def _implies(left: Expr, right: Expr) -> Binary:
    return Binary("->", left, right)


def _iff(left: Expr, right: Expr) -> Binary:
    return Binary("<->", left, right)


# ------------------------------------------------------------------ precedence and shape


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a", A),
        ("true", Const(True)),
        ("false", Const(False)),
        ("a and b or c", _or(_and(A, B), C)),
        ("a or b and c", _or(A, _and(B, C))),
        ("a and b and c", _and(_and(A, B), C)),
        ("a or b or c", _or(_or(A, B), C)),
        ("a -> b -> c", _implies(A, _implies(B, C))),
        ("(a -> b) -> c", _implies(_implies(A, B), C)),
        ("a or b -> c or d", _implies(_or(A, B), _or(C, D))),
        ("a -> b <-> c -> d", _iff(_implies(A, B), _implies(C, D))),
        ("a <-> b or c", _iff(A, _or(B, C))),
        ("not a and b", _and(Not(A), B)),
        ("not (a and b)", Not(_and(A, B))),
        ("not not a", Not(Not(A))),
        ("a and (b or c)", _and(A, _or(B, C))),
        ("((a))", A),
        ("andy and order", _and(Ref("andy"), Ref("order"))),
        ("deterrence >= 0.6", Compare(Metric("deterrence"), ">=", 0.6)),
        ("not escalation > 0.3", Not(Compare(Metric("escalation"), ">", 0.3))),
        ("count(a, b) <= 1", Compare(Count((A, B)), "<=", 1.0)),
        ("count (a,b)==2", Compare(Count((A, B)), "==", 2.0)),
        ("x != -1", Compare(Metric("x"), "!=", -1.0)),
        ("x<-1", Compare(Metric("x"), "<", -1.0)),
        ("x < 1e-3", Compare(Metric("x"), "<", 0.001)),
        ("x >= .5", Compare(Metric("x"), ">=", 0.5)),
        ("a and x > 2 -> b", _implies(_and(A, Compare(Metric("x"), ">", 2.0)), B)),
        ("\n  a\tor\n b  ", _or(A, B)),
    ],
)
def test_parse_shape(text: str, expected: Expr) -> None:
    assert tree(text) == expected


def test_offsets_point_at_first_character() -> None:
    # Parentheses belong to the enclosing node: 'and' starts at 0, 'or' at 1.
    expr = parse("(a or b) and not c")
    assert expr == Binary(
        "and",
        Binary("or", Ref("a", 1), Ref("b", 6), 1),
        Not(Ref("c", 17), 13),
        0,
    )


def test_offsets_of_comparisons() -> None:
    expr = parse("true -> count(x, y) < 2 or d >= 0.5")
    assert expr == Binary(
        "->",
        Const(True, 0),
        Binary(
            "or",
            Compare(Count((Ref("x", 14), Ref("y", 17)), 8), "<", 2.0, 8),
            Compare(Metric("d", 27), ">=", 0.5, 27),
            8,
        ),
        0,
    )


def test_bare_option_on_the_left_of_a_comparison_parses_as_metric() -> None:
    # Whether the name is a metric is the validator's business, not the grammar's.
    assert tree("us_backstop >= 1") == Compare(Metric("us_backstop"), ">=", 1.0)


def test_nesting_up_to_the_limit_is_accepted() -> None:
    assert isinstance(parse("not " * (MAX_DEPTH - 1) + "a"), Not)


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "offset", "message"),
    [
        ("deterrence >= ", 14, "expected a number after '>='"),
        ("x >= y", 5, "unexpected 'y'; expected a number"),
        (
            "a and or b",
            6,
            "unexpected 'or'; expected an option, tag, 'not', 'true', 'false', 'count(' or '('",
        ),
        ("a && b", 2, "unexpected character '&' (use 'and', 'or', 'not', '->')"),
        ("a || b", 2, "unexpected character '|' (use 'and', 'or', 'not', '->')"),
        ("!a", 0, "unexpected character '!' (use 'and', 'or', 'not', '->')"),
        ("x = 1", 2, "unexpected character '=' (use '==' to compare)"),
        ("Ukraine", 0, "unexpected character 'U' (names are lowercase)"),
        ("'a'", 0, 'unexpected character "\'" (names are not quoted)'),
        (
            "a - b",
            2,
            "unexpected character '-' (use '->' for implies; write negative numbers "
            "without a space)",
        ),
        ("count()", 6, "count(...) needs at least one name"),
        ("count(a,)", 8, "unexpected ')'; expected an option or tag name"),
        (
            "count(and)",
            6,
            "unexpected 'and'; expected an option or tag name ('and' is a reserved word)",
        ),
        ("count(a b)", 8, "unexpected 'b'; expected ',' or ')'"),
        ("count(a", 7, "expected ',' or ')' after 'a'"),
        ("count", 5, "expected '(' after 'count'"),
        ("count(a)", 8, "count(...) must be compared with a number, e.g. 'count(a, b) >= 1'"),
        ("count(a) and b", 9, "count(...) must be compared with a number, e.g. 'count(a, b) >= 1'"),
        ("(a", 2, "missing ')'"),
        ("a and (b or c", 13, "missing ')'"),
        ("a)", 1, "unmatched ')'"),
        ("(a or b))", 8, "unmatched ')'"),
        (
            "()",
            1,
            "unexpected ')'; expected an option, tag, 'not', 'true', 'false', 'count(' or '('",
        ),
        ("0.6 <= deterrence", 0, "put the metric on the left: 'deterrence >= 0.6'"),
        ("a or 1 == count(b, c)", 5, "put count(...) on the left: 'count(b, c) == 1'"),
        ("2", 1, "a number can only stand on the right of a comparison, e.g. 'deterrence >= 0.6'"),
        ("a <-> b <-> c", 8, "'<->' cannot be chained; add parentheses"),
        ("0 < x < 1", 6, "comparisons cannot be chained; join them with 'and'"),
        ("x > 0 < 1", 6, "comparisons cannot be chained; join them with 'and'"),
        ("a b", 2, "unexpected 'b'; expected an operator ('and', 'or', '->', '<->')"),
        ("(a b)", 3, "unexpected 'b'; expected an operator ('and', 'or', '->', '<->') or ')'"),
        (
            "a and",
            5,
            "expected an option, tag, 'not', 'true', 'false', 'count(' or '(' after 'and'",
        ),
        (
            "a ->  ",
            6,
            "expected an option, tag, 'not', 'true', 'false', 'count(' or '(' after '->'",
        ),
        (
            "",
            0,
            "empty expression; expected an option, tag, 'not', 'true', 'false', 'count(' or '('",
        ),
        (
            "  ",
            2,
            "empty expression; expected an option, tag, 'not', 'true', 'false', 'count(' or '('",
        ),
        ("0.6 <= ", 7, "expected a metric or 'count(' after '<='"),
        ("x > 1e999", 4, f"number '1e999' is out of range: {RANGE_RULE}"),
        ("x > 1000000001", 4, f"number '1000000001' is out of range: {RANGE_RULE}"),
        ("x >= -2e9", 5, f"number '-2e9' is out of range: {RANGE_RULE}"),
        (
            "not " * (MAX_DEPTH + 5) + "a",
            4 * 5,
            f"expression is nested too deeply (more than {MAX_DEPTH} levels)",
        ),
    ],
)
def test_syntax_errors(text: str, offset: int, message: str) -> None:
    with pytest.raises(ExprSyntaxError) as caught:
        parse(text)
    assert (caught.value.offset, caught.value.message) == (offset, message)
    assert str(caught.value) == message


def test_syntax_error_is_a_value_error_and_a_model_error() -> None:
    with pytest.raises(ExprSyntaxError) as caught:
        parse("a and")
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, GuaranteesError)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


# -------------------------------------------------------------------------- rendering


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("(a and b) and c", "a and b and c"),
        ("a and (b and c)", "a and (b and c)"),
        ("a or (b or c)", "a or (b or c)"),
        ("a -> (b -> c)", "a -> b -> c"),
        ("(a -> b) -> c", "(a -> b) -> c"),
        ("(a <-> b) <-> c", "(a <-> b) <-> c"),
        ("a <-> (b <-> c)", "a <-> (b <-> c)"),
        ("((a or b)) and not (c)", "(a or b) and not c"),
        ("not (not a)", "not not a"),
        ("not (a -> b)", "not (a -> b)"),
        ("(a and b) -> (c or d)", "a and b -> c or d"),
        ("count( a ,b )>=2", "count(a, b) >= 2"),
        ("x >= 2.0", "x >= 2"),
        ("x >= 1e-3", "x >= 0.001"),
        ("x >= 1e9", "x >= 1000000000"),
        ("x >= 1e-20", "x >= 1e-20"),
        ("x >= -0.25", "x >= -0.25"),
        ("true and false", "true and false"),
    ],
)
def test_render_is_canonical(text: str, canonical: str) -> None:
    assert render(parse(text)) == canonical
    assert tree(canonical) == tree(text)


def test_render_hand_built_trees() -> None:
    assert render(Not(_iff(A, Not(B)))) == "not (a <-> not b)"
    assert render(_and(_or(A, B), _implies(C, D))) == "(a or b) and (c -> d)"
    assert render(Compare(Count((A,)), "!=", 0.5)) == "count(a) != 0.5"


# ------------------------------------------------------------------------- inspection


def test_refs_in_source_order_including_count() -> None:
    expr = parse("a and not count(b, c) > 1 or x >= 0.2 -> tag_a")
    assert [(ref.name, ref.offset) for ref in refs(expr)] == [
        ("a", 0),
        ("b", 16),
        ("c", 19),
        ("tag_a", 41),
    ]


def test_metrics_in_source_order() -> None:
    expr = parse("deterrence >= 0.6 and not (escalation < 0.3 or count(x) == 1) or a")
    assert [(m.name, m.offset) for m in metrics(expr)] == [
        ("deterrence", 0),
        ("escalation", 27),
    ]


def test_strip_offsets_zeroes_every_position() -> None:
    stripped = strip_offsets(parse("not (a or count(b) > 1) <-> x == 2"))
    assert stripped == _iff(
        Not(_or(A, Compare(Count((B,)), ">", 1.0))), Compare(Metric("x"), "==", 2.0)
    )
    with pytest.raises(TypeError, match="not an expression"):
        strip_offsets("a")  # type: ignore[arg-type]


def test_constants_have_no_references() -> None:
    assert list(refs(parse("true or false"))) == []
    assert list(metrics(parse("true or a"))) == []


# ------------------------------------------------------------------------- evaluation


def _truth(text: str, a: bool, b: bool) -> bool:
    """Evaluate a formula over the options a and b for one assignment."""
    held = {name for name, value in (("a", a), ("b", b)) if value}
    return evaluate(
        parse(text),
        has=lambda name: name in held,
        metric=lambda name: 0.0,
        count=lambda names: sum(name in held for name in names),
    )


@pytest.mark.parametrize(("a", "b"), list(product([False, True], repeat=2)))
def test_truth_tables(a: bool, b: bool) -> None:
    assert _truth("a -> b", a, b) == (not a or b)
    assert _truth("a <-> b", a, b) == (a == b)
    assert _truth("a and b", a, b) == (a and b)
    assert _truth("a or b", a, b) == (a or b)
    assert _truth("not a", a, b) == (not a)
    assert _truth("a and not b -> false", a, b) == (not a or b)


def test_evaluate_comparisons() -> None:
    held = {"a", "b"}
    values = {"deterrence": 0.6, "escalation": 0.2}

    def check(text: str) -> bool:
        return evaluate(
            parse(text),
            has=lambda name: name in held,
            metric=values.__getitem__,
            count=lambda names: sum(name in held for name in names),
        )

    assert check("deterrence >= 0.6")
    assert not check("deterrence > 0.6")
    assert check("escalation < 0.3 and escalation != 0.3 and deterrence == 0.6")
    assert check("count(a, b, c) == 2")
    assert check("count(c) <= 0")
    assert not check("count(a) < 1")


def test_evaluate_short_circuits() -> None:
    def boom(name: str) -> float:
        raise AssertionError(name)

    assert evaluate(
        parse("false and x > 1 or true or x > 1"),
        has=lambda _name: False,
        metric=boom,
        count=lambda _names: 0,
    )


# ------------------------------------------------------------------ property-based tests

NAMES = st.one_of(
    st.sampled_from(["a", "b", "c", "us_backstop", "air_power", "x1"]),
    st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(lambda s: s not in KEYWORDS),
)
VALUES = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 2.0, -1.0, 0.6]),
    st.floats(min_value=-3, max_value=3),
    st.floats(min_value=-LARGEST, max_value=LARGEST),  # every number a scenario may hold
)


def _depth(expr: Expr) -> int:
    """Height of the tree, to keep generated trees within what parse accepts."""
    if isinstance(expr, Not):
        return 1 + _depth(expr.operand)
    if isinstance(expr, Binary):
        return 1 + max(_depth(expr.left), _depth(expr.right))
    return 1


def exprs() -> st.SearchStrategy[Expr]:
    """Random expression trees over every node kind, every operator and tricky numbers."""
    quantities = st.one_of(
        st.builds(Metric, NAMES),
        st.builds(Count, st.lists(st.builds(Ref, NAMES), min_size=1, max_size=3).map(tuple)),
    )
    leaves: st.SearchStrategy[Expr] = st.one_of(
        st.builds(Const, st.booleans()),
        st.builds(Ref, NAMES),
        st.builds(Compare, quantities, st.sampled_from(get_args(CompareOp)), VALUES),
    )

    def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.one_of(
            st.builds(Not, children),
            st.builds(Binary, st.sampled_from(get_args(BinaryOp)), children, children),
        )

    return st.recursive(leaves, extend, max_leaves=24).filter(lambda e: _depth(e) <= MAX_DEPTH)


def _lookups(
    seed: int,
) -> tuple[Callable[[str], bool], Callable[[str], float], Callable[[tuple[str, ...]], int]]:
    """A deterministic random package: which names it holds and its metric values."""

    def has(name: str) -> bool:
        return zlib.crc32(f"{seed}:{name}".encode()) % 2 == 1

    def metric(name: str) -> float:
        return (zlib.crc32(f"{seed}/{name}".encode()) % 601 - 300) / 100

    def count(names: tuple[str, ...]) -> int:
        return sum(has(name) for name in set(names))

    return has, metric, count


@given(exprs())
def test_property_render_round_trips(expr: Expr) -> None:
    assert strip_offsets(parse(render(expr))) == strip_offsets(expr)


@given(exprs(), st.integers(min_value=0, max_value=2**32 - 1))
def test_property_evaluate_survives_round_trip(expr: Expr, seed: int) -> None:
    has, metric, count = _lookups(seed)
    again = parse(render(expr))
    assert evaluate(again, has=has, metric=metric, count=count) == evaluate(
        expr, has=has, metric=metric, count=count
    )


@given(exprs())
def test_property_offsets_point_at_the_node_text(expr: Expr) -> None:
    text = render(expr)
    for ref in refs(parse(text)):
        assert text[ref.offset : ref.offset + len(ref.name)] == ref.name
    for metric in metrics(parse(text)):
        assert text[metric.offset : metric.offset + len(metric.name)] == metric.name


TOKENS = [
    "a", "b", "x", "and", "or", "not", "true", "false", "count", "(", ")", ",", "->", "<->",
    "<=", "<", ">=", ">", "==", "!=", "0.6", "-1", "1e-3", "&&", "=", "-", "A", ".",
]  # fmt: skip
ALPHABET = "abcnotrufalsex_019.e ()<->=!,&|A-\n\t'"


def _parse_or_fail_cleanly(text: str) -> None:
    """Parse must succeed (and round-trip) or raise a one-line ExprSyntaxError in range."""
    try:
        expr = parse(text)
    except ExprSyntaxError as exc:
        error: ExprSyntaxError | None = exc
    else:
        error = None
        assert strip_offsets(parse(render(expr))) == strip_offsets(expr)
    if error is not None:
        assert 0 <= error.offset <= len(text)
        assert error.message
        assert "\n" not in error.message


@given(st.text(alphabet=ALPHABET, max_size=60))
def test_property_parse_raises_only_syntax_errors_on_random_text(text: str) -> None:
    _parse_or_fail_cleanly(text)


@given(st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join))
def test_property_parse_raises_only_syntax_errors_on_random_tokens(text: str) -> None:
    _parse_or_fail_cleanly(text)


def test_positions_take_no_part_in_equality() -> None:
    """The same expression written with other spacing or brackets is equal (and hashes so)."""
    spaced, bracketed = parse("a   and  b"), parse("(a and b)")
    assert spaced == bracketed == parse("a and b")
    assert hash(spaced) == hash(bracketed)
    assert spaced.offset == 0
    assert isinstance(spaced, Binary)
    assert spaced.right.offset == 9
