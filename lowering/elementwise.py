"""Lowerings of the elementwise graph ops (semantics as in interp/elementwise.py).

Every op becomes one `te.compute` stage: one loop nest around one block whose
body is loads, `arith`/`math` and a store, so the interpreter evaluates it as
one vectorized grid. Operands broadcast as numpy (`broadcast_index`).

Numerics follow the graph interpreter:
- f16 and bf16 are widened to f32 (exact), computed there and rounded once to
  the result type by the store; f32 and f64 compute in their own type.
- Integer special cases are selects, never undefined `arith` behaviour: division
  and remainder by 0 give 0 (the divisor is replaced by 1 first), MIN / -1 is
  computed as 0 - MIN (wraps to MIN), shifts by < 0 or >= the width give 0 or
  the sign fill, negative integer powers give 0 / +-1; unsigned powers run
  `math.ipowi` (signless) on the same bits with the exponent folded into range.
- float -> int casts clamp before `fptosi`/`fptoui` (saturation, NaN -> 0).
- i1 orders false < true, so i1 comparisons are boolean formulas (`cmpi slt`
  would read true as -1).
- Float mod/fmod use `llvm.frem` (C fmod, exact; xDSL has no `arith.remf`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from xdsl.dialects.builtin import Float32Type, IntegerType
from xdsl.ir import Attribute, Operation

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.types import BOOL_TYPE, is_float, is_unsigned, numpy_dtype
from tensorforge.dialects.symbolic import Expr
from tensorforge.interp.elementwise import cast_array
from tensorforge.lowering import elementwise_math as fm
from tensorforge.lowering.elementwise_math import both, either, k
from tensorforge.lowering.registry import broadcast_index, lowers, props_of
from tensorforge.lowering.te import Buf, PrimFuncBuilder, S, binary, call, compare, const, maximum, minimum, select

F32 = Float32Type()
HALF_TYPES = ("f16", "bf16")

Rule = Callable[..., S]
"""rule(props, *operands) -> the result scalar (any type the store can cast to the result)."""


def _pointwise(b: PrimFuncBuilder, ins: list[Buf], out: Buf, fn: Callable[..., S]) -> None:
    def body(i: list[Expr]) -> S:
        return fn(*[x[tuple(broadcast_index(x, i, out.shape))] for x in ins])

    b.compute(out, body)


def widen(x: S) -> S:
    """The compute value: f16/bf16 -> f32 (exact); other types unchanged."""
    return x.cast(F32) if str(x.type) in HALF_TYPES else x


def _bits(t: Attribute) -> int:
    return numpy_dtype(t).itemsize * 8


def _signed(x: S) -> bool:
    return not is_float(x.type) and not is_unsigned(x.type) and x.type != BOOL_TYPE


def _xor(a: S, c: S) -> S:
    return binary("xor", a, c)


def _not(x: S) -> S:
    return _xor(x, k(True, x))


# -- binary arithmetic ------------------------------------------------------------------
def _arith(fn: Callable[[S, S], S]) -> Rule:
    return lambda p, a, c: fn(widen(a), widen(c))


def _safe_divisor(c: S) -> tuple[S, S, S]:
    """(c == 0, c == -1, divisor): the divisor is 1 where c is 0, and where c is
    -1 for signed types (MIN / -1 overflows); the callers handle those points."""
    zero = c.eq(k(0, c))
    if not _signed(c):
        return zero, k(False, zero), select(zero, k(1, c), c)
    minus_one = c.eq(k(-1, c))
    return zero, minus_one, select(either(zero, minus_one), k(1, c), c)


def _div(p: Props, a: S, c: S) -> S:
    if is_float(a.type):
        return widen(a) / widen(c)
    zero, minus_one, safe = _safe_divisor(c)
    q = a / safe
    if _signed(a):
        q = select(minus_one, k(0, a) - a, q)  # wraps: MIN / -1 is MIN
    return select(zero, k(0, a), q)


def _fmod(p: Props, a: S, c: S) -> S:
    """Remainder with the sign of a (C fmod; llvm.frem / remsi / remui)."""
    if is_float(a.type):
        return binary("mod", widen(a), widen(c))
    zero, _, safe = _safe_divisor(c)
    return select(zero, k(0, a), binary("mod", a, safe))


def _mod(p: Props, a: S, c: S) -> S:
    """Remainder with the sign of c: fmod, plus c where the signs differ
    (numpy's npy_divmod); a float zero takes c's sign."""
    if is_float(a.type):
        x, y = widen(a), widen(c)
        r = binary("mod", x, y)
        fix = both(r.ne(k(0.0, r)), _xor(r.lt(k(0.0, r)), y.lt(k(0.0, y))))  # a NaN r stays NaN either way
        r = select(fix, r + y, r)
        return select(r.eq(k(0.0, r)), call("copysign", k(0.0, r), y), r)
    zero, _, safe = _safe_divisor(c)
    r = binary("mod", a, safe)
    if _signed(a):
        r = select(both(r.ne(k(0, r)), _xor(r.lt(k(0, r)), c.lt(k(0, c)))), r + c, r)
    return select(zero, k(0, a), r)


def _pow(p: Props, a: S, c: S) -> S:
    if is_float(a.type):
        return call("pow", widen(a), widen(c))
    if not _signed(a):
        return _unsigned_pow(a, c)
    neg = c.lt(k(0, c))
    out = call("ipowi", a, select(neg, k(0, c), c))
    # a ** -m truncates to 0, except 1 ** -m = 1 and (-1) ** -m = +-1
    odd = binary("and", c, k(1, c)).ne(k(0, c))
    minus_one = select(odd, k(-1, a), k(1, a))
    small = select(a.eq(k(1, a)), k(1, a), select(a.eq(k(-1, a)), minus_one, k(0, a)))
    return select(neg, small, out)


def _unsigned_pow(a: S, c: S) -> S:
    """math.ipowi is on signless (signed) integers: run it on the same bits.
    x^e mod 2^n only depends on e mod 2^(n-2) once e >= n (odd x: the group
    exponent; even x: 0), so an exponent >= 2^(n-1), negative as signed, is
    replaced by (e mod 2^(n-2)) + 2^(n-2), which is in range and >= n."""
    n = _bits(a.type)
    signless = IntegerType(n)
    folded = binary("or", binary("and", c, k(2 ** (n - 2) - 1, c)), k(2 ** (n - 2), c))
    e = select(c.ge(2 ** (n - 1)), folded, c)
    return call("ipowi", a.cast(signless), e.cast(signless)).cast(a.type)


def _shift(left: bool) -> Rule:
    """Shifts by < 0 or >= the bit width give 0 (left) or the sign fill (right)."""

    def rule(p: Props, a: S, c: S) -> S:
        big = c.ge(_bits(c.type))
        if _signed(c):
            big = either(big, c.lt(k(0, c)))
        amount = select(big, k(0, c), c)
        if left:
            return select(big, k(0, a), binary("shl", a, amount))
        fill = select(a.lt(k(0, a)), k(-1, a), k(0, a)) if _signed(a) else k(0, a)
        return select(big, fill, binary("shr", a, amount))

    return rule


# -- comparisons --------------------------------------------------------------------------
_BOOL_ORDER: dict[str, Callable[[S, S], S]] = {
    "lt": lambda a, c: both(_not(a), c),
    "le": lambda a, c: either(_not(a), c),
    "gt": lambda a, c: both(a, _not(c)),
    "ge": lambda a, c: either(a, _not(c)),
}


def _compare(kind: str) -> Rule:
    def rule(p: Props, a: S, c: S) -> S:
        if a.type == BOOL_TYPE and kind in _BOOL_ORDER:
            return _BOOL_ORDER[kind](a, c)
        return compare(kind, widen(a), widen(c))

    return rule


def _logic(kind: str) -> Rule:
    return lambda p, a, c: binary(kind, a, c)


_BINARY: dict[type[Operation], Rule] = {
    g.AddOp: _arith(lambda a, c: a + c),
    g.SubOp: _arith(lambda a, c: a - c),
    g.MulOp: _arith(lambda a, c: a * c),
    g.DivOp: _div,
    g.PowOp: _pow,
    g.MaximumOp: _arith(maximum),
    g.MinimumOp: _arith(minimum),
    g.ModOp: _mod,
    g.FmodOp: _fmod,
    g.AndOp: _logic("and"),
    g.OrOp: _logic("or"),
    g.XorOp: _logic("xor"),
    g.BitwiseAndOp: _logic("and"),
    g.BitwiseOrOp: _logic("or"),
    g.BitwiseXorOp: _logic("xor"),
    g.ShiftLeftOp: _shift(True),
    g.ShiftRightOp: _shift(False),
    g.EqOp: _compare("eq"),
    g.NeOp: _compare("ne"),
    g.LtOp: _compare("lt"),
    g.LeOp: _compare("le"),
    g.GtOp: _compare("gt"),
    g.GeOp: _compare("ge"),
}


# -- unary ------------------------------------------------------------------------------
def _float(fn: Callable[[S], S]) -> Rule:
    """A float op computed on the widened operand."""
    return lambda p, x: fn(widen(x))


def _math(name: str) -> Rule:
    return _float(lambda x: call(name, x))


def _neg(p: Props, x: S) -> S:
    return -widen(x) if is_float(x.type) else k(0, x) - x


def _abs(p: Props, x: S) -> S:
    if is_float(x.type):
        return fm.fabs(widen(x))
    return call("iabs", x) if _signed(x) else x


def _sign(p: Props, x: S) -> S:
    """-1, 0 or 1; NaN stays NaN and -0.0 gives +0.0 (x + 0.0), as numpy.sign."""
    v = widen(x)
    if not is_float(x.type) and not _signed(x):
        return select(v.ne(k(0, v)), k(1, v), k(0, v))
    rest = v + 0.0 if is_float(x.type) else k(0, v)
    return select(v.gt(k(0, v)), k(1, v), select(v.lt(k(0, v)), k(-1, v), rest))


def _relu(p: Props, x: S) -> S:
    v = widen(x)
    return maximum(v, k(0, v))


def _bitwise_not(p: Props, x: S) -> S:
    return _xor(x, k(True if x.type == BOOL_TYPE else -1, x))


def _isinf(p: Props, x: S) -> S:
    v = widen(x)
    tests = [v.eq(inf) for inf, on in ((math.inf, p.bool("detect_positive")), (-math.inf, p.bool("detect_negative"))) if on]
    if not tests:
        return const(False, BOOL_TYPE)
    return tests[0] if len(tests) == 1 else either(*tests)


def _leaky_relu(p: Props, x: S) -> S:
    v = widen(x)
    return select(v.ge(0.0), v, v * p.float("alpha"))


def _elu(p: Props, x: S) -> S:
    v = widen(x)
    return select(v.gt(0.0), v, p.float("alpha") * call("expm1", v))


def _hard_sigmoid(p: Props, x: S) -> S:
    return fm.hard_sigmoid(widen(x), p.float("alpha"), p.float("beta"))


_UNARY: dict[type[Operation], Rule] = {
    g.NegOp: _neg,
    g.AbsOp: _abs,
    g.SignOp: _sign,
    g.ExpOp: _math("exp"),
    g.LogOp: _math("log"),
    g.Log1pOp: _math("log1p"),
    g.SqrtOp: _math("sqrt"),
    g.RsqrtOp: _math("rsqrt"),
    g.ReciprocalOp: _float(lambda x: 1.0 / x),
    g.TanhOp: _math("tanh"),
    g.SigmoidOp: _float(fm.sigmoid),
    g.ReluOp: _relu,
    g.GeluOp: _float(fm.gelu),
    g.GeluTanhOp: _float(fm.gelu_tanh),
    g.SiluOp: _float(fm.silu),
    g.SoftplusOp: _float(fm.softplus),
    g.ErfOp: _math("erf"),
    g.SinOp: _math("sin"),
    g.CosOp: _math("cos"),
    g.TanOp: _math("tan"),
    g.FloorOp: _math("floor"),
    g.CeilOp: _math("ceil"),
    g.RoundOp: _math("roundeven"),
    g.HardSwishOp: _float(fm.hard_swish),
    g.NotOp: lambda p, x: _not(x),
    g.BitwiseNotOp: _bitwise_not,
    g.IsNanOp: lambda p, x: fm.is_nan(x),
    g.IsInfOp: _isinf,
    g.LeakyReluOp: _leaky_relu,
    g.EluOp: _elu,
    g.HardSigmoidOp: _hard_sigmoid,
}


# -- where / clip -----------------------------------------------------------------------
def _where(p: Props, cond: S, a: S, c: S) -> S:
    return select(cond, a, c)


def _clip_bound(v: float, t: Attribute) -> float | int:
    """The bound in the element type, as the interpreter: floats round once
    (cast rules), integers saturate to the type's range."""
    dt = numpy_dtype(t)
    if is_float(t):
        return float(cast_array(np.asarray(v, np.float64), dt))
    info = np.iinfo(dt)
    if math.isinf(v):
        return int(info.max if v > 0 else info.min)
    return min(max(int(v), int(info.min)), int(info.max))


def _clip(p: Props, x: S) -> S:
    v = widen(x)
    if p.has("min"):
        v = maximum(v, k(_clip_bound(p.float("min"), x.type), v))
    if p.has("max"):
        v = minimum(v, k(_clip_bound(p.float("max"), x.type), v))
    return v


# -- cast -------------------------------------------------------------------------------
def cast_value(x: S, to: Attribute) -> S:
    """The rules of graph.cast (see CastOp's docstring) as arith conversions."""
    src = x.type
    if src == to:
        return x
    if to == BOOL_TYPE:
        return x.ne(k(0, x))  # floats: une, so NaN -> 1
    if src == BOOL_TYPE or not is_float(src):
        return x.cast(to)  # i1: 0/1; int -> int wraps; int -> float rounds once
    if not is_float(to):
        return _float_to_int(widen(x), to)
    if str(src) in HALF_TYPES and str(to) in HALF_TYPES:
        return x.cast(F32).cast(to)  # through f32: exact, then one rounding
    return x.cast(to)


def _float_to_int(x: S, to: Attribute) -> S:
    """Truncate toward zero, saturate, NaN -> 0. Out-of-range inputs are replaced
    by 0 before the conversion (whose result would be undefined there)."""
    bits = _bits(to)
    info = np.iinfo(numpy_dtype(to))
    hi = x.ge(2.0**bits if is_unsigned(to) else 2.0 ** (bits - 1))  # exact powers of 2
    lo = x.le(0.0 if is_unsigned(to) else -(2.0 ** (bits - 1)))
    outside = either(either(hi, lo), fm.is_nan(x))
    q = select(outside, k(0.0, x), x).cast(to)
    return select(hi, const(int(info.max), to), select(lo, const(int(info.min), to), q))


def _cast(p: Props, x: S) -> S:
    return cast_value(x, p.type("to"))


_OTHER: dict[type[Operation], Rule] = {g.WhereOp: _where, g.ClipOp: _clip, g.CastOp: _cast}
RULES: dict[type[Operation], Rule] = {**_BINARY, **_UNARY, **_OTHER}


@lowers(*RULES)
def _lower(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    rule = RULES[type(op)]
    p = props_of(op)
    _pointwise(b, ins, outs[0], lambda *xs: rule(p, *xs))
