"""BitCast: reinterpret the bits of one element type as another of its width.

Between integer types (and from bool) a two's complement cast keeps the
bits. Between IEEE floats and integers the bit pattern is computed exactly
with f64 and i64 arithmetic: sign, biased exponent (a logarithm corrected
to the exact power of two) and fraction, subnormals, zeros and infinities
included; NaN maps to (and from) the canonical quiet NaN, its payload is
not kept.
"""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.types import numpy_dtype
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported
from tensorforge.frontends.onnx.dtypes import UnsupportedType, element
from tensorforge.frontends.onnx.ops import converter

# (exponent bits, fraction bits) of each float type
_LAYOUT = {np.dtype(np.float16): (5, 10), np.dtype(ml_dtypes.bfloat16): (8, 7),
           np.dtype(np.float32): (8, 23), np.dtype(np.float64): (11, 52)}


@converter("BitCast")
def _bitcast(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    try:
        to = element(int(node.attr("to")))
    except UnsupportedType as e:
        raise Unsupported(str(e)) from None
    src, dst = ctx.type(x).dtype, numpy_dtype(to)
    if src.itemsize != dst.itemsize:
        raise Unsupported(f"BitCast needs types of one width, got {src} and {dst}")
    if dst.kind == "b":
        raise Unsupported("BitCast to bool is not supported (only 0 and 1 are valid bools)")
    if src.kind in "iub" and dst.kind in "iu":
        return [ctx.emit(g.CastOp, x, to=to)]
    if src in _LAYOUT and dst.kind in "iu":
        return [ctx.cast(float_bits(ctx, x, *_LAYOUT[src]), dst)]
    if src.kind in "iu" and dst in _LAYOUT:
        return [ctx.cast(bits_float(ctx, x, *_LAYOUT[dst]), dst)]
    raise Unsupported(f"BitCast from {src} to {dst} is not supported")


def float_bits(ctx: Context, x: SSAValue, exp_bits: int, frac_bits: int) -> SSAValue:
    """The bit pattern of float x as a signed i64 of the type's width (two's complement)."""
    width = 1 + exp_bits + frac_bits
    bias = 2 ** (exp_bits - 1) - 1
    xd = ctx.cast(x, np.float64)

    def f(v: float) -> SSAValue:
        return ctx.scalar(v, xd)

    a = ctx.emit(g.AbsOp, xd)
    is_nan = ctx.emit(g.IsNanOp, xd)
    is_inf = ctx.emit(g.IsInfOp, xd)
    neg = ctx.emit(g.OrOp, ctx.emit(g.LtOp, xd, f(0)),
                   ctx.emit(g.LtOp, ctx.emit(g.ReciprocalOp, xd), f(0)))  # -0.0 has 1/x = -inf
    safe = ctx.emit(g.WhereOp, ctx.emit(g.GtOp, a, f(0)), a, f(1))
    safe = ctx.emit(g.WhereOp, ctx.emit(g.OrOp, is_nan, is_inf), f(1), safe)
    e = ctx.emit(g.FloorOp, ctx.emit(g.DivOp, ctx.emit(g.LogOp, safe), f(math.log(2))))
    e = ctx.emit(g.WhereOp, ctx.emit(g.GtOp, ctx.emit(g.PowOp, f(2), e), safe), ctx.emit(g.SubOp, e, f(1)), e)
    up = ctx.emit(g.AddOp, e, f(1))
    e = ctx.emit(g.WhereOp, ctx.emit(g.LeOp, ctx.emit(g.PowOp, f(2), up), safe), up, e)
    normal = ctx.emit(g.AndOp, ctx.emit(g.GeOp, e, f(1 - bias)), ctx.emit(g.GtOp, a, f(0)))
    frac_normal = ctx.emit(g.MulOp, ctx.emit(g.SubOp, ctx.emit(g.DivOp, safe, ctx.emit(g.PowOp, f(2), e)), f(1)),
                           f(2.0**frac_bits))
    frac_sub = ctx.emit(g.MulOp, ctx.emit(g.MulOp, a, f(2.0 ** (bias - 1))), f(2.0**frac_bits))
    frac = ctx.emit(g.WhereOp, normal, frac_normal, frac_sub)
    biased = ctx.emit(g.WhereOp, normal, ctx.emit(g.AddOp, e, f(bias)), f(0))
    special = ctx.emit(g.OrOp, is_nan, is_inf)
    biased = ctx.emit(g.WhereOp, special, f(2**exp_bits - 1), biased)
    frac = ctx.emit(g.WhereOp, is_inf, f(0), frac)
    frac = ctx.emit(g.WhereOp, is_nan, f(2.0 ** (frac_bits - 1)), frac)
    bits = ctx.emit(g.AddOp, ctx.emit(g.ShiftLeftOp, ctx.cast(biased, np.int64), ctx.scalar(frac_bits, np.int64)),
                    ctx.cast(frac, np.int64))
    top = ctx.scalar(-(2 ** (width - 1)), np.int64)
    return ctx.emit(g.WhereOp, neg, ctx.emit(g.AddOp, bits, top), bits)


def bits_float(ctx: Context, x: SSAValue, exp_bits: int, frac_bits: int) -> SSAValue:
    """The f64 value of the float whose bit pattern is the integer x."""
    width = 1 + exp_bits + frac_bits
    bias = 2 ** (exp_bits - 1) - 1
    v = ctx.cast(x, np.int64)

    def i(n: int) -> SSAValue:
        return ctx.scalar(n, np.int64)

    def f(n: float) -> SSAValue:
        return ctx.scalar(n, np.float64)

    neg = ctx.emit(g.EqOp, ctx.emit(g.BitwiseAndOp, ctx.emit(g.ShiftRightOp, v, i(width - 1)), i(1)), i(1))
    biased = ctx.emit(g.BitwiseAndOp, ctx.emit(g.ShiftRightOp, v, i(frac_bits)), i(2**exp_bits - 1))
    frac = ctx.cast(ctx.emit(g.BitwiseAndOp, v, i(2**frac_bits - 1)), np.float64)
    e = ctx.cast(biased, np.float64)
    scale = ctx.emit(g.PowOp, f(2), ctx.emit(g.SubOp, e, f(bias)))
    normal = ctx.emit(g.MulOp, ctx.emit(g.AddOp, f(1), ctx.emit(g.DivOp, frac, f(2.0**frac_bits))), scale)
    sub = ctx.emit(g.MulOp, ctx.emit(g.MulOp, frac, f(2.0 ** (1 - bias))), f(2.0**-frac_bits))
    value = ctx.emit(g.WhereOp, ctx.emit(g.EqOp, biased, i(0)), sub, normal)
    top = ctx.emit(g.EqOp, biased, i(2**exp_bits - 1))
    special = ctx.emit(g.WhereOp, ctx.emit(g.EqOp, frac, f(0)), f(math.inf), f(math.nan))
    value = ctx.emit(g.WhereOp, top, special, value)
    return ctx.emit(g.WhereOp, neg, ctx.emit(g.NegOp, value), value)
