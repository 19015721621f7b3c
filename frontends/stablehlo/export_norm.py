"""Export of normalizations and other composite graph ops as StableHLO arithmetic.

- graph.layer_norm / graph.batch_norm / graph.group_norm (channel axis 1) /
  graph.instance_norm: mean and biased variance with `reduce` add, then
  (x - mean) * rsqrt(var + eps) * scale + bias with explicit broadcasts.
- graph.adaptive_avg_pool: per spatial dim, one slice + reduce per output cell
  ([floor(i*n/m), ceil((i+1)*n/m)), as torch), concatenated.
- graph.leaky_relu / graph.elu / graph.hard_sigmoid: select / clamp forms;
  graph.full: a constant; graph.split: one slice per part.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import IntegerType
from xdsl.dialects.builtin import TensorType as BT
from xdsl.ir import Operation, SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects import stablehlo as s
from tensorforge.dialects.graphops.types import numpy_dtype
from tensorforge.frontends.stablehlo.exporter import Exporter, _Fail, _props, _reduce, exports


def _type(v: SSAValue) -> BT:
    assert isinstance(v.type, BT)
    return v.type


def _shape(v: SSAValue) -> list[int]:
    return list(_type(v).get_shape())


def _const_like(ex: Exporter, v: SSAValue, value: float) -> SSAValue:
    t = _type(v)
    return ex.const(value, numpy_dtype(t.element_type), list(t.get_shape()))


def _bin(ex: Exporter, cls: type[Operation], a: SSAValue, b: SSAValue) -> SSAValue:
    return ex.emit(cls, [a, b], _type(a))


def _back(ex: Exporter, v: SSAValue, like: BT, dims: Sequence[int]) -> SSAValue:
    return ex.emit(s.HloBroadcastInDimOp, [v], like, broadcast_dimensions=list(dims))


def _normalize(ex: Exporter, x: SSAValue, axes: list[int], eps: float) -> SSAValue:
    """(x - mean) * rsqrt(var + eps) over `axes` (biased variance), in x's shape."""
    t = _type(x)
    kept = [d for d in range(len(t.get_shape())) if d not in axes]
    count = float(np.prod([t.get_shape()[a] for a in axes]))
    total = _reduce(ex, x, axes, s.HloAddOp, 0.0)
    mean = _back(ex, _bin(ex, s.HloDivideOp, total, _const_like(ex, total, count)), t, kept)
    centered = _bin(ex, s.HloSubtractOp, x, mean)
    sq = _reduce(ex, _bin(ex, s.HloMultiplyOp, centered, centered), axes, s.HloAddOp, 0.0)
    var = _bin(ex, s.HloDivideOp, sq, _const_like(ex, sq, count))
    inv = ex.emit(s.HloRsqrtOp, [_bin(ex, s.HloAddOp, var, _const_like(ex, var, eps))], _type(var))
    return _bin(ex, s.HloMultiplyOp, centered, _back(ex, inv, t, kept))


def _affine(ex: Exporter, y: SSAValue, scale: SSAValue, bias: SSAValue, dims: list[int]) -> SSAValue:
    t = _type(y)
    return _bin(ex, s.HloAddOp, _bin(ex, s.HloMultiplyOp, y, _back(ex, scale, t, dims)), _back(ex, bias, t, dims))


@exports(g.LayerNormOp)
def _layer_norm(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x, scale, bias = xs
    rank = len(_shape(x))
    axes = list(range(_props(op).int("axis") % rank, rank))
    return [_affine(ex, _normalize(ex, x, axes, _props(op).float("epsilon")), scale, bias, axes)]


@exports(g.BatchNormOp)
def _batch_norm(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x, scale, bias, mean, var = xs
    c = _props(op).int("channel_axis") % len(_shape(x))
    eps = _props(op).float("epsilon")
    factor = _bin(ex, s.HloMultiplyOp, scale,
                  ex.emit(s.HloRsqrtOp, [_bin(ex, s.HloAddOp, var, _const_like(ex, var, eps))], _type(var)))
    shift = _bin(ex, s.HloSubtractOp, bias, _bin(ex, s.HloMultiplyOp, mean, factor))
    return [_affine(ex, x, factor, shift, [c])]


@exports(g.InstanceNormOp)
def _instance_norm(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x, scale, bias = xs
    rank = len(_shape(x))
    c = _props(op).int("channel_axis") % rank
    axes = [d for d in range(1, rank) if d != c]
    return [_affine(ex, _normalize(ex, x, axes, _props(op).float("epsilon")), scale, bias, [c])]


@exports(g.GroupNormOp)
def _group_norm(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x, scale, bias = xs
    p = _props(op)
    shape = _shape(x)
    if p.int("channel_axis") % len(shape) != 1:
        raise _Fail("channel-last group_norm is not exported")
    groups = p.int("num_groups")
    elt = _type(x).element_type
    grouped = ex.emit(s.HloReshapeOp, [x], BT(elt, [shape[0], groups, math.prod(shape[1:]) // groups]))
    y = ex.emit(s.HloReshapeOp, [_normalize(ex, grouped, [2], p.float("epsilon"))], _type(x))
    return [_affine(ex, y, scale, bias, [1])]


@exports(g.AdaptiveAvgPoolOp)
def _adaptive_avg_pool(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x = xs[0]
    shape = _shape(x)
    last = _props(op).has("layout") and _props(op).str("layout").endswith("C")
    spatial = list(range(1, len(shape) - 1)) if last else list(range(2, len(shape)))
    elt = _type(x).element_type
    for d, m in zip(spatial, _props(op).ints("output_size"), strict=True):
        n = shape[d]
        cells = []
        for i in range(m):
            lo, hi = (i * n) // m, -((-(i + 1) * n) // m)
            part = _slice(ex, x, d, lo, hi)
            kept = [k for k in range(len(shape)) if k != d]
            total = _reduce(ex, part, [d], s.HloAddOp, 0.0)
            mean = _bin(ex, s.HloDivideOp, total, _const_like(ex, total, float(hi - lo)))
            cells.append(ex.emit(s.HloBroadcastInDimOp, [mean], BT(elt, [1 if k == d else v for k, v in enumerate(shape)]),
                                 broadcast_dimensions=kept))
        shape = [m if k == d else v for k, v in enumerate(shape)]
        x = cells[0] if m == 1 else ex.emit(s.HloConcatenateOp, cells, BT(elt, shape), dimension=d)
    return [x]


def _slice(ex: Exporter, x: SSAValue, axis: int, lo: int, hi: int) -> SSAValue:
    shape = _shape(x)
    starts, limits = [0] * len(shape), list(shape)
    starts[axis], limits[axis] = lo, hi
    out = BT(_type(x).element_type, [hi - lo if k == axis else v for k, v in enumerate(shape)])
    return ex.emit(s.HloSliceOp, [x], out, start_indices=starts, limit_indices=limits, strides=[1] * len(shape))


@exports(g.SplitOp)
def _split(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x = xs[0]
    axis = _props(op).int("axis") % len(_shape(x))
    outs, lo = [], 0
    for r in op.results:
        size = list(ex.btype(r.type).get_shape())[axis]
        outs.append(_slice(ex, x, axis, lo, lo + size))
        lo += size
    return outs


@exports(g.FullOp)
def _full(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    t = ex.btype(op.results[0].type)
    return [ex.const(_props(op).float("value"), numpy_dtype(t.element_type), list(t.get_shape()))]


def _compare(ex: Exporter, x: SSAValue, direction: str, value: float) -> SSAValue:
    shape = _shape(x)
    return ex.emit(s.HloCompareOp, [x, _const_like(ex, x, value)], BT(IntegerType(1), shape),
                   comparison_direction=s.ComparisonDirectionAttr.of(direction), compare_type=s.ComparisonTypeAttr.of("FLOAT"))


@exports(g.LeakyReluOp)
def _leaky_relu(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x = xs[0]
    scaled = _bin(ex, s.HloMultiplyOp, x, _const_like(ex, x, _props(op).float("alpha")))
    return [ex.emit(s.HloSelectOp, [_compare(ex, x, "GE", 0.0), x, scaled], _type(x))]


@exports(g.EluOp)
def _elu(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x = xs[0]
    em1 = ex.emit(s.HloExponentialMinusOneOp, [x], _type(x))
    neg = _bin(ex, s.HloMultiplyOp, em1, _const_like(ex, x, _props(op).float("alpha")))
    return [ex.emit(s.HloSelectOp, [_compare(ex, x, "GT", 0.0), x, neg], _type(x))]


@exports(g.HardSigmoidOp)
def _hard_sigmoid(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x = xs[0]
    p = _props(op)
    lin = _bin(ex, s.HloAddOp, _bin(ex, s.HloMultiplyOp, x, _const_like(ex, x, p.float("alpha"))),
               _const_like(ex, x, p.float("beta")))
    return [ex.emit(s.HloClampOp, [_const_like(ex, x, 0.0), lin, _const_like(ex, x, 1.0)], _type(x))]
