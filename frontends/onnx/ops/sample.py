"""GridSample: sampling an input at the positions of a grid, as gathers.

For each spatial dim the grid coordinate is unnormalized, rounded (nearest)
or split into neighbours with weights (linear: 2, cubic: 4); the padding
mode maps out-of-range positions (zeros: no contribution, border: clamp,
reflection: mirror at the borders). Every combination of neighbours is one
`graph.gather_elements` on the flattened input, weighted and summed, which
matches ONNX's reference order of operations up to rounding.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported
from tensorforge.frontends.onnx.ops import converter

_CUBIC_A = -0.75
_MODES = {"bilinear": "linear", "bicubic": "cubic", "linear": "linear", "cubic": "cubic", "nearest": "nearest"}


@dataclass
class _Tap:
    """One neighbour along one dim: its (valid) index, validity mask and weight."""

    index: SSAValue  # i64 [N, *H]
    valid: SSAValue | None  # i1, None if always valid
    weight: SSAValue | None  # float, None for weight 1


@converter("GridSample")
def _grid_sample(ctx: Context, node: Node) -> list[Out]:
    x, grid = ctx.x(node, 0), ctx.x(node, 1)
    mode = _MODES.get(node.attr("mode", "bilinear" if node.version < 20 else "linear"))
    padding = node.attr("padding_mode", "zeros")
    align = bool(node.attr("align_corners", 0))
    if mode is None or padding not in ("zeros", "border", "reflection"):
        raise Unsupported(f"mode '{node.attr('mode')}' / padding_mode '{padding}' is not supported")
    xt, gt = ctx.type(x), ctx.type(grid)
    dims = [d.value() for d in xt.dims[2:] if d.is_const()]
    if len(dims) != xt.rank - 2:
        raise Unsupported(f"GridSample needs static spatial dims, got {xt}")
    work = np.float64 if xt.dtype == np.float64 else np.float32
    coords = [_coordinate(ctx, ctx.cast(grid, work), i, len(dims), dims[i], align) for i in range(len(dims))]
    taps = [_taps(ctx, c, L, mode, padding, align) for c, L in zip(coords, dims, strict=True)]
    out_spatial = list(gt.dims[1:-1])
    n, c = xt.dims[0], xt.dims[1]
    flat_x = ctx.reshape(ctx.cast(x, work), [n, c, int(np.prod(dims))])
    strides = [int(np.prod(dims[i + 1 :])) for i in range(len(dims))]
    total: SSAValue | None = None
    for combo in itertools.product(*taps):
        term = _gather(ctx, flat_x, combo, strides, n, c)
        total = term if total is None else ctx.emit(g.AddOp, total, term)
    assert total is not None
    return [ctx.cast_like(ctx.reshape(total, [n, c, *out_spatial]), x)]


def _coordinate(ctx: Context, grid: SSAValue, i: int, r: int, size: int, align: bool) -> SSAValue:
    """Unnormalized coordinate along spatial dim i, [N, *H] (grid's last axis is reversed)."""
    gt = ctx.type(grid)
    pick = ctx.emit(g.SliceOp, grid, starts=[r - 1 - i], ends=[r - i], axes=[gt.rank - 1])
    v = ctx.emit(g.SqueezeOp, pick, axes=[gt.rank - 1])
    one = ctx.scalar(1, v)
    if align:
        return ctx.emit(g.MulOp, ctx.emit(g.DivOp, ctx.emit(g.AddOp, v, one), ctx.scalar(2, v)),
                        ctx.scalar(size - 1, v))
    scaled = ctx.emit(g.SubOp, ctx.emit(g.MulOp, ctx.emit(g.AddOp, v, one), ctx.scalar(size, v)), one)
    return ctx.emit(g.DivOp, scaled, ctx.scalar(2, v))


def _borders(size: int, align: bool) -> tuple[float, float]:
    return (0.0, size - 1.0) if align else (-0.5, size - 0.5)


def _reflect(ctx: Context, v: SSAValue, lo: float, hi: float) -> SSAValue:
    """Mirror v into [lo, hi] (ONNX reference's _gs_reflect)."""
    rng = ctx.scalar(hi - lo, v)
    lo_v, hi_v = ctx.scalar(lo, v), ctx.scalar(hi, v)

    def fold(dx: SSAValue) -> tuple[SSAValue, SSAValue]:
        k = ctx.emit(g.FloorOp, ctx.emit(g.DivOp, dx, rng))
        rest = ctx.emit(g.SubOp, dx, ctx.emit(g.MulOp, k, rng))
        even = ctx.emit(g.EqOp, ctx.emit(g.ModOp, k, ctx.scalar(2, v)), ctx.scalar(0, v))
        return rest, even

    below_r, below_even = fold(ctx.emit(g.SubOp, lo_v, v))
    above_r, above_even = fold(ctx.emit(g.SubOp, v, hi_v))
    below = ctx.emit(g.WhereOp, below_even, ctx.emit(g.AddOp, lo_v, below_r), ctx.emit(g.SubOp, hi_v, below_r))
    above = ctx.emit(g.WhereOp, above_even, ctx.emit(g.SubOp, hi_v, above_r), ctx.emit(g.AddOp, lo_v, above_r))
    v = ctx.emit(g.WhereOp, ctx.emit(g.LtOp, v, lo_v), below, v)
    return ctx.emit(g.WhereOp, ctx.emit(g.GtOp, v, hi_v), above, v)


def _clamp(ctx: Context, v: SSAValue, lo: float, hi: float) -> SSAValue:
    return ctx.emit(g.ClipOp, v, min=lo, max=hi)


def _taps(ctx: Context, x: SSAValue, size: int, mode: str, padding: str, align: bool) -> list[_Tap]:
    lo, hi = _borders(size, align)
    if mode == "nearest":
        x = ctx.emit(g.RoundOp, x)
    if padding == "border":
        x = _clamp(ctx, x, 0.0, size - 1.0)
    elif padding == "reflection":
        x = _reflect(ctx, x, lo, hi)
    if mode == "nearest":
        return [_pixel(ctx, x, size, padding, align, None)]
    base = ctx.emit(g.FloorOp, x)
    t = ctx.emit(g.SubOp, x, base)
    if mode == "linear":
        weights = [ctx.emit(g.SubOp, ctx.scalar(1, t), t), t]
        offsets = [0, 1]
    else:
        weights = _cubic_weights(ctx, t)
        offsets = [-1, 0, 1, 2]
    return [_pixel(ctx, ctx.emit(g.AddOp, base, ctx.scalar(o, base)), size, padding, align, w)
            for o, w in zip(offsets, weights, strict=True)]


def _cubic_weights(ctx: Context, t: SSAValue) -> list[SSAValue]:
    a = _CUBIC_A

    def s(v: float) -> SSAValue:
        return ctx.scalar(v, t)

    def far(d: SSAValue) -> SSAValue:  # ((a*d - 5a)*d + 8a)*d - 4a for d in [1, 2]
        p = ctx.emit(g.SubOp, ctx.emit(g.MulOp, d, s(a)), s(5 * a))
        p = ctx.emit(g.AddOp, ctx.emit(g.MulOp, p, d), s(8 * a))
        return ctx.emit(g.SubOp, ctx.emit(g.MulOp, p, d), s(4 * a))

    def near(d: SSAValue) -> SSAValue:  # ((a+2)*d - (a+3))*d*d + 1 for d in [0, 1]
        p = ctx.emit(g.SubOp, ctx.emit(g.MulOp, d, s(a + 2)), s(a + 3))
        return ctx.emit(g.AddOp, ctx.emit(g.MulOp, ctx.emit(g.MulOp, p, d), d), s(1))

    one_minus = ctx.emit(g.SubOp, s(1), t)
    return [far(ctx.emit(g.AddOp, t, s(1))), near(t), near(one_minus), far(ctx.emit(g.AddOp, one_minus, s(1)))]


def _pixel(ctx: Context, pos: SSAValue, size: int, padding: str, align: bool, weight: SSAValue | None) -> _Tap:
    """An integral position made a valid index by the padding mode."""
    valid = None
    if padding == "zeros":
        valid = ctx.emit(g.AndOp, ctx.emit(g.GeOp, pos, ctx.scalar(0, pos)),
                         ctx.emit(g.LeOp, pos, ctx.scalar(size - 1, pos)))
        pos = _clamp(ctx, pos, 0.0, size - 1.0)
    elif padding == "border":
        pos = _clamp(ctx, pos, 0.0, size - 1.0)
    else:
        lo, hi = _borders(size, align)
        pos = _clamp(ctx, _reflect(ctx, pos, lo, hi), 0.0, size - 1.0)
    return _Tap(ctx.cast(pos, np.int64), valid, weight)


def _gather(ctx: Context, flat_x: SSAValue, taps: Sequence[_Tap], strides: Sequence[int], n: object,
            c: object) -> SSAValue:
    index: SSAValue | None = None
    valid: SSAValue | None = None
    weight: SSAValue | None = None
    for tap, stride in zip(taps, strides, strict=True):
        part = tap.index if stride == 1 else ctx.emit(g.MulOp, tap.index, ctx.scalar(stride, tap.index))
        index = part if index is None else ctx.emit(g.AddOp, index, part)
        if tap.valid is not None:
            valid = tap.valid if valid is None else ctx.emit(g.AndOp, valid, tap.valid)
        if tap.weight is not None:
            weight = tap.weight if weight is None else ctx.emit(g.MulOp, weight, tap.weight)
    assert index is not None
    flat_idx = ctx.reshape(index, [n, 1, -1])  # type: ignore[list-item]
    q = ctx.type(flat_idx).dims[2]
    idx = ctx.emit(g.BroadcastToOp, flat_idx, shape=[n, c, q])
    values = ctx.emit(g.GatherElementsOp, flat_x, idx, axis=2)
    if weight is not None:
        values = ctx.emit(g.MulOp, values, ctx.reshape(weight, [n, 1, q]))  # type: ignore[list-item]
    if valid is not None:
        values = ctx.emit(g.WhereOp, ctx.reshape(valid, [n, 1, q]), values, ctx.scalar(0, values))  # type: ignore[list-item]
    return values


# -- RoiAlign ------------------------------------------------------------------------------
@converter("RoiAlign")
def _roi_align(ctx: Context, node: Node) -> list[Out]:
    """Bilinear samples on a static sampling grid per output bin, as ONNX's
    reference: samples outside [-1, size] count as 0, coordinates clamp at
    the last row/column; avg averages the samples, max takes the largest
    weighted corner value of any sample."""
    x, rois, batch = ctx.x(node, 0), ctx.x(node, 1), ctx.x(node, 2)
    xt = ctx.type(x)
    ratio = int(node.attr("sampling_ratio", 0))
    if ratio <= 0:
        raise Unsupported("sampling_ratio 0 (a grid that depends on each roi's size) is not supported")
    if xt.rank != 4 or not all(d.is_const() for d in xt.dims[2:]):
        raise Unsupported(f"RoiAlign needs an input [N, C, H, W] with static H and W, got {xt}")
    height, width = xt.dims[2].value(), xt.dims[3].value()
    oh, ow = int(node.attr("output_height", 1)), int(node.attr("output_width", 1))
    half = node.attr("coordinate_transformation_mode", "half_pixel") == "half_pixel"
    scale = float(node.attr("spatial_scale", 1.0))
    mode = node.attr("mode", "avg")
    work = np.float64 if xt.dtype == np.float64 else np.float32
    r = ctx.cast(rois, work)
    n_rois = ctx.type(rois).dims[0]

    def col(i: int) -> SSAValue:
        c = ctx.reshape(ctx.emit(g.SliceOp, r, starts=[i], ends=[i + 1], axes=[1]), [n_rois, 1, 1])
        c = ctx.emit(g.MulOp, c, ctx.scalar(scale, c))
        return ctx.emit(g.SubOp, c, ctx.scalar(0.5, c)) if half else c

    axes = []
    for start_col, end_col, bins, size in ((1, 3, oh, height), (0, 2, ow, width)):
        start, end = col(start_col), col(end_col)
        extent = ctx.emit(g.SubOp, end, start)
        if not half:
            extent = ctx.emit(g.MaximumOp, extent, ctx.scalar(1.0, extent))
        step = ctx.emit(g.DivOp, extent, ctx.scalar(float(bins), extent))
        offsets = (np.arange(bins)[:, None] + (np.arange(ratio)[None, :] + 0.5) / ratio).astype(work)
        pos = ctx.emit(g.AddOp, start, ctx.emit(g.MulOp, step, ctx.const(offsets[None])))  # [R, bins, ratio]
        axes.append(_roi_axis(ctx, pos, size))
    (ylo, yhi, wy_lo, wy_hi, vy), (xlo, xhi, wx_lo, wx_hi, vx) = axes
    valid = ctx.emit(g.AndOp, ctx.reshape(vy, [n_rois, oh, ratio, 1, 1]), ctx.reshape(vx, [n_rois, 1, 1, ow, ratio]))
    xr = ctx.emit(g.GatherOp, ctx.cast(x, work), ctx.cast(batch, np.int64), axis=0)
    flat = ctx.reshape(xr, [n_rois, xt.dims[1], height * width])
    corners = []
    for yi, wy in ((ylo, wy_lo), (yhi, wy_hi)):
        for xi, wx in ((xlo, wx_lo), (xhi, wx_hi)):
            idx = ctx.emit(g.AddOp, ctx.reshape(ctx.emit(g.MulOp, yi, ctx.scalar(width, yi)), [n_rois, oh, ratio, 1, 1]),
                           ctx.reshape(xi, [n_rois, 1, 1, ow, ratio]))
            w = ctx.emit(g.MulOp, ctx.reshape(wy, [n_rois, oh, ratio, 1, 1]), ctx.reshape(wx, [n_rois, 1, 1, ow, ratio]))
            w = ctx.emit(g.WhereOp, valid, w, ctx.scalar(0, w))
            q = oh * ratio * ow * ratio
            full = ctx.emit(g.BroadcastToOp, ctx.reshape(idx, [n_rois, 1, q]), shape=[n_rois, xt.dims[1], q])
            v = ctx.emit(g.GatherElementsOp, flat, full, axis=2)
            corners.append(ctx.emit(g.MulOp, v, ctx.reshape(w, [n_rois, 1, q])))
    op = g.AddOp if mode == "avg" else g.MaximumOp
    acc = corners[0]
    for c in corners[1:]:
        acc = ctx.emit(op, acc, c)
    acc = ctx.reshape(acc, [n_rois, xt.dims[1], oh, ratio, ow, ratio])
    if mode == "avg":
        out = ctx.emit(g.DivOp, ctx.emit(g.ReduceSumOp, acc, axes=[3, 5]), ctx.scalar(float(ratio * ratio), acc))
    else:
        out = ctx.emit(g.ReduceMaxOp, acc, axes=[3, 5])
    return [ctx.cast_like(out, x)]


def _roi_axis(ctx: Context, pos: SSAValue, size: int) -> tuple[SSAValue, ...]:
    """low/high indices, their weights and the validity of sample positions along one axis."""
    valid = ctx.emit(g.AndOp, ctx.emit(g.GeOp, pos, ctx.scalar(-1.0, pos)),
                     ctx.emit(g.LeOp, pos, ctx.scalar(float(size), pos)))
    p = ctx.emit(g.MaximumOp, pos, ctx.scalar(0.0, pos))
    low = ctx.emit(g.FloorOp, p)
    last = ctx.scalar(float(size - 1), p)
    at_end = ctx.emit(g.GeOp, low, last)
    low = ctx.emit(g.WhereOp, at_end, last, low)
    p = ctx.emit(g.WhereOp, at_end, last, p)
    high = ctx.emit(g.WhereOp, at_end, last, ctx.emit(g.AddOp, low, ctx.scalar(1.0, low)))
    frac = ctx.emit(g.SubOp, p, low)
    keep = ctx.emit(g.SubOp, ctx.scalar(1.0, frac), frac)
    return ctx.cast(low, np.int64), ctx.cast(high, np.int64), keep, frac, valid


# -- DeformConv ------------------------------------------------------------------------------
@converter("DeformConv")
def _deform_conv(ctx: Context, node: Node) -> list[Out]:
    """Bilinear samples of the input at the offset kernel taps (zero outside,
    as GridSample with align_corners), scaled by the mask, then a grouped
    matmul with the weights: im2col with learned positions."""
    x, w, offset = ctx.x(node, 0), ctx.x(node, 1), ctx.x(node, 2)
    xt, wt = ctx.type(x), ctx.type(w)
    if xt.rank != 4 or not all(d.is_const() for d in (*xt.dims[1:], *wt.dims)):
        raise Unsupported(f"DeformConv supports 2-D inputs with static C, H, W and weights, got {xt} and {wt}")
    c, height, width = (d.value() for d in xt.dims[1:])
    oc, kh, kw = wt.dims[0].value(), wt.dims[2].value(), wt.dims[3].value()
    group, og = int(node.attr("group", 1)), int(node.attr("offset_group", 1))
    sh, sw = list(node.attr("strides", [1, 1]) or [1, 1])
    dh, dw = list(node.attr("dilations", [1, 1]) or [1, 1])
    pads = list(node.attr("pads", [0, 0, 0, 0]) or [0, 0, 0, 0])
    oh = (height + pads[0] + pads[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (width + pads[1] + pads[3] - dw * (kw - 1) - 1) // sw + 1
    n = xt.dims[0]
    work = np.float64 if xt.dtype == np.float64 else np.float32
    off = ctx.reshape(ctx.cast(offset, work), [n, og, kh, kw, 2, oh, ow])
    base_y = (-pads[0] + sh * np.arange(oh)[None, :] + dh * np.arange(kh)[:, None]).astype(work)
    base_x = (-pads[1] + sw * np.arange(ow)[None, :] + dw * np.arange(kw)[:, None]).astype(work)

    def coord(i: int, base: np.ndarray, shape: list[int]) -> SSAValue:
        part = ctx.emit(g.SqueezeOp, ctx.emit(g.SliceOp, off, starts=[i], ends=[i + 1], axes=[4]), axes=[4])
        return ctx.emit(g.AddOp, part, ctx.const(base.reshape(shape)))

    ys = coord(0, base_y, [1, 1, kh, 1, oh, 1])
    xs = coord(1, base_x, [1, 1, 1, kw, 1, ow])
    q = kh * kw * oh * ow
    cg = c // og
    flat = ctx.reshape(ctx.cast(x, work), [n, og, cg, height * width])
    total: SSAValue | None = None
    for ty in _taps(ctx, ys, height, "linear", "zeros", True):
        for tx in _taps(ctx, xs, width, "linear", "zeros", True):
            idx = ctx.emit(g.AddOp, ctx.emit(g.MulOp, ty.index, ctx.scalar(width, ty.index)), tx.index)
            full = ctx.emit(g.BroadcastToOp, ctx.reshape(idx, [n, og, 1, q]), shape=[n, og, cg, q])
            v = ctx.emit(g.GatherElementsOp, flat, full, axis=3)
            wgt = ctx.emit(g.MulOp, ty.weight, tx.weight)  # type: ignore[arg-type]
            ok = ctx.emit(g.AndOp, ty.valid, tx.valid)  # type: ignore[arg-type]
            wgt = ctx.emit(g.WhereOp, ok, wgt, ctx.scalar(0, wgt))
            term = ctx.emit(g.MulOp, v, ctx.reshape(wgt, [n, og, 1, q]))
            total = term if total is None else ctx.emit(g.AddOp, total, term)
    assert total is not None
    if node.has(4):
        total = ctx.emit(g.MulOp, total, ctx.reshape(ctx.cast(ctx.x(node, 4), work), [n, og, 1, q]))
    k = kh * kw
    cols = ctx.reshape(total, [n, group, (c // group) * k, oh * ow])
    wm = ctx.reshape(ctx.cast(w, work), [group, oc // group, (c // group) * k])
    y = ctx.reshape(ctx.emit(g.MatmulOp, wm, cols), [n, oc, oh, ow])
    if node.has(3):
        y = ctx.emit(g.AddOp, y, ctx.reshape(ctx.cast(ctx.x(node, 3), work), [oc, 1, 1]))
    return [ctx.cast_like(y, x)]
