"""numpy implementations of the 'reduce' graph ops.

Float statistics accumulate in f32 for f16/bf16/f32 and in f64 for f64, then
cast back to the input type. Integer sums and products wrap in their own type.
Operand shapes the verifier could not compare (`n` vs `m`) are checked here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from xdsl.ir import Operation

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.reduce import norm_channel_axis, reduced_axes
from tensorforge.errors import InterpError
from tensorforge.interp.registry import EvalContext, graph_impl

Array = np.ndarray


def _props(op: Operation) -> Props:
    return Props(type(op), dict(op.properties))  # type: ignore[arg-type]


def _is_float(dtype: np.dtype) -> bool:
    return np.issubdtype(dtype, np.floating) or str(dtype) == "bfloat16"


def acc_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype statistics are computed in: f64 stays, other floats use f32."""
    return np.dtype(np.float64) if dtype == np.float64 else np.dtype(np.float32)


def _widen(x: Array) -> Array:
    """Floats in their accumulation dtype; other types unchanged."""
    return x.astype(acc_dtype(x.dtype)) if _is_float(x.dtype) else x


def _need_nonempty(op: Operation, x: Array, axes: Sequence[int]) -> None:
    for a in axes:
        if x.shape[a] == 0:
            raise InterpError(f"{op.name}: cannot reduce axis {a} of size 0 (input shape {list(x.shape)})")


def _need_shape(op: Operation, arr: Array, want: Sequence[int], what: str) -> None:
    if tuple(arr.shape) != tuple(want):
        raise InterpError(f"{op.name}: {what} has shape {list(arr.shape)}, expected {list(want)}")


# -- reductions ---------------------------------------------------------------------
def _sum(x: Array, axes: tuple[int, ...], keep: bool) -> Array:
    return np.sum(_widen(x), axis=axes, keepdims=keep, dtype=None if _is_float(x.dtype) else x.dtype)


def _prod(x: Array, axes: tuple[int, ...], keep: bool) -> Array:
    return np.prod(_widen(x), axis=axes, keepdims=keep, dtype=None if _is_float(x.dtype) else x.dtype)


def _mean(x: Array, axes: tuple[int, ...], keep: bool) -> Array:
    """sum / count, so an empty mean is a quiet NaN (np.mean would warn)."""
    count = int(np.prod([x.shape[a] for a in axes]))
    return np.sum(_widen(x), axis=axes, keepdims=keep) / count


def _l2(x: Array, axes: tuple[int, ...], keep: bool) -> Array:
    w = _widen(x)
    return np.sqrt(np.sum(w * w, axis=axes, keepdims=keep))


def _max(x: Array, axes: tuple[int, ...], keep: bool) -> Array:
    return np.max(_widen(x), axis=axes, keepdims=keep)


def _min(x: Array, axes: tuple[int, ...], keep: bool) -> Array:
    return np.min(_widen(x), axis=axes, keepdims=keep)


_REDUCE: dict[type[Operation], Callable[[Array, tuple[int, ...], bool], Array]] = {
    g.ReduceSumOp: _sum,
    g.ReduceMeanOp: _mean,
    g.ReduceMaxOp: _max,
    g.ReduceMinOp: _min,
    g.ReduceProdOp: _prod,
    g.ReduceL2Op: _l2,
}
_NO_IDENTITY = (g.ReduceMaxOp, g.ReduceMinOp)


@graph_impl(*_REDUCE)
def _reduce(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    axes = tuple(reduced_axes(p, x.ndim))
    if isinstance(op, _NO_IDENTITY):
        _need_nonempty(op, x, axes)
    with np.errstate(all="ignore"):
        out = _REDUCE[type(op)](x, axes, p.bool("keepdims"))
    return np.asarray(out).astype(ctx.result_dtype(op), copy=False)


@graph_impl(g.ArgMaxOp, g.ArgMinOp)
def _arg_reduce(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    axis = p.int("axis") % x.ndim
    _need_nonempty(op, x, [axis])
    fn = np.argmax if isinstance(op, g.ArgMaxOp) else np.argmin
    w = _widen(x)
    if p.bool("select_last_index"):
        idx = x.shape[axis] - 1 - fn(np.flip(w, axis), axis=axis)
    else:
        idx = fn(w, axis=axis)
    if p.bool("keepdims"):
        idx = np.expand_dims(idx, axis)
    return np.asarray(idx, dtype=np.int64)


# -- softmax / cumsum ---------------------------------------------------------------
@graph_impl(g.SoftmaxOp, g.LogSoftmaxOp)
def _softmax(ctx: EvalContext, op: Operation, x: Array) -> Array:
    if x.size == 0:
        return x.copy()
    axis = _props(op).int("axis") % x.ndim
    w = _widen(x)
    with np.errstate(all="ignore"):
        shifted = w - np.max(w, axis=axis, keepdims=True)
        total = np.sum(np.exp(shifted), axis=axis, keepdims=True)
        out = shifted - np.log(total) if isinstance(op, g.LogSoftmaxOp) else np.exp(shifted) / total
    return out.astype(x.dtype)


@graph_impl(g.CumSumOp)
def _cumsum(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    axis = p.int("axis") % x.ndim
    w = np.flip(_widen(x), axis) if p.bool("reverse") else _widen(x)
    out = np.cumsum(w, axis=axis, dtype=w.dtype)
    if p.bool("exclusive") and x.shape[axis]:
        out = np.roll(out, 1, axis)
        first: list[slice | int] = [slice(None)] * x.ndim
        first[axis] = 0
        out[tuple(first)] = 0
    if p.bool("reverse"):
        out = np.flip(out, axis)
    return np.ascontiguousarray(out).astype(x.dtype)


# -- normalizations -----------------------------------------------------------------
def _normalize(x: Array, axes: tuple[int, ...], eps: float) -> Array:
    """(x - mean) / sqrt(biased var + eps) over `axes`, two-pass for stability."""
    mean = np.mean(x, axis=axes, keepdims=True)
    centered = x - mean
    var = np.mean(centered * centered, axis=axes, keepdims=True)
    return centered / np.sqrt(var + x.dtype.type(eps))


def _per_channel(v: Array, rank: int, axis: int, dtype: np.dtype) -> Array:
    """A [C] operand shaped to broadcast along `axis` of a rank-`rank` tensor."""
    shape = [1] * rank
    shape[axis] = v.shape[0]
    return v.astype(dtype).reshape(shape)


@graph_impl(g.LayerNormOp)
def _layer_norm(ctx: EvalContext, op: Operation, x: Array, scale: Array, bias: Array) -> Array:
    p = _props(op)
    axis = p.int("axis") % x.ndim
    _need_shape(op, scale, x.shape[axis:], "scale")
    _need_shape(op, bias, x.shape[axis:], "bias")
    if x.size == 0:
        return x.copy()
    acc = acc_dtype(x.dtype)
    y = _normalize(x.astype(acc), tuple(range(axis, x.ndim)), p.float("epsilon"))
    return (y * scale.astype(acc) + bias.astype(acc)).astype(x.dtype)


@graph_impl(g.BatchNormOp)
def _batch_norm(ctx: EvalContext, op: Operation, x: Array, *params: Array) -> Array:
    p = _props(op)
    axis = p.int("channel_axis") % x.ndim
    for name, v in zip(("scale", "bias", "mean", "var"), params, strict=True):
        _need_shape(op, v, [x.shape[axis]], name)
    acc = acc_dtype(x.dtype)
    scale, bias, mean, var = (_per_channel(v, x.ndim, axis, acc) for v in params)
    y = (x.astype(acc) - mean) / np.sqrt(var + acc.type(p.float("epsilon")))
    return (y * scale + bias).astype(x.dtype)


def _affine(y: Array, scale: Array, bias: Array) -> Array:
    """y * scale[c] + bias[c] along dim 1."""
    s = _per_channel(scale, y.ndim, 1, y.dtype)
    b = _per_channel(bias, y.ndim, 1, y.dtype)
    return y * s + b


def _channel_last_to_first(impl: Callable[[Operation, Array, Array, Array], Array]) -> Callable[..., Array]:
    """Run a channel-first norm on a `channel_axis` != 1 input by moving that axis to 1 and back."""

    def run(ctx: EvalContext, op: Operation, x: Array, scale: Array, bias: Array) -> Array:
        axis = norm_channel_axis(_props(op), x.ndim)
        if axis == 1:
            return impl(op, x, scale, bias)
        return np.ascontiguousarray(np.moveaxis(impl(op, np.moveaxis(x, axis, 1), scale, bias), 1, axis))

    return run


@graph_impl(g.GroupNormOp)
@_channel_last_to_first
def _group_norm(op: Operation, x: Array, scale: Array, bias: Array) -> Array:
    p = _props(op)
    groups = p.int("num_groups")
    n, c = x.shape[:2]
    _need_shape(op, scale, [c], "scale")
    _need_shape(op, bias, [c], "bias")
    if c % groups:
        raise InterpError(f"{op.name}: channels ({c}) must be divisible by num_groups ({groups})")
    if x.size == 0:
        return x.copy()
    grouped = x.astype(acc_dtype(x.dtype)).reshape(n, groups, -1)
    y = _normalize(grouped, (2,), p.float("epsilon")).reshape(x.shape)
    return _affine(y, scale, bias).astype(x.dtype)


@graph_impl(g.InstanceNormOp)
@_channel_last_to_first
def _instance_norm(op: Operation, x: Array, scale: Array, bias: Array) -> Array:
    p = _props(op)
    _need_shape(op, scale, [x.shape[1]], "scale")
    _need_shape(op, bias, [x.shape[1]], "bias")
    if x.size == 0:
        return x.copy()
    y = _normalize(x.astype(acc_dtype(x.dtype)), tuple(range(2, x.ndim)), p.float("epsilon"))
    return _affine(y, scale, bias).astype(x.dtype)
