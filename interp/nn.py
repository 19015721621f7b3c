"""numpy implementations of the 'nn' graph ops.

Convolutions and pooling work on channel-first arrays (channel-last inputs are
moved in and out) through `sliding_window_view`: a strided view of every
window, reduced by einsum (conv) or max/sum (pooling), with no Python loop
over output positions. f16/bf16 accumulate in f32 and f32 in f64; integers
stay in their type (wrapping); results are cast back to the op's dtype.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from xdsl.ir import Operation

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.nn import CHANNELS_LAST, window_out_dim
from tensorforge.dialects.symbolic import Expr
from tensorforge.errors import InterpError
from tensorforge.interp.registry import EvalContext, graph_impl

Array = np.ndarray
_SPATIAL_LETTERS = "ijk"
_KERNEL_LETTERS = "uvw"


def _props(op: Operation) -> Props:
    return Props(type(op), dict(op.properties))  # type: ignore[arg-type]


def acc_dtype(dtype: np.dtype) -> np.dtype:
    """The accumulation type: integers wrap in their own type, floats widen."""
    if np.issubdtype(dtype, np.integer):
        return dtype
    if dtype in (np.float32, np.float64):
        return np.dtype(np.float64)
    return np.dtype(np.float32)  # f16, bf16


def widened_dtype(op: Operation, dtype: np.dtype) -> np.dtype:
    """With `acc_type` the products accumulate exactly: integers in i64, floats in f64."""
    if not _props(op).has("acc_type"):
        return acc_dtype(dtype)
    return np.dtype(np.int64) if np.issubdtype(dtype, np.integer) else np.dtype(np.float64)


def _ints(p: Props, name: str, count: int, default: int) -> tuple[int, ...]:
    return p.ints(name) if p.has(name) else (default,) * count


def _channels_last(p: Props) -> bool:
    return p.has("layout") and p.str("layout") in CHANNELS_LAST.values()


def _to_first(x: Array, last: bool) -> Array:
    return np.moveaxis(x, -1, 1) if last else x


def _from_first(y: Array, last: bool) -> Array:
    return np.moveaxis(y, 1, -1) if last else y


# -- matmul / dense ----------------------------------------------------------------
@graph_impl(g.MatmulOp)
def _matmul(ctx: EvalContext, op: Operation, a: Array, b: Array) -> Array:
    acc = widened_dtype(op, a.dtype)
    try:
        out = np.matmul(a.astype(acc), b.astype(acc))
    except ValueError as e:
        raise InterpError(f"graph.matmul: operands {list(a.shape)} and {list(b.shape)} do not fit: {e}") from None
    return np.asarray(out).astype(ctx.result_dtype(op))


@graph_impl(g.DenseOp)
def _dense(ctx: EvalContext, op: Operation, x: Array, w: Array, b: Array | None = None) -> Array:
    if x.shape[-1] != w.shape[1]:
        raise InterpError(f"graph.dense: input has {x.shape[-1]} features, weight {list(w.shape)} expects {w.shape[1]}")
    acc = widened_dtype(op, x.dtype)
    out = np.matmul(x.astype(acc), w.astype(acc).T)
    if b is not None:
        out = out + b.astype(acc)
    return np.asarray(out).astype(ctx.result_dtype(op))


# -- windows -----------------------------------------------------------------------
def pad_spatial(x: Array, begin: Sequence[int], end: Sequence[int], value: float = 0) -> Array:
    """Pad the spatial dims (from axis 2) by begin/end; negative amounts crop."""
    widths = [(0, 0), (0, 0), *((max(b, 0), max(e, 0)) for b, e in zip(begin, end, strict=True))]
    y = np.pad(x, widths, constant_values=value)
    crop = tuple(slice(max(-b, 0), y.shape[2 + i] - max(-e, 0)) for i, (b, e) in enumerate(zip(begin, end, strict=True)))
    return y[(slice(None), slice(None), *crop)]


def windows(x: Array, kernel: Sequence[int], strides: Sequence[int], dilations: Sequence[int]) -> Array:
    """A view [N, C, *out, *kernel] of every (strided, dilated) window of x [N, C, *spatial]."""
    n = len(kernel)
    extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilations, strict=True))
    if any(x.shape[2 + i] < e for i, e in enumerate(extent)):
        raise InterpError(f"padded input {list(x.shape)} is smaller than the dilated kernel {list(extent)}")
    view = sliding_window_view(x, extent, axis=tuple(range(2, 2 + n)))
    steps = (*(slice(None, None, s) for s in strides), *(slice(None, None, d) for d in dilations))
    return view[(slice(None), slice(None), *steps)]


def conv_first(x: Array, w: Array, strides: Sequence[int], dilations: Sequence[int], pads: Sequence[int],
               groups: int) -> Array:
    """Grouped cross-correlation of channel-first x [N, C, *s] with w [O, C/groups, *k]."""
    n = x.ndim - 2
    batch, channels, out_ch = x.shape[0], x.shape[1], w.shape[0]
    if channels != w.shape[1] * groups:
        raise InterpError(f"input has {channels} channels, weight {list(w.shape)} with {groups} groups "
                          f"expects {w.shape[1] * groups}")
    win = windows(pad_spatial(x, pads[:n], pads[n:]), w.shape[2:], strides, dilations)
    out_sp = win.shape[2 : 2 + n]
    win = win.reshape(batch, groups, channels // groups, *out_sp, *w.shape[2:])
    wg = w.reshape(groups, out_ch // groups, channels // groups, *w.shape[2:])
    o, k = _SPATIAL_LETTERS[:n], _KERNEL_LETTERS[:n]
    y = np.einsum(f"ngc{o}{k},gpc{k}->ngp{o}", win, wg, optimize=True)
    return y.reshape(batch, out_ch, *out_sp)


def _add_bias(y: Array, b: Array | None) -> Array:
    if b is None:
        return y
    return y + b.astype(y.dtype).reshape(1, -1, *([1] * (y.ndim - 2)))


@graph_impl(g.ConvOp)
def _conv(ctx: EvalContext, op: Operation, x: Array, w: Array, b: Array | None = None) -> Array:
    p = _props(op)
    n, last = x.ndim - 2, _channels_last(p)
    acc = widened_dtype(op, x.dtype)
    xf = _to_first(x.astype(acc), last)
    wf = np.moveaxis(w.astype(acc), (-1, -2), (0, 1)) if last else w.astype(acc)
    y = conv_first(xf, wf, _ints(p, "strides", n, 1), _ints(p, "dilations", n, 1), _ints(p, "pads", 2 * n, 0),
                   p.int("groups"))
    return _from_first(_add_bias(y, b), last).astype(ctx.result_dtype(op))


@graph_impl(g.ConvTransposeOp)
def _conv_transpose(ctx: EvalContext, op: Operation, x: Array, w: Array, b: Array | None = None) -> Array:
    """A stride-1 conv of the stride-dilated input with the flipped, channel-swapped kernel."""
    p = _props(op)
    n, groups = x.ndim - 2, p.int("groups")
    strides, dilations = _ints(p, "strides", n, 1), _ints(p, "dilations", n, 1)
    pads, extra = _ints(p, "pads", 2 * n, 0), _ints(p, "output_padding", n, 0)
    if 0 in x.shape[2:]:
        raise InterpError(f"graph.conv_transpose: empty spatial dim in input {list(x.shape)}")
    acc = acc_dtype(x.dtype)
    batch, channels, kernel = x.shape[0], x.shape[1], w.shape[2:]
    up = np.zeros((batch, channels, *((s - 1) * st + 1 for s, st in zip(x.shape[2:], strides, strict=True))), acc)
    up[(slice(None), slice(None), *(slice(None, None, st) for st in strides))] = x
    reach = [d * (k - 1) for k, d in zip(kernel, dilations, strict=True)]
    begin = [r - pads[i] for i, r in enumerate(reach)]
    end = [r - pads[n + i] + extra[i] for i, r in enumerate(reach)]
    wg = w.astype(acc).reshape(groups, channels // groups, w.shape[1], *kernel).swapaxes(1, 2)
    wf = np.flip(wg, axis=tuple(range(3, 3 + n))).reshape(groups * w.shape[1], channels // groups, *kernel)
    y = conv_first(up, wf, (1,) * n, dilations, [*begin, *end], groups)
    return _add_bias(y, b).astype(ctx.result_dtype(op))


# -- pooling -----------------------------------------------------------------------
def _pool_geometry(p: Props, sizes: Sequence[int], dilated: bool) -> tuple[list[int], list[int], list[int], list[int]]:
    """kernel, strides, dilations and the output sizes (ceil mode included)."""
    n = len(sizes)
    kernel, strides = list(p.ints("kernel")), list(_ints(p, "strides", n, 1))
    dilations = list(_ints(p, "dilations", n, 1)) if dilated else [1] * n
    pads, ceil = _ints(p, "pads", 2 * n, 0), p.bool("ceil_mode")
    outs = [
        window_out_dim(Expr.const(s), Expr.const(kernel[i]), strides[i], dilations[i], pads[i], pads[n + i], ceil).value()
        for i, s in enumerate(sizes)
    ]
    return kernel, strides, dilations, outs


def _overhang(p: Props, sizes: Sequence[int], kernel: Sequence[int], strides: Sequence[int],
              dilations: Sequence[int], outs: Sequence[int]) -> list[int]:
    """Cells past the end pad that ceil-mode windows reach."""
    n, pads = len(sizes), _ints(p, "pads", 2 * len(sizes), 0)
    need = [(o - 1) * s + d * (k - 1) + 1 for o, s, d, k in zip(outs, strides, dilations, kernel, strict=True)]
    return [max(0, need[i] - (sizes[i] + pads[i] + pads[n + i])) for i in range(n)]


def _pooled(x: Array, p: Props, dilated: bool, fill: float, reduce: str, pad_fill: float | None = None) -> Array:
    """Reduce (max or sum) over windows of channel-first x; the pads hold `pad_fill`
    (default `fill`) and the ceil-mode overhang past them holds `fill`."""
    n = x.ndim - 2
    kernel, strides, dilations, outs = _pool_geometry(p, x.shape[2:], dilated)
    pads = _ints(p, "pads", 2 * n, 0)
    over = _overhang(p, x.shape[2:], kernel, strides, dilations, outs)
    xp = pad_spatial(x, pads[:n], pads[n:], fill if pad_fill is None else pad_fill)
    xp = pad_spatial(xp, [0] * n, over, fill)
    win = windows(xp, kernel, strides, dilations)[(slice(None), slice(None), *(slice(o) for o in outs))]
    axes = tuple(range(2 + n, 2 + 2 * n))
    return win.max(axis=axes) if reduce == "max" else win.sum(axis=axes)


@graph_impl(g.MaxPoolOp)
def _max_pool(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    last = _channels_last(p)
    acc = acc_dtype(x.dtype)
    lowest = np.iinfo(acc).min if np.issubdtype(acc, np.integer) else -np.inf
    y = _pooled(_to_first(x.astype(acc), last), p, True, lowest, "max")
    return _from_first(y, last).astype(ctx.result_dtype(op))


@graph_impl(g.AvgPoolOp)
def _avg_pool(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    last = _channels_last(p)
    xf = _to_first(x.astype(acc_dtype(x.dtype)), last)
    ones = np.ones((1, 1, *xf.shape[2:]), xf.dtype)
    counts = _pooled(ones, p, False, 0, "sum", 1 if p.bool("count_include_pad") else 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = _pooled(xf, p, False, 0, "sum") / counts
    return _from_first(y, last).astype(ctx.result_dtype(op))


@graph_impl(g.GlobalAvgPoolOp)
def _global_avg_pool(ctx: EvalContext, op: Operation, x: Array) -> Array:
    axes = tuple(range(1, x.ndim - 1)) if _channels_last(_props(op)) else tuple(range(2, x.ndim))
    size = int(np.prod([x.shape[a] for a in axes]))
    with np.errstate(invalid="ignore", divide="ignore"):
        y = x.astype(acc_dtype(x.dtype)).sum(axis=axes, keepdims=True) / size
    return y.astype(ctx.result_dtype(op))


def adaptive_matrix(size: int, out: int) -> Array:
    """[out, size] averaging matrix: row i averages [floor(i*size/out), ceil((i+1)*size/out))."""
    i = np.arange(out)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    j = np.arange(size)
    inside = (j >= start[:, None]) & (j < end[:, None])
    with np.errstate(invalid="ignore", divide="ignore"):
        return inside / (end - start)[:, None]


@graph_impl(g.AdaptiveAvgPoolOp)
def _adaptive_avg_pool(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    last = _channels_last(p)
    y = _to_first(x.astype(acc_dtype(x.dtype)), last)
    for i, out in enumerate(p.ints("output_size")):
        m = adaptive_matrix(y.shape[2 + i], out).astype(y.dtype)
        y = np.moveaxis(np.tensordot(y, m, axes=([2 + i], [1])), -1, 2 + i)
    return _from_first(y, last).astype(ctx.result_dtype(op))
