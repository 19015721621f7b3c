"""Export of indexing, arg-reductions and a few composite graph ops (graph -> StableHLO).

- graph.gather / graph.embedding / graph.gather_nd (batch_dims 0): one
  stablehlo.gather; negative indices are wrapped first (`select(i < 0, i + n, i)`).
- graph.scatter_nd (batch_dims-free, any reduction): stablehlo.scatter whose
  body is the reduction (`none` returns the update).
- graph.argmax / graph.argmin: a two-input stablehlo.reduce of (values, iota)
  with the body JAX writes (NaN wins, ties take the first or last index).
- graph.cumsum: reduce_window add with a window the size of the axis.
- graph.dense: dot_general (+ bias); graph.global_avg_pool: reduce add / count;
  graph.shift_right: the arithmetic (signed) or logical (unsigned) shift;
  graph.zeros_like / graph.ones_like: constants.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import BoolAttr, IntegerType, i64
from xdsl.dialects.builtin import TensorType as BT
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects import stablehlo as s
from tensorforge.dialects.graphops.types import numpy_dtype
from tensorforge.frontends.stablehlo.export_nn import reduce_window
from tensorforge.frontends.stablehlo.exporter import Exporter, _attr, _Fail, _props, _reduce, exports


def _shape(v: SSAValue) -> list[int]:
    assert isinstance(v.type, BT)
    return list(v.type.get_shape())


def _elt(v: SSAValue) -> Attribute:
    assert isinstance(v.type, BT)
    return v.type.element_type


def _wrap(ex: Exporter, idx: SSAValue, sizes: list[int]) -> SSAValue:
    """Negative indices count from the end: sizes broadcast along the last dim (one size: everywhere)."""
    t = idx.type
    assert isinstance(t, BT)
    dt = numpy_dtype(t.element_type)
    shape = _shape(idx)
    if dt.kind == "u":
        return idx
    n = ex.const(np.array(sizes, dt), dt, [len(sizes)]) if len(sizes) > 1 else ex.const(sizes[0], dt)
    n = ex.emit(s.HloBroadcastInDimOp, [n], t, broadcast_dimensions=[len(shape) - 1] if len(sizes) > 1 else [])
    zero = ex.const(0, dt, shape)
    neg = ex.emit(s.HloCompareOp, [idx, zero], BT(IntegerType(1), shape),
                  comparison_direction=s.ComparisonDirectionAttr.of("LT"), compare_type=s.ComparisonTypeAttr.of("SIGNED"))
    return ex.emit(s.HloSelectOp, [neg, ex.emit(s.HloAddOp, [idx, n], t), idx], t)


def _gather(ex: Exporter, x: SSAValue, idx: SSAValue, out: BT, axes: list[int], ivd: int) -> SSAValue:
    """Gather whole slices of x at the indices of `axes` (collapsed); the other dims follow the batch dims."""
    xs = _shape(x)
    nb = len(_shape(idx)) - (1 if ivd < len(_shape(idx)) else 0)
    lead = list(range(axes[0]))  # x dims before the (contiguous) indexed ones come first, the rest after the batch
    offset = lead + [nb + len(lead) + i for i in range(len(xs) - len(axes) - len(lead))]
    dn = s.GatherDimensionNumbersAttr.make(offset_dims=offset, collapsed_slice_dims=axes, start_index_map=axes,
                                           index_vector_dim=ivd)
    sizes = [1 if d in axes else n for d, n in enumerate(xs)]
    return ex.emit(s.HloGatherOp, [x, idx], out, dimension_numbers=dn, slice_sizes=sizes,
                   indices_are_sorted=BoolAttr.from_bool(False))


@exports(g.GatherOp, g.EmbeddingOp)
def _take(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x, idx = xs
    axis = _props(op).int("axis") % len(_shape(x)) if type(op) is g.GatherOp else 0
    idx = _wrap(ex, idx, [_shape(x)[axis]])
    return [_gather(ex, x, idx, ex.btype(op.results[0].type), [axis], len(_shape(idx)))]


@exports(g.GatherNDOp)
def _gather_nd(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    if _props(op).int("batch_dims"):
        raise _Fail("gather_nd with batch_dims is not exported")
    x, idx = xs
    k = _shape(idx)[-1]
    idx = _wrap(ex, idx, _shape(x)[:k])
    return [_gather(ex, x, idx, ex.btype(op.results[0].type), list(range(k)), len(_shape(idx)) - 1)]


_SCATTER_BODIES = {"add": s.HloAddOp, "mul": s.HloMultiplyOp, "max": s.HloMaximumOp, "min": s.HloMinimumOp}


@exports(g.ScatterNDOp)
def _scatter_nd(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x, idx, upd = xs
    reduction = _props(op).str("reduction")
    if reduction != "none" and reduction not in _SCATTER_BODIES:
        raise _Fail(f"scatter_nd reduction '{reduction}' is not exported")
    q, k = len(_shape(idx)), _shape(idx)[-1]
    idx = _wrap(ex, idx, _shape(x)[:k])
    dn = s.ScatterDimensionNumbersAttr.make(update_window_dims=list(range(q - 1, len(_shape(upd)))),
                                            inserted_window_dims=list(range(k)), scatter_dims_to_operand_dims=list(range(k)),
                                            index_vector_dim=q - 1)
    return [emit_scatter(ex, op, x, idx, upd, dn, reduction)]


def emit_scatter(ex: Exporter, op: Operation, x: SSAValue, idx: SSAValue, upd: SSAValue,
                 dn: Attribute, reduction: str) -> SSAValue:
    """stablehlo.scatter of `upd` into `x` at `idx` whose body replaces or combines (`reduction`)."""
    scalar = BT(_elt(x), [])
    blk = Block(arg_types=[scalar, scalar])
    result = blk.args[1]
    if reduction != "none":
        body = _SCATTER_BODIES[reduction].create(operands=list(blk.args), result_types=[scalar])
        blk.add_op(body)
        result = body.results[0]
    blk.add_op(s.HloReturnOp.create(operands=[result]))
    sc = s.HloScatterOp.create(operands=[x, idx, upd], result_types=[ex.btype(op.results[0].type)], regions=[Region(blk)],
                               properties={"scatter_dimension_numbers": dn,
                                           "indices_are_sorted": BoolAttr.from_bool(False),
                                           "unique_indices": BoolAttr.from_bool(False)})
    ex.block.add_op(sc)
    return sc.results[0]


# -- arg reductions and cumsum ----------------------------------------------------------------
def _cmp(blk: Block, a: SSAValue, b: SSAValue, direction: str, ctype: str) -> SSAValue:
    op = s.HloCompareOp.create(operands=[a, b], result_types=[BT(IntegerType(1), [])],
                               properties={"comparison_direction": s.ComparisonDirectionAttr.of(direction),
                                           "compare_type": s.ComparisonTypeAttr.of(ctype)})
    blk.add_op(op)
    return op.results[0]


def _logic(blk: Block, cls: type[Operation], a: SSAValue, b: SSAValue) -> SSAValue:
    op = cls.create(operands=[a, b], result_types=[BT(IntegerType(1), [])])
    blk.add_op(op)
    return op.results[0]


def _arg_body(elt: Attribute, better: str, last: bool) -> Region:
    """(v1, i1), (v2, i2) -> the better value (NaN wins) and its index (ties: the first, or last)."""
    vt, it = BT(elt, []), BT(i64, [])
    blk = Block(arg_types=[vt, it, vt, it])
    v1, i1, v2, i2 = blk.args
    kind = numpy_dtype(elt).kind
    ctype = "FLOAT" if kind == "f" else "UNSIGNED" if kind in "ub" else "SIGNED"
    wins = _logic(blk, s.HloOrOp, _cmp(blk, v1, v2, better, ctype), _cmp(blk, v1, v1, "NE", ctype))
    tie = _logic(blk, s.HloAndOp, _cmp(blk, v1, v2, "EQ", ctype), _cmp(blk, i1, i2, "GT" if last else "LT", "SIGNED"))
    pick = _logic(blk, s.HloOrOp, wins, tie)
    value = s.HloSelectOp.create(operands=[wins, v1, v2], result_types=[vt])
    index = s.HloSelectOp.create(operands=[pick, i1, i2], result_types=[it])
    blk.add_ops([value, index, s.HloReturnOp.create(operands=[value.results[0], index.results[0]])])
    return Region(blk)


@exports(g.ArgMaxOp, g.ArgMinOp)
def _arg_reduce(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    p = _props(op)
    x = xs[0]
    shape = _shape(x)
    axis = p.int("axis") % len(shape)
    elt = _elt(x)
    dt = numpy_dtype(elt)
    is_max = type(op) is g.ArgMaxOp
    big = np.inf if dt.kind == "f" else np.iinfo(dt).max
    init_v = ex.const(-big if is_max else big, dt)
    init_i = ex.const(0, np.dtype(np.int64))
    iota = ex.emit(s.HloIotaOp, [], BT(i64, shape), iota_dimension=axis)
    kept = [n for d, n in enumerate(shape) if d != axis]
    red = s.HloReduceOp.create(operands=[x, iota, init_v, init_i], result_types=[BT(elt, kept), BT(i64, kept)],
                               regions=[_arg_body(elt, "GT" if is_max else "LT", p.bool("select_last_index"))],
                               properties={"dimensions": _attr([axis])})
    ex.block.add_op(red)
    return [ex.emit(s.HloReshapeOp, [red.results[1]], ex.btype(op.results[0].type))]


@exports(g.CumSumOp)
def _cumsum(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    p = _props(op)
    x = xs[0]
    shape = _shape(x)
    axis = p.int("axis") % len(shape)
    n = shape[axis]
    lo, hi = (n - 1, 0) if not p.bool("reverse") else (0, n - 1)
    if p.bool("exclusive"):
        lo, hi = (lo + 1, hi - 1) if not p.bool("reverse") else (lo - 1, hi + 1)
    win = [n if d == axis else 1 for d in range(len(shape))]
    pads = [(lo, hi) if d == axis else (0, 0) for d in range(len(shape))]
    ones = [1] * len(shape)
    t = ex.btype(op.results[0].type)
    return [reduce_window(ex, x, s.HloAddOp, 0, t, win, ones, ones, pads)]


# -- composites -------------------------------------------------------------------------------
@exports(g.DenseOp)
def _dense(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    if _props(op).has("acc_type"):
        raise _Fail("integer dense (acc_type) is not exported")
    x, w = xs[:2]
    rank = len(_shape(x))
    out = ex.btype(op.results[0].type)
    dn = s.DotDimensionNumbersAttr.make(lhs_batching_dimensions=[], rhs_batching_dimensions=[],
                                        lhs_contracting_dimensions=[rank - 1], rhs_contracting_dimensions=[1])
    y = ex.emit(s.HloDotGeneralOp, [x, w], out, dot_dimension_numbers=dn)
    if len(xs) < 3:
        return [y]
    b = ex.emit(s.HloBroadcastInDimOp, [xs[2]], out, broadcast_dimensions=[rank - 1])
    return [ex.emit(s.HloAddOp, [y, b], out)]


@exports(g.GlobalAvgPoolOp)
def _global_avg_pool(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x = xs[0]
    shape = _shape(x)
    last = _props(op).has("layout") and _props(op).str("layout").endswith("C")
    spatial = list(range(1, len(shape) - 1)) if last else list(range(2, len(shape)))
    total = _reduce(ex, x, spatial, s.HloAddOp, 0.0)
    tt = total.type
    assert isinstance(tt, BT)
    count = ex.const(float(np.prod([shape[d] for d in spatial])), numpy_dtype(_elt(x)), list(tt.get_shape()))
    mean = ex.emit(s.HloDivideOp, [total, count], tt)
    return [ex.emit(s.HloReshapeOp, [mean], ex.btype(op.results[0].type))]


@exports(g.ShiftRightOp)
def _shift_right(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    t = ex.btype(op.results[0].type)
    a, b = (ex.bcast(v, BT(_elt(v), t.get_shape())) for v in xs)
    logical = numpy_dtype(t.element_type).kind == "u"
    return [ex.emit(s.HloShiftRightLogicalOp if logical else s.HloShiftRightArithmeticOp, [a, b], t)]


@exports(g.ZerosLikeOp, g.OnesLikeOp)
def _fill_like(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    t = ex.btype(op.results[0].type)
    return [ex.const(1 if type(op) is g.OnesLikeOp else 0, numpy_dtype(t.element_type), list(t.get_shape()))]

