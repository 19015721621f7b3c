"""Importer conversion of `stablehlo.sort` with the comparators JAX writes.

The comparator must be a (lexicographic) order on keys, each key one operand's
pair of arguments compared LT or GT, possibly after JAX's canonicalization of
floats (selects that map -0.0 to 0.0 and every NaN to one NaN):

    lt(k0)                                  one key
    or(lt(k0), and(eq(k0), lt(k1)))         keys k0, k1 (lax.sort num_keys=2), and so on

One key and one operand is a graph.sort. Otherwise the keys are argsorted one
by one, least significant first, each stable sort permuting the order found so
far (an LSD radix sort), and every operand is gathered with the final order.
Any other comparator (arithmetic on the keys, for one) is refused.
"""

from __future__ import annotations

from xdsl.ir import Operation, Region, SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects import stablehlo as s
from tensorforge.frontends.stablehlo.importer import Converter, converts

Key = tuple[int, str]
"""(operand index, "LT" ascending or "GT" descending)."""

_CANONICAL = (s.HloSelectOp, s.HloCompareOp, s.HloConstantOp)
"""Ops JAX's float canonicalization puts between a comparator argument and its compare."""


def _arg_of(v: SSAValue, region: Region) -> int | None:
    """The one block argument v is a canonicalized copy of (None if anything else is involved)."""
    args = list(region.block.args)
    found: set[int] = set()
    stack = [v]
    while stack:
        cur = stack.pop()
        if cur in args:
            found.add(args.index(cur))
            continue
        owner = cur.owner
        if not isinstance(owner, _CANONICAL):
            return None
        if isinstance(owner, s.HloSelectOp):
            stack.extend(owner.operands[1:])  # the predicate is a test on the same argument
    return found.pop() if len(found) == 1 else None


def _compare(v: SSAValue, region: Region, directions: tuple[str, ...]) -> Key | None:
    """A compare of one operand's pair: (operand, direction as seen from (lhs, rhs))."""
    op = v.owner
    if not isinstance(op, s.HloCompareOp):
        return None
    direction = op.comparison_direction.data
    a, b = (_arg_of(x, region) for x in op.operands)
    if a is None or b is None or a // 2 != b // 2 or a == b or direction not in directions:
        return None
    if a > b:
        direction = {"LT": "GT", "GT": "LT"}.get(direction, direction)
    return a // 2, direction


def _binary(v: SSAValue, cls: type[Operation]) -> tuple[SSAValue, SSAValue] | None:
    op = v.owner
    return (op.operands[0], op.operands[1]) if isinstance(op, cls) else None


def comparator_keys(region: Region) -> list[Key] | None:
    """The keys, most significant first, of a lexicographic comparator (None: another comparator)."""
    ret = region.block.last_op
    if not isinstance(ret, s.HloReturnOp) or len(ret.operands) != 1:
        return None
    return _keys(ret.operands[0], region)


def _keys(v: SSAValue, region: Region) -> list[Key] | None:
    first = _compare(v, region, ("LT", "GT"))
    if first is not None:
        return [first]
    pair = _binary(v, s.HloOrOp)
    if pair is None:
        return None
    for less, rest in (pair, pair[::-1]):
        key = _compare(less, region, ("LT", "GT"))
        tie = _binary(rest, s.HloAndOp)
        if key is None or tie is None:
            continue
        for eq, tail in (tie, tie[::-1]):
            if _compare(eq, region, ("EQ",)) == (key[0], "EQ"):
                more = _keys(tail, region)
                return None if more is None else [key, *more]
    return None


@converts(s.HloSortOp)
def _sort(cv: Converter, op: Operation) -> list[SSAValue | None]:
    keys = comparator_keys(op.regions[0])
    if keys is None:
        raise cv.fail(op, "only comparators that order operands by LT/GT keys (lexicographically, as JAX writes them) "
                          "are supported")
    axis = int(op.properties["dimension"].value.data)  # type: ignore[attr-defined]
    values = [cv.value(v) for v in op.operands]
    if len(values) == 1 and len(keys) == 1:
        return [cv.add(g.SortOp(values[0], axis=axis, descending=keys[0][1] == "GT", stable=True))]
    order: SSAValue | None = None
    for index, direction in reversed(keys):
        key = values[index] if order is None else cv.add(g.GatherElementsOp(values[index], order, axis=axis))
        step = cv.add(g.ArgsortOp(key, axis=axis, descending=direction == "GT", stable=True))
        order = step if order is None else cv.add(g.GatherElementsOp(order, step, axis=axis))
    assert order is not None
    return [cv.add(g.GatherElementsOp(v, order, axis=axis)) for v in values]
