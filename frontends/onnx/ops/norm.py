"""Normalization ONNX ops (inference): BatchNormalization,
InstanceNormalization, LayerNormalization, GroupNormalization and
LpNormalization. RMSNormalization and MeanVarianceNormalization expand from
their ONNX function bodies."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.types import is_float
from tensorforge.dialects.symbolic import Expr
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported
from tensorforge.frontends.onnx.ops import UseFunction, converter


@converter("BatchNormalization")
def _batch_norm(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    if node.attr("training_mode", 0) and node.version >= 14:
        return _batch_norm_training(ctx, node, x)
    if node.version < 7 and not node.attr("spatial", 1):
        raise Unsupported("spatial=0 is not supported")
    params = [ctx.cast_like(ctx.x(node, i), x) for i in range(1, 5)]
    # before opset 14 the statistics outputs exist only in training: left unsupported (an error if used)
    return [ctx.emit(g.BatchNormOp, x, *params, epsilon=float(node.attr("epsilon", 1e-5)))]


def _batch_norm_training(ctx: Context, node: Node, x: SSAValue) -> list[Out]:
    """Normalize with the batch statistics; the running ones move by `momentum`."""
    t = ctx.type(x)
    axes = [i for i in range(t.rank) if i != 1]
    mean = ctx.emit(g.ReduceMeanOp, x, axes=axes)
    centered = ctx.emit(g.SubOp, x, ctx.reshape(mean, [1, t.dims[1], *([1] * (t.rank - 2))]))
    var = ctx.emit(g.ReduceMeanOp, ctx.emit(g.MulOp, centered, centered), axes=axes)
    scale, bias = ctx.cast_like(ctx.x(node, 1), x), ctx.cast_like(ctx.x(node, 2), x)
    y = ctx.emit(g.BatchNormOp, x, scale, bias, mean, var, epsilon=float(node.attr("epsilon", 1e-5)))
    momentum = float(node.attr("momentum", 0.9))
    outs: list[Out] = [y]
    for i, stat in ((3, mean), (4, var)):
        running = ctx.x(node, i)
        moved = ctx.emit(g.AddOp, ctx.emit(g.MulOp, running, ctx.scalar(momentum, running)),
                         ctx.emit(g.MulOp, ctx.cast_like(stat, running), ctx.scalar(1 - momentum, running)))
        outs.append(moved)
    return outs


@converter("InstanceNormalization")
def _instance_norm(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    scale, bias = ctx.cast_like(ctx.x(node, 1), x), ctx.cast_like(ctx.x(node, 2), x)
    return [ctx.emit(g.InstanceNormOp, x, scale, bias, epsilon=float(node.attr("epsilon", 1e-5)))]


@converter("LayerNormalization")
def _layer_norm(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    t = ctx.type(x)
    if not is_float(t.element_type):
        raise UseFunction
    axis = int(node.attr("axis", -1))
    axis = axis + t.rank if axis < 0 else axis
    eps = float(node.attr("epsilon", 1e-5))
    norm = list(t.dims[axis:])
    scale = ctx.cast_like(ctx.x(node, 1), x)
    bias = ctx.cast_like(ctx.x(node, 2), x) if node.has(2) else None
    if node.wants(1) or node.wants(2):
        return _layer_norm_parts(ctx, node, x, axis, eps, scale, bias)
    exact_scale = list(ctx.type(scale).dims) == norm
    exact_bias = bias is None or list(ctx.type(bias).dims) == norm
    if exact_scale and exact_bias:
        b = bias if bias is not None else ctx.emit(g.ZerosLikeOp, scale)
        return [ctx.emit(g.LayerNormOp, x, scale, b, axis=axis, epsilon=eps)]
    ones = ctx.emit(g.FullOp, shape=norm, value=1.0, dtype=t.element_type)
    zeros = ctx.emit(g.FullOp, shape=norm, value=0.0, dtype=t.element_type)
    y = ctx.emit(g.MulOp, ctx.emit(g.LayerNormOp, x, ones, zeros, axis=axis, epsilon=eps), scale)
    return [y if bias is None else ctx.emit(g.AddOp, y, bias)]


def _layer_norm_parts(ctx: Context, node: Node, x: SSAValue, axis: int, eps: float,
                      scale: SSAValue, bias: SSAValue | None) -> list[Out]:
    """Y, Mean and InvStdDev spelled out (statistics in f32 at least, as stash_type=1)."""
    t = ctx.type(x)
    if int(node.attr("stash_type", 1)) != 1:
        raise Unsupported("stash_type other than 1 (float) is not supported")
    xs = ctx.cast(x, np.float64 if t.dtype == np.float64 else np.float32)
    axes = list(range(axis, t.rank))
    mean = ctx.emit(g.ReduceMeanOp, xs, axes=axes, keepdims=True)
    centered = ctx.emit(g.SubOp, xs, mean)
    var = ctx.emit(g.ReduceMeanOp, ctx.emit(g.MulOp, centered, centered), axes=axes, keepdims=True)
    inv = ctx.emit(g.RsqrtOp, ctx.emit(g.AddOp, var, ctx.scalar(eps, var)))
    y = ctx.cast_like(ctx.emit(g.MulOp, centered, inv), x)
    y = ctx.emit(g.MulOp, y, scale)
    if bias is not None:
        y = ctx.emit(g.AddOp, y, bias)
    return [y, mean, inv]


@converter("GroupNormalization")
def _group_norm(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    t = ctx.type(x)
    groups = int(node.attr("num_groups"))
    scale, bias = ctx.cast_like(ctx.x(node, 1), x), ctx.cast_like(ctx.x(node, 2), x)
    c = t.dims[1]
    if node.version < 21:  # per-group scale and bias: repeat each over its channels
        scale, bias = (_per_channel(ctx, v, groups, c) for v in (scale, bias))
    return [ctx.emit(g.GroupNormOp, x, scale, bias, num_groups=groups, epsilon=float(node.attr("epsilon", 1e-5)))]


def _per_channel(ctx: Context, v: SSAValue, groups: int, channels: Expr) -> SSAValue:
    if not channels.is_const():
        raise Unsupported(f"per-group scale needs a static channel count, got {channels}")
    per = channels.value() // groups
    col = ctx.reshape(v, [groups, 1])
    return ctx.reshape(ctx.emit(g.BroadcastToOp, col, shape=[groups, per]), [channels])


@converter("LpNormalization")
def _lp_norm(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    axis = int(node.attr("axis", -1)) % ctx.type(x).rank
    p = int(node.attr("p", 2))
    if p not in (1, 2):
        raise Unsupported(f"p must be 1 or 2, got {p}")
    norm = _lp(ctx, x, [axis], p)
    safe = ctx.emit(g.WhereOp, ctx.emit(g.EqOp, norm, ctx.scalar(0, norm)), ctx.scalar(1, norm), norm)
    return [ctx.emit(g.DivOp, x, safe)]  # a zero vector stays zero (ONNX reference)


def _lp(ctx: Context, x: SSAValue, axes: Sequence[int], p: int) -> SSAValue:
    if p == 1:
        return ctx.emit(g.ReduceSumOp, ctx.emit(g.AbsOp, x), axes=list(axes), keepdims=True)
    return ctx.emit(g.ReduceL2Op, x, axes=list(axes), keepdims=True)
