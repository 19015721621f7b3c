"""Indexing ONNX ops: Gather, GatherElements, GatherND, ScatterElements
(and the old Scatter), ScatterND, OneHot, Compress, NonZero on constants,
ReverseSequence and MaxUnpool."""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import i1, i64
from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.types import is_int
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported, Value
from tensorforge.frontends.onnx.ops import converter


def _index(ctx: Context, idx: SSAValue) -> SSAValue:
    """Indices as i32/i64 (ONNX allows any integer type for some ops)."""
    elt = ctx.type(idx).element_type
    return idx if str(elt) in ("i32", "i64") else ctx.cast(idx, np.int64)


@converter("Gather")
def _gather(ctx: Context, node: Node) -> list[Out]:
    axis = int(node.attr("axis", 0))
    src = ctx.known_value(node, 0)
    idx = ctx.known_value(node, 1)
    if src is not None and src.sym is not None and idx is not None and idx.const is not None:
        return [Value.of_sym(np.take(src.sym, idx.const.astype(np.int64), axis=axis), src.sym_dtype)]
    return [ctx.emit(g.GatherOp, ctx.x(node, 0), _index(ctx, ctx.x(node, 1)), axis=axis)]


@converter("GatherElements")
def _gather_elements(ctx: Context, node: Node) -> list[Out]:
    return [ctx.emit(g.GatherElementsOp, ctx.x(node, 0), _index(ctx, ctx.x(node, 1)), axis=int(node.attr("axis", 0)))]


@converter("GatherND")
def _gather_nd(ctx: Context, node: Node) -> list[Out]:
    return [ctx.emit(g.GatherNDOp, ctx.x(node, 0), _index(ctx, ctx.x(node, 1)),
                     batch_dims=int(node.attr("batch_dims", 0)))]


@converter("ScatterElements", "Scatter")
def _scatter_elements(ctx: Context, node: Node) -> list[Out]:
    return [ctx.emit(g.ScatterElementsOp, ctx.x(node, 0), _index(ctx, ctx.x(node, 1)), ctx.x(node, 2),
                     axis=int(node.attr("axis", 0)), reduction=node.attr("reduction", "none"))]


@converter("ScatterND")
def _scatter_nd(ctx: Context, node: Node) -> list[Out]:
    return [ctx.emit(g.ScatterNDOp, ctx.x(node, 0), _index(ctx, ctx.x(node, 1)), ctx.x(node, 2),
                     reduction=node.attr("reduction", "none"))]


@converter("OneHot")
def _one_hot(ctx: Context, node: Node) -> list[Out]:
    idx = ctx.x(node, 0)
    if not is_int(ctx.type(idx).element_type):
        idx = ctx.cast(idx, np.int64)
    depth = int(ctx.static(node, 1, "depth").reshape(-1)[0])
    axis = int(node.attr("axis", -1))
    values_t = ctx.in_type(node, 2)
    known = ctx.const_of(node.inputs[2])
    if known is not None:
        off, on = (float(v) for v in known.reshape(-1)[:2])
        return [ctx.emit(g.OneHotOp, idx, depth=depth, axis=axis, on_value=on, off_value=off,
                         dtype=values_t.element_type)]
    mask = ctx.emit(g.OneHotOp, idx, depth=depth, axis=axis, on_value=1.0, off_value=0.0, dtype=i1)
    values = ctx.x(node, 2)
    off = ctx.emit(g.SliceOp, values, starts=[0], ends=[1], axes=[0])
    on = ctx.emit(g.SliceOp, values, starts=[1], ends=[2], axes=[0])
    return [ctx.emit(g.WhereOp, mask, ctx.reshape(on, []), ctx.reshape(off, []))]


@converter("Compress")
def _compress(ctx: Context, node: Node) -> list[Out]:
    cond = ctx.const_of(node.inputs[1])
    if cond is None:
        raise ctx.dynamic(node.inputs[1], "condition must be known at import time (the result size depends on it)")
    x = ctx.x(node, 0)
    picked = np.nonzero(cond.reshape(-1).astype(bool))[0].astype(np.int64)
    axis = node.attr("axis")
    if axis is None:
        x = ctx.reshape(x, [-1])
        axis = 0
    return [ctx.emit(g.GatherOp, x, ctx.const(picked), axis=int(axis))]


@converter("NonZero")
def _nonzero(ctx: Context, node: Node) -> list[Out]:
    data = ctx.const_of(node.inputs[0])
    if data is None:
        raise Unsupported("NonZero of run-time data has a data-dependent output shape")
    return [Value(const=np.array(np.nonzero(data), dtype=np.int64).reshape(data.ndim, -1))]


@converter("ReverseSequence")
def _reverse_sequence(ctx: Context, node: Node) -> list[Out]:
    """Gather along the time axis at len-1-t where t < len, t elsewhere."""
    x = ctx.x(node, 0)
    t = ctx.type(x)
    lens = ctx.cast(ctx.x(node, 1), np.int64)
    batch_axis, time_axis = int(node.attr("batch_axis", 1)), int(node.attr("time_axis", 0))
    time = ctx.emit(g.IotaOp, shape=list(t.dims), dimension=time_axis, dtype=i64)
    shape = [1] * t.rank
    shape[batch_axis] = t.dims[batch_axis]
    length = ctx.reshape(lens, shape)
    inside = ctx.emit(g.LtOp, time, length)
    flipped = ctx.emit(g.SubOp, ctx.emit(g.SubOp, length, ctx.scalar(1, length)), time)
    idx = ctx.emit(g.WhereOp, inside, flipped, time)
    return [ctx.emit(g.GatherElementsOp, x, idx, axis=time_axis)]


@converter("MaxUnpool")
def _max_unpool(ctx: Context, node: Node) -> list[Out]:
    """Scatter each value to its flat index (per batch and channel) in a zero output."""
    x, idx = ctx.x(node, 0), ctx.cast(ctx.x(node, 1), np.int64)
    t = ctx.type(x)
    kernel = list(node.attr("kernel_shape"))
    n = len(kernel)
    strides = list(node.attr("strides", [1] * n) or [1] * n)
    pads = list(node.attr("pads", [0] * (2 * n)) or [0] * (2 * n))
    inferred = list(t.dims[:2]) + [
        (t.dims[2 + i] - 1) * strides[i] + kernel[i] - pads[i] - pads[n + i] for i in range(n)]
    flat_x = ctx.reshape(x, [-1])
    # ONNX indices are flat over the inferred [N, C, *spatial] output; a given
    # output_shape receives that block in its leading corner (ONNX reference)
    zeros = ctx.emit(g.FullOp, shape=inferred, value=0.0 if t.dtype.kind == "f" else 0, dtype=t.element_type)
    flat_out = ctx.reshape(zeros, [-1])
    updated = ctx.emit(g.ScatterNDOp, flat_out, ctx.reshape(idx, [-1, 1]), flat_x)
    y = ctx.reshape(updated, inferred)
    if not node.has(2):
        return [y]
    out_dims = ctx.static_dims(node, 2, "output_shape")
    grow = [o - d for o, d in zip(out_dims, inferred, strict=True)]
    if not all(d.is_const() for d in grow):
        raise Unsupported("MaxUnpool needs a static output_shape")
    return [ctx.emit(g.PadOp, y, pads=[0] * len(grow) + [d.value() for d in grow])]


@converter("TensorScatter")
def _tensor_scatter(ctx: Context, node: Node) -> list[Out]:
    """Write `update` into the cache along `axis` from each batch row's write index."""
    cache, update = ctx.x(node, 0), ctx.x(node, 1)
    t, ut = ctx.type(cache), ctx.type(update)
    axis = int(node.attr("axis", -2)) % t.rank
    if axis == 0:
        raise Unsupported("axis 0 (the batch axis) is not supported")
    pos = ctx.emit(g.IotaOp, shape=list(ut.dims), dimension=axis, dtype=i64)
    if node.has(2):
        start = ctx.reshape(ctx.cast(ctx.x(node, 2), np.int64), [ut.dims[0], *([1] * (t.rank - 1))])
        pos = ctx.emit(g.AddOp, pos, start)
    if node.attr("mode", "linear") == "circular":
        pos = ctx.emit(g.ModOp, pos, ctx.scalar(0, pos) if not t.dims[axis].is_const() else
                       ctx.scalar(t.dims[axis].value(), pos))
    return [ctx.emit(g.ScatterElementsOp, cache, pos, update, axis=axis)]
