"""Reductions, arg-reductions, cumulative ops, TopK and the softmax family.

Reduce axes are an attribute before opset 13 (ReduceSum) or 18 (the rest)
and an input afterwards; `noop_with_empty_axes` turns an empty axes list into
the identity. Reducing an axis of static size 0 gives the reduction's
identity (ONNX), which the graph ops leave undefined, so it is built here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, i64
from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.types import TensorType, is_bool, is_float
from tensorforge.dialects.symbolic import Expr, product
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported, Value
from tensorforge.frontends.onnx.ops import converter

REDUCE_OPS = (
    "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
    "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare",
)  # fmt: skip

_EMPTY_FILL = {
    "ReduceSum": 0.0, "ReduceL1": 0.0, "ReduceL2": 0.0, "ReduceSumSquare": 0.0, "ReduceProd": 1.0,
    "ReduceMean": float("nan"), "ReduceMax": float("-inf"), "ReduceMin": float("inf"),
    "ReduceLogSum": float("-inf"), "ReduceLogSumExp": float("-inf"),
}  # fmt: skip


def _reduce_axes(ctx: Context, node: Node) -> list[int] | None:
    """Normalized axes, [] for "all", None for the identity (noop_with_empty_axes)."""
    rank = ctx.in_type(node, 0).rank
    input_from = 13 if node.op == "ReduceSum" else 18
    if node.version < input_from:
        axes = list(node.attr("axes", []) or [])
    else:
        axes = ctx.static_ints(node, 1, "axes") if node.has(1) else []
    if not axes and node.attr("noop_with_empty_axes", 0) and node.version >= input_from:
        return None
    for a in axes:
        if not -rank <= a < max(rank, 1):
            raise Unsupported(f"axis {a} is out of range for rank {rank}")
    return sorted({a % rank for a in axes}) if rank else []


@converter(*REDUCE_OPS)
def _reduce(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    t = ctx.type(x)
    axes = _reduce_axes(ctx, node)
    keep = bool(node.attr("keepdims", 1))
    if axes is None:
        return [x]
    full = axes or list(range(t.rank))
    src = ctx.known_value(node, 0)
    if node.op == "ReduceProd" and src is not None and src.sym is not None and t.rank == 1:
        total = np.empty((1,) if keep else (), dtype=object)
        total[...] = product(src.sym)  # the element count of a symbolic shape
        return [Value.of_sym(total, src.sym_dtype)]
    if any(t.dims[a] == 0 for a in full):
        return [_empty_reduce(ctx, node.op, t, full, keep)]
    return [reduce(ctx, node.op, x, full, keep)]


def reduce(ctx: Context, op: str, x: SSAValue, axes: Sequence[int], keep: bool) -> SSAValue:
    """One ONNX reduction over explicit axes (non-empty)."""
    t = ctx.type(x)
    elt = t.element_type
    kw = {"axes": list(axes), "keepdims": keep}
    if op == "ReduceSum":
        return ctx.emit(g.ReduceSumOp, x, **kw)
    if op == "ReduceMax":
        return ctx.emit(g.ReduceMaxOp, x, **kw)
    if op == "ReduceMin":
        return ctx.emit(g.ReduceMinOp, x, **kw)
    if op == "ReduceProd":
        return ctx.emit(g.ReduceProdOp, x, **kw)
    if op == "ReduceL1":
        return ctx.emit(g.ReduceSumOp, ctx.emit(g.AbsOp, x), **kw)
    if op == "ReduceSumSquare":
        return ctx.emit(g.ReduceSumOp, ctx.emit(g.MulOp, x, x), **kw)
    if not is_float(elt):
        wide = ctx.cast(x, np.float64)
        return ctx.cast_like(reduce(ctx, op, wide, axes, keep), x)
    if op == "ReduceMean":
        return ctx.emit(g.ReduceMeanOp, x, **kw)
    if op == "ReduceL2":
        return ctx.emit(g.ReduceL2Op, x, **kw)
    if op == "ReduceLogSum":
        return ctx.emit(g.LogOp, ctx.emit(g.ReduceSumOp, x, **kw))
    if op == "ReduceLogSumExp":
        return log_sum_exp(ctx, x, axes, keep)
    raise Unsupported(f"unknown reduction {op}")


def log_sum_exp(ctx: Context, x: SSAValue, axes: Sequence[int], keep: bool) -> SSAValue:
    """max + log(sum(exp(x - max))), with a non-finite max replaced by 0."""
    m = ctx.emit(g.ReduceMaxOp, x, axes=list(axes), keepdims=True)
    finite = ctx.emit(g.EqOp, ctx.emit(g.SubOp, m, m), ctx.scalar(0, m))
    m = ctx.emit(g.WhereOp, finite, m, ctx.scalar(0, m))
    s = ctx.emit(g.ReduceSumOp, ctx.emit(g.ExpOp, ctx.emit(g.SubOp, x, m)), axes=list(axes), keepdims=keep)
    mm = m if keep else ctx.emit(g.SqueezeOp, m, axes=list(axes))
    return ctx.emit(g.AddOp, ctx.emit(g.LogOp, s), mm)


def _empty_reduce(ctx: Context, op: str, t: TensorType, axes: Sequence[int], keep: bool) -> SSAValue:
    dims = [Expr.const(1) if i in axes else d for i, d in enumerate(t.dims)] if keep else [
        d for i, d in enumerate(t.dims) if i not in axes]
    value = _EMPTY_FILL[op]
    if is_bool(t.element_type):
        fill: FloatAttr | IntegerAttr = IntegerAttr(int(op == "ReduceMin"), i64)
    elif is_float(t.element_type):
        fill = FloatAttr(value, 64)
    else:
        info = np.iinfo(t.dtype)
        ints = {float("inf"): int(info.max), float("-inf"): int(info.min)}
        fill = IntegerAttr(ints.get(value, 0 if np.isnan(value) else int(value)), i64)
    return ctx.emit(g.FullOp, shape=dims, value=fill, dtype=t.element_type)


# -- arg reductions -------------------------------------------------------------------------
@converter("ArgMax", "ArgMin")
def _arg(ctx: Context, node: Node) -> list[Out]:
    op = g.ArgMaxOp if node.op == "ArgMax" else g.ArgMinOp
    return [ctx.emit(op, ctx.x(node, 0), axis=int(node.attr("axis", 0)), keepdims=bool(node.attr("keepdims", 1)),
                     select_last_index=bool(node.attr("select_last_index", 0)))]


# -- cumulative ops --------------------------------------------------------------------------
@converter("CumSum")
def _cumsum(ctx: Context, node: Node) -> list[Out]:
    axis = ctx.static_ints(node, 1, "axis")[0]
    return [ctx.emit(g.CumSumOp, ctx.x(node, 0), axis=axis, exclusive=bool(node.attr("exclusive", 0)),
                     reverse=bool(node.attr("reverse", 0)))]


@converter("CumProd")
def _cumprod(ctx: Context, node: Node) -> list[Out]:
    """Running products by slices along the axis (its length must be static)."""
    x = ctx.x(node, 0)
    t = ctx.type(x)
    axis = ctx.static_ints(node, 1, "axis")[0] % max(t.rank, 1)
    size = t.dims[axis]
    if not size.is_const():
        raise Unsupported(f"the cumulative axis must have a static size, got {size}")
    n = size.value()
    order = list(range(n))[::-1] if node.attr("reverse", 0) else list(range(n))
    one = ctx.emit(g.OnesLikeOp, ctx.emit(g.SliceOp, x, starts=[0], ends=[1], axes=[axis])) if n else None
    parts: dict[int, SSAValue] = {}
    acc: SSAValue | None = None
    for i in order:
        cur = ctx.emit(g.SliceOp, x, starts=[i], ends=[i + 1], axes=[axis])
        if node.attr("exclusive", 0):
            parts[i] = acc if acc is not None else one  # type: ignore[assignment]
            acc = cur if acc is None else ctx.emit(g.MulOp, acc, cur)
            continue
        acc = cur if acc is None else ctx.emit(g.MulOp, acc, cur)
        parts[i] = acc
    if not parts:
        return [x]
    return [ctx.emit(g.ConcatOp, [parts[i] for i in range(n)], axis=axis)]


# -- TopK ------------------------------------------------------------------------------------
@converter("TopK")
def _topk(ctx: Context, node: Node) -> list[Out]:
    k = int(node.attr("k")) if node.version < 10 else ctx.static_ints(node, 1, "k")[0]
    vals, idx = ctx.emit_multi(g.TopKOp, ctx.x(node, 0), k=k, axis=int(node.attr("axis", -1)),
                               largest=bool(node.attr("largest", 1)), sorted=bool(node.attr("sorted", 1)))
    return [vals, idx]


# -- softmax family ------------------------------------------------------------------------------
def _coerced(ctx: Context, node: Node, body) -> list[Out]:
    """Before opset 13 the op works on the input flattened to 2-D at `axis`."""
    x = ctx.x(node, 0)
    t = ctx.type(x)
    if node.version >= 13:
        return [body(x, int(node.attr("axis", -1)))]
    axis = int(node.attr("axis", 1))
    axis = axis + t.rank if axis < 0 else axis
    flat = ctx.emit(g.FlattenOp, x, axis=axis)
    return [ctx.reshape(body(flat, 1), list(t.dims))]


@converter("Softmax")
def _softmax(ctx: Context, node: Node) -> list[Out]:
    return _coerced(ctx, node, lambda x, axis: ctx.emit(g.SoftmaxOp, x, axis=axis))


@converter("LogSoftmax")
def _log_softmax(ctx: Context, node: Node) -> list[Out]:
    return _coerced(ctx, node, lambda x, axis: ctx.emit(g.LogSoftmaxOp, x, axis=axis))


@converter("Hardmax")
def _hardmax(ctx: Context, node: Node) -> list[Out]:
    def body(x: SSAValue, axis: int) -> SSAValue:
        t = ctx.type(x)
        axis = axis % t.rank
        best = ctx.emit(g.ArgMaxOp, x, axis=axis, keepdims=True)
        pos = ctx.emit(g.IotaOp, shape=list(t.dims), dimension=axis, dtype=i64)
        return ctx.emit(g.CastOp, ctx.emit(g.EqOp, pos, best), to=t.element_type)

    return _coerced(ctx, node, body)
