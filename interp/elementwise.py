"""numpy implementations of the elementwise graph ops.

Results have exactly the op's dtype. Floats: ops that IEEE rounds exactly
(+ - * / sqrt, compare, min/max, neg/abs, floor/ceil/round) run in the operand
type (numpy evaluates f16 through f32 and rounds once, which is exact for
these; bf16 is widened to f32 here); every other float op is computed in f64
and rounded once to the result type. Integers wrap. Every implementation runs
under `np.errstate(all="ignore")`: IEEE specials and integer wrap-around are
defined results here, never warnings.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, NamedTuple

import ml_dtypes
import numpy as np
from xdsl.ir import Operation

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.base import Props
from tensorforge.interp.registry import EvalContext, graph_impl

Array = np.ndarray
BF16 = np.dtype(ml_dtypes.bfloat16)
F64 = np.dtype(np.float64)
EXACT, WIDE = "exact", "wide"  # float policies: run in the operand type, or in f64


def _props(op: Operation) -> Props:
    return Props(type(op), dict(op.properties))  # type: ignore[arg-type]


def _impl(*ops: type[Operation]) -> Callable[[Callable[..., Array]], Callable[..., Array]]:
    """Register an implementation that cannot leak numpy floating-point warnings."""

    def register(fn: Callable[..., Array]) -> Callable[..., Array]:
        @functools.wraps(fn)
        def quiet(ctx: EvalContext, op: Operation, *arrays: Array) -> Array:
            with np.errstate(all="ignore"):
                return fn(ctx, op, *arrays)

        graph_impl(*ops)(quiet)
        return fn

    return register


def is_float_dtype(dt: np.dtype) -> bool:
    return dt.kind == "f" or dt == BF16


def _compute_in(x: Array, policy: str) -> Array:
    if not is_float_dtype(x.dtype):
        return x
    if policy == WIDE:
        return x.astype(F64, copy=False)
    return x.astype(np.float32) if x.dtype == BF16 else x


def _run(fn: Callable[..., Any], policy: str, dtype: np.dtype, *xs: Array) -> Array:
    out = np.asarray(fn(*(_compute_in(x, policy) for x in xs)))
    return cast_array(out, dtype)


# -- integer arithmetic -------------------------------------------------------------
def _int_div(a: Array, b: Array) -> Array:
    """Truncating division; floor division corrected where the signs differ."""
    zero = b == 0
    safe = np.where(zero, 1, b)
    q = np.floor_divide(a, safe)  # MIN // -1 wraps to MIN
    inexact = a - q * safe != 0
    q = q + (inexact & ((a < 0) != (safe < 0)))  # floor went below the truncation
    return np.where(zero, 0, q)


def _div(a: Array, b: Array) -> Array:
    return _int_div(a, b) if a.dtype.kind in "iu" else a / b


def _int_safe(fn: Callable[[Array, Array], Array]) -> Callable[[Array, Array], Array]:
    """`fn` with integer division by zero giving 0."""

    def run(a: Array, b: Array) -> Array:
        if a.dtype.kind not in "iu":
            return fn(a, b)
        return np.where(b == 0, 0, fn(a, np.where(b == 0, 1, b)))

    return run


def _pow(a: Array, b: Array) -> Array:
    if a.dtype.kind not in "iu":
        return np.power(a, b)
    neg = b < 0
    out = np.power(a, np.where(neg, 0, b))
    if a.dtype.kind == "u":
        return out
    # a ** -k truncates to 0 except for a == 1 (1) and a == -1 (+-1)
    small = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0))
    return np.where(neg, small, out)


def _shift(a: Array, b: Array, left: bool) -> Array:
    """Shifts by < 0 or >= the bit width give 0 (left) or the sign fill (right), as torch."""
    bits = a.dtype.itemsize * 8
    big = (b < 0) | (b >= bits)
    amount = np.where(big, 0, b).astype(a.dtype)
    if left:
        return np.where(big, 0, np.left_shift(a, amount))
    fill = np.where(a < 0, -1, 0) if a.dtype.kind == "i" else 0
    return np.where(big, fill, np.right_shift(a, amount))


_BINARY: dict[type[Operation], tuple[Callable[[Array, Array], Array], str]] = {
    g.AddOp: (np.add, EXACT),
    g.SubOp: (np.subtract, EXACT),
    g.MulOp: (np.multiply, EXACT),
    g.DivOp: (_div, EXACT),
    g.PowOp: (_pow, WIDE),
    g.MaximumOp: (np.maximum, EXACT),
    g.MinimumOp: (np.minimum, EXACT),
    g.ModOp: (_int_safe(np.mod), WIDE),
    g.FmodOp: (_int_safe(np.fmod), WIDE),
    g.AndOp: (np.logical_and, EXACT),
    g.OrOp: (np.logical_or, EXACT),
    g.XorOp: (np.logical_xor, EXACT),
    g.BitwiseAndOp: (np.bitwise_and, EXACT),
    g.BitwiseOrOp: (np.bitwise_or, EXACT),
    g.BitwiseXorOp: (np.bitwise_xor, EXACT),
    g.ShiftLeftOp: (lambda a, b: _shift(a, b, True), EXACT),
    g.ShiftRightOp: (lambda a, b: _shift(a, b, False), EXACT),
    g.EqOp: (np.equal, EXACT),
    g.NeOp: (np.not_equal, EXACT),
    g.LtOp: (np.less, EXACT),
    g.LeOp: (np.less_equal, EXACT),
    g.GtOp: (np.greater, EXACT),
    g.GeOp: (np.greater_equal, EXACT),
}


@_impl(*_BINARY)
def _binary(ctx: EvalContext, op: Operation, a: Array, b: Array) -> Array:
    fn, policy = _BINARY[type(op)]
    return _run(fn, policy, ctx.result_dtype(op), a, b)


# -- erf ----------------------------------------------------------------------------
class _Poly(NamedTuple):
    """A polynomial on [lo, hi], in s = the argument mapped onto [-1, 1]."""

    lo: float
    hi: float
    coeffs: tuple[float, ...]  # highest power first

    def __call__(self, v: Array) -> Array:
        s = v * (2.0 / (self.hi - self.lo))
        s -= (self.hi + self.lo) / (self.hi - self.lo)
        y = s * self.coeffs[0]
        y += self.coeffs[1]
        for c in self.coeffs[2:]:
            y *= s
            y += c
        return y


# Chebyshev interpolants of 50-digit (mpmath) values, with degrees that leave a
# Chebyshev tail below 2e-17, expanded into monomials of s. Within a few ulp of
# math.erf / math.erfc, without a Python-level loop over elements.
_ERF_SMALL = _Poly(0.0, 1.0, (  # erf(x) / x as a function of t = x*x, |x| < 1
    1.4543887079465116e-14, -3.8078824063194953e-13, 9.167619596865806e-12, -2.035228405815769e-10,
    4.115800583208149e-09, -7.511569286591727e-08, 1.223382738359897e-06, -1.7537169441124866e-05,
    0.00021751715604159932, -0.0022854855611441132, 0.019852496688983708, -0.1405360890227171,
    0.9654687386698673,
))  # fmt: skip
_ERFCX_1_2 = _Poly(1.0, 2.0, (  # erfc(x) * exp(x*x), 1 <= x < 2
    2.0206514750441873e-13, -1.512018061489917e-12, 1.0201594788774491e-11, -7.257032617086992e-11,
    5.04654734183512e-10, -3.405938587821499e-09, 2.2328417586062252e-08, -1.4191186135917107e-07,
    8.72304473829848e-07, -5.171328672722121e-06, 2.947085745299996e-05, -0.0001608111733699307,
    0.0008360838095667121, -0.004116363162445659, 0.01903775996386935, -0.08181145886628002,
    0.3215854164543175,
))  # fmt: skip
_ERFC_TAIL = (  # (x range, sqrt(pi) x erfc(x) exp(x*x) as a function of u = 1/(x*x))
    (2.0, 3.5, _Poly(1 / 3.5**2, 1 / 2.0**2, (
        -1.7420686573970742e-13, 6.298062964551737e-13, -1.5367472032105051e-12, 5.897932586260851e-12,
        -2.4653818945384257e-11, 9.890963671030959e-11, -4.074445371467485e-10, 1.7440139526792182e-09,
        -7.764142090179773e-09, 3.617374978337966e-08, -1.7789879153980582e-07, 9.340575146136298e-07,
        -5.320315364819634e-06, 3.366432893426333e-05, -0.0002458021708684836, 0.0022177654695048716,
        -0.028760607769913626, 0.9321136144360842,
    ))),
    (3.5, 6.0, _Poly(1 / 6.0**2, 1 / 3.5**2, (
        3.9456636214806184e-14, -2.6826368533690903e-13, 1.7904672705432813e-12, -1.3665586305863347e-11,
        1.1163318294566791e-10, -9.83891839418196e-10, 9.513100428142337e-09, -1.029897867037672e-07,
        1.2857931529843092e-06, -1.93795883787205e-05, 0.00038175271792411313, -0.011618104705527156,
        0.9746324728120065,
    ))),
    (6.0, 27.5, _Poly(1 / 27.5**2, 1 / 6.0**2, (
        -2.696370802047139e-15, 2.5206332585976055e-14, -2.472344854200686e-13, 2.756602594575414e-12,
        -3.4110747113214864e-11, 4.763206600104166e-10, -7.685363913503703e-09, 1.4806871014610755e-07,
        -3.5804899179811526e-06, 0.0001182254606027357, -0.006339932197687782, 0.9928782556300805,
    ))),
)  # fmt: skip
_ERF_IS_ONE = 6.0  # erfc(x) < 2.2e-17 beyond: erf(x) rounds to +-1
_SQRT_PI = math.sqrt(math.pi)


def _exp_neg_sq(x: Array) -> Array:
    """exp(-x*x) without the rounding error of x*x: x splits into 26-bit halves."""
    hi = x * 134217729.0  # 2**27 + 1 (Veltkamp)
    lo = hi - x
    hi -= lo
    lo = x - hi
    return np.exp(-(hi * hi)) * np.exp(-(lo * (x + hi)))


def _erfc_big(v: Array, upto: float) -> Array:
    """erfc(v) for v >= 1 (no NaN); 0 from `upto` on."""
    out = np.zeros_like(v)
    pieces = [(1.0, 2.0, None), *_ERFC_TAIL]
    for lo, hi, poly in pieces:
        idx = np.flatnonzero((v >= lo) & (v < min(hi, upto)))
        if idx.size == 0:
            continue
        w = v.take(idx)
        if poly is None:
            np.put(out, idx, _exp_neg_sq(w) * _ERFCX_1_2(w))
            continue
        np.put(out, idx, _exp_neg_sq(w) * poly(1.0 / (w * w)) / (w * _SQRT_PI))
    return out


def _erf_parts(x: Array) -> tuple[Array, Array, Array, Array]:
    flat = np.ascontiguousarray(x, dtype=F64).ravel()
    ax = np.abs(flat)
    return flat, np.flatnonzero(ax < 1.0), np.flatnonzero(ax >= 1.0), ax


def erf(x: Array) -> Array:
    """The error function, vectorized, within a few ulp of math.erf (f64)."""
    flat, small, big, ax = _erf_parts(x)
    out = flat.copy()  # NaN stays NaN
    w = flat.take(small)
    np.put(out, small, w * _ERF_SMALL(w * w))
    np.put(out, big, np.copysign(1.0 - _erfc_big(ax.take(big), _ERF_IS_ONE), flat.take(big)))
    return out.reshape(np.shape(x))


def erfc(x: Array) -> Array:
    """1 - erf(x) without cancellation, vectorized, within a few ulp of math.erfc (f64)."""
    flat, small, big, ax = _erf_parts(x)
    out = flat.copy()
    w = flat.take(small)
    np.put(out, small, 1.0 - w * _ERF_SMALL(w * w))
    tail = _erfc_big(ax.take(big), math.inf)
    np.put(out, big, np.where(flat.take(big) > 0, tail, 2.0 - tail))
    return out.reshape(np.shape(x))


# -- unary --------------------------------------------------------------------------
def _at_neg_inf_zero(x: Array, y: Array) -> Array:
    """x * (something -> 0) at x = -inf is NaN in IEEE; the limit is -0."""
    return np.where(np.isneginf(x), -0.0, y)


def _sigmoid(x: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-x))


def _gelu(x: Array) -> Array:
    return _at_neg_inf_zero(x, 0.5 * x * erfc(x * -math.sqrt(0.5)))


def _gelu_tanh(x: Array) -> Array:
    # 0.5 (1 + tanh z) = sigmoid(2 z), which does not cancel for large -x
    z = (2.0 * math.sqrt(2.0 / math.pi)) * (x + 0.044715 * x**3)
    return _at_neg_inf_zero(x, x * _sigmoid(z))


def _silu(x: Array) -> Array:
    return _at_neg_inf_zero(x, x * _sigmoid(x))


def _hard_swish(x: Array) -> Array:
    return _at_neg_inf_zero(x, x * np.clip(x + 3.0, 0.0, 6.0) / 6.0)


def _abs(x: Array) -> Array:
    return x if x.dtype.kind == "u" else np.abs(x)


def _neg(x: Array) -> Array:
    return np.subtract(0, x, dtype=x.dtype) if x.dtype.kind == "u" else np.negative(x)


def _bitwise_not(x: Array) -> Array:
    return np.logical_not(x) if x.dtype == np.bool_ else np.invert(x)


_UNARY: dict[type[Operation], tuple[Callable[[Array], Array], str]] = {
    g.NegOp: (_neg, EXACT),
    g.AbsOp: (_abs, EXACT),
    g.SignOp: (np.sign, EXACT),
    g.ExpOp: (np.exp, WIDE),
    g.LogOp: (np.log, WIDE),
    g.Log1pOp: (np.log1p, WIDE),
    g.SqrtOp: (np.sqrt, EXACT),
    g.RsqrtOp: (lambda x: 1.0 / np.sqrt(x), WIDE),
    g.ReciprocalOp: (lambda x: 1.0 / x, WIDE),
    g.TanhOp: (np.tanh, WIDE),
    g.SigmoidOp: (_sigmoid, WIDE),
    g.ReluOp: (lambda x: np.maximum(x, np.zeros((), x.dtype)), EXACT),
    g.GeluOp: (_gelu, WIDE),
    g.GeluTanhOp: (_gelu_tanh, WIDE),
    g.SiluOp: (_silu, WIDE),
    g.SoftplusOp: (lambda x: np.logaddexp(0.0, x), WIDE),
    g.ErfOp: (erf, WIDE),
    g.SinOp: (np.sin, WIDE),
    g.CosOp: (np.cos, WIDE),
    g.TanOp: (np.tan, WIDE),
    g.FloorOp: (np.floor, EXACT),
    g.CeilOp: (np.ceil, EXACT),
    g.RoundOp: (np.rint, EXACT),  # halves to even
    g.HardSwishOp: (_hard_swish, WIDE),
    g.NotOp: (np.logical_not, EXACT),
    g.BitwiseNotOp: (_bitwise_not, EXACT),
    g.IsNanOp: (np.isnan, EXACT),
}


@_impl(*_UNARY)
def _unary(ctx: EvalContext, op: Operation, x: Array) -> Array:
    fn, policy = _UNARY[type(op)]
    return _run(fn, policy, ctx.result_dtype(op), x)


@_impl(g.IsInfOp)
def _isinf(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    v = _compute_in(x, EXACT)
    pos = np.isposinf(v) & p.bool("detect_positive")
    neg = np.isneginf(v) & p.bool("detect_negative")
    return np.asarray(pos | neg)  # a rank-0 input gives a numpy scalar otherwise


@_impl(g.LeakyReluOp)
def _leaky_relu(ctx: EvalContext, op: Operation, x: Array) -> Array:
    alpha = _props(op).float("alpha")
    return _run(lambda v: np.where(v >= 0, v, v * alpha), WIDE, x.dtype, x)


@_impl(g.EluOp)
def _elu(ctx: EvalContext, op: Operation, x: Array) -> Array:
    alpha = _props(op).float("alpha")
    return _run(lambda v: np.where(v > 0, v, alpha * np.expm1(v)), WIDE, x.dtype, x)


@_impl(g.HardSigmoidOp)
def _hard_sigmoid(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    alpha, beta = p.float("alpha"), p.float("beta")
    return _run(lambda v: np.clip(alpha * v + beta, 0.0, 1.0), WIDE, x.dtype, x)


# -- where / clip -------------------------------------------------------------------
@_impl(g.WhereOp)
def _where(ctx: EvalContext, op: Operation, c: Array, a: Array, b: Array) -> Array:
    return np.where(c, a, b).astype(ctx.result_dtype(op), copy=False)


@_impl(g.ClipOp)
def _clip(ctx: EvalContext, op: Operation, x: Array) -> Array:
    p = _props(op)
    v = _compute_in(x, EXACT)
    if p.has("min"):
        v = np.maximum(v, _bound(p.float("min"), x.dtype).astype(v.dtype))
    if p.has("max"):
        v = np.minimum(v, _bound(p.float("max"), x.dtype).astype(v.dtype))
    return cast_array(np.asarray(v), x.dtype)


def _bound(v: float, dtype: np.dtype) -> Array:
    """A bound in the element type: integers saturate, floats round once."""
    if dtype.kind not in "iu":
        return cast_array(np.asarray(v, F64), dtype)
    info = np.iinfo(dtype)
    if math.isinf(v):
        return np.asarray(info.max if v > 0 else info.min, dtype)
    return np.asarray(min(max(int(v), info.min), info.max), dtype)


# -- cast ---------------------------------------------------------------------------
@_impl(g.CastOp)
def _cast(ctx: EvalContext, op: Operation, x: Array) -> Array:
    return cast_array(x, ctx.result_dtype(op))


def cast_array(x: Array, to: np.dtype) -> Array:
    """The cast rules stated on `graph.cast` (never warns)."""
    with np.errstate(all="ignore"):
        return _cast_rules(x, np.dtype(to))


def _cast_rules(x: Array, to: np.dtype) -> Array:
    if x.dtype == to:
        return x
    if to == np.bool_:
        return np.asarray(x != 0)
    if x.dtype == np.bool_:
        return x.astype(to)
    if is_float_dtype(x.dtype) and to.kind in "iu":
        return _float_to_int(x, to)
    if to == BF16:
        return _to_bf16(x)
    return x.astype(to)  # one rounding: int/float -> f16/f32/f64; int -> int wraps


def _float_to_int(x: Array, to: np.dtype) -> Array:
    """Truncate toward zero, saturate, NaN -> 0."""
    info = np.iinfo(to)
    lo, hi = float(info.min), float(info.max)  # hi may round up to 2**63 or 2**64: exclusive
    xf = np.trunc(x.astype(F64))
    inside = (xf > lo) & (xf < hi)
    out = np.where(inside, xf, 0.0).astype(to)
    out = np.where(xf >= hi, info.max, out)
    return np.where(xf <= lo, info.min, out).astype(to, copy=False)


def _to_bf16(x: Array) -> Array:
    """Round once to bf16; ml_dtypes rounds f64 and large ints through f32 (twice)."""
    if x.dtype == F64 or (x.dtype.kind in "iu" and x.dtype.itemsize == 4):
        return _f64_to_f32_odd(x.astype(F64)).astype(BF16)
    if x.dtype.kind in "iu" and x.dtype.itemsize == 8:
        return _int64_to_f32_odd(x).astype(BF16)
    return x.astype(np.float32).astype(BF16)  # f16, f32, small ints: f32 holds them exactly


def _f64_to_f32_odd(x: Array) -> Array:
    """Round to f32 by truncation, setting the last bit when inexact ("round to
    odd"): rounding that again to a type with <= 22 bits is a single rounding."""
    f = x.astype(np.float32)
    away = np.abs(f.astype(F64)) > np.abs(x)  # includes overflow to inf
    f = np.where(away, np.nextafter(f, np.float32(0)), f)
    inexact = (f.astype(F64) != x) & np.isfinite(x)
    return (f.view(np.uint32) | inexact.astype(np.uint32)).view(np.float32)


def _int64_to_f32_odd(x: Array) -> Array:
    """Round-to-odd of 64-bit integers to 20 significant bits, exactly."""
    m = x.astype(np.uint64) if x.dtype.kind == "u" else np.abs(x).astype(np.uint64)  # |MIN| = 2**63
    shift = np.maximum(np.frexp(m.astype(F64))[1] - 20, 0).astype(np.uint64)
    kept = m >> shift
    kept |= (kept << shift) != m
    value = kept.astype(F64) * np.exp2(shift.astype(F64))
    if x.dtype.kind == "i":
        value = np.where(x < 0, -value, value)
    return value.astype(np.float32)
