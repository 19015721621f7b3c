"""Resize and Upsample.

Nearest and linear resizes with the common coordinate modes become
`graph.resize`. Everything else ONNX defines (cubic, antialias,
half_pixel_symmetric, tf_crop_and_resize, keep_aspect_ratio_policy,
align_corners on a fractional output length) is separable and linear in the
data, so with static sizes each resized axis becomes a matmul with an
interpolation matrix computed at import time (f64, as ONNX's reference).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.symbolic import Expr
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported
from tensorforge.frontends.onnx.ops import converter

_GRAPH_COORD_MODES = ("half_pixel", "align_corners", "asymmetric", "pytorch_half_pixel")
_ALL_COORD_MODES = (*_GRAPH_COORD_MODES, "half_pixel_symmetric", "tf_crop_and_resize")


@converter("Resize")
def _resize(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    t = ctx.type(x)
    mode = node.attr("mode", "nearest")
    if mode not in ("nearest", "linear", "cubic"):
        raise Unsupported(f"mode '{mode}' is not supported")
    if node.version < 11:
        scales = [float(s) for s in ctx.static(node, 1, "scales").reshape(-1)]
        return [_graph_resize(ctx, x, mode, "asymmetric", "floor", scales=scales)]
    spec = _Spec.read(ctx, node, t)
    if spec.fits_graph_op(t):
        if spec.sizes is not None:
            return [_graph_resize(ctx, x, mode, spec.coord, spec.nearest, sizes=spec.sizes)]
        return [_graph_resize(ctx, x, mode, spec.coord, spec.nearest, scales=spec.scales)]
    return [_matrix_resize(ctx, x, spec)]


class _Spec:
    """A Resize node's parameters, over all axes."""

    def __init__(self, node: Node, t: TensorType) -> None:
        self.mode = node.attr("mode", "nearest")
        self.coord = node.attr("coordinate_transformation_mode", "half_pixel")
        self.nearest = node.attr("nearest_mode", "round_prefer_floor")
        self.cubic_a = float(node.attr("cubic_coeff_a", -0.75))
        self.exclude = bool(node.attr("exclude_outside", 0))
        self.extrapolation = float(node.attr("extrapolation_value", 0.0))
        self.antialias = bool(node.attr("antialias", 0)) and self.mode != "nearest"
        self.policy = node.attr("keep_aspect_ratio_policy", "stretch")
        self.axes = [a % t.rank for a in (node.attr("axes", []) or range(t.rank))]
        self.scales: list[float] | None = None
        self.sizes: list[Expr] | None = None
        self.roi: list[float] | None = None
        if self.coord not in _ALL_COORD_MODES:
            raise Unsupported(f"coordinate_transformation_mode '{self.coord}' is not supported")

    @staticmethod
    def read(ctx: Context, node: Node, t: TensorType) -> _Spec:
        spec = _Spec(node, t)
        scales = _floats(ctx, node, 2, "scales")
        sizes = _dims(ctx, node, 3)
        if spec.coord == "tf_crop_and_resize":
            roi = _floats(ctx, node, 1, "roi")
            full = [0.0] * t.rank + [1.0] * t.rank
            for i, a in enumerate(spec.axes):
                full[a], full[t.rank + a] = roi[i], roi[len(spec.axes) + i]
            spec.roi = full
        if sizes:
            spec.sizes = list(t.dims)
            for a, s in zip(spec.axes, sizes, strict=True):
                spec.sizes[a] = s
            return spec
        if not scales:
            raise Unsupported("one of scales and sizes must be given")
        spec.scales = [1.0] * t.rank
        for a, s in zip(spec.axes, scales, strict=True):
            spec.scales[a] = s
        return spec

    def fits_graph_op(self, t: TensorType) -> bool:
        if self.mode == "cubic" or self.antialias or self.coord not in _GRAPH_COORD_MODES or self.policy != "stretch":
            return False
        if self.coord != "align_corners" or self.scales is None:
            return True
        # graph.resize divides by the integer output length - 1; ONNX by in * scale - 1
        return all(not d.is_const() or float(d.value() * s).is_integer() for d, s in zip(t.dims, self.scales, strict=True))


def _floats(ctx: Context, node: Node, i: int, what: str) -> list[float]:
    if not node.has(i) or ctx.in_type(node, i).static_shape() == (0,):
        return []
    return [float(v) for v in ctx.static(node, i, what).reshape(-1)]


def _dims(ctx: Context, node: Node, i: int) -> list[Expr]:
    if not node.has(i) or ctx.in_type(node, i).static_shape() == (0,):
        return []
    return ctx.static_dims(node, i, "sizes")


def _graph_resize(ctx: Context, x: SSAValue, mode: str, coord: str, nearest: str,
                  scales: list[float] | None = None, sizes: list[Expr] | None = None) -> SSAValue:
    if mode == "cubic":
        raise Unsupported("cubic resize needs the sizes/scales form of Resize-11 or later")
    if scales is not None and all(s == 1.0 for s in scales):
        return x
    return ctx.emit(g.ResizeOp, x, mode=mode, coordinate_transformation_mode=coord, nearest_mode=nearest,
                    scales=scales, sizes=sizes)


# -- interpolation matrices ---------------------------------------------------------------
def _matrix_resize(ctx: Context, x: SSAValue, spec: _Spec) -> SSAValue:
    t = ctx.type(x)
    shape = t.static_shape()
    if shape is None:
        raise Unsupported(f"this Resize needs static input dims, got {t}")
    scales, sizes = _scales_and_sizes(spec, shape)
    y = ctx.cast(x, np.float64)
    for a in spec.axes:
        roi = None if spec.roi is None else (spec.roi[a], spec.roi[t.rank + a])
        identity = math.isclose(scales[a], 1.0) and sizes[a] == shape[a] and (
            roi is None or (math.isclose(roi[0], 0.0) and math.isclose(roi[1], 1.0)))
        if identity:
            continue
        w, outside = resize_matrix(shape[a], sizes[a], scales[a], spec, roi)
        y = _apply_along(ctx, y, a, w)
        if outside is not None and outside.any():
            mask_shape = [1] * t.rank
            mask_shape[a] = sizes[a]
            mask = ctx.const(outside.reshape(mask_shape))
            y = ctx.emit(g.WhereOp, mask, ctx.scalar(spec.extrapolation, y), y)
    return ctx.cast_like(y, x)


def _scales_and_sizes(spec: _Spec, shape: Sequence[int]) -> tuple[list[float], list[int]]:
    r = len(shape)
    if spec.sizes is None:
        assert spec.scales is not None
        return list(spec.scales), [int(s * d) for s, d in zip(spec.scales, shape, strict=True)]
    if not all(d.is_const() for d in spec.sizes):
        raise Unsupported("this Resize needs static sizes")
    sizes = [d.value() for d in spec.sizes]
    scales = [sizes[i] / shape[i] for i in range(r)]
    if spec.policy == "stretch":
        return scales, sizes
    if spec.policy not in ("not_larger", "not_smaller"):
        raise Unsupported(f"keep_aspect_ratio_policy '{spec.policy}' is not supported")
    pick = min if spec.policy == "not_larger" else max
    scale = pick(scales[a] for a in spec.axes)
    scales = [scale if i in spec.axes else 1.0 for i in range(r)]
    sizes = [int(scale * shape[i] + 0.5) if i in spec.axes else shape[i] for i in range(r)]
    return scales, sizes


def _apply_along(ctx: Context, y: SSAValue, axis: int, w: np.ndarray) -> SSAValue:
    """Contract `axis` of y with w [out, in]."""
    rank = ctx.type(y).rank
    perm = [i for i in range(rank) if i != axis] + [axis]
    moved = ctx.emit(g.TransposeOp, y, perm=perm) if axis != rank - 1 else y
    out = ctx.emit(g.MatmulOp, moved, ctx.const(np.ascontiguousarray(w.T)))
    if axis == rank - 1:
        return out
    back = [0] * rank
    for i, p in enumerate(perm):
        back[p] = i
    return ctx.emit(g.TransposeOp, out, perm=back)


def resize_matrix(n_in: int, n_out: int, scale: float, spec: _Spec,
                  roi: tuple[float, float] | None) -> tuple[np.ndarray, np.ndarray | None]:
    """[n_out, n_in] weights of a 1-D ONNX resize, and the extrapolated rows."""
    w = np.zeros((n_out, n_in))
    if n_out == 0:
        return w, None
    x_ori, outside = _source(spec.coord, np.arange(n_out, dtype=np.float64), scale, n_in, n_out, roi)
    coeff = _coefficients(spec, scale)
    for i, xo in enumerate(x_ori):
        base = math.floor(xo)
        ratio = 1.0 if xo == base else xo - base
        c = np.asarray(coeff(ratio), dtype=np.float64)
        idx = _neighbours(xo, len(c))
        if spec.exclude:
            c = np.where((idx < 0) | (idx >= n_in), 0.0, c)
            total = c.sum()
            c = c / (total if total != 0 else 1.0)
        for j, k in zip(np.clip(idx, 0, n_in - 1), c, strict=True):
            w[i, j] += k
    return w, outside


def _source(coord: str, y: np.ndarray, scale: float, n_in: int, n_out: int,
            roi: tuple[float, float] | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Output index -> input coordinate (ONNX coordinate_transformation_mode)."""
    width = scale * n_in
    if coord == "align_corners":
        return (np.zeros(n_out) if width == 1 else y * (n_in - 1) / (width - 1)), None
    if coord == "asymmetric":
        return y / scale, None
    if coord == "pytorch_half_pixel":
        return (np.full(n_out, -0.5) if width == 1 else (y + 0.5) / scale - 0.5), None
    if coord == "half_pixel":
        return (y + 0.5) / scale - 0.5, None
    if coord == "half_pixel_symmetric":
        offset = n_in / 2 * (1 - n_out / width)
        return offset + (y + 0.5) / scale - 0.5, None
    assert roi is not None
    lo, hi = roi
    x = np.full(n_out, (hi - lo) * (n_in - 1) / 2) if width == 1 else y * (hi - lo) * (n_in - 1) / (width - 1)
    x = x + lo * (n_in - 1)
    return x, (x < 0) | (x > n_in - 1)


def _neighbours(x: float, n: int) -> np.ndarray:
    """The n indices nearest to x, ties to the smaller (the input edge-padded)."""
    pad = math.ceil(n / 2)
    xp = x + pad
    p = math.floor(xp)
    frac = xp - p
    if n % 2 == 0:
        start = p - n // 2 if frac == 0 else p - n // 2 + 1
    else:
        start = p - (n - 1) // 2 + (0 if frac <= 0.5 else 1)
    return np.arange(start, start + n) - pad


def _coefficients(spec: _Spec, scale: float) -> Callable[[float], np.ndarray]:
    if spec.mode == "nearest":
        return lambda r: _nearest(r, spec.nearest)
    if spec.mode == "linear":
        return (lambda r: _linear_aa(r, scale)) if spec.antialias else (lambda r: np.array([1 - r, r]))
    a = spec.cubic_a
    return (lambda r: _cubic_aa(r, scale, a)) if spec.antialias else (lambda r: _cubic(r, a))


def _nearest(r: float, mode: str) -> np.ndarray:
    if float(r).is_integer():
        return np.array([0.0, 1.0])
    pick_high = {"round_prefer_floor": r > 0.5, "round_prefer_ceil": r >= 0.5, "floor": False, "ceil": True}
    if mode not in pick_high:
        raise Unsupported(f"nearest_mode '{mode}' is not supported")
    high = pick_high[mode]
    return np.array([float(not high), float(high)])


def _cubic(r: float, a: float) -> np.ndarray:
    s = 1 - r
    return np.array([
        ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
        ((a + 2) * r - (a + 3)) * r * r + 1,
        ((a + 2) * s - (a + 3)) * s * s + 1,
        ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a,
    ])


def _cubic_aa(r: float, scale: float, a: float) -> np.ndarray:
    scale = min(scale, 1.0)

    def k(x: float) -> float:
        x = abs(x)
        if x <= 1:
            return (a + 2) * x**3 - (a + 3) * x**2 + 1
        if x < 2:
            return a * x**3 - 5 * a * x**2 + 8 * a * x - 4 * a
        return 0.0

    start = math.floor(-2 / scale) + 1
    c = np.array([k(scale * (i - r)) for i in range(start, 2 - start)])
    return c / c.sum()


def _linear_aa(r: float, scale: float) -> np.ndarray:
    scale = min(scale, 1.0)
    start = math.floor(-1 / scale) + 1
    args = (np.arange(start, start + 2 - 2 * start) - r) * scale
    c = np.clip(1 - np.abs(args), 0, 1)
    return c / c.sum()


@converter("Upsample")
def _upsample(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    mode = node.attr("mode", "nearest")
    if mode not in ("nearest", "linear", "bilinear"):
        raise Unsupported(f"mode '{mode}' is not supported")
    scales = list(node.attr("scales", [])) if node.version < 9 else [
        float(s) for s in ctx.static(node, 1, "scales").reshape(-1)]
    mode = "linear" if mode == "bilinear" else mode
    return [_graph_resize(ctx, x, mode, "asymmetric", "floor", scales=[float(s) for s in scales])]
