"""Quantization ONNX ops on 8/16-bit integers: QuantizeLinear,
DequantizeLinear, MatMulInteger, ConvInteger, QLinearMatMul and QLinearConv
(DynamicQuantizeLinear expands from its function body).

Integer products are exact: matmuls run in i32, convolutions in f64 (exact
for 8-bit operands), then scales apply in floating point and the result is
rounded half to even and saturated, as ONNX's reference does.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects.symbolic import Expr
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported
from tensorforge.frontends.onnx.dtypes import UnsupportedType, element, np_dtype
from tensorforge.frontends.onnx.ops import converter
from tensorforge.frontends.onnx.ops.nn import conv_props


def _broadcastable(ctx: Context, v: SSAValue, rank: int, axis: int, block: int, dim: Expr | None) -> SSAValue:
    """A scale or zero point reshaped to broadcast against an input of `rank` (per-tensor, per-axis or blocked)."""
    t = ctx.type(v)
    if t.rank == 0 or t.static_shape() == (1,):
        return ctx.reshape(v, [])
    axis %= rank
    if block:
        up = ctx.emit(g.UnsqueezeOp, v, axes=[axis + 1])
        dims = list(ctx.type(up).dims)
        dims[axis + 1] = block
        rep = ctx.emit(g.BroadcastToOp, up, shape=dims)
        merged = list(t.dims)
        merged[axis] = merged[axis] * block
        flat = ctx.reshape(rep, merged)
        return ctx.emit(g.SliceOp, flat, starts=[0], ends=[_static(dim)], axes=[axis])
    if t.rank != 1:
        raise Unsupported(f"a scale or zero point of shape {t} needs block_size")
    shape = [1] * rank
    shape[axis] = t.dims[0]
    return ctx.reshape(v, shape)


def _static(d: Expr | None) -> int:
    if d is None or not d.is_const():
        raise Unsupported(f"blocked quantization needs a static axis size, got {d}")
    return d.value()


_RANGES = {np.dtype(np.uint8): (0, 255), np.dtype(np.int8): (-128, 127),
           np.dtype(np.uint16): (0, 65535), np.dtype(np.int16): (-32768, 32767)}


@converter("QuantizeLinear")
def _quantize(ctx: Context, node: Node) -> list[Out]:
    x, scale = ctx.x(node, 0), ctx.x(node, 1)
    zp = ctx.opt(node, 2)
    xt = ctx.type(x)
    axis, block = int(node.attr("axis", 1)), int(node.attr("block_size", 0) or 0)
    out_elem = node.attr("output_dtype")
    if zp is not None:
        out = ctx.type(zp).dtype
    else:
        try:
            out = np_dtype(int(out_elem)) if out_elem else np.dtype(np.uint8)
        except UnsupportedType as e:
            raise Unsupported(str(e)) from None
    if out not in _RANGES:
        raise Unsupported(f"quantizing to {out} is not supported (8 and 16-bit integers are)")
    dim = xt.dims[axis % max(xt.rank, 1)] if xt.rank else None
    s = _broadcastable(ctx, ctx.cast_like(scale, x), xt.rank, axis, block, dim)
    q = ctx.emit(g.RoundOp, ctx.emit(g.DivOp, x, s))
    q = ctx.cast(q, np.float64)
    if zp is not None:
        z = _broadcastable(ctx, ctx.cast(zp, np.float64), xt.rank, axis, block, dim)
        q = ctx.emit(g.AddOp, q, z)
    lo, hi = _RANGES[out]
    return [ctx.cast(ctx.emit(g.ClipOp, q, min=float(lo), max=float(hi)), out)]


@converter("DequantizeLinear")
def _dequantize(ctx: Context, node: Node) -> list[Out]:
    x, scale = ctx.x(node, 0), ctx.x(node, 1)
    zp = ctx.opt(node, 2)
    xt = ctx.type(x)
    axis, block = int(node.attr("axis", 1)), int(node.attr("block_size", 0) or 0)
    if xt.dtype.kind not in "iu":
        raise Unsupported(f"dequantizing {xt.dtype} is not supported (integer inputs are)")
    dim = xt.dims[axis % max(xt.rank, 1)] if xt.rank else None
    dx = ctx.cast(x, np.float32)
    if zp is not None:
        dx = ctx.emit(g.SubOp, dx, _broadcastable(ctx, ctx.cast(zp, np.float32), xt.rank, axis, block, dim))
    y = ctx.emit(g.MulOp, dx, _broadcastable(ctx, ctx.cast(scale, np.float32), xt.rank, axis, block, dim))
    out_elem = node.attr("output_dtype")
    try:
        target = element(int(out_elem)) if out_elem else ctx.type(scale).element_type
    except UnsupportedType as e:
        raise Unsupported(str(e)) from None
    return [ctx.emit(g.CastOp, y, to=target)]


def _centered(ctx: Context, v: SSAValue, zp: SSAValue | None, shape: list[object] | None = None) -> SSAValue:
    """v - zp in i32 (zp reshaped to `shape` when given)."""
    out = ctx.cast(v, np.int32)
    if zp is None:
        return out
    z = ctx.cast(zp, np.int32)
    if shape is not None and ctx.type(z).rank == 1 and ctx.type(z).static_shape() != (1,):
        z = ctx.reshape(z, shape)  # type: ignore[arg-type]
    return ctx.emit(g.SubOp, out, z)


@converter("MatMulInteger")
def _matmul_integer(ctx: Context, node: Node) -> list[Out]:
    a, b = ctx.x(node, 0), ctx.x(node, 1)
    a_zp = ctx.opt(node, 2)
    rows = ctx.type(a).dims[-2] if ctx.type(a).rank >= 2 else None
    am = _centered(ctx, a, a_zp, [rows, 1] if rows is not None else None)
    bm = _centered(ctx, b, ctx.opt(node, 3))
    return [ctx.emit(g.MatmulOp, am, bm)]


def _conv_f64(ctx: Context, node: Node, x: SSAValue, w: SSAValue, bias: SSAValue | None) -> SSAValue:
    props = conv_props(node, ctx.type(x), ctx.type(w))
    xb, wb = ctx.cast(x, np.float64), ctx.cast(w, np.float64)
    b = None if bias is None else ctx.cast(bias, np.float64)
    return ctx.emit(g.ConvOp, xb, wb, b, **props)


@converter("ConvInteger")
def _conv_integer(ctx: Context, node: Node) -> list[Out]:
    x, w = ctx.x(node, 0), ctx.x(node, 1)
    rank = ctx.type(w).rank
    xc = _centered(ctx, x, ctx.opt(node, 2))
    wc = _centered(ctx, w, ctx.opt(node, 3), [ctx.type(w).dims[0], *([1] * (rank - 1))])
    return [ctx.cast(_conv_f64(ctx, node, xc, wc, None), np.int32)]


def _requantize(ctx: Context, acc: SSAValue, scale: SSAValue, zp: SSAValue | None, out: np.dtype,
                clip_first: bool) -> SSAValue:
    y = ctx.emit(g.MulOp, ctx.cast(acc, np.float64), ctx.cast(scale, np.float64))
    if zp is not None:
        y = ctx.emit(g.AddOp, y, ctx.cast(zp, np.float64))
    lo, hi = _RANGES[out]
    if clip_first:
        y = ctx.emit(g.RoundOp, ctx.emit(g.ClipOp, y, min=float(lo), max=float(hi)))
    else:
        y = ctx.emit(g.ClipOp, ctx.emit(g.RoundOp, y), min=float(lo), max=float(hi))
    return ctx.cast(y, out)


def _scale_ratio(ctx: Context, a: SSAValue, b: SSAValue, y: SSAValue) -> SSAValue:
    """a * b / y in f32, as the reference computes it."""
    a32, b32, y32 = (ctx.cast(v, np.float32) for v in (a, b, y))
    return ctx.emit(g.DivOp, ctx.emit(g.MulOp, a32, b32), y32)


@converter("QLinearMatMul")
def _qlinear_matmul(ctx: Context, node: Node) -> list[Out]:
    a, b = ctx.x(node, 0), ctx.x(node, 3)
    acc = ctx.emit(g.MatmulOp, _centered(ctx, a, ctx.opt(node, 2)), _centered(ctx, b, ctx.opt(node, 5)))
    scale = _scale_ratio(ctx, ctx.x(node, 1), ctx.x(node, 4), ctx.x(node, 6))
    zp = ctx.opt(node, 7)
    out = ctx.type(zp).dtype if zp is not None else ctx.type(a).dtype
    return [_requantize(ctx, acc, scale, zp, out, clip_first=False)]


@converter("QLinearConv")
def _qlinear_conv(ctx: Context, node: Node) -> list[Out]:
    x, w = ctx.x(node, 0), ctx.x(node, 3)
    rank = ctx.type(w).rank
    out_ch = ctx.type(w).dims[0]
    xc = _centered(ctx, x, ctx.opt(node, 2))
    wc = _centered(ctx, w, ctx.opt(node, 5), [out_ch, *([1] * (rank - 1))])
    acc = _conv_f64(ctx, node, xc, wc, ctx.opt(node, 8))
    w_scale = ctx.x(node, 4)
    if ctx.type(w_scale).rank == 1 and ctx.type(w_scale).static_shape() != (1,):
        w_scale = ctx.reshape(w_scale, [out_ch, *([1] * (rank - 2))])
    scale = _scale_ratio(ctx, ctx.x(node, 1), w_scale, ctx.x(node, 6))
    zp = ctx.opt(node, 7)
    out = ctx.type(zp).dtype if zp is not None else ctx.type(x).dtype
    return [_requantize(ctx, acc, scale, zp, out, clip_first=True)]

