"""numpy implementations of the 'shape' graph ops.

These ops never compute on elements, so results are exact copies with the
input's dtype (bf16 and i1 included). Sizes come from the op's properties,
with symbolic dims evaluated under the call's bindings; a size that only
turns out wrong at run time raises InterpError naming the op.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, cast

import numpy as np
from xdsl.ir import Operation
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.shape import flatten_axis, squeeze_axes, transpose_perm
from tensorforge.dialects.graphops.shape_common import int_or_shape, scalar
from tensorforge.dialects.graphops.shape_create import iota_length
from tensorforge.dialects.graphops.shape_slice import pad_params, slice_params, split_by_sizes, split_evenly
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.symbolic import Expr, SymbolicError
from tensorforge.errors import InterpError
from tensorforge.interp.registry import EvalContext, graph_impl

Array = np.ndarray
_NumpyPadMode = Literal["reflect", "edge", "wrap"]  # PAD_MODES other than constant


def _props(op: Operation) -> Props:
    return Props(type(op), dict(op.properties))  # type: ignore[arg-type]


def _input_type(op: Operation) -> TensorType:
    t = op.operands[0].type
    assert isinstance(t, TensorType)
    return t


def _size(ctx: EvalContext, op: Operation, d: Expr) -> int:
    try:
        return d.evaluate(ctx.env)
    except SymbolicError as e:
        raise InterpError(f"{op.name}: cannot evaluate size '{d}': {e}") from None


def _bound(ctx: EvalContext, d: Expr) -> bool:
    return d.free_symbols() <= ctx.env.keys()


# -- layout -----------------------------------------------------------------------
@graph_impl(g.ReshapeOp)
def _reshape(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    allowzero = p.bool("allowzero")
    dims: list[int | None] = []  # None: inferred from the element count
    for i, d in enumerate(p.shape("shape")):
        if d == 0 and not allowzero:
            dims.append(x.shape[i])
        elif d == -1 or not _bound(ctx, d):
            dims.append(None)  # an unbound symbol is found like -1
        else:
            dims.append(_size(ctx, op, d))
    if math.prod(d for d in dims if d is not None) == 0:  # 0 elements: -1 is what the inferred type says
        result_dims = ctx.result_type(op).dims
        for i, d in enumerate(dims):
            if d is None and _bound(ctx, result_dims[i]) and result_dims[i].evaluate(ctx.env) >= 0:
                dims[i] = result_dims[i].evaluate(ctx.env)
    known = math.prod(d for d in dims if d is not None)
    holes = dims.count(None)
    bad = holes > 1 or any(d is not None and d < 0 for d in dims)
    if bad or (holes and (known == 0 or x.size % known)) or (not holes and known != x.size):
        raise InterpError(f"{op.name}: cannot reshape {list(x.shape)} into {['?' if d is None else d for d in dims]}")
    return x.reshape([x.size // known if d is None else d for d in dims]).copy()


@graph_impl(g.TransposeOp)
def _transpose(ctx: EvalContext, op: Operation, x: Array) -> Array:
    return np.transpose(x, transpose_perm(_props(op), x.ndim)).copy()


@graph_impl(g.BroadcastToOp)
def _broadcast_to(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    target = p.shape("shape")
    lead = len(target) - x.ndim
    shape = [x.shape[i - lead] if d == -1 else _size(ctx, op, d) for i, d in enumerate(target)]
    try:
        if p.bool("bidirectional"):
            shape = list(np.broadcast_shapes(x.shape, tuple(shape)))
        return np.broadcast_to(x, shape).copy()
    except ValueError:
        raise InterpError(f"{op.name}: cannot broadcast {list(x.shape)} to {shape}") from None


@graph_impl(g.SqueezeOp)
def _squeeze(ctx: EvalContext, op: Operation, x: Array) -> Array:
    axes = squeeze_axes(_input_type(op), _props(op))
    bad = [a for a in axes if x.shape[a] != 1]
    if bad:
        raise InterpError(f"{op.name}: cannot squeeze axis {bad[0]} of size {x.shape[bad[0]]} (shape {list(x.shape)})")
    return np.squeeze(x, axis=tuple(axes)).copy()


@graph_impl(g.UnsqueezeOp)
def _unsqueeze(ctx: EvalContext, op: Operation, x: Array) -> Array:
    rank = ctx.result_type(op).rank
    axes = tuple(a % rank for a in _props(op).ints("axes"))
    return np.expand_dims(x, axes).copy()


@graph_impl(g.FlattenOp)
def _flatten(ctx: EvalContext, op: Operation, x: Array) -> Array:
    axis = flatten_axis(_props(op).int("axis"), x.ndim)
    return x.reshape(int(np.prod(x.shape[:axis])), int(np.prod(x.shape[axis:]))).copy()


@graph_impl(g.TileOp)
def _tile(ctx: EvalContext, op: Operation, x: Array) -> Array:
    return np.tile(x, _props(op).ints("repeats"))


# -- concat / split / slice / pad -------------------------------------------------
@graph_impl(g.ConcatOp)
def _concat(ctx: EvalContext, op: Operation, *xs: Array) -> Array:
    axis = _props(op).int("axis")
    try:
        return np.concatenate(xs, axis=axis)
    except ValueError:
        raise InterpError(f"{op.name}: cannot concatenate shapes {[list(x.shape) for x in xs]} on axis {axis}") from None


@graph_impl(g.SplitOp)
def _split(ctx: EvalContext, op: Operation, x: Array) -> tuple[Array, ...]:
    p = _props(op)
    axis = p.int("axis") % x.ndim
    d = Expr.const(x.shape[axis])
    try:
        if p.has("sizes"):
            given = [s if s == -1 else Expr.const(_size(ctx, op, s)) for s in int_or_shape(p, "sizes")]
            parts = split_by_sizes(d, given, axis)
        else:
            parts = split_evenly(d, p.int("num_outputs"), axis)
    except VerifyException as e:
        raise InterpError(f"{op.name}: {e} (shape {list(x.shape)})") from None
    sizes = [s.value() for s in parts]
    if any(s < 0 for s in sizes):
        raise InterpError(f"{op.name}: negative part sizes {sizes} (shape {list(x.shape)})")
    return tuple(part.copy() for part in np.split(x, np.cumsum(sizes)[:-1], axis=axis))


@graph_impl(g.SliceOp)
def _slice(ctx: EvalContext, op: Operation, x: Array) -> Array:
    starts, ends, axes, steps = slice_params(_props(op), x.ndim)
    index = [slice(None)] * x.ndim
    for a, s, e, k in zip(axes, starts, ends, steps, strict=True):
        index[a] = slice(s, e, k)
    return x[tuple(index)].copy()


@graph_impl(g.PadOp)
def _pad(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    widths = [(0, 0)] * x.ndim
    crop = [slice(None)] * x.ndim
    for a, begin, end in pad_params(p, x.ndim):
        lo, hi = max(-begin, 0), x.shape[a] - max(-end, 0)
        if hi < lo:
            raise InterpError(f"{op.name}: pads {begin} and {end} crop axis {a} of size {x.shape[a]} below zero")
        crop[a] = slice(lo, hi)
        widths[a] = (max(begin, 0), max(end, 0))
    y = x[tuple(crop)]
    mode = p.str("mode")
    if mode == "constant":
        return np.pad(y, widths, mode="constant", constant_values=np.asarray(scalar(p, "value")).astype(x.dtype))
    if any(w != (0, 0) and y.shape[a] == 0 for a, w in enumerate(widths)):
        raise InterpError(f"{op.name}: cannot pad an empty axis in '{mode}' mode (shape {list(y.shape)})")
    return np.pad(y, widths, mode=cast(_NumpyPadMode, mode))  # the verifier admits only PAD_MODES


# -- creation ---------------------------------------------------------------------
def _shape(ctx: EvalContext, op: Operation, dims: Sequence[Expr]) -> list[int]:
    out = [_size(ctx, op, d) for d in dims]
    if any(d < 0 for d in out):
        raise InterpError(f"{op.name}: shape {out} has a negative dim")
    return out


@graph_impl(g.IotaOp)
def _iota(ctx: EvalContext, op: Operation) -> Array:
    p = _props(op)
    start, delta = scalar(p, "start"), scalar(p, "delta")
    exact = isinstance(start, int) and isinstance(delta, int)
    dtype = ctx.result_dtype(op)
    if p.has("limit") and not exact:
        return _convert(np.arange(start, scalar(p, "limit"), delta, dtype=np.float64), dtype)
    if p.has("limit"):
        return _convert(start + delta * np.arange(iota_length(p), dtype=np.int64), dtype)
    shape = _shape(ctx, op, p.shape("shape"))
    dim = (p.int("dimension") if p.has("dimension") else 0) % len(shape)
    values = start + delta * np.arange(shape[dim], dtype=np.int64 if exact else np.float64)
    view = [1] * len(shape)
    view[dim] = shape[dim]
    return np.broadcast_to(_convert(values, dtype).reshape(view), shape).copy()


def _convert(values: Array, dtype: np.dtype) -> Array:
    with np.errstate(all="ignore"):
        return values.astype(dtype)


@graph_impl(g.FullOp)
def _full(ctx: EvalContext, op: Operation) -> Array:
    p = _props(op)
    value = np.asarray(scalar(p, "value")).astype(ctx.result_dtype(op))
    return np.full(_shape(ctx, op, p.shape("shape")), value, dtype=ctx.result_dtype(op))


@graph_impl(g.ZerosLikeOp)
def _zeros_like(ctx: EvalContext, op: Operation, x: Array) -> Array:
    return np.zeros(x.shape, dtype=ctx.result_dtype(op))


@graph_impl(g.OnesLikeOp)
def _ones_like(ctx: EvalContext, op: Operation, x: Array) -> Array:
    return np.ones(x.shape, dtype=ctx.result_dtype(op))
