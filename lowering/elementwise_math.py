"""Scalar float formulas for the elementwise lowerings (activations, erfc).

Each function takes and returns `S` scalars in the compute type (f32 or f64;
f16/bf16 are widened by the caller) and follows the graph interpreter's
numerics (interp/elementwise.py): the stable forms that avoid overflow and
cancellation, and the same limits at the IEEE specials. Every branch is a
`select` over values computed for all points, so a block stays one
vectorizable grid; values computed outside their range (inf, NaN) are
selected away.
"""

from __future__ import annotations

import math

import numpy as np

from tensorforge.interp.elementwise import _ERF_SMALL, _ERFC_TAIL, _ERFCX_1_2, _Poly
from tensorforge.lowering.te import S, binary, call, const, maximum, minimum, select

SQRT_HALF = math.sqrt(0.5)
_SQRT_PI = math.sqrt(math.pi)
_GELU_TANH_SCALE = 2.0 * math.sqrt(2.0 / math.pi)


_CONSTS: dict[tuple[str, str, str], S] = {}


def k(v: float | int | bool, like: S) -> S:
    """A constant of `like`'s type, one node per value and type, so a block body
    emits each constant once (the emitter memoizes nodes, not values)."""
    key = (str(like.type), type(v).__name__, repr(v))  # repr: -0.0 is not 0.0
    if key not in _CONSTS:
        _CONSTS[key] = const(v, like.type)
    return _CONSTS[key]


def is_nan(x: S) -> S:
    return x.ne(x)  # une: true only for NaN


def either(a: S, b: S) -> S:
    return binary("or", a, b)


def both(a: S, b: S) -> S:
    return binary("and", a, b)


def fabs(x: S) -> S:
    return call("fabs", x)


def at_neg_inf_zero(x: S, y: S) -> S:
    """x * (something -> 0) at x = -inf is NaN in IEEE; the limit is -0."""
    return select(x.eq(-math.inf), k(-0.0, x), y)


def sigmoid(x: S) -> S:
    """1 / (1 + e^-x) without overflow: e = e^-|x| <= 1, e / (1 + e) for x < 0."""
    e = call("exp", -fabs(x))
    one_plus = 1.0 + e
    return select(x.ge(0.0), 1.0 / one_plus, e / one_plus)


def silu(x: S) -> S:
    return at_neg_inf_zero(x, x * sigmoid(x))


def softplus(x: S) -> S:
    """ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|) (numpy.logaddexp(0, x))."""
    return maximum(x, k(0.0, x)) + call("log1p", call("exp", -fabs(x)))


def gelu(x: S) -> S:
    """0.5 x erfc(-x / sqrt 2): no cancellation of 1 + erf for large -x.

    erfc(w) has condition number ~2 w^2, so in f32 the rounding of w = -x / sqrt 2
    alone would cost ~w^2 ulp (the interpreter computes w in f64): w is computed
    as hi + lo and erfc corrected to first order, erfc(hi) - lo * 2/sqrt(pi) e^-hi^2.
    f64 computes w plainly, as the interpreter does.
    """
    if str(x.type) != "f32":
        return at_neg_inf_zero(x, 0.5 * x * erfc(x * -SQRT_HALF))
    hi, lo = times_const(x, -SQRT_HALF)
    slope = (2.0 / _SQRT_PI) * call("exp", -(hi * hi))
    return at_neg_inf_zero(x, 0.5 * x * (erfc(hi) - lo * slope))


def hard_sigmoid(x: S, alpha: float, beta: float) -> S:
    """clamp(alpha x + beta, 0, 1). In f32, alpha x + beta cancels near the lower
    corner, where the f32 roundings of alpha and of the product would cost
    hundreds of ulp: the product is exact (hi + lo) and beta split in two."""
    if str(x.type) != "f32":
        return clamp(alpha * x + beta, 0.0, 1.0)
    hi, lo = times_const(x, alpha)
    b_hi = float(np.float32(beta))
    return clamp((hi + b_hi) + (lo + (beta - b_hi)), 0.0, 1.0)


def _f32_halves(v: float) -> tuple[float, float]:
    """v's f32 rounding as two 12-bit halves (products of 12-bit halves are exact in f32)."""
    c = np.float32(v)
    t = c * np.float32(4097.0)
    hi = t - (t - c)
    return float(hi), float(c - hi)


def times_const(x: S, v: float) -> tuple[S, S]:
    """x * v as f32 hi + lo with |lo| <= ulp(hi): Dekker's exact product (no fma)
    of x and f32(v), plus x times what rounding v to f32 dropped. lo is 0 for
    |x| >= 1e30 (the split would overflow there; lo is negligible anyway)."""
    v_hi, v_lo = _f32_halves(v)
    p = x * (v_hi + v_lo)
    t = x * 4097.0
    xh = t - (t - x)
    xl = x - xh
    err = ((xh * v_hi - p) + xh * v_lo + xl * v_hi) + xl * v_lo
    lo = err + x * (v - float(np.float32(v)))
    return p, select(fabs(x).lt(1e30), lo, k(0.0, x))


def gelu_tanh(x: S) -> S:
    """0.5 (1 + tanh z) = sigmoid(2 z), which does not cancel for large -x."""
    z = _GELU_TANH_SCALE * (x + 0.044715 * (x * x * x))
    return at_neg_inf_zero(x, x * sigmoid(z))


def hard_swish(x: S) -> S:
    return at_neg_inf_zero(x, x * clamp(x + 3.0, 0.0, 6.0) / 6.0)


def clamp(x: S, lo: float, hi: float) -> S:
    """min(max(x, lo), hi), NaN-propagating."""
    return minimum(maximum(x, k(lo, x)), k(hi, x))


# -- erfc -----------------------------------------------------------------------------
def _poly(p: _Poly, v: S) -> S:
    """The interpreter's Chebyshev-derived polynomial on [lo, hi], by Horner."""
    s = v * (2.0 / (p.hi - p.lo)) - (p.hi + p.lo) / (p.hi - p.lo)
    y = s * p.coeffs[0] + p.coeffs[1]
    for c in p.coeffs[2:]:
        y = y * s + c
    return y


def _exp_neg_sq(x: S) -> S:
    """exp(-x*x) without the rounding error of x*x: Veltkamp-split x into halves
    whose products are exact (2^27 + 1 in f64, 2^12 + 1 in f32)."""
    split = 134217729.0 if str(x.type) == "f64" else 4097.0
    t = x * split
    lo0 = t - x
    hi = t - lo0
    lo = x - hi
    return call("exp", -(hi * hi)) * call("exp", -(lo * (x + hi)))


def _erfc_big(w: S) -> S:
    """erfc(w) for w >= 1: e^-w^2 times a polynomial per range, 0 from 27.5 on."""
    e = _exp_neg_sq(w)
    inv = 1.0 / (w * w)
    w_sqrt_pi = w * _SQRT_PI
    out = k(0.0, w)
    for lo, hi, poly in reversed(_ERFC_TAIL):
        out = select(both(w.ge(lo), w.lt(hi)), e * _poly(poly, inv) / w_sqrt_pi, out)
    return select(w.lt(2.0), e * _poly(_ERFCX_1_2, w), out)


def erfc(x: S) -> S:
    """1 - erf(x) without cancellation, as the interpreter's `erfc`: a series
    below |x| = 1, the tail polynomials above; NaN stays NaN."""
    ax = fabs(x)
    small = 1.0 - x * _poly(_ERF_SMALL, x * x)
    tail = _erfc_big(ax)
    big = select(x.gt(0.0), tail, 2.0 - tail)
    return select(is_nan(x), x, select(ax.lt(1.0), small, big))
