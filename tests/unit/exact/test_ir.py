"""Test trees: negations moved onto metric comparisons decide the same packages."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantees.model.exact import ir

OPS = st.sampled_from(sorted(ir.COMPARE))
LEAVES = st.one_of(
    st.builds(ir.Has, st.integers(1, 15)),
    st.builds(ir.CountCmp, st.integers(1, 15), OPS, st.integers(0, 4)),
    st.builds(ir.MetricCmp, st.integers(0, 1), OPS, st.integers(-3, 3)),
)
TREES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.builds(ir.Not, inner),
        st.builds(ir.All, st.tuples(inner, inner)),
        st.builds(ir.Any_, st.tuples(inner, inner, inner)),
        st.builds(ir.Iff, inner, inner),
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(TREES)
def test_inward_decides_like_the_tree(node: ir.Node) -> None:
    packages = np.arange(16, dtype=np.uint64)
    grids = [np.array([-4, -3, -1, 0, 1, 2, 3, 4] * 2), np.arange(-8, 8)]

    def metric(cmp: ir.MetricCmp) -> np.ndarray:
        return ir.q_compare(grids[cmp.metric], cmp.op, cmp.grid)

    moved = ir.inward(node)
    assert (ir.vector(moved, packages, metric) == ir.vector(node, packages, metric)).all()
    assert not _negated_comparison(moved) or _in_iff(moved)


def _negated_comparison(node: ir.Node) -> bool:
    match node:
        case ir.Not(ir.MetricCmp()):
            return True
        case ir.Not(operand):
            return _negated_comparison(operand)
        case ir.All(items) | ir.Any_(items):
            return any(_negated_comparison(i) for i in items)
        case ir.Iff(left, right):
            return _negated_comparison(left) or _negated_comparison(right)
    return False


def _in_iff(node: ir.Node) -> bool:
    """Whether the tree has an equivalence or a negated one (left as it is)."""
    match node:
        case ir.Iff():
            return True
        case ir.Not(operand):
            return _in_iff(operand)
        case ir.All(items) | ir.Any_(items):
            return any(_in_iff(i) for i in items)
    return False
