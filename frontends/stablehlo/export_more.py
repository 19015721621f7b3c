"""Export of top-k, element-wise gather/scatter, one-hot, mod, reduce_l2 and tile.

- graph.topk: a stable two-operand sort of (values, iota) with a TOTALORDER
  comparator (NaN largest, ties to the lower index), the first k sliced; with
  sorted=false the k entries are sorted back by index.
- graph.gather_elements / graph.scatter_elements: full index vectors (an iota
  per dim, the wrapped indices on `axis`) and a gather of single elements /
  a scatter into single elements (the reduction as its body).
- graph.one_hot: compare(iota, wrapped index) selecting on/off values.
- graph.mod: remainder, plus the divisor where the signs differ (Python's
  rule); graph.reduce_l2: sqrt of a sum of squares; graph.tile: broadcast_in_dim
  to [r0, d0, r1, d1, ...] and a reshape.
"""

from __future__ import annotations

from xdsl.dialects.builtin import BoolAttr, IntegerType, i64
from xdsl.dialects.builtin import TensorType as BT
from xdsl.ir import Attribute, Operation, SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects import stablehlo as s
from tensorforge.dialects.graphops.types import numpy_dtype
from tensorforge.frontends.stablehlo.export_index import _SCATTER_BODIES, _wrap, emit_scatter
from tensorforge.frontends.stablehlo.export_nn import _comparator
from tensorforge.frontends.stablehlo.exporter import Exporter, _attr, _axes, _Fail, _props, _reduce, exports

I1 = IntegerType(1)


def _type(v: SSAValue) -> BT:
    assert isinstance(v.type, BT)
    return v.type


def _shape(v: SSAValue) -> list[int]:
    return list(_type(v).get_shape())


def _sort(ex: Exporter, operands: list[SSAValue], axis: int, descending: bool) -> list[SSAValue]:
    elts: list[Attribute] = [_type(v).element_type for v in operands]
    op = s.HloSortOp.create(operands=operands, result_types=[v.type for v in operands], regions=[_comparator(elts, descending)],
                            properties={"dimension": _attr(axis), "is_stable": BoolAttr.from_bool(True)})
    ex.block.add_op(op)
    return list(op.results)


def _head(ex: Exporter, v: SSAValue, axis: int, k: int) -> SSAValue:
    shape = _shape(v)
    limits = [k if d == axis else n for d, n in enumerate(shape)]
    return ex.emit(s.HloSliceOp, [v], BT(_type(v).element_type, limits), start_indices=[0] * len(shape), limit_indices=limits,
                   strides=[1] * len(shape))


@exports(g.TopKOp)
def _topk(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    p = _props(op)
    x = xs[0]
    shape = _shape(x)
    axis, k = p.int("axis") % len(shape), p.int("k")
    iota = ex.emit(s.HloIotaOp, [], BT(i64, shape), iota_dimension=axis)
    values, indices = (_head(ex, v, axis, k) for v in _sort(ex, [x, iota], axis, p.bool("largest")))
    if not p.bool("sorted"):
        indices, values = _sort(ex, [indices, values], axis, False)
    return [values, indices]


def _full_indices(ex: Exporter, idx: SSAValue, axis: int, size: int) -> SSAValue:
    """[*idx.shape, rank] i64 index vectors: each position's own coordinates, the wrapped idx on `axis`."""
    shape = _shape(idx)
    wrapped = ex.emit(s.HloConvertOp, [_wrap(ex, idx, [size])], BT(i64, shape))
    cols = [wrapped if d == axis else ex.emit(s.HloIotaOp, [], BT(i64, shape), iota_dimension=d) for d in range(len(shape))]
    cols = [ex.emit(s.HloReshapeOp, [c], BT(i64, [*shape, 1])) for c in cols]
    return ex.emit(s.HloConcatenateOp, cols, BT(i64, [*shape, len(shape)]), dimension=len(shape))


@exports(g.GatherElementsOp)
def _gather_elements(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x, idx = xs
    rank = len(_shape(x))
    axis = _props(op).int("axis") % rank
    full = _full_indices(ex, idx, axis, _shape(x)[axis])
    dn = s.GatherDimensionNumbersAttr.make(offset_dims=[], collapsed_slice_dims=list(range(rank)),
                                           start_index_map=list(range(rank)), index_vector_dim=rank)
    return [ex.emit(s.HloGatherOp, [x, full], ex.btype(op.results[0].type), dimension_numbers=dn, slice_sizes=[1] * rank,
                    indices_are_sorted=BoolAttr.from_bool(False))]


@exports(g.ScatterElementsOp)
def _scatter_elements(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x, idx, upd = xs
    p = _props(op)
    reduction = p.str("reduction")
    if reduction != "none" and reduction not in _SCATTER_BODIES:
        raise _Fail(f"scatter_elements reduction '{reduction}' is not exported")
    rank = len(_shape(x))
    axis = p.int("axis") % rank
    full = _full_indices(ex, idx, axis, _shape(x)[axis])
    dn = s.ScatterDimensionNumbersAttr.make(update_window_dims=[], inserted_window_dims=list(range(rank)),
                                            scatter_dims_to_operand_dims=list(range(rank)), index_vector_dim=rank)
    return [emit_scatter(ex, op, x, full, upd, dn, reduction)]


@exports(g.OneHotOp)
def _one_hot(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    p = _props(op)
    out = ex.btype(op.results[0].type)
    rank = len(out.get_shape())
    axis = p.int("axis") % rank
    idx = ex.emit(s.HloConvertOp, [_wrap(ex, xs[0], [p.int("depth")])], BT(i64, _shape(xs[0])))
    kept = [d for d in range(rank) if d != axis]
    spread = ex.emit(s.HloBroadcastInDimOp, [idx], BT(i64, out.get_shape()), broadcast_dimensions=kept)
    pos = ex.emit(s.HloIotaOp, [], BT(i64, out.get_shape()), iota_dimension=axis)
    hot = ex.emit(s.HloCompareOp, [spread, pos], BT(I1, out.get_shape()), comparison_direction=s.ComparisonDirectionAttr.of("EQ"),
                  compare_type=s.ComparisonTypeAttr.of("SIGNED"))
    dt = numpy_dtype(out.element_type)
    on, off = (ex.const(p.float(k), dt, out.get_shape()) for k in ("on_value", "off_value"))
    return [ex.emit(s.HloSelectOp, [hot, on, off], out)]


@exports(g.ModOp)
def _mod(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    t = ex.btype(op.results[0].type)
    a, b = (ex.bcast(v, BT(_type(v).element_type, t.get_shape())) for v in xs)
    dt = numpy_dtype(t.element_type)
    shape = list(t.get_shape())
    r = ex.emit(s.HloRemainderOp, [a, b], t)
    zero = ex.const(0, dt, shape)

    def cmp(u: SSAValue, v: SSAValue, d: str) -> SSAValue:
        ctype = {"f": "FLOAT", "u": "UNSIGNED"}.get(dt.kind, "SIGNED")
        return ex.emit(s.HloCompareOp, [u, v], BT(I1, shape), comparison_direction=s.ComparisonDirectionAttr.of(d),
                       compare_type=s.ComparisonTypeAttr.of(ctype))

    if dt.kind != "u":
        differ = ex.emit(s.HloXorOp, [cmp(r, zero, "LT"), cmp(b, zero, "LT")], BT(I1, shape))
        fix = ex.emit(s.HloAndOp, [cmp(r, zero, "NE"), differ], BT(I1, shape))
        r = ex.emit(s.HloSelectOp, [fix, ex.emit(s.HloAddOp, [r, b], t), r], t)
    if dt.kind == "f":
        return [r]
    return [ex.emit(s.HloSelectOp, [cmp(b, zero, "EQ"), zero, r], t)]  # integer mod 0 is 0 in the graph dialect


@exports(g.ReduceL2Op)
def _reduce_l2(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x = xs[0]
    sq = ex.emit(s.HloMultiplyOp, [x, x], _type(x))
    total = _reduce(ex, sq, _axes(op, len(_shape(x))), s.HloAddOp, 0.0)
    root = ex.emit(s.HloSqrtOp, [total], _type(total))
    return [ex.emit(s.HloReshapeOp, [root], ex.btype(op.results[0].type))]


@exports(g.TileOp)
def _tile(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x = xs[0]
    shape = _shape(x)
    reps = list(_props(op).ints("repeats"))
    spread = [v for r, n in zip(reps, shape, strict=True) for v in (r, n)]
    wide = ex.emit(s.HloBroadcastInDimOp, [x], BT(_type(x).element_type, spread),
                   broadcast_dimensions=[2 * i + 1 for i in range(len(shape))])
    return [ex.emit(s.HloReshapeOp, [wide], ex.btype(op.results[0].type))]



def _softmax_last(ex: Exporter, x: SSAValue) -> SSAValue:
    t = _type(x)
    rank = len(t.get_shape())
    kept = list(range(rank - 1))
    m = ex.emit(s.HloBroadcastInDimOp, [_reduce(ex, x, [rank - 1], s.HloMaximumOp, -float("inf"))], t,
                broadcast_dimensions=kept)
    e = ex.emit(s.HloExponentialOp, [ex.emit(s.HloSubtractOp, [x, m], t)], t)
    total = ex.emit(s.HloBroadcastInDimOp, [_reduce(ex, e, [rank - 1], s.HloAddOp, 0.0)], t, broadcast_dimensions=kept)
    return ex.emit(s.HloDivideOp, [e, total], t)


@exports(g.AttentionOp)
def _attention(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    """softmax(q @ k^T * scale + mask) @ v as two batched dot_generals around a softmax."""
    q, k, v = xs[:3]
    out = ex.btype(op.results[0].type)
    batch = list(out.get_shape())[:-2]
    nb = len(batch)
    elt = out.element_type
    (sq, d), (tk, _), (_, e) = (_shape(q)[-2:], _shape(k)[-2:], _shape(v)[-2:])
    q, k, v = (ex.bcast(a, BT(elt, [*batch, *_shape(a)[-2:]])) for a in (q, k, v))
    dims = list(range(nb))
    qk = s.DotDimensionNumbersAttr.make(lhs_batching_dimensions=dims, rhs_batching_dimensions=dims,
                                        lhs_contracting_dimensions=[nb + 1], rhs_contracting_dimensions=[nb + 1])
    st = BT(elt, [*batch, sq, tk])
    scores = ex.emit(s.HloDotGeneralOp, [q, k], st, dot_dimension_numbers=qk)
    p = _props(op)
    scale = p.float("scale") if p.has("scale") else 1 / float(d) ** 0.5
    scores = ex.emit(s.HloMultiplyOp, [scores, ex.const(scale, numpy_dtype(elt), st.get_shape())], st)
    if len(xs) > 3:
        scores = ex.emit(s.HloAddOp, [scores, ex.bcast(xs[3], st)], st)
    pv = s.DotDimensionNumbersAttr.make(lhs_batching_dimensions=dims, rhs_batching_dimensions=dims,
                                        lhs_contracting_dimensions=[nb + 1], rhs_contracting_dimensions=[nb])
    return [ex.emit(s.HloDotGeneralOp, [_softmax_last(ex, scores), v], BT(elt, [*batch, sq, e]), dot_dimension_numbers=pv)]
