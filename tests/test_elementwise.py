"""The elementwise graph ops against independent references.

Every op of ELEMENTWISE_OPS over every element type it accepts: integers
against exact Python-int arithmetic (then wrapped), floats against f64 numpy
or math rounded once to the type, and against torch where torch has the op.
Also broadcasting (size-1, empty, rank-0, symbolic dims), IEEE specials,
integer edge cases, the cast rules and every verifier message.

Tolerances: ints and bools exact; IEEE-exact float ops (+ - * / sqrt, min/max,
floor/ceil/round, ...) exact in every float type; other f64 results rtol 1e-13,
f32 rtol 1e-6; f16/bf16 within 1 ulp of the f64 reference rounded to the type.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from xdsl.dialects.builtin import IndexType, IntegerType
from xdsl.ir import Block, Operation
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.elementwise import ELEMENTWISE_OPS
from tensorforge.errors import InterpError
from tensorforge.interp.elementwise import erf, erfc
from tests.helpers import build_func, run_op, tensor

pytestmark = pytest.mark.filterwarnings("error")  # no numpy warning may leak

Array = np.ndarray
BF16 = np.dtype(ml_dtypes.bfloat16)
FLOATS = [np.dtype(np.float16), BF16, np.dtype(np.float32), np.dtype(np.float64)]
SIGNED = [np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64)]
UNSIGNED = [np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64)]
INTS = SIGNED + UNSIGNED
BOOL = np.dtype(np.bool_)
ARITH = FLOATS + INTS
ALL = [*ARITH, BOOL]
NAMES = {
    np.dtype(np.float16): "f16", BF16: "bf16", np.dtype(np.float32): "f32", np.dtype(np.float64): "f64",
    np.dtype(np.int8): "i8", np.dtype(np.int16): "i16", np.dtype(np.int32): "i32", np.dtype(np.int64): "i64",
    np.dtype(np.uint8): "ui8", np.dtype(np.uint16): "ui16", np.dtype(np.uint32): "ui32",
    np.dtype(np.uint64): "ui64", BOOL: "i1",
}  # fmt: skip
INF, NAN = math.inf, math.nan


def dtypes(types: Sequence[np.dtype]) -> Any:
    return pytest.mark.parametrize("dt", types, ids=[NAMES[t] for t in types])


def op_id(op: Any) -> str:
    return op.name.removeprefix("graph.") if isinstance(op, type) else str(op)


def run1(op_cls: type[Operation], *arrays: Array, **props: Any) -> Array:
    (out,) = run_op(lambda *a: op_cls(*a, **props), *arrays)
    return out


# -- samples --------------------------------------------------------------------------
FLOAT_SPECIALS = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.0, -3.0, 0.1, 7.25, -7.25,
                  1e-3, -1e-3, 20.0, -20.0, 100.0, -100.0, INF, -INF, NAN]  # fmt: skip
PAIR_SPECIALS = [0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -3.0, 7.25, INF, -INF, NAN]


def floats(dt: np.dtype, seed: int = 0, n: int = 40) -> Array:
    rng = np.random.default_rng(seed)
    return np.concatenate([np.array(FLOAT_SPECIALS), rng.standard_normal(n) * 3.0]).astype(dt)


def float_pairs(dt: np.dtype, seed: int = 0) -> tuple[Array, Array]:
    """Every pair of specials plus random pairs, as two flat arrays."""
    s = np.array(PAIR_SPECIALS)
    rng = np.random.default_rng(seed)
    x = np.concatenate([np.repeat(s, len(s)), rng.standard_normal(30) * 4.0])
    y = np.concatenate([np.tile(s, len(s)), rng.standard_normal(30) * 4.0])
    return x.astype(dt), y.astype(dt)


def wrap(v: int, dt: np.dtype) -> int:
    """Two's complement wrap of a Python int into an integer dtype."""
    bits = dt.itemsize * 8
    v &= (1 << bits) - 1
    return v - (1 << bits) if dt.kind == "i" and v >= 1 << (bits - 1) else v


def int_specials(dt: np.dtype) -> list[int]:
    info = np.iinfo(dt)
    raw = [0, 1, -1, 2, -2, 3, -7, 100, info.min, info.max, info.min + 1, info.max - 1]
    return list(dict.fromkeys(wrap(v, dt) for v in raw))


def ints(dt: np.dtype, seed: int = 0, n: int = 24) -> Array:
    info = np.iinfo(dt)
    rng = np.random.default_rng(seed)
    big = rng.integers(info.min, info.max, size=n, dtype=dt, endpoint=True)
    small = rng.integers(max(info.min, -9), 10, size=n, dtype=dt)
    return np.concatenate([np.array(int_specials(dt), dt), big, small])


def int_pairs(dt: np.dtype, seed: int = 0) -> tuple[Array, Array]:
    s = np.array(int_specials(dt), dt)
    a, b = ints(dt, seed), ints(dt, seed + 1)
    return np.concatenate([np.repeat(s, len(s)), a]), np.concatenate([np.tile(s, len(s)), b])


def sample(dt: np.dtype, seed: int = 0) -> Array:
    if dt == BOOL:
        return np.random.default_rng(seed).integers(0, 2, 16).astype(bool)
    return floats(dt, seed) if dt in FLOATS else ints(dt, seed)


# -- references and comparison ---------------------------------------------------------
def int_ref(fn: Callable[..., int], dt: np.dtype, *arrays: Array) -> Array:
    """Apply `fn` to Python ints elementwise (broadcasting), wrap into `dt`."""
    parts = np.broadcast_arrays(*arrays)
    vals = [wrap(fn(*(int(v) for v in xs)), dt) for xs in zip(*(p.ravel() for p in parts), strict=True)]
    return np.array(vals, dtype=dt).reshape(parts[0].shape)


def f64(x: Array) -> Array:
    return np.asarray(x).astype(np.float64)


def round_to(want: Array, dt: np.dtype) -> Array:
    """The f64 reference rounded once to `dt`, exactly (values stay f64)."""
    w = np.asarray(want, np.float64)
    return np.array([exact_round(float(v), dt) for v in w.ravel()], np.float64).reshape(w.shape)


FORMATS = {  # significand bits, minimum exponent, largest finite value
    np.dtype(np.float16): (11, -14, 65504.0),
    BF16: (8, -126, float(ml_dtypes.finfo(BF16).max)),
    np.dtype(np.float32): (24, -126, float(np.finfo(np.float32).max)),
    np.dtype(np.float64): (53, -1022, float(np.finfo(np.float64).max)),
}


def exact_round(v: float | int | Fraction, dt: np.dtype) -> float:
    """Round to nearest even into a float format, with exact rational arithmetic."""
    if isinstance(v, float) and not math.isfinite(v):
        return v
    q = Fraction(v)
    if q == 0:
        return math.copysign(0.0, v) if isinstance(v, float) else 0.0
    bits, emin, top = FORMATS[dt]
    mag = abs(q)
    e = mag.numerator.bit_length() - mag.denominator.bit_length()
    e += 1 if Fraction(2) ** (e + 1) <= mag else 0
    e -= 1 if Fraction(2) ** e > mag else 0
    ulp = Fraction(2) ** (max(e, emin) - bits + 1)
    r = round(mag / ulp) * ulp  # round() of a Fraction ties to even
    out = INF if r > Fraction(top) else float(r)
    return -out if q < 0 else out


def ulp(w: Array, dt: np.dtype) -> Array:
    info = ml_dtypes.finfo(dt)
    with np.errstate(divide="ignore"):
        scale = np.exp2(np.floor(np.log2(np.abs(w))))
    return np.maximum(scale * float(info.eps), float(info.smallest_subnormal))


def check_float(
    got: Array,
    want: Array,
    dt: np.dtype,
    rtol: float = 0.0,
    ulps: float = 0.0,
    atol: float = 0.0,
    zero_sign: bool = False,
) -> None:
    """`got` (of dtype dt) against the f64 reference rounded to dt."""
    assert got.dtype == dt, f"result dtype {got.dtype}, expected {dt}"
    w = round_to(want, dt)
    gv = f64(got)
    assert gv.shape == w.shape
    nan = np.isnan(w)
    np.testing.assert_array_equal(np.isnan(gv), nan, err_msg="NaN positions differ")
    fin = np.isfinite(w)
    np.testing.assert_array_equal(gv[~nan & ~fin], w[~nan & ~fin], err_msg="infinities differ")
    tol = atol + rtol * np.abs(w[fin]) + ulps * ulp(w[fin], dt)
    bad = ~(np.abs(gv[fin] - w[fin]) <= tol)
    assert not bad.any(), f"{dt}: got {gv[fin][bad][:6]} want {w[fin][bad][:6]}"
    if zero_sign:
        zero = w == 0
        np.testing.assert_array_equal(np.signbit(gv[zero]), np.signbit(w[zero]), err_msg="zero signs differ")


def loose(dt: np.dtype) -> dict[str, float]:
    """Tolerance of computed (not IEEE-exact) float results."""
    if dt == np.float64:
        return {"rtol": 1e-13, "atol": 1e-300}
    if dt == np.float32:
        return {"rtol": 1e-6, "atol": 1e-38}
    return {"ulps": 1.0}


def check_exact(got: Array, want: Array, dt: np.dtype) -> None:
    assert got.dtype == dt, f"result dtype {got.dtype}, expected {dt}"
    np.testing.assert_array_equal(got, want)


# -- unary float ops --------------------------------------------------------------------
def _sigmoid(x: Array) -> Array:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _vec(fn: Callable[[float], float]) -> Callable[[Array], Array]:
    return lambda x: np.array([fn(float(v)) for v in np.ravel(x)]).reshape(np.shape(x))


def _math_erf(v: float) -> float:
    return v if math.isnan(v) else math.erf(v)


def _gelu(v: float) -> float:
    if math.isnan(v) or v == INF:
        return v
    return -0.0 if v == -INF else 0.5 * v * math.erfc(-v / math.sqrt(2.0))


def _gelu_tanh(x: Array) -> Array:
    # 0.5 (1 + tanh z) = sigmoid(2 z) without the cancellation for large -x; torch checks the formula
    y = x * _sigmoid(2.0 * math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3))
    return np.where(np.isneginf(x), -0.0, y)


def _softplus(x: Array) -> Array:
    return np.where(x > 0, x + np.log1p(np.exp(-np.abs(x))), np.log1p(np.exp(x)))


def _hard_swish(x: Array) -> Array:
    return np.where(x <= -3.0, 0.0, np.where(x >= 3.0, x, x * (x + 3.0) / 6.0))


# op, properties, f64 reference, IEEE-exact
FLOAT_UNARY: list[tuple[type[Operation], dict[str, Any], Callable[[Array], Array], bool]] = [
    (g.ExpOp, {}, np.exp, False),
    (g.LogOp, {}, np.log, False),
    (g.Log1pOp, {}, np.log1p, False),
    (g.SqrtOp, {}, np.sqrt, True),
    (g.RsqrtOp, {}, lambda x: 1.0 / np.sqrt(x), False),
    (g.ReciprocalOp, {}, lambda x: 1.0 / x, True),
    (g.TanhOp, {}, np.tanh, False),
    (g.SigmoidOp, {}, _sigmoid, False),
    (g.GeluOp, {}, _vec(_gelu), False),
    (g.GeluTanhOp, {}, _gelu_tanh, False),
    (g.SiluOp, {}, lambda x: np.where(np.isneginf(x), -0.0, x * _sigmoid(x)), False),
    (g.SoftplusOp, {}, _softplus, False),
    (g.ErfOp, {}, _vec(_math_erf), False),
    (g.SinOp, {}, np.sin, False),
    (g.CosOp, {}, np.cos, False),
    (g.TanOp, {}, np.tan, False),
    (g.FloorOp, {}, np.floor, True),
    (g.CeilOp, {}, np.ceil, True),
    (g.RoundOp, {}, np.rint, True),
    (g.HardSwishOp, {}, _hard_swish, False),
    (g.LeakyReluOp, {}, lambda x: np.where(x >= 0, x, 0.01 * x), False),
    (g.LeakyReluOp, {"alpha": 0.2}, lambda x: np.where(x >= 0, x, 0.2 * x), False),
    (g.EluOp, {}, lambda x: np.where(x > 0, x, np.expm1(x)), False),
    (g.EluOp, {"alpha": 1.5}, lambda x: np.where(x > 0, x, 1.5 * np.expm1(x)), False),
    (g.HardSigmoidOp, {}, lambda x: np.clip(0.2 * x + 0.5, 0.0, 1.0), False),
    (g.HardSigmoidOp, {"alpha": 1 / 6, "beta": 0.5}, lambda x: np.clip(x / 6 + 0.5, 0.0, 1.0), False),
]


@pytest.mark.parametrize(("op", "props", "ref", "exact"), FLOAT_UNARY,
                         ids=[f"{op_id(c[0])}{c[1] or ''}" for c in FLOAT_UNARY])  # fmt: skip
@dtypes(FLOATS)
def test_float_unary(op: type[Operation], props: dict[str, Any], ref: Callable[[Array], Array], exact: bool,
                     dt: np.dtype) -> None:  # fmt: skip
    x = floats(dt)
    got = run1(op, x, **props)
    with np.errstate(all="ignore"):
        want = ref(f64(x))
    if exact:
        check_float(got, want, dt, zero_sign=True)
        return
    check_float(got, want, dt, **loose(dt))


def test_round_halves_to_even() -> None:
    x = np.array([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 0.49999997, 4.5000005], np.float32)
    got = run1(g.RoundOp, x)
    np.testing.assert_array_equal(got, np.array([0, 2, 2, 4, -0.0, -2, -2, 0, 5], np.float32))
    assert np.signbit(got[4])


def test_activation_limits_at_infinity() -> None:
    x = np.array([-INF, INF, NAN], np.float32)
    for op in (g.GeluOp, g.GeluTanhOp, g.SiluOp, g.HardSwishOp):
        got = run1(op, x)
        assert got[0] == 0 and np.signbit(got[0]) and got[1] == INF and np.isnan(got[2]), op.name
    np.testing.assert_array_equal(run1(g.EluOp, x[:2]), [-1.0, INF])
    np.testing.assert_array_equal(run1(g.SoftplusOp, x[:2]), [0.0, INF])
    np.testing.assert_array_equal(run1(g.SigmoidOp, x[:2]), [0.0, 1.0])
    np.testing.assert_array_equal(run1(g.ErfOp, x[:2]), [-1.0, 1.0])


def test_gelu_is_accurate_for_large_negative_inputs() -> None:
    x = np.array([-10.0, -20.0, -30.0, -38.0], np.float64)
    want = np.array([_gelu(v) for v in x])
    got = run1(g.GeluOp, x)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert (got < 0).all()


@dtypes([np.dtype(np.float16), BF16])
def test_half_math_is_correctly_rounded(dt: np.dtype) -> None:
    """Computed in f64 and rounded once: the exactly rounded result, over a dense grid."""
    x = (np.arange(-600, 600) / 64).astype(dt)
    for op, fn in ((g.ExpOp, np.exp), (g.TanhOp, np.tanh), (g.SigmoidOp, _sigmoid), (g.ErfOp, _vec(_math_erf))):
        with np.errstate(over="ignore"):
            want = round_to(fn(f64(x)), dt)
        np.testing.assert_array_equal(f64(run1(op, x)), want, err_msg=op.name)


def test_f32_math_is_computed_in_f64() -> None:
    x = np.linspace(-5, 5, 501).astype(np.float32)
    for op, fn in ((g.TanhOp, np.tanh), (g.SinOp, np.sin), (g.ExpOp, np.exp)):
        np.testing.assert_array_equal(run1(op, x), fn(f64(x)).astype(np.float32))


# -- erf --------------------------------------------------------------------------------
def test_erf_erfc_match_math_to_a_few_ulp() -> None:
    rng = np.random.default_rng(5)
    pieces = [rng.uniform(-7, 7, 20000), rng.uniform(-30, 30, 4000), np.linspace(-1.01, 1.01, 2001),
              np.array([0.0, -0.0, 1.0, 2.0, 3.5, 6.0, 27.5, -27.5, 1e-300, 5e-324, 1e-10, -1e-10])]  # fmt: skip
    x = np.concatenate(pieces)
    want = np.array([math.erf(v) for v in x])
    got = erf(x)
    assert np.max(np.abs(got - want) / np.spacing(np.abs(want))) <= 4
    want_c = np.array([math.erfc(v) for v in x])
    normal = want_c > 1e-300  # in the subnormal range erfc has fewer significant bits
    got_c = erfc(x)
    assert np.max(np.abs(got_c - want_c)[normal] / np.spacing(want_c[normal])) <= 8
    assert np.max(np.abs(got_c - want_c)[~normal]) < 1e-310
    assert np.signbit(erf(np.array([-0.0]))[0])


def test_erf_specials_and_shapes() -> None:
    np.testing.assert_array_equal(erf(np.array([INF, -INF, NAN])), [1.0, -1.0, NAN])
    np.testing.assert_array_equal(erfc(np.array([INF, -INF, NAN, 40.0, -40.0])), [0.0, 2.0, NAN, 0.0, 2.0])
    assert erf(np.zeros((0, 3))).shape == (0, 3)
    assert erf(np.float64(0.5)).shape == ()
    assert erf(np.ones((2, 3, 4))).shape == (2, 3, 4)


# -- unary ops on ints and floats --------------------------------------------------------
def _sign(v: int) -> int:
    return (v > 0) - (v < 0)


ARITH_UNARY = [
    (g.NegOp, lambda v: -v, np.negative),
    (g.AbsOp, abs, np.abs),
    (g.SignOp, _sign, np.sign),
    (g.ReluOp, lambda v: max(v, 0), lambda x: np.maximum(x, 0.0)),
]


@pytest.mark.parametrize(("op", "int_fn", "float_fn"), ARITH_UNARY, ids=[op_id(c[0]) for c in ARITH_UNARY])
@dtypes(ARITH)
def test_arith_unary(op: type[Operation], int_fn: Callable[[int], int], float_fn: Callable[[Array], Array],
                     dt: np.dtype) -> None:  # fmt: skip
    x = sample(dt)
    got = run1(op, x)
    if dt in FLOATS:
        check_float(got, float_fn(f64(x)), dt, zero_sign=op in (g.NegOp, g.AbsOp))
        return
    check_exact(got, int_ref(int_fn, dt, x), dt)


def test_unsigned_and_minimum_edge_cases() -> None:
    u = np.array([0, 1, 255], np.uint8)
    np.testing.assert_array_equal(run1(g.NegOp, u), [0, 255, 1])
    np.testing.assert_array_equal(run1(g.AbsOp, u), u)
    m = np.array([-128, 127], np.int8)
    np.testing.assert_array_equal(run1(g.NegOp, m), [-128, -127])
    np.testing.assert_array_equal(run1(g.AbsOp, m), [-128, 127])
    s = run1(g.SignOp, np.array([NAN, -0.0, -2.0, INF], np.float32))
    assert np.isnan(s[0]) and list(s[1:]) == [0.0, -1.0, 1.0]


@dtypes([*INTS, BOOL])
def test_bitwise_not(dt: np.dtype) -> None:
    x = sample(dt)
    got = run1(g.BitwiseNotOp, x)
    want = ~x if dt == BOOL else int_ref(lambda v: ~v, dt, x)
    check_exact(got, want, dt)


def test_not() -> None:
    check_exact(run1(g.NotOp, np.array([True, False])), np.array([False, True]), BOOL)


@dtypes(FLOATS)
def test_isnan_isinf(dt: np.dtype) -> None:
    x = floats(dt)
    v = f64(x)
    check_exact(run1(g.IsNanOp, x), np.isnan(v), BOOL)
    check_exact(run1(g.IsInfOp, x), np.isinf(v), BOOL)
    check_exact(run1(g.IsInfOp, x, detect_positive=False), np.isneginf(v), BOOL)
    check_exact(run1(g.IsInfOp, x, detect_negative=False), np.isposinf(v), BOOL)
    check_exact(run1(g.IsInfOp, x, detect_negative=False, detect_positive=False), np.zeros(v.shape, bool), BOOL)


# -- binary arithmetic ------------------------------------------------------------------
def _tdiv(a: int, b: int) -> int:
    if b == 0:
        return 0
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _fmod(a: int, b: int) -> int:
    return 0 if b == 0 else a - b * _tdiv(a, b)


def _ipow(dt: np.dtype) -> Callable[[int, int], int]:
    def fn(a: int, b: int) -> int:
        if b >= 0:
            return pow(a, b, 1 << (dt.itemsize * 8))
        return 1 if a == 1 else (1 if b % 2 == 0 else -1) if a == -1 else 0

    return fn


ARITH_BINARY = [  # op, Python int rule, f64 rule, IEEE-exact
    (g.AddOp, lambda a, b: a + b, np.add, True),
    (g.SubOp, lambda a, b: a - b, np.subtract, True),
    (g.MulOp, lambda a, b: a * b, np.multiply, True),
    (g.DivOp, _tdiv, np.divide, True),
    (g.PowOp, None, np.power, False),
    (g.MaximumOp, max, np.maximum, True),
    (g.MinimumOp, min, np.minimum, True),
    (g.ModOp, lambda a, b: 0 if b == 0 else a % b, np.mod, False),
    (g.FmodOp, _fmod, np.fmod, True),
]


@pytest.mark.parametrize(("op", "int_fn", "float_fn", "exact"), ARITH_BINARY, ids=[op_id(c[0]) for c in ARITH_BINARY])
@dtypes(ARITH)
def test_arith_binary(op: type[Operation], int_fn: Any, float_fn: Callable[[Array, Array], Array], exact: bool,
                      dt: np.dtype) -> None:  # fmt: skip
    if dt in FLOATS:
        x, y = float_pairs(dt)
        got = run1(op, x, y)
        with np.errstate(all="ignore"):
            want = float_fn(f64(x), f64(y))
        check_float(got, want, dt, **({} if exact else loose(dt)))
        return
    x, y = int_pairs(dt)
    got = run1(op, x, y)
    check_exact(got, int_ref(int_fn or _ipow(dt), dt, x, y), dt)


def test_integer_division_rules() -> None:
    a = np.array([7, -7, 7, -7, 5, -128, -128, 0], np.int8)
    b = np.array([2, 2, -2, -2, 0, -1, 1, 0], np.int8)
    np.testing.assert_array_equal(run1(g.DivOp, a, b), [3, -3, -3, 3, 0, -128, -128, 0])
    np.testing.assert_array_equal(run1(g.ModOp, a, b), [1, 1, -1, -1, 0, 0, 0, 0])
    np.testing.assert_array_equal(run1(g.FmodOp, a, b), [1, -1, 1, -1, 0, 0, 0, 0])
    u = np.array([7, 255, 3], np.uint8)
    np.testing.assert_array_equal(run1(g.DivOp, u, np.array([2, 16, 0], np.uint8)), [3, 15, 0])


def test_integer_pow_rules() -> None:
    a = np.array([2, 1, -1, -1, 2, 0, 3, -2], np.int32)
    b = np.array([-1, -5, -3, -4, 31, -1, 0, 3], np.int32)
    np.testing.assert_array_equal(run1(g.PowOp, a, b), [0, 1, -1, 1, -(2**31), 0, 1, -8])


def test_overflow_wraps() -> None:
    i8 = np.array([127, -128, 100], np.int8)
    np.testing.assert_array_equal(run1(g.AddOp, i8, np.array([1, -1, 100], np.int8)), [-128, 127, -56])
    np.testing.assert_array_equal(run1(g.MulOp, i8, np.array([2, 2, 3], np.int8)), [-2, 0, 44])
    u = np.array([0, 255], np.uint8)
    np.testing.assert_array_equal(run1(g.SubOp, u, np.array([1, 255], np.uint8)), [255, 0])
    big = np.array([2**62], np.int64)
    np.testing.assert_array_equal(run1(g.AddOp, big, big), [-(2**63)])


def test_float_binary_specials() -> None:
    x = np.array([1.0, -1.0, 0.0, INF, 5.0, -5.0, NAN], np.float32)
    y = np.array([0.0, 0.0, 0.0, INF, INF, 3.0, 1.0], np.float32)
    d = run1(g.DivOp, x, y)
    np.testing.assert_array_equal(d[:2], [INF, -INF])
    assert np.isnan(d[2]) and np.isnan(d[3]) and np.isnan(d[6])
    np.testing.assert_array_equal(run1(g.ModOp, x[4:6], y[4:6]), [5.0, 1.0])
    np.testing.assert_array_equal(run1(g.FmodOp, x[4:6], y[4:6]), [5.0, -2.0])
    mx = run1(g.MaximumOp, np.array([NAN, 1.0], np.float32), np.array([1.0, NAN], np.float32))
    assert np.isnan(mx).all()


# -- logical, bitwise, shifts -----------------------------------------------------------
def test_logical() -> None:
    a = np.array([[False], [True]])
    b = np.array([False, True])
    check_exact(run1(g.AndOp, a, b), a & b, BOOL)
    check_exact(run1(g.OrOp, a, b), a | b, BOOL)
    check_exact(run1(g.XorOp, a, b), a ^ b, BOOL)


BITWISE = [(g.BitwiseAndOp, lambda a, b: a & b), (g.BitwiseOrOp, lambda a, b: a | b),
           (g.BitwiseXorOp, lambda a, b: a ^ b)]  # fmt: skip


@pytest.mark.parametrize(("op", "fn"), BITWISE, ids=[op_id(c[0]) for c in BITWISE])
@dtypes([*INTS, BOOL])
def test_bitwise(op: type[Operation], fn: Callable[[Any, Any], Any], dt: np.dtype) -> None:
    if dt == BOOL:
        a, b = np.array([False, False, True, True]), np.array([False, True, False, True])
        check_exact(run1(op, a, b), fn(a, b), BOOL)
        return
    a, b = int_pairs(dt)
    check_exact(run1(op, a, b), int_ref(fn, dt, a, b), dt)


def _shl(bits: int) -> Callable[[int, int], int]:
    return lambda a, n: a << n if 0 <= n < bits else 0


def _shr(bits: int) -> Callable[[int, int], int]:
    return lambda a, n: a >> n if 0 <= n < bits else (-1 if a < 0 else 0)


@pytest.mark.parametrize("left", [True, False], ids=["shift_left", "shift_right"])
@dtypes(INTS)
def test_shifts(left: bool, dt: np.dtype) -> None:
    bits = dt.itemsize * 8
    amounts = [0, 1, 3, bits - 1, bits, bits + 1, -1, -bits, 2 * bits]
    s = np.array(int_specials(dt), dt)
    a = np.repeat(s, len(amounts))
    n = np.tile(np.array([wrap(v, dt) for v in amounts], dt), len(s))
    op = g.ShiftLeftOp if left else g.ShiftRightOp
    check_exact(run1(op, a, n), int_ref((_shl if left else _shr)(bits), dt, a, n), dt)


# -- compare ----------------------------------------------------------------------------
COMPARES = [(g.EqOp, operator.eq), (g.NeOp, operator.ne), (g.LtOp, operator.lt), (g.LeOp, operator.le),
            (g.GtOp, operator.gt), (g.GeOp, operator.ge)]  # fmt: skip


@pytest.mark.parametrize(("op", "fn"), COMPARES, ids=[op_id(c[0]) for c in COMPARES])
@dtypes(ALL)
def test_compare(op: type[Operation], fn: Callable[[Any, Any], Any], dt: np.dtype) -> None:
    if dt == BOOL:  # false < true, broadcast
        a, b = np.array([[False], [True]]), np.array([False, True])
        want = fn(a, b)
    elif dt in FLOATS:
        a, b = float_pairs(dt)
        want = fn(f64(a), f64(b))
    else:
        a, b = int_pairs(dt)
        want = np.array([fn(int(u), int(v)) for u, v in zip(a, b, strict=True)])
    check_exact(run1(op, a, b), want, BOOL)


# -- where, clip ------------------------------------------------------------------------
@dtypes(ALL)
def test_where(dt: np.dtype) -> None:
    c = np.array([[True], [False], [True]])
    a = sample(dt)[:4].reshape(1, 4)
    b = sample(dt, seed=3)[:1].reshape(())
    got = run1(g.WhereOp, c, a, b)
    assert got.dtype == dt and got.shape == (3, 4)
    np.testing.assert_array_equal(f64(got), f64(np.where(c, a, b)))


@dtypes(ARITH)
def test_clip(dt: np.dtype) -> None:
    x = sample(dt)
    lo, hi = (-2.0, 5.0) if dt.kind != "u" else (2.0, 5.0)
    check = check_exact
    if dt in FLOATS:
        got = run1(g.ClipOp, x, min=-2.5, max=0.1)
        check_float(got, np.minimum(np.maximum(f64(x), -2.5), exact_round(0.1, dt)), dt)
        return
    check(run1(g.ClipOp, x, min=lo, max=hi), int_ref(lambda v: min(max(v, int(lo)), int(hi)), dt, x), dt)
    check(run1(g.ClipOp, x, min=lo), int_ref(lambda v: max(v, int(lo)), dt, x), dt)
    check(run1(g.ClipOp, x, max=hi), int_ref(lambda v: min(v, int(hi)), dt, x), dt)


def test_clip_bounds_saturate_and_nan_stays() -> None:
    i8 = np.array([-128, 0, 127], np.int8)
    np.testing.assert_array_equal(run1(g.ClipOp, i8, min=-1e30, max=1e30), i8)
    np.testing.assert_array_equal(run1(g.ClipOp, i8, min=-INF, max=INF), i8)
    np.testing.assert_array_equal(run1(g.ClipOp, np.array([0, 300], np.uint16), min=-5.0, max=200.0), [0, 200])
    np.testing.assert_array_equal(run1(g.ClipOp, np.array([2**63 - 1], np.int64), max=9.3e18), [2**63 - 1])
    f = run1(g.ClipOp, np.array([NAN, -INF, INF], np.float16), min=-1.0, max=1.0)
    assert np.isnan(f[0]) and list(f[1:]) == [-1.0, 1.0]
    np.testing.assert_array_equal(run1(g.ClipOp, np.array([5.0], np.float16), max=1e6), [5.0])


# -- cast -------------------------------------------------------------------------------
CAST_FLOATS = [0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.7, 127.9, 128.0, -128.5, -129.0, 255.5, 256.0, 65504.0,
               65519.0, 65520.0, 1e5, -1e5, 3e9, -3e9, 2.0**31, 2.0**63, -(2.0**63), 2.0**64, 1e19, -1e19, 1e30,
               3.4e38, 3.3961e38, 1e300, 1e-8, -1e-8, 1e-40, 1e-300, 1 / 3, 1 + 2**-8 + 2**-30, 1 + 2**-11 + 2**-40, 1 + 2**-24 + 2**-52, INF, -INF, NAN]  # fmt: skip
CAST_INTS = [0, 1, -1, 127, 128, -129, 255, 256, 2049, 65504, 65520, 2**24 + 1, 2**24 + 2**16 + 1,
             -(2**24 + 2**16 + 1), 2**31 - 1, -(2**31), 2**53 + 1, 2**60 + 3 * 2**52 - 1, 2**63 - 1, -(2**63),
             2**64 - 1]  # fmt: skip


def cast_source(dt: np.dtype) -> Array:
    if dt == BOOL:
        return np.array([False, True])
    if dt in FLOATS:
        with np.errstate(over="ignore"):
            return np.array(CAST_FLOATS).astype(dt)
    return np.concatenate([np.array([wrap(v, dt) for v in CAST_INTS], dt), ints(dt, n=8)])


def cast_ref(v: Any, to: np.dtype) -> Any:
    """One element by the rules stated on graph.cast, in exact arithmetic."""
    if isinstance(v, float) and math.isnan(v):
        return True if to == BOOL else 0 if to.kind in "iu" else NAN
    if to == BOOL:
        return v != 0
    if to in FLOATS:
        return exact_round(v if isinstance(v, float) else int(v), to)
    info = np.iinfo(to)
    if isinstance(v, float):
        return info.max if v >= info.max else info.min if v <= info.min else int(v)
    return wrap(int(v), to)


@dtypes(ALL)
@pytest.mark.parametrize("src", ALL, ids=[NAMES[t] for t in ALL])
def test_cast(src: np.dtype, dt: np.dtype) -> None:
    x = cast_source(src)
    got = run1(g.CastOp, x, to=tensor([], dt).element_type)
    vals = [float(v) if src in FLOATS else bool(v) if src == BOOL else int(v) for v in x]
    want = [cast_ref(v, dt) for v in vals]
    assert got.dtype == dt
    if dt not in FLOATS:
        np.testing.assert_array_equal(got, np.array(want, dtype=dt))
        return
    gv = f64(got)
    np.testing.assert_array_equal(gv, np.array(want, np.float64))  # NaN == NaN here
    zeros = np.array(want) == 0
    np.testing.assert_array_equal(np.signbit(gv[zeros]), np.signbit(np.array(want)[zeros]))


def test_cast_rules_spelled_out() -> None:
    f = np.array([NAN, 3.9, -3.9, 1e10, -1e10, INF, -INF], np.float32)
    np.testing.assert_array_equal(
        run1(g.CastOp, f, to=IntegerType(32)), [0, 3, -3, 2**31 - 1, -(2**31), 2**31 - 1, -(2**31)]
    )
    np.testing.assert_array_equal(run1(g.CastOp, np.array([300, -1], np.int32), to=IntegerType(8)), [44, -1])
    np.testing.assert_array_equal(
        run1(g.CastOp, np.array([NAN, -0.0, 0.1], np.float32), to=IntegerType(1)), [True, False, True]
    )
    f16 = run1(g.CastOp, np.array([70000.0, -70000.0, 65519.0], np.float32), to=tensor([], np.float16).element_type)
    np.testing.assert_array_equal(f16, [INF, -INF, 65504.0])
    bf = run1(g.CastOp, np.array([1 + 2**-8 + 2**-30]), to=tensor([], BF16).element_type)
    assert float(bf[0]) == 1 + 2**-7  # numpy and torch round twice and give 1.0
    bi = run1(g.CastOp, np.array([2**24 + 2**16 + 1], np.int64), to=tensor([], BF16).element_type)
    assert float(bi[0]) == 2**24 + 2**17


# -- torch ------------------------------------------------------------------------------
def _torch() -> Any:
    return pytest.importorskip("torch")


def to_torch(x: Array) -> Any:
    torch = _torch()
    if x.dtype == BF16:
        return torch.from_numpy(x.astype(np.float32)).to(torch.bfloat16)
    return torch.from_numpy(np.ascontiguousarray(x))


def from_torch(t: Any, dt: np.dtype) -> Array:
    torch = _torch()
    if t.dtype == torch.bfloat16:
        return t.to(torch.float32).numpy().astype(dt)
    return t.numpy()


def torch_unary() -> list[tuple[str, type[Operation], dict[str, Any], str, bool]]:
    """(id, op, props, torch expression on `t`, finite inputs only)."""
    return [
        ("exp", g.ExpOp, {}, "torch.exp(t)", False), ("log", g.LogOp, {}, "torch.log(t)", False),
        ("log1p", g.Log1pOp, {}, "torch.log1p(t)", False), ("sqrt", g.SqrtOp, {}, "torch.sqrt(t)", False),
        ("rsqrt", g.RsqrtOp, {}, "torch.rsqrt(t)", False), ("reciprocal", g.ReciprocalOp, {}, "torch.reciprocal(t)", False),
        ("tanh", g.TanhOp, {}, "torch.tanh(t)", False), ("sigmoid", g.SigmoidOp, {}, "torch.sigmoid(t)", False),
        ("gelu", g.GeluOp, {}, "F.gelu(t)", True), ("gelu_tanh", g.GeluTanhOp, {}, "F.gelu(t, approximate='tanh')", True),
        ("silu", g.SiluOp, {}, "F.silu(t)", True), ("softplus", g.SoftplusOp, {}, "F.softplus(t)", False),
        ("erf", g.ErfOp, {}, "torch.erf(t)", False), ("sin", g.SinOp, {}, "torch.sin(t)", False),
        ("cos", g.CosOp, {}, "torch.cos(t)", False), ("tan", g.TanOp, {}, "torch.tan(t)", False),
        ("floor", g.FloorOp, {}, "torch.floor(t)", False), ("ceil", g.CeilOp, {}, "torch.ceil(t)", False),
        ("round", g.RoundOp, {}, "torch.round(t)", False), ("hard_swish", g.HardSwishOp, {}, "F.hardswish(t)", True),
        ("neg", g.NegOp, {}, "torch.neg(t)", False), ("abs", g.AbsOp, {}, "torch.abs(t)", False),
        ("sign", g.SignOp, {}, "torch.sign(t)", True), ("relu", g.ReluOp, {}, "torch.relu(t)", False),
        ("leaky_relu", g.LeakyReluOp, {"alpha": 0.2}, "F.leaky_relu(t, 0.2)", False),
        ("elu", g.EluOp, {"alpha": 1.5}, "F.elu(t, 1.5)", False),
        ("hard_sigmoid", g.HardSigmoidOp, {"alpha": 1 / 6, "beta": 0.5}, "F.hardsigmoid(t)", False),
        ("isnan", g.IsNanOp, {}, "torch.isnan(t)", False), ("isinf", g.IsInfOp, {}, "torch.isinf(t)", False),
    ]  # fmt: skip


def check_against_torch(got: Array, want: Array, dt: np.dtype) -> None:
    """torch computes f32 math in f32 (a few ulp; gelu's 1 + erf cancels for large -x)
    and f16/bf16 through f32."""
    if dt == BOOL or dt.kind in "iu":
        check_exact(got, want, dt)
        return
    tol = {np.dtype(np.float64): {"rtol": 1e-12, "atol": 1e-15}, np.dtype(np.float32): {"rtol": 1e-5, "atol": 1e-6}}
    check_float(got, f64(want), dt, **tol.get(dt, {"ulps": 1.0, "atol": 1e-6}))


@pytest.mark.parametrize(("name", "op", "props", "expr", "finite"), torch_unary(), ids=[c[0] for c in torch_unary()])
@dtypes(FLOATS)
def test_unary_matches_torch(name: str, op: type[Operation], props: dict[str, Any], expr: str, finite: bool,
                             dt: np.dtype) -> None:  # fmt: skip
    torch = _torch()
    x = floats(dt, seed=7)
    if finite:
        x = x[np.isfinite(f64(x))]
    got = run1(op, x, **props)
    want = from_torch(eval(expr, {"torch": torch, "F": torch.nn.functional, "t": to_torch(x)}), dt)
    check_against_torch(got, want, got.dtype)


TORCH_BINARY = [
    (g.AddOp, "torch.add(a, b)"), (g.SubOp, "torch.sub(a, b)"), (g.MulOp, "torch.mul(a, b)"),
    (g.DivOp, "torch.div(a, b, rounding_mode='trunc') if ints else torch.div(a, b)"),
    (g.PowOp, "torch.pow(a, b)"), (g.MaximumOp, "torch.maximum(a, b)"), (g.MinimumOp, "torch.minimum(a, b)"),
    (g.ModOp, "torch.remainder(a, b)"), (g.FmodOp, "torch.fmod(a, b)"),
    (g.BitwiseAndOp, "a & b"), (g.BitwiseOrOp, "a | b"), (g.BitwiseXorOp, "a ^ b"),
    (g.ShiftLeftOp, "a << b"), (g.ShiftRightOp, "a >> b"),
    (g.EqOp, "a == b"), (g.LtOp, "a < b"), (g.GeOp, "a >= b"),
]  # fmt: skip
TORCH_TYPES = [np.dtype(t) for t in (np.float32, np.float64, np.int8, np.int32, np.int64, np.uint8)]
INT_ONLY = (g.BitwiseAndOp, g.BitwiseOrOp, g.BitwiseXorOp, g.ShiftLeftOp, g.ShiftRightOp)
TORCH_BINARY_CASES = [
    (op, e, dt) for op, e in TORCH_BINARY for dt in TORCH_TYPES if dt.kind in "iu" or op not in INT_ONLY
]


@pytest.mark.parametrize(("op", "expr", "dt"), TORCH_BINARY_CASES,
                         ids=[f"{op_id(c[0])}-{NAMES[c[2]]}" for c in TORCH_BINARY_CASES])  # fmt: skip
def test_binary_matches_torch(op: type[Operation], expr: str, dt: np.dtype) -> None:
    torch = _torch()
    is_int = dt.kind in "iu"
    rng = np.random.default_rng(11)
    if is_int:
        a, b = int_pairs(dt)
        if op in (g.DivOp, g.ModOp, g.FmodOp):  # torch raises on x / 0 and traps on MIN / -1
            keep = (b != 0) & ~((a == np.iinfo(dt).min) & (b == wrap(-1, dt)))
            a, b = a[keep], b[keep]
        if op is g.PowOp:
            b = (b % 70).astype(dt) - (5 if dt.kind == "i" else 0)
    else:
        a = np.concatenate([rng.standard_normal(40) * 4, [0.0, -0.0, 1.0, 2.5, INF, NAN]]).astype(dt)
        b = np.concatenate([rng.standard_normal(40) * 4, [1.0, 3.0, -0.0, 2.0, 2.0, 1.0]]).astype(dt)
        if op is g.PowOp:
            a = np.abs(a)
    got = run1(op, a, b)
    want = from_torch(eval(expr, {"torch": torch, "a": to_torch(a), "b": to_torch(b), "ints": is_int}), got.dtype)
    check_against_torch(got, want, got.dtype)


# -- shapes -----------------------------------------------------------------------------
SHAPE_CASES = [  # op, array shapes, declared shapes (symbolic), result shape
    (g.AddOp, [(3, 1), (1, 5)], [["n", 1], [1, "m"]], (3, 5)),
    (g.MulOp, [(2, 3, 4), (4,)], [[2, "n", 4], [4]], (2, 3, 4)),
    (g.SubOp, [(0, 3), (1, 3)], [["n", 3], [1, 3]], (0, 3)),
    (g.MaximumOp, [(), (2, 2)], [[], ["n", "n"]], (2, 2)),
    (g.LtOp, [(4, 1), (0,)], [["n", 1], ["m"]], (4, 0)),
    (g.ExpOp, [(0,)], [["n"]], (0,)),
    (g.ErfOp, [(2, 0, 3)], [[2, "k", 3]], (2, 0, 3)),
    (g.ReluOp, [()], [[]], ()),
    (g.WhereOp, [(3, 1), (1, 4), ()], [["n", 1], [1, "m"], []], (3, 4)),
    (g.WhereOp, [(0, 1), (1, 4), (4,)], [["n", 1], [1, 4], [4]], (0, 4)),
    (g.ClipOp, [("n", 2)], [["n", 2]], (5, 2)),
    (g.CastOp, [(3, 0)], [["n", "m"]], (3, 0)),
]


def _arrays(shapes: list[tuple[Any, ...]], op: type[Operation]) -> list[Array]:
    rng = np.random.default_rng(2)
    out = []
    for i, s in enumerate(shapes):
        shape = tuple(5 if d == "n" else d for d in s)
        a = rng.standard_normal(shape).astype(np.float32)
        out.append(a > 0 if op is g.WhereOp and i == 0 else a)
    return out


@pytest.mark.parametrize(
    ("op", "shapes", "decl", "want"), SHAPE_CASES, ids=[f"{op_id(c[0])}-{c[1]}" for c in SHAPE_CASES]
)
def test_broadcasting_and_symbolic_dims(op: type[Operation], shapes: list[tuple[Any, ...]], decl: list[list[Any]],
                                        want: tuple[int, ...]) -> None:  # fmt: skip
    arrays = _arrays(shapes, op)
    props = {"to": tensor([], np.float64).element_type} if op is g.CastOp else {"max": 0.5} if op is g.ClipOp else {}
    for declared in (None, decl):  # static shapes, then symbolic ones
        (out,) = run_op(lambda *a: op(*a, **props), *arrays, shapes=declared)
        assert out.shape == want
    if op in (g.AddOp, g.MulOp, g.SubOp, g.MaximumOp):
        np.testing.assert_array_equal(out, getattr(np, {"add": "add", "mul": "multiply", "sub": "subtract",
                                                        "maximum": "maximum"}[op_id(op)])(*arrays))  # fmt: skip


def test_inferred_shapes_equal_interpreter_shapes() -> None:
    rng = np.random.default_rng(3)
    for a_shape, b_shape in [((2, 1, 3), (4, 1)), ((0, 1), (1, 7)), ((), (3,)), ((1,), (1, 1, 1))]:
        a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
        module = build_func([tensor(a_shape, np.float64), tensor(b_shape, np.float64)], g.AddOp)
        add = next(op for op in module.walk() if isinstance(op, g.AddOp))
        inferred = add.result.type.static_shape()
        (out,) = run_op(g.AddOp, a, b)
        assert inferred == out.shape == np.broadcast_shapes(a_shape, b_shape)
    x = tensor(["n", 4], np.float32)
    (t,) = g.AddOp.infer([x, tensor([1], np.float32)], Props(g.AddOp, {}))
    assert [str(d) for d in t.dims] == ["n", "4"]


def test_symbolic_mismatch_is_caught_at_run_time() -> None:
    with pytest.raises(InterpError, match="graph.add"):
        run_op(g.AddOp, np.zeros((3,), np.float32), np.zeros((4,), np.float32), shapes=[["n"], ["m"]])


# -- verifier ---------------------------------------------------------------------------
def values(*types: tuple[list[Any], Any]) -> list[Any]:
    return list(Block(arg_types=[tensor(s, d) for s, d in types]).args)


F32 = np.float32
# fmt: off
ERRORS = [
    ("broadcast", g.AddOp, [([3], F32), ([4], F32)], {}, "shapes [3] and [4] do not broadcast: dim -1 is 3 vs 4"),
    ("element kinds differ", g.MulOp, [([3], F32), ([3], np.int32)], {},
     "operands must have the same element type, got f32 and i32"),
    ("float only", g.ExpOp, [([3], np.int32)], {}, "does not accept element type i32 (needs float types)"),
    ("arith rejects i1", g.AddOp, [([3], bool), ([3], bool)], {}, "does not accept element type i1 (needs arith types)"),
    ("shift rejects i1", g.ShiftLeftOp, [([3], bool), ([3], bool)], {},
     "does not accept element type i1 (needs integer types)"),
    ("bitwise rejects floats", g.BitwiseOrOp, [([3], F32), ([3], F32)], {},
     "does not accept element type f32 (needs integer or i1 types)"),
    ("logical needs i1", g.XorOp, [([3], np.int8), ([3], np.int8)], {}, "does not accept element type i8 (needs i1 types)"),
    ("not needs i1", g.NotOp, [([3], F32)], {}, "does not accept element type f32 (needs i1 types)"),
    ("isinf float only", g.IsInfOp, [([3], np.int64)], {}, "does not accept element type i64 (needs float types)"),
    ("where condition", g.WhereOp, [([3], F32), ([3], F32), ([3], F32)], {},
     "condition must have element type i1, got f32"),
    ("where branches", g.WhereOp, [([3], bool), ([3], F32), ([3], np.float16)], {},
     "branches must have the same element type, got f32 and f16"),
    ("where shapes", g.WhereOp, [([2], bool), ([3], F32), ([3], F32)], {},
     "shapes [2] and [3] and [3] do not broadcast: dim -1 is 2 vs 3"),
    ("clip min > max", g.ClipOp, [([3], F32)], {"min": 2.0, "max": 1.0}, "min 2.0 is greater than max 1.0"),
    ("clip NaN", g.ClipOp, [([3], F32)], {"max": NAN}, "max is NaN"),
    ("clip fractional int bound", g.ClipOp, [([3], np.int32)], {"min": 0.5},
     "min 0.5 is not integral, but the element type is i32"),
    ("clip rejects i1", g.ClipOp, [([3], bool)], {}, "does not accept element type i1 (needs arith types)"),
    ("cast to i7", g.CastOp, [([3], F32)], {"to": IntegerType(7)}, "cannot cast to i7: the element type must be one of f16"),
    ("cast to index", g.CastOp, [([3], F32)], {"to": IndexType()}, "cannot cast to index: the element type must be one of"),
]
# fmt: on


@pytest.mark.parametrize(("op", "types", "props", "message"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_verifier_messages(op: type[Operation], types: list[tuple[list[Any], Any]], props: dict[str, Any],
                           message: str) -> None:  # fmt: skip
    with pytest.raises(VerifyException, match=re.escape(message)):
        op(*values(*types), **props)


def test_every_op_is_tested() -> None:
    covered = {c[0] for c in FLOAT_UNARY} | {c[0] for c in ARITH_UNARY} | {c[0] for c in ARITH_BINARY}
    covered |= {c[0] for c in BITWISE} | {c[0] for c in COMPARES}
    covered |= {g.BitwiseNotOp, g.NotOp, g.IsNanOp, g.IsInfOp, g.AndOp, g.OrOp, g.XorOp, g.ShiftLeftOp,
                g.ShiftRightOp, g.WhereOp, g.ClipOp, g.CastOp}  # fmt: skip
    assert set(ELEMENTWISE_OPS) == covered
