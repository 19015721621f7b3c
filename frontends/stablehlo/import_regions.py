"""Importer conversions of reduce / reduce_window with arbitrary elementwise bodies
(argmax and argmin as JAX writes them, several inputs, compound bodies).

The body is a scalar computation; applied to whole tensors it runs
vectorized, so we convert the body block itself with tensors bound to its
arguments (elementwise graph ops broadcast the scalar constants in it).

reduce: the reduced dims are moved last and flattened to one of size n, then
halved log2(n) times: body(first half, second half), an odd last element
carried along; the init values are combined once at the end. The StableHLO
spec defines reduce over an implementation-defined binary tree with the init
values at implementation-defined places, so this order is one it allows (the
interpreter folds left to right; both agree for associative bodies).
reduce_window: the padded inputs (padded with the init values) are sliced once
per window element and folded into accumulators that start at the inits.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.ir import Operation, Region, SSAValue

from tensorforge.dialects import chlo as c
from tensorforge.dialects import graph as g
from tensorforge.dialects import stablehlo as s
from tensorforge.frontends.stablehlo.import_lowerings import (
    _reduce_window_general,
    _static_shape,
    pad_value,
    window_params,
)
from tensorforge.frontends.stablehlo.importer import (
    REDUCERS,
    Converter,
    Skip,
    _body_text,
    _ints,
    _reduce,
    _shape,
    converts,
)
from tensorforge.interp.stablehlo import single_body_op

ELEMENTWISE: set[type[Operation]] = {
    *[cls for name, cls in s.UNARY_OPS.items() if name not in ("reshape", "bitcast_convert")],
    *s.BINARY_OPS.values(), s.HloSelectOp, s.HloClampOp, s.HloCompareOp, s.HloConstantOp, s.HloReturnOp,
    *c.CHLO_UNARY.values(), *c.CHLO_BINARY.values(),
}
"""Ops a body may hold to be applied to whole tensors."""


def elementwise_body(region: Region) -> bool:
    return all(type(op) in ELEMENTWISE for op in region.block.ops)


def apply_body(cv: Converter, region: Region, args: Sequence[SSAValue]) -> list[SSAValue]:
    """The body's results with tensors bound to its (scalar) arguments."""
    outs = cv.convert_block(region.block, list(args), [None] * len(args))
    if len(outs) != len(region.block.last_op.operands) or any(v is None for v in outs):  # type: ignore[union-attr]
        raise Skip()  # a body op failed: already reported
    return [v for v in outs if v is not None]


def _slice_last(cv: Converter, v: SSAValue, start: int, end: int) -> SSAValue:
    return cv.add(g.SliceOp(v, starts=[start], ends=[end], axes=[-1], steps=[1]))


def tree_reduce(cv: Converter, region: Region, xs: list[SSAValue], n: int) -> list[SSAValue]:
    """Reduce the last axis (size n >= 1) of every x by halving; the last axis stays, of size 1."""
    while n > 1:
        h = n // 2
        firsts = [_slice_last(cv, x, 0, h) for x in xs]
        seconds = [_slice_last(cv, x, h, 2 * h) for x in xs]
        merged = apply_body(cv, region, [*firsts, *seconds])
        if n % 2:
            merged = [cv.add(g.ConcatOp([m, _slice_last(cv, x, n - 1, n)], axis=-1)) for m, x in zip(merged, xs, strict=True)]
        xs, n = merged, h + n % 2
    return xs


@converts(s.HloReduceOp)
def _reduce_any(cv: Converter, op: Operation) -> list[SSAValue | None]:
    region = op.regions[0]
    k = len(op.operands) // 2
    if k == 1 and single_body_op(region) in REDUCERS:
        return _reduce(cv, op)
    if not elementwise_body(region):
        raise cv.fail(op, f"a reduction body with non-elementwise ops {_body_text(region)}")
    shape = _static_shape(cv, op, op.operands[0])
    dims = _ints(op.properties["dimensions"])
    kept = [d for d in range(len(shape)) if d not in dims]
    n = int(np.prod([shape[d] for d in dims])) if dims else 1
    inits = [cv.value(v) for v in op.operands[k:]]
    out_shape = [shape[d] for d in kept]
    if n == 0:
        return [cv.add(g.BroadcastToOp(i, shape=out_shape)) for i in inits]
    xs = [cv.add(g.ReshapeOp(cv.add(g.TransposeOp(cv.value(v), perm=kept + dims)), shape=[*out_shape, n]))
          for v in op.operands[:k]]
    reduced = [cv.add(g.ReshapeOp(r, shape=out_shape)) for r in tree_reduce(cv, region, xs, n)]
    outs: list[SSAValue | None] = list(apply_body(cv, region, [*inits, *reduced]))
    return [cv.add(g.BroadcastToOp(o, shape=_shape(op, i))) if _needs_broadcast(o, _shape(op, i)) else o
            for i, o in enumerate(outs) if o is not None]


def _needs_broadcast(v: SSAValue, shape: list[int]) -> bool:
    t: Any = v.type
    return [d.value() if d.is_const() else -1 for d in t.dims] != shape


@converts(s.HloReduceWindowOp)
def _reduce_window_any(cv: Converter, op: Operation) -> list[SSAValue | None]:
    region = op.regions[0]
    k = len(op.operands) // 2
    if k == 1 and single_body_op(region) in REDUCERS:
        return _reduce_window_general(cv, op)
    if not elementwise_body(region):
        raise cv.fail(op, f"a window body with non-elementwise ops {_body_text(region)}")
    win, strides, wdil, base, pads = window_params(cv, op)
    rank = len(win)
    padded = [pad_value(cv, cv.value(x), _static_shape(cv, op, x), [lo for lo, _ in pads], [hi for _, hi in pads],
                        [b - 1 for b in base], init) for x, init in zip(op.operands[:k], op.operands[k:], strict=True)]
    out = _shape(op)
    accs = [cv.add(g.BroadcastToOp(cv.value(i), shape=out)) for i in op.operands[k:]]
    for kidx in itertools.product(*[range(w) for w in win]):
        starts = [i * d for i, d in zip(kidx, wdil, strict=True)]
        ends = [st + (m - 1) * sd + 1 for st, m, sd in zip(starts, out, strides, strict=True)]
        pieces = [cv.add(g.SliceOp(x, starts=starts, ends=ends, axes=list(range(rank)), steps=strides)) for x in padded]
        accs = apply_body(cv, region, [*accs, *pieces])
    return list(accs)

