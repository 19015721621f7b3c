"""Elementwise ONNX ops: arithmetic, comparisons, logic, activations, Cast,
Clip, Where, Identity and Dropout (inference)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from xdsl.dialects.builtin import IntegerType, i1
from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.types import is_float, is_int, numpy_dtype
from tensorforge.dialects.symbolic import Expr
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported, Value
from tensorforge.frontends.onnx.dtypes import UnsupportedType, element
from tensorforge.frontends.onnx.ops import converter

BINARY = {
    "Add": g.AddOp, "Sub": g.SubOp, "Mul": g.MulOp, "Div": g.DivOp,
    "And": g.AndOp, "Or": g.OrOp, "Xor": g.XorOp,
    "BitwiseAnd": g.BitwiseAndOp, "BitwiseOr": g.BitwiseOrOp, "BitwiseXor": g.BitwiseXorOp,
    "Equal": g.EqOp, "Less": g.LtOp, "LessOrEqual": g.LeOp, "Greater": g.GtOp, "GreaterOrEqual": g.GeOp,
}  # fmt: skip

UNARY = {
    "Abs": g.AbsOp, "Neg": g.NegOp, "Sign": g.SignOp, "Exp": g.ExpOp, "Log": g.LogOp, "Sqrt": g.SqrtOp,
    "Reciprocal": g.ReciprocalOp, "Tanh": g.TanhOp, "Sigmoid": g.SigmoidOp, "Relu": g.ReluOp,
    "Erf": g.ErfOp, "Sin": g.SinOp, "Cos": g.CosOp, "Tan": g.TanOp, "Floor": g.FloorOp,
    "Ceil": g.CeilOp, "Round": g.RoundOp, "Not": g.NotOp, "BitwiseNot": g.BitwiseNotOp,
    "IsNaN": g.IsNanOp, "Softplus": g.SoftplusOp, "HardSwish": g.HardSwishOp,
}  # fmt: skip


def _sym_div(a: Expr, b: Expr) -> Expr:
    if a.is_const() and b.is_const():
        q = abs(a.value()) // abs(b.value()) if b.value() else 0
        return Expr.const(q if (a.value() >= 0) == (b.value() > 0) else -q)
    return a.floordiv(b)  # dims are non-negative: floor is trunc


class _NotFoldable(Exception):
    """Symbolic data whose comparison cannot be decided at import time."""


def _sym_equal(a: Expr, b: Expr) -> bool:
    if a == b:
        return True
    if a.provably_ne(b):
        return False
    raise _NotFoldable


_SYM_BINARY: dict[str, Callable[[Expr, Expr], Any]] = {
    "Add": lambda a, b: a + b,
    "Sub": lambda a, b: a - b,
    "Mul": lambda a, b: a * b,
    "Div": _sym_div,
    "Equal": _sym_equal,
}


def sym_binary(ctx: Context, node: Node) -> Value | None:
    """Add/Sub/Mul/Div/Equal on shape data with symbolic dims, at import time."""
    fn = _SYM_BINARY.get(node.op)
    args = ctx.sym_args(node) if fn is not None else None
    if fn is None or args is None or args[0] is None or args[1] is None:
        return None
    try:
        out = np.frompyfunc(fn, 2, 1)(args[0], args[1])
    except _NotFoldable:
        return None
    if node.op == "Equal":
        return Value(const=np.asarray(out, dtype=np.bool_))
    return Value.of_sym(np.asarray(out, dtype=object), ctx.in_type(node, 0).dtype)


@converter(*BINARY)
def _binary(ctx: Context, node: Node) -> list[Out]:
    folded = sym_binary(ctx, node)
    if folded is not None:
        return [folded]
    return [ctx.emit(BINARY[node.op], ctx.x(node, 0), ctx.x(node, 1))]


@converter(*UNARY)
def _unary(ctx: Context, node: Node) -> list[Out]:
    return [ctx.emit(UNARY[node.op], ctx.x(node, 0))]


@converter("Identity")
def _identity(ctx: Context, node: Node) -> list[Out]:
    v = node.inputs[0]
    if v is None:
        raise Unsupported("Identity needs an input")
    return [v]


@converter("Pow")
def _pow(ctx: Context, node: Node) -> list[Out]:
    x, y = ctx.x(node, 0), ctx.x(node, 1)
    xt, yt = ctx.type(x), ctx.type(y)
    if xt.element_type == yt.element_type:
        return [ctx.emit(g.PowOp, x, y)]
    if is_int(xt.element_type) and is_float(yt.element_type):
        xf = ctx.cast(x, np.float64)
        return [ctx.cast_like(ctx.emit(g.PowOp, xf, ctx.cast(y, np.float64)), x)]
    return [ctx.emit(g.PowOp, x, ctx.cast_like(y, x))]  # ONNX allows a differently typed exponent


@converter("Mod")
def _mod(ctx: Context, node: Node) -> list[Out]:
    op = g.FmodOp if node.attr("fmod", 0) else g.ModOp
    return [ctx.emit(op, ctx.x(node, 0), ctx.x(node, 1))]


@converter("BitShift")
def _bitshift(ctx: Context, node: Node) -> list[Out]:
    direction = node.attr("direction", "")
    if direction not in ("LEFT", "RIGHT"):
        raise Unsupported(f"direction must be LEFT or RIGHT, got '{direction}'")
    op = g.ShiftLeftOp if direction == "LEFT" else g.ShiftRightOp
    return [ctx.emit(op, ctx.x(node, 0), ctx.x(node, 1))]


@converter("Max", "Min", "Sum", "Mean")
def _variadic(ctx: Context, node: Node) -> list[Out]:
    xs = [ctx.x(node, i) for i in range(len(node.inputs)) if node.has(i)]
    if not xs:
        raise Unsupported("needs at least one input")
    op = {"Max": g.MaximumOp, "Min": g.MinimumOp, "Sum": g.AddOp, "Mean": g.AddOp}[node.op]
    acc = xs[0]
    for x in xs[1:]:
        acc = ctx.emit(op, acc, x)
    if node.op == "Mean" and len(xs) > 1:
        acc = ctx.emit(g.DivOp, acc, ctx.scalar(len(xs), acc))
    return [acc]


@converter("IsInf")
def _isinf(ctx: Context, node: Node) -> list[Out]:
    return [ctx.emit(g.IsInfOp, ctx.x(node, 0), detect_positive=bool(node.attr("detect_positive", 1)),
                     detect_negative=bool(node.attr("detect_negative", 1)))]


# -- activations ------------------------------------------------------------------------
@converter("LeakyRelu")
def _leaky_relu(ctx: Context, node: Node) -> list[Out]:
    return [ctx.emit(g.LeakyReluOp, ctx.x(node, 0), alpha=float(node.attr("alpha", 0.01)))]


@converter("Elu")
def _elu(ctx: Context, node: Node) -> list[Out]:
    return [ctx.emit(g.EluOp, ctx.x(node, 0), alpha=float(node.attr("alpha", 1.0)))]


@converter("HardSigmoid")
def _hard_sigmoid(ctx: Context, node: Node) -> list[Out]:
    return [ctx.emit(g.HardSigmoidOp, ctx.x(node, 0), alpha=float(node.attr("alpha", 0.2)),
                     beta=float(node.attr("beta", 0.5)))]


@converter("Gelu")
def _gelu(ctx: Context, node: Node) -> list[Out]:
    approx = node.attr("approximate", "none")
    if approx not in ("none", "tanh"):
        raise Unsupported(f"approximate must be 'none' or 'tanh', got '{approx}'")
    return [ctx.emit(g.GeluOp if approx == "none" else g.GeluTanhOp, ctx.x(node, 0))]


@converter("Selu")
def _selu(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    alpha = float(node.attr("alpha", 1.67326319217681884765625))
    gamma = float(node.attr("gamma", 1.05070102214813232421875))
    return [ctx.emit(g.MulOp, ctx.emit(g.EluOp, x, alpha=alpha), ctx.scalar(gamma, x))]


@converter("Celu")
def _celu(ctx: Context, node: Node) -> list[Out]:
    """alpha * elu(x / alpha)."""
    x = ctx.x(node, 0)
    alpha = float(node.attr("alpha", 1.0))
    a = ctx.scalar(alpha, x)
    return [ctx.emit(g.MulOp, ctx.emit(g.EluOp, ctx.emit(g.DivOp, x, a), alpha=1.0), a)]


@converter("Mish")
def _mish(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    return [ctx.emit(g.MulOp, x, ctx.emit(g.TanhOp, ctx.emit(g.SoftplusOp, x)))]


@converter("Softsign")
def _softsign(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    return [ctx.emit(g.DivOp, x, ctx.emit(g.AddOp, ctx.emit(g.AbsOp, x), ctx.scalar(1, x)))]


@converter("ThresholdedRelu")
def _thresholded_relu(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    alpha = float(node.attr("alpha", 1.0))
    return [ctx.emit(g.WhereOp, ctx.emit(g.GtOp, x, ctx.scalar(alpha, x)), x, ctx.scalar(0, x))]


@converter("Shrink")
def _shrink(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    bias, lambd = float(node.attr("bias", 0.0)), float(node.attr("lambd", 0.5))
    low = ctx.emit(g.LtOp, x, ctx.scalar(-lambd, x))
    high = ctx.emit(g.GtOp, x, ctx.scalar(lambd, x))
    zero = ctx.scalar(0, x)
    plus = ctx.emit(g.AddOp, x, ctx.scalar(bias, x))
    minus = ctx.emit(g.SubOp, x, ctx.scalar(bias, x))
    return [ctx.emit(g.WhereOp, low, plus, ctx.emit(g.WhereOp, high, minus, zero))]


@converter("Swish")
def _swish(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    alpha = float(node.attr("alpha", 1.0))
    if alpha == 1.0:
        return [ctx.emit(g.SiluOp, x)]
    return [ctx.emit(g.MulOp, x, ctx.emit(g.SigmoidOp, ctx.emit(g.MulOp, x, ctx.scalar(alpha, x))))]


@converter("PRelu")
def _prelu(ctx: Context, node: Node) -> list[Out]:
    x, slope = ctx.x(node, 0), ctx.x(node, 1)
    xt, st = ctx.type(x), ctx.type(slope)
    if node.version < 7 and st.rank == 1 and xt.rank > 2 and st.dims[0] == xt.dims[1] != xt.dims[-1]:
        slope = ctx.reshape(slope, [st.dims[0], *([1] * (xt.rank - 2))])  # per channel, as before opset 7
    neg = ctx.emit(g.LtOp, x, ctx.scalar(0, x))
    return [ctx.emit(g.WhereOp, neg, ctx.emit(g.MulOp, x, slope), x)]


# -- hyperbolic and inverse trigonometric functions ----------------------------------------
# computed in f64 and cast back; forms chosen to stay accurate near 0
def _f64(ctx: Context, x: SSAValue) -> tuple[SSAValue, Callable[[float], SSAValue]]:
    xd = ctx.cast(x, np.float64)
    return xd, lambda v: ctx.scalar(v, xd)


@converter("Sinh", "Cosh")
def _sinh_cosh(ctx: Context, node: Node) -> list[Out]:
    """(e^x -+ e^-x) / 2; sinh uses its Taylor series below |x| = 0.5 (no cancellation)."""
    x = ctx.x(node, 0)
    xd, c = _f64(ctx, x)
    e, em = ctx.emit(g.ExpOp, xd), ctx.emit(g.ExpOp, ctx.emit(g.NegOp, xd))
    y = ctx.emit(g.MulOp, ctx.emit(g.SubOp if node.op == "Sinh" else g.AddOp, e, em), c(0.5))
    if node.op == "Sinh":
        x2 = ctx.emit(g.MulOp, xd, xd)
        series = c(1 / math.factorial(13))
        for k in (11, 9, 7, 5, 3, 1):
            series = ctx.emit(g.AddOp, ctx.emit(g.MulOp, series, x2), c(1 / math.factorial(k)))
        small = ctx.emit(g.LtOp, ctx.emit(g.AbsOp, xd), c(0.5))
        y = ctx.emit(g.WhereOp, small, ctx.emit(g.MulOp, series, xd), y)
    return [ctx.cast_like(y, x)]


@converter("Asinh")
def _asinh(ctx: Context, node: Node) -> list[Out]:
    """sign(x) * log1p(a + a^2 / (1 + sqrt(1 + a^2))) with a = |x| (large a: log(2a))."""
    x = ctx.x(node, 0)
    xd, c = _f64(ctx, x)
    a = ctx.emit(g.AbsOp, xd)
    huge = ctx.emit(g.GtOp, a, c(1e150))
    small_a = ctx.emit(g.WhereOp, huge, c(1), a)
    sq = ctx.emit(g.MulOp, small_a, small_a)
    inner = ctx.emit(g.AddOp, small_a, ctx.emit(g.DivOp, sq, ctx.emit(g.AddOp, c(1), ctx.emit(
        g.SqrtOp, ctx.emit(g.AddOp, c(1), sq)))))
    mag = ctx.emit(g.WhereOp, huge, ctx.emit(g.AddOp, ctx.emit(g.LogOp, a), c(math.log(2))),
                   ctx.emit(g.Log1pOp, inner))
    y = ctx.emit(g.WhereOp, ctx.emit(g.LtOp, xd, c(0)), ctx.emit(g.NegOp, mag), mag)
    return [ctx.cast_like(ctx.emit(g.WhereOp, ctx.emit(g.EqOp, xd, c(0)), xd, y), x)]


@converter("Acosh")
def _acosh(ctx: Context, node: Node) -> list[Out]:
    """log1p(t + sqrt(t (x + 1))) with t = x - 1 (large x: log(2x)); NaN below 1."""
    x = ctx.x(node, 0)
    xd, c = _f64(ctx, x)
    huge = ctx.emit(g.GtOp, xd, c(1e150))
    safe = ctx.emit(g.WhereOp, huge, c(1), xd)
    t = ctx.emit(g.SubOp, safe, c(1))
    root = ctx.emit(g.SqrtOp, ctx.emit(g.MulOp, t, ctx.emit(g.AddOp, safe, c(1))))
    y = ctx.emit(g.Log1pOp, ctx.emit(g.AddOp, t, root))
    y = ctx.emit(g.WhereOp, huge, ctx.emit(g.AddOp, ctx.emit(g.LogOp, xd), c(math.log(2))), y)
    return [ctx.cast_like(y, x)]


@converter("Atanh")
def _atanh(ctx: Context, node: Node) -> list[Out]:
    """0.5 * log1p(2x / (1 - x))."""
    x = ctx.x(node, 0)
    xd, c = _f64(ctx, x)
    ratio = ctx.emit(g.DivOp, ctx.emit(g.MulOp, xd, c(2)), ctx.emit(g.SubOp, c(1), xd))
    return [ctx.cast_like(ctx.emit(g.MulOp, ctx.emit(g.Log1pOp, ratio), c(0.5)), x)]


# atan(t) / t as a polynomial in t^2, fitted on |t| <= tan(pi/8) (relative error
# 3e-15); larger arguments reduce to it: atan(t) = pi/4 + atan((t-1)/(t+1)) for
# t in (tan(pi/8), 1], and atan(x) = pi/2 - atan(1/x) for x > 1.
_ATAN_COEFFS = (
    0.9999999999999989, -0.33333333333106746, 0.1999999995640754, -0.14285711025426814,
    0.11110986986207981, -0.09088186020542757, 0.076557593449071, -0.06360441196774339,
    0.04304568154257062, -0.005583914594179101, -0.02297994229347387,
)  # fmt: skip
_TAN_PI_8 = 0.41421356237309503


def atan(ctx: Context, x: SSAValue) -> SSAValue:
    """atan(x) for a float tensor, computed in f64 and cast back."""
    xd = ctx.cast(x, np.float64)

    def c(v: float) -> SSAValue:
        return ctx.scalar(v, xd)

    a = ctx.emit(g.AbsOp, xd)
    big = ctx.emit(g.GtOp, a, c(1))
    t = ctx.emit(g.WhereOp, big, ctx.emit(g.ReciprocalOp, ctx.emit(g.WhereOp, big, a, c(1))), a)
    mid = ctx.emit(g.GtOp, t, c(_TAN_PI_8))
    t = ctx.emit(g.WhereOp, mid, ctx.emit(g.DivOp, ctx.emit(g.SubOp, t, c(1)), ctx.emit(g.AddOp, t, c(1))), t)
    t2 = ctx.emit(g.MulOp, t, t)
    acc = c(_ATAN_COEFFS[-1])
    for k in reversed(_ATAN_COEFFS[:-1]):
        acc = ctx.emit(g.AddOp, ctx.emit(g.MulOp, acc, t2), c(k))
    r = ctx.emit(g.MulOp, acc, t)
    r = ctx.emit(g.WhereOp, mid, ctx.emit(g.AddOp, c(np.pi / 4), r), r)
    r = ctx.emit(g.WhereOp, big, ctx.emit(g.SubOp, c(np.pi / 2), r), r)
    r = ctx.emit(g.WhereOp, ctx.emit(g.LtOp, xd, c(0)), ctx.emit(g.NegOp, r), r)
    r = ctx.emit(g.WhereOp, ctx.emit(g.EqOp, xd, c(0)), xd, r)  # keeps the sign of zero
    return ctx.cast_like(r, x)


@converter("Atan")
def _atan(ctx: Context, node: Node) -> list[Out]:
    return [atan(ctx, ctx.x(node, 0))]


@converter("Asin", "Acos")
def _asin_acos(ctx: Context, node: Node) -> list[Out]:
    """asin(x) = atan(x / sqrt(1 - x^2)), acos(x) = pi/2 - asin(x); |x| > 1 gives NaN."""
    x = ctx.x(node, 0)
    xd = ctx.cast(x, np.float64)
    root = ctx.emit(g.SqrtOp, ctx.emit(g.SubOp, ctx.scalar(1, xd), ctx.emit(g.MulOp, xd, xd)))
    asin = atan(ctx, ctx.emit(g.DivOp, xd, root))
    at_one = ctx.emit(g.EqOp, ctx.emit(g.AbsOp, xd), ctx.scalar(1, xd))
    asin = ctx.emit(g.WhereOp, at_one, ctx.emit(g.MulOp, xd, ctx.scalar(np.pi / 2, xd)), asin)
    if node.op == "Acos":
        asin = ctx.emit(g.SubOp, ctx.scalar(np.pi / 2, xd), asin)
    return [ctx.cast_like(asin, x)]


# -- clip / cast / where -----------------------------------------------------------------
@converter("Clip")
def _clip(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    if node.version < 11:
        lo, hi = node.attr("min"), node.attr("max")
        return [ctx.emit(g.ClipOp, x, min=_bound(lo), max=_bound(hi))]
    bounds: dict[str, float | None] = {}
    dynamic: dict[str, SSAValue] = {}
    for i, key in ((1, "min"), (2, "max")):
        if not node.has(i):
            bounds[key] = None
            continue
        known = ctx.const_of(node.inputs[i])
        if known is not None and known.size == 1:
            bounds[key] = float(known.reshape(-1)[0])
        else:
            dynamic[key] = ctx.x(node, i)
    lo, hi = bounds.get("min"), bounds.get("max")
    if lo is not None and hi is not None and lo > hi:
        # ONNX: min > max gives max everywhere
        return [ctx.emit(g.FullOp, shape=list(ctx.type(x).dims), value=_fill(hi, x, ctx), dtype=ctx.type(x).element_type)]
    y = ctx.emit(g.ClipOp, x, min=lo, max=hi) if lo is not None or hi is not None else x
    if "min" in dynamic:
        y = ctx.emit(g.MaximumOp, y, dynamic["min"])
    if "max" in dynamic:
        y = ctx.emit(g.MinimumOp, y, dynamic["max"])
    return [y]


def _bound(v: float | None) -> float | None:
    if v is None or not np.isfinite(v):
        return None
    return float(v)


def _fill(value: float, x: SSAValue, ctx: Context) -> float | int:
    return value if is_float(ctx.type(x).element_type) else int(value)


@converter("Cast")
def _cast(ctx: Context, node: Node) -> list[Out]:
    try:
        to = element(int(node.attr("to")))
    except UnsupportedType as e:
        raise Unsupported(str(e)) from None
    return [_cast_to(ctx, node, to)]


@converter("CastLike")
def _cast_like(ctx: Context, node: Node) -> list[Out]:
    return [_cast_to(ctx, node, ctx.in_type(node, 1).element_type)]


def _cast_to(ctx: Context, node: Node, to: Any) -> Out:
    v = node.inputs[0]
    if v is not None and v.sym is not None and isinstance(to, IntegerType) and to != i1:
        return Value(sym=v.sym, sym_dtype=numpy_dtype(to))  # dims stay symbolic through int casts
    return ctx.emit(g.CastOp, ctx.x(node, 0), to=to)


@converter("Where")
def _where(ctx: Context, node: Node) -> list[Out]:
    return [ctx.emit(g.WhereOp, ctx.x(node, 0), ctx.x(node, 1), ctx.x(node, 2))]


def _check_no_drop(ctx: Context, node: Node) -> None:
    """Training mode drops nothing only with ratio 0: both must be known."""
    training = ctx.const_of(node.inputs[2])
    if training is None:
        raise ctx.dynamic(node.inputs[2], "training_mode must be known at import time")
    if not bool(training.reshape(-1)[0]):
        return
    ratio = ctx.const_of(node.inputs[1]) if node.has(1) else np.array(0.5)
    if ratio is None:
        raise ctx.dynamic(node.inputs[1], "ratio must be known at import time in training mode")
    if float(ratio.reshape(-1)[0]) != 0.0:
        raise Unsupported("random dropout (training mode with a non-zero ratio) is not supported")


@converter("Dropout")
def _dropout(ctx: Context, node: Node) -> list[Out]:
    """Inference: identity, and an all-true mask."""
    x = ctx.x(node, 0)
    if node.version >= 12 and node.has(2):
        _check_no_drop(ctx, node)
    mask_type = i1 if node.version >= 10 else ctx.type(x).element_type
    mask = ctx.emit(g.OnesLikeOp, x, dtype=mask_type) if node.wants(1) else None
    return [x, mask]
