"""Bookkeeping for `graph-convert-layout`: permutations and the value map.

A converted value is tracked as `(new, perm)` meaning `new == transpose(orig,
perm)` (new axis i is original axis perm[i]). `Converter.get(v, perm)` returns
a value equal to `transpose(v, perm)`, reusing a tracked value, composing
permutations, folding constants, and inserting (and caching) a transpose only
when nothing else gives it. Original ops are never modified except that a
consumer that is not converted gets its operands swapped for equal values, so
the old ops left behind are dead and removed by DCE.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.ir import Attribute, Operation, SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.dialects.graphops.types import ShapeAttr, TensorType
from tensorforge.dialects.symbolic import Expr
from tensorforge.interp.fold import constant_array

Perm = tuple[int, ...]


# -- permutations ---------------------------------------------------------------------
def channels_last_perm(rank: int) -> Perm:
    """[N, C, *s] -> [N, *s, C]."""
    return (0, *range(2, rank), 1)


def channels_first_perm(rank: int) -> Perm:
    """[N, *s, C] -> [N, C, *s]."""
    return (0, rank - 1, *range(1, rank - 1))


def weight_perm(rank: int, to_last: bool) -> Perm:
    """Conv weights: [O, I, *k] -> [*k, I, O] (to_last) and back."""
    if to_last:
        return (*range(2, rank), 1, 0)
    return (rank - 1, rank - 2, *range(rank - 2))


def identity(rank: int) -> Perm:
    return tuple(range(rank))


def is_identity(perm: Sequence[int]) -> bool:
    return tuple(perm) == identity(len(perm))


def invert(perm: Sequence[int]) -> Perm:
    """inv[a] is the new position of original axis a."""
    out = [0] * len(perm)
    for i, a in enumerate(perm):
        out[a] = i
    return tuple(out)


def rank_of(v: SSAValue) -> int:
    t = v.type
    return t.rank if isinstance(t, TensorType) else -1


def _dims(v: SSAValue) -> list[Expr]:
    t = v.type
    assert isinstance(t, TensorType)
    return list(t.dims)


def props_of(op: Operation) -> Props:
    return Props(type(op), dict(op.properties))  # type: ignore[arg-type]


def rebuild(op: Operation, operands: Sequence[SSAValue], **changes: Attribute | None) -> Operation:
    """A copy of graph op `op` on new operands with some properties changed (None drops one);
    result types are inferred (a VerifyException means the copy is not valid)."""
    cls = type(op)
    props = dict(op.properties)
    for name, value in changes.items():
        props.pop(name, None)
        if value is not None:
            props[name] = value
    types = cls.infer([v.type for v in operands], Props(cls, props))  # type: ignore[attr-defined]
    return cls.create(operands=list(operands), result_types=types, properties=props, attributes=dict(op.attributes))


# -- the value map --------------------------------------------------------------------
class Converter:
    """Tracks converted values of one function and inserts ops before the current op."""

    def __init__(self, to_last: bool) -> None:
        self.to_last = to_last
        self.state: dict[SSAValue, tuple[SSAValue, Perm]] = {}
        self.cache: dict[tuple[SSAValue, Perm], SSAValue] = {}
        self.current: Operation | None = None

    def target_perm(self, rank: int) -> Perm:
        return channels_last_perm(rank) if self.to_last else channels_first_perm(rank)

    def emit(self, op: Operation) -> Operation:
        """Insert `op` before the op being converted."""
        assert self.current is not None and self.current.parent is not None
        self.current.parent.insert_op_before(op, self.current)
        return op

    def track(self, orig: SSAValue, new: SSAValue, perm: Perm) -> None:
        self.state[orig] = (new, perm)

    def perm_of(self, v: SSAValue) -> Perm | None:
        """The permutation `v` is available in, when it is not the original order."""
        entry = self.state.get(v)
        if entry is None or is_identity(entry[1]):
            return None
        return entry[1]

    def get(self, v: SSAValue, perm: Perm) -> SSAValue:
        """A value equal to transpose(v, perm)."""
        key = (v, perm)
        if key in self.cache:
            return self.cache[key]
        out = self._make(v, perm)
        self.cache[key] = out
        return out

    def _make(self, v: SSAValue, perm: Perm) -> SSAValue:
        entry = self.state.get(v)
        if entry is not None:
            new, have = entry
            inv = invert(have)
            return self._transpose(new, tuple(inv[a] for a in perm))
        if is_identity(perm):
            return v
        arr = constant_array(v)
        if arr is not None:
            return self._constant(np.transpose(arr, perm))
        dims = _dims(v)
        if isinstance(v.owner, g.FullOp):
            return self._full(v.owner, [dims[a] for a in perm])
        return self._transpose(v, perm)

    def _transpose(self, v: SSAValue, perm: Perm) -> SSAValue:
        if is_identity(perm):
            return v
        return self.emit(g.TransposeOp(v, perm=list(perm))).results[0]

    def _full(self, op: g.FullOp, dims: Sequence[Expr]) -> SSAValue:
        """A fill (light ONNX models' weights) in another shape: a new fill, no transpose."""
        return self.emit(rebuild(op, [], shape=ShapeAttr(list(dims)))).results[0]

    def _constant(self, arr: np.ndarray) -> SSAValue:
        return self.emit(g.ConstantOp(dense_from_array(np.ascontiguousarray(arr)))).results[0]

    def get_broadcast(self, v: SSAValue, perm: Perm) -> SSAValue:
        """An operand broadcast against a result of rank len(perm), in that permutation.

        A lower-rank operand is first given leading 1s (numpy broadcasting), so
        a bias [C, 1, 1] becomes [1, 1, 1, C] for NHWC; scalars stay as they are.
        """
        rank = rank_of(v)
        if rank == len(perm):
            return self.get(v, perm)
        if rank == 0:
            return self.get(v, ())
        key = (v, perm)
        if key in self.cache:
            return self.cache[key]
        base = self.get(v, identity(rank))
        lead = len(perm) - rank
        arr = constant_array(base)
        padded = [Expr.const(1)] * lead + _dims(base)
        if arr is not None:
            out = self._constant(np.transpose(arr.reshape((1,) * lead + arr.shape), perm))
        elif isinstance(base.owner, g.FullOp):
            out = self._full(base.owner, [padded[a] for a in perm])
        else:
            expanded = self.emit(g.UnsqueezeOp(base, axes=list(range(lead)))).results[0]
            out = self._transpose(expanded, perm)
        self.cache[key] = out
        return out

    def restore_operands(self, op: Operation) -> None:
        """Give a consumer that is not converted its operands in the original layout."""
        if not any(v in self.state for v in op.operands):
            return
        op.operands = [self.get(v, identity(rank_of(v))) if v in self.state else v for v in op.operands]
