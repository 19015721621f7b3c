"""numpy implementations of the indexing graph ops: gather, scatter, embedding,
one-hot, resize, top-k and sorting.

Indices are checked before use: one outside its range raises an InterpError
naming the op, the index and the axis size (numpy would wrap or crash with
a message about its own internals).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.ir import Operation

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.index import scaled_dim
from tensorforge.dialects.symbolic import Expr, SymbolicError
from tensorforge.errors import InterpError
from tensorforge.interp.registry import EvalContext, graph_impl

Array = np.ndarray


def _props(op: Operation) -> Props:
    return Props(type(op), dict(op.properties))  # type: ignore[arg-type]


def wrap_indices(op: Operation, idx: Array, size: int, what: str) -> Array:
    """int64 indices with negatives wrapped once; out of [-size, size) is an error."""
    i = idx.astype(np.int64)
    bad = (i < -size) | (i >= size)
    if bad.any():
        raise InterpError(f"{op.name}: index {int(i[bad][0])} is out of range for {what} of size {size}")
    return np.where(i < 0, i + size, i)


def _check_fits(op: Operation, idx_shape: Sequence[int], x_shape: Sequence[int], axis: int) -> None:
    """indices may not be larger than the input off the indexed axis (torch.gather)."""
    for d, (a, b) in enumerate(zip(idx_shape, x_shape, strict=True)):
        if d != axis and a > b:
            raise InterpError(f"{op.name}: indices dim {d} is {a}, larger than input dim {d} ({b})")


def _strides(shape: Sequence[int]) -> list[int]:
    """Row-major strides in elements."""
    return [int(np.prod(shape[d + 1 :], dtype=np.int64)) for d in range(len(shape))]


def _size(shape: Sequence[int]) -> int:
    return int(np.prod(shape, dtype=np.int64))


# -- gather -------------------------------------------------------------------------
@graph_impl(g.GatherOp)
def _gather(ctx: EvalContext, op: Operation, x: Array, idx: Array) -> Array:
    axis = _props(op).int("axis") % x.ndim
    i = wrap_indices(op, idx, x.shape[axis], f"axis {axis}")
    return np.asarray(np.take(x, i, axis=axis))


@graph_impl(g.GatherElementsOp)
def _gather_elements(ctx: EvalContext, op: Operation, x: Array, idx: Array) -> Array:
    axis = _props(op).int("axis") % x.ndim
    _check_fits(op, idx.shape, x.shape, axis)
    i = wrap_indices(op, idx, x.shape[axis], f"axis {axis}")
    region = x[tuple(slice(None) if d == axis else slice(0, n) for d, n in enumerate(idx.shape))]
    return np.take_along_axis(region, i, axis=axis)


@graph_impl(g.GatherNDOp)
def _gather_nd(ctx: EvalContext, op: Operation, x: Array, idx: Array) -> Array:
    b = _props(op).int("batch_dims")
    k = idx.shape[-1]
    if x.shape[:b] != idx.shape[:b]:
        raise InterpError(f"{op.name}: batch dims of input {list(x.shape[:b])} and indices {list(idx.shape[:b])} differ")
    batch, n = _size(x.shape[:b]), _size(idx.shape[b:-1])
    xs = x.reshape(batch, *x.shape[b:])
    ii = idx.reshape(batch, n, k)
    coords = [wrap_indices(op, ii[..., j], x.shape[b + j], f"dim {b + j}") for j in range(k)]
    out = xs[(np.arange(batch)[:, None], *coords)]
    return out.reshape(*idx.shape[:-1], *x.shape[b + k :])


# -- scatter ------------------------------------------------------------------------
_REDUCE = {"add": np.add, "mul": np.multiply, "max": np.maximum, "min": np.minimum}


def _last_occurrence(rows: Array) -> Array:
    """Positions of the last occurrence of each distinct row (last update wins)."""
    _, first_in_reversed = np.unique(rows[::-1], return_index=True)
    return len(rows) - 1 - first_in_reversed


def _scatter_rows(out: Array, rows: Array, upd: Array, reduction: str) -> None:
    """out[rows[i]] (reduction)= upd[i] on 2-D views."""
    if reduction == "none":
        last = _last_occurrence(rows)
        out[rows[last]] = upd[last]
        return
    _REDUCE[reduction].at(out, rows, upd)


@graph_impl(g.ScatterElementsOp)
def _scatter_elements(ctx: EvalContext, op: Operation, x: Array, idx: Array, upd: Array) -> Array:
    p = _props(op)
    axis = p.int("axis") % x.ndim
    if idx.shape != upd.shape:
        raise InterpError(f"{op.name}: indices {list(idx.shape)} and updates {list(upd.shape)} differ in shape")
    _check_fits(op, idx.shape, x.shape, axis)
    coords: list[Array] = list(np.indices(idx.shape, sparse=True))
    coords[axis] = wrap_indices(op, idx, x.shape[axis], f"axis {axis}")
    flat = sum((c * s for c, s in zip(coords, _strides(x.shape), strict=True)), np.zeros(idx.shape, np.int64))
    out = x.copy().reshape(x.size, 1)
    _scatter_rows(out, flat.reshape(-1), upd.reshape(upd.size, 1), p.str("reduction"))
    return out.reshape(x.shape)


@graph_impl(g.ScatterNDOp)
def _scatter_nd(ctx: EvalContext, op: Operation, x: Array, idx: Array, upd: Array) -> Array:
    k = idx.shape[-1]
    want = (*idx.shape[:-1], *x.shape[k:])
    if upd.shape != want:
        raise InterpError(f"{op.name}: updates have shape {list(upd.shape)}, expected {list(want)}")
    strides = _strides(x.shape[:k])
    rows = np.zeros(idx.shape[:-1], np.int64)
    for j in range(k):
        rows = rows + wrap_indices(op, idx[..., j], x.shape[j], f"dim {j}") * strides[j]
    rest = _size(x.shape[k:])
    out = x.copy().reshape(_size(x.shape[:k]), rest)
    _scatter_rows(out, rows.reshape(-1), upd.reshape(rows.size, rest), _props(op).str("reduction"))
    return out.reshape(x.shape)


# -- embedding / one-hot ------------------------------------------------------------
@graph_impl(g.EmbeddingOp)
def _embedding(ctx: EvalContext, op: Operation, weight: Array, idx: Array) -> Array:
    rows = weight.shape[0]
    i = idx.astype(np.int64)
    bad = (i < 0) | (i >= rows)
    if bad.any():
        raise InterpError(f"{op.name}: index {int(i[bad][0])} is out of range for a table of {rows} rows")
    return weight[i]


@graph_impl(g.OneHotOp)
def _one_hot(ctx: EvalContext, op: Operation, idx: Array) -> Array:
    p = _props(op)
    depth = p.int("depth")
    axis = p.int("axis") % (idx.ndim + 1)
    i = idx.astype(np.int64)
    i = np.where(i < 0, i + depth, i)
    hot = i[..., None] == np.arange(depth)
    out = np.where(hot, p.float("on_value"), p.float("off_value")).astype(ctx.result_dtype(op))
    return np.ascontiguousarray(np.moveaxis(out, -1, axis))


# -- resize -------------------------------------------------------------------------
def _resize_shape(ctx: EvalContext, op: Operation, p: Props, x: Array) -> tuple[int, ...]:
    """The output shape from the op's rule and the actual input shape."""
    if p.has("scales"):
        return tuple(scaled_dim(Expr.const(n), s).value() for n, s in zip(x.shape, p.floats("scales"), strict=True))
    try:
        return tuple(d.evaluate(ctx.env) for d in p.shape("sizes"))
    except SymbolicError as e:
        raise InterpError(f"{op.name}: cannot evaluate sizes: {e}") from None


def _source_coords(out_len: int, in_len: int, scale: float, mode: str) -> Array:
    """ONNX coordinate_transformation_mode: output index -> input coordinate."""
    y = np.arange(out_len, dtype=np.float64)
    if mode == "align_corners":
        return np.zeros_like(y) if out_len == 1 else y * (in_len - 1) / (out_len - 1)
    if mode == "asymmetric":
        return y / scale
    if mode == "pytorch_half_pixel" and out_len == 1:
        return np.zeros_like(y)
    return (y + 0.5) / scale - 0.5


def _nearest(src: Array, mode: str) -> Array:
    """ONNX nearest_mode on source coordinates (before clamping)."""
    fl = np.floor(src)
    if mode == "floor":
        return fl
    if mode == "ceil":
        return np.ceil(src)
    frac = src - fl
    return fl + (frac > 0.5) if mode == "round_prefer_floor" else fl + (frac >= 0.5)


def _resize_axis(y: Array, axis: int, out_len: int, scale: float, p: Props) -> Array:
    in_len = y.shape[axis]
    if out_len == in_len and scale == 1.0:
        return y
    src = _source_coords(out_len, in_len, scale, p.str("coordinate_transformation_mode"))
    if p.str("mode") == "nearest":
        pick = np.clip(_nearest(src, p.str("nearest_mode")), 0, in_len - 1).astype(np.intp)
        return np.take(y, pick, axis=axis)
    lo = np.floor(src)
    i0 = np.clip(lo, 0, in_len - 1).astype(np.intp)
    i1 = np.clip(lo + 1, 0, in_len - 1).astype(np.intp)
    w = (src - lo).reshape([out_len if d == axis else 1 for d in range(y.ndim)])
    return np.take(y, i0, axis=axis) * (1.0 - w) + np.take(y, i1, axis=axis) * w


@graph_impl(g.ResizeOp)
def _resize(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    out_shape = _resize_shape(ctx, op, p, x)
    if 0 in out_shape:
        return np.zeros(out_shape, x.dtype)
    if 0 in x.shape:
        raise InterpError(f"{op.name}: cannot resize the empty input {list(x.shape)} to {list(out_shape)}")
    scales = p.floats("scales") if p.has("scales") else [o / n for o, n in zip(out_shape, x.shape, strict=True)]
    y = x if p.str("mode") == "nearest" else x.astype(np.float64)
    for axis, (out_len, scale) in enumerate(zip(out_shape, scales, strict=True)):
        y = _resize_axis(y, axis, out_len, scale, p)
    return y.astype(x.dtype)


# -- top-k / sort -------------------------------------------------------------------
def sort_order(x: Array, axis: int, descending: bool) -> Array:
    """A stable sorting permutation along axis; equal entries keep index order
    also when descending, and NaN is larger than every number."""
    if not descending:
        return np.argsort(x, axis=axis, kind="stable")
    order = np.argsort(np.flip(x, axis), axis=axis, kind="stable")
    return np.flip(x.shape[axis] - 1 - order, axis)


@graph_impl(g.TopKOp)
def _topk(ctx: EvalContext, op: Operation, x: Array) -> tuple[Array, Array]:
    p = _props(op)
    axis, k = p.int("axis") % x.ndim, p.int("k")
    if k > x.shape[axis]:
        raise InterpError(f"{op.name}: k {k} is larger than dim {axis} of size {x.shape[axis]}")
    top = np.take(sort_order(x, axis, p.bool("largest")), np.arange(k), axis=axis)
    if not p.bool("sorted"):
        top = np.sort(top, axis=axis)
    return np.take_along_axis(x, top, axis=axis), top.astype(np.int64)


@graph_impl(g.SortOp)
def _sort(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    axis = p.int("axis") % x.ndim
    return np.take_along_axis(x, sort_order(x, axis, p.bool("descending")), axis=axis)


@graph_impl(g.ArgsortOp)
def _argsort(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    return sort_order(x, p.int("axis") % x.ndim, p.bool("descending")).astype(np.int64)
