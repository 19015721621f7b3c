"""numpy implementations of the elementwise graph ops.

Results keep the op's dtype: float32 in, float32 out (numpy promotes Python
scalars weakly, so `x * 0.5` stays float32); integer ops wrap.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from xdsl.ir import Operation

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.base import Props
from tensorforge.interp.registry import EvalContext, graph_impl

Array = np.ndarray


def _props(op: Operation) -> Props:
    return Props(type(op), dict(op.properties))  # type: ignore[arg-type]


def _as(dtype: np.dtype, fn: Callable[..., Any]) -> Callable[..., Array]:
    def run(*xs: Array) -> Array:
        with np.errstate(all="ignore"):
            return np.asarray(fn(*xs)).astype(dtype, copy=False)

    return run


def _int_div(a: Array, b: Array) -> Array:
    safe = np.where(b == 0, 1, b)
    q = np.abs(a) // np.abs(safe)
    neg = (a < 0) != (b < 0) if np.issubdtype(a.dtype, np.signedinteger) else np.zeros_like(a, bool)
    return np.where(b == 0, 0, np.where(neg, -q, q))


def _div(a: Array, b: Array) -> Array:
    if np.issubdtype(a.dtype, np.integer):
        return _int_div(a, b)
    return a / b


def _mod(a: Array, b: Array) -> Array:
    if np.issubdtype(a.dtype, np.integer):
        return np.where(b == 0, 0, np.mod(a, np.where(b == 0, 1, b)))
    return np.mod(a, b)


def _fmod(a: Array, b: Array) -> Array:
    if np.issubdtype(a.dtype, np.integer):
        return np.where(b == 0, 0, np.fmod(a, np.where(b == 0, 1, b)))
    return np.fmod(a, b)


def _pow(a: Array, b: Array) -> Array:
    if not np.issubdtype(a.dtype, np.integer):
        return np.power(a, b)
    neg = b < 0
    out = np.power(a, np.where(neg, 0, b))
    # a ** -k is 1 for a == 1, +-1 for a == -1, else truncates to 0
    small = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0)) if np.issubdtype(a.dtype, np.signedinteger) else np.where(a == 1, 1, 0)
    return np.where(neg, small, out)


def _shift(a: Array, b: Array, left: bool) -> Array:
    bits = a.dtype.itemsize * 8
    big = (b >= bits) | (b < 0)
    sb = np.where(big, 0, b).astype(a.dtype)
    out = np.left_shift(a, sb) if left else np.right_shift(a, sb)
    fill = 0 if left or not np.issubdtype(a.dtype, np.signedinteger) else np.where(a < 0, -1, 0)
    return np.where(big, fill, out)


_BINARY: dict[type[Operation], Callable[[Array, Array], Array]] = {
    g.AddOp: np.add,
    g.SubOp: np.subtract,
    g.MulOp: np.multiply,
    g.DivOp: _div,
    g.PowOp: _pow,
    g.MaximumOp: np.maximum,
    g.MinimumOp: np.minimum,
    g.ModOp: _mod,
    g.FmodOp: _fmod,
    g.AndOp: np.logical_and,
    g.OrOp: np.logical_or,
    g.XorOp: np.logical_xor,
    g.BitwiseAndOp: np.bitwise_and,
    g.BitwiseOrOp: np.bitwise_or,
    g.BitwiseXorOp: np.bitwise_xor,
    g.ShiftLeftOp: lambda a, b: _shift(a, b, True),
    g.ShiftRightOp: lambda a, b: _shift(a, b, False),
    g.EqOp: np.equal,
    g.NeOp: np.not_equal,
    g.LtOp: np.less,
    g.LeOp: np.less_equal,
    g.GtOp: np.greater,
    g.GeOp: np.greater_equal,
}


@graph_impl(*_BINARY)
def _binary(ctx: EvalContext, op: Operation, a: Array, b: Array) -> Array:
    return _as(ctx.result_dtype(op), _BINARY[type(op)])(a, b)


def _erf(x: Array) -> Array:
    vec = np.vectorize(math.erf, otypes=[np.float64])
    return vec(x.astype(np.float64))


def _sign(x: Array) -> Array:
    return np.sign(x)


def _relu(x: Array) -> Array:
    return np.maximum(x, np.zeros((), x.dtype))


def _sigmoid(x: Array) -> Array:
    xf = x.astype(np.float64) if x.dtype.itemsize < 4 else x
    return 1.0 / (1.0 + np.exp(-xf))


def _softplus(x: Array) -> Array:
    return np.logaddexp(np.zeros((), x.dtype), x)


def _gelu(x: Array) -> Array:
    xf = x.astype(np.float64)
    return 0.5 * xf * (1.0 + _erf(xf / math.sqrt(2.0)))


def _gelu_tanh(x: Array) -> Array:
    xf = x.astype(np.float64)
    return 0.5 * xf * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (xf + 0.044715 * xf**3)))


def _hard_swish(x: Array) -> Array:
    xf = x.astype(np.float64)
    return xf * np.clip(xf + 3.0, 0.0, 6.0) / 6.0


def _abs(x: Array) -> Array:
    return np.abs(x) if not np.issubdtype(x.dtype, np.unsignedinteger) else x


def _neg(x: Array) -> Array:
    return np.negative(x) if not np.issubdtype(x.dtype, np.unsignedinteger) else (np.zeros_like(x) - x)


_UNARY: dict[type[Operation], Callable[[Array], Array]] = {
    g.NegOp: _neg,
    g.AbsOp: _abs,
    g.SignOp: _sign,
    g.ExpOp: np.exp,
    g.LogOp: np.log,
    g.Log1pOp: np.log1p,
    g.SqrtOp: np.sqrt,
    g.RsqrtOp: lambda x: 1.0 / np.sqrt(x.astype(np.float64)),
    g.ReciprocalOp: lambda x: 1.0 / x.astype(np.float64),
    g.TanhOp: np.tanh,
    g.SigmoidOp: _sigmoid,
    g.ReluOp: _relu,
    g.GeluOp: _gelu,
    g.GeluTanhOp: _gelu_tanh,
    g.SiluOp: lambda x: x.astype(np.float64) * _sigmoid(x.astype(np.float64)),
    g.SoftplusOp: _softplus,
    g.ErfOp: _erf,
    g.SinOp: np.sin,
    g.CosOp: np.cos,
    g.TanOp: np.tan,
    g.FloorOp: np.floor,
    g.CeilOp: np.ceil,
    g.RoundOp: np.round,  # numpy rounds halves to even
    g.HardSwishOp: _hard_swish,
    g.NotOp: np.logical_not,
    g.BitwiseNotOp: lambda x: np.logical_not(x) if x.dtype == np.bool_ else np.invert(x),
    g.IsNanOp: np.isnan,
}


@graph_impl(*_UNARY)
def _unary(ctx: EvalContext, op: Operation, x: Array) -> Array:
    return _as(ctx.result_dtype(op), _UNARY[type(op)])(x)


@graph_impl(g.IsInfOp)
def _isinf(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    pos = np.isposinf(x) if p.float("detect_positive") else np.zeros(x.shape, bool)
    neg = np.isneginf(x) if p.float("detect_negative") else np.zeros(x.shape, bool)
    return pos | neg


@graph_impl(g.LeakyReluOp)
def _leaky_relu(ctx: EvalContext, op: Operation, x: Array) -> Array:
    alpha = _props(op).float("alpha")
    return _as(x.dtype, lambda v: np.where(v >= 0, v, v * alpha))(x)


@graph_impl(g.EluOp)
def _elu(ctx: EvalContext, op: Operation, x: Array) -> Array:
    alpha = _props(op).float("alpha")
    return _as(x.dtype, lambda v: np.where(v > 0, v, alpha * np.expm1(v.astype(np.float64))))(x)


@graph_impl(g.HardSigmoidOp)
def _hard_sigmoid(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    alpha, beta = p.float("alpha"), p.float("beta")
    return _as(x.dtype, lambda v: np.clip(alpha * v.astype(np.float64) + beta, 0.0, 1.0))(x)


@graph_impl(g.WhereOp)
def _where(ctx: EvalContext, op: Operation, c: Array, a: Array, b: Array) -> Array:
    return np.where(c, a, b).astype(ctx.result_dtype(op), copy=False)


@graph_impl(g.ClipOp)
def _clip(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    out = x
    if p.has("min"):
        out = np.maximum(out, _bound(p.float("min"), x.dtype))
    if p.has("max"):
        out = np.minimum(out, _bound(p.float("max"), x.dtype))
    return np.asarray(out, dtype=x.dtype)


def _bound(v: float, dtype: np.dtype) -> Any:
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return dtype.type(min(max(math.floor(v) if v >= 0 else math.ceil(v), info.min), info.max))
    return dtype.type(v)


@graph_impl(g.CastOp)
def _cast(ctx: EvalContext, op: Operation, x: Array) -> Array:
    return cast_array(x, ctx.result_dtype(op))


def cast_array(x: Array, to: np.dtype) -> Array:
    """The cast rules stated on `graph.cast`."""
    if to == np.bool_:
        return x != 0
    src_float = np.issubdtype(x.dtype, np.floating) or x.dtype.kind == "V" or str(x.dtype) == "bfloat16"
    if np.issubdtype(to, np.integer) and src_float:
        info = np.iinfo(to)
        lo, hi = float(info.min), float(info.max)
        xf = np.trunc(np.nan_to_num(x.astype(np.float64), nan=0.0, posinf=np.inf, neginf=-np.inf))
        inside = (xf > lo) & (xf < hi)
        safe = np.where(inside, xf, 0.0).astype(to)
        return np.where(xf >= hi, info.max, np.where(xf <= lo, info.min, safe)).astype(to)
    with np.errstate(all="ignore"):
        return x.astype(to)
