"""graph-lower-to-tensorir on the elementwise family against the graph interpreter.

Every op of ELEMENTWISE_OPS, for every element type it accepts, is built as a
one-op graph function, interpreted, lowered, interpreted again (the tir.func
through graph.call_tir) and compared: integers and i1 exactly; floats with
NaN and inf in the same places and finite values within 1 ulp of the result
type for f16/bf16 (computed in f32, rounded once, against the interpreter's
f64), rtol 1e-6 for f32 (computed in f32; gelu 2e-6, gelu_tanh 3e-5, see
F32_RTOL) and 1e-13 for f64; zeros compare with their sign. Inputs are IEEE
specials, integer edges (MIN, MAX, 0, +-1, shift amounts around the bit
width) and random values, broadcast across symbolic dims (`n`, `m`); also
empty, size-1 and rank-0 shapes. Each lowered op must be one loop nest around
one block that the interpreter runs as one vectorized grid (no scalar loops).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation

from tensorforge import interp, pipelines
from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.call_tir import CallTirOp
from tensorforge.dialects.graphops.elementwise import (
    ANY,
    ARITH,
    BINARY_OPS,
    COMPARE_OPS,
    ELEMENTWISE_OPS,
    FLOAT,
    INTEGER,
    INTEGER_OR_BOOL,
    LOGICAL,
    UNARY_OPS,
)
from tensorforge.dialects.graphops.func import FuncOp as GraphFuncOp
from tensorforge.dialects.graphops.func import ReturnOp
from tensorforge.dialects.graphops.types import element_type_of
from tensorforge.dialects.tirops.ops import BlockOp, ForOp
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp
from tensorforge.interp.tir import compile_func
from tensorforge.ir import make_context, parse_module, print_module, verify_module
from tensorforge.lowering.elementwise import RULES
from tensorforge.transforms.lower_to_tensorir import LowerToTensorIRPass
from tests.helpers import build_func, tensor

pytestmark = pytest.mark.filterwarnings("error")  # no numpy warning may leak

Array = np.ndarray
Shape = Sequence[Any]
BF16 = np.dtype(ml_dtypes.bfloat16)
F16, F32, F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
FLOATS = [F16, BF16, F32, F64]
SIGNED = [np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64)]
UNSIGNED = [np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64)]
INTS = SIGNED + UNSIGNED
BOOL = np.dtype(np.bool_)
ALL = [*FLOATS, *INTS, BOOL]
KIND_DTYPES = {
    ANY: ALL, ARITH: FLOATS + INTS, FLOAT: FLOATS, INTEGER: INTS, INTEGER_OR_BOOL: [*INTS, BOOL], LOGICAL: [BOOL],
}  # fmt: skip
NAMES = {
    F16: "f16", BF16: "bf16", F32: "f32", F64: "f64", BOOL: "i1",
    **{t: f"i{t.itemsize * 8}" for t in SIGNED}, **{t: f"ui{t.itemsize * 8}" for t in UNSIGNED},
}  # fmt: skip
INF, NAN = math.inf, math.nan

RTOL = {F16: 2.0**-10, BF16: 2.0**-7, F32: 1e-6, F64: 1e-13}
"""1 ulp for the half types (computed in f32, rounded once); a few ulp for f32 and f64."""
ATOL = {F16: 2.0**-24, BF16: float(np.finfo(np.float32).smallest_normal), F32: float(np.finfo(np.float32).smallest_normal),
        F64: float(np.finfo(np.float64).smallest_normal)}  # fmt: skip
"""Below the smallest normal (one f16 subnormal step), results may differ in absolute terms."""
F32_RTOL = {g.GeluOp: 2e-6, g.GeluTanhOp: 3e-5}
"""gelu: erfc's exps, polynomials and division in f32 add up to ~10 ulp. gelu_tanh: sigmoid(2 z)
for large -x amplifies the f32 rounding of z (|2 z| up to ~90) ~90 times."""
ANY_ZERO = {g.MaximumOp, g.MinimumOp, g.ReluOp, g.ClipOp}
"""Which zero max(-0.0, 0.0) returns is unspecified (relu and clip are max/min too)."""


# -- samples --------------------------------------------------------------------------
FLOAT_SPECIALS = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.0, -3.0, 0.1, 7.25, -7.25, 1e-3,
                  -1e-3, 20.0, -20.0, 100.0, -100.0, -30.0, 88.0, -90.0, 1e4, -1e5, 1e-6, INF, -INF, NAN]  # fmt: skip
PAIR_SPECIALS = [0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -3.0, 7.25, 1e30, INF, -INF, NAN]


def to_dtype(values: Any, dt: np.dtype) -> Array:
    """Values rounded to `dt` (large ones overflow to inf in f16 on purpose)."""
    with np.errstate(over="ignore"):
        return np.asarray(values, np.float64).astype(dt)


def floats(dt: np.dtype, seed: int = 0, n: int = 30) -> Array:
    rng = np.random.default_rng(seed)
    return to_dtype(np.concatenate([FLOAT_SPECIALS, rng.standard_normal(n) * 4.0]), dt)


def int_specials(dt: np.dtype) -> Array:
    info = np.iinfo(dt)
    bits = dt.itemsize * 8
    raw = [0, 1, -1, 2, -2, 3, -7, 5, bits - 1, bits, bits + 1, 100, info.min, info.max, info.min + 1, info.max - 1]
    return np.unique(np.array([v for v in raw if info.min <= v <= info.max], dtype=dt))


def ints(dt: np.dtype, seed: int = 0, n: int = 8) -> Array:
    info = np.iinfo(dt)
    rng = np.random.default_rng(seed)
    big = rng.integers(info.min, info.max, size=n, dtype=dt, endpoint=True)
    return np.concatenate([int_specials(dt), big])


def sample(dt: np.dtype, seed: int = 0) -> Array:
    if dt == BOOL:
        return np.array([False, True, True, False, True, False, False, True])
    return floats(dt, seed) if dt in FLOATS else ints(dt, seed)


def pair_values(dt: np.dtype) -> Array:
    if dt == BOOL:
        return np.array([False, True])
    if dt in FLOATS:
        rng = np.random.default_rng(1)
        return to_dtype(np.concatenate([PAIR_SPECIALS, rng.standard_normal(6) * 5.0]), dt)
    return ints(dt, 2, 4)


def as_rows(x: Array, width: int = 4) -> Array:
    """x padded (with its first value) to a multiple of `width`, as rows."""
    pad = (-len(x)) % width
    return np.concatenate([x, np.repeat(x[:1], pad)]).reshape(-1, width)


# -- lowering and comparison ----------------------------------------------------------
_CTX = make_context()


def lower(module: ModuleOp) -> None:
    """graph-lower-to-tensorir, as pipelines.run applies it but with one shared
    context (making a context scans every xDSL entry point: ~0.1 s a call)."""
    LowerToTensorIRPass().apply(_CTX, module)
    verify_module(module)


def lower_and_compare(
    make: Callable[..., Operation],
    arrays: Sequence[Array],
    shapes: Sequence[Shape] | None = None,
    f32_rtol: float = RTOL[F32],
    zero_sign: bool = True,
) -> list[Array]:
    """Interpret `make`'s one-op function, lower it, interpret again, compare."""
    types = [tensor(shapes[i] if shapes else a.shape, a.dtype) for i, a in enumerate(arrays)]
    module = build_func(types, make)
    want = interp.run(module, "main", *[a.copy() for a in arrays])
    lower(module)
    check_lowered(module, arrays, types)
    got = interp.run(module, "main", *[a.copy() for a in arrays])
    for gv, wv in zip(got, want, strict=True):
        assert_same(gv, wv, f32_rtol, zero_sign)
    return got


def check_lowered(module: ModuleOp, arrays: Sequence[Array], types: Sequence[Any]) -> None:
    """Only graph.call_tir remains; each tir.func is a perfect nest around one
    block and compiles to a vectorized grid (no Python loops)."""
    (main,) = [op for op in module.body.block.ops if isinstance(op, GraphFuncOp)]
    for op in main.body.block.ops:
        assert isinstance(op, CallTirOp | ReturnOp), f"not lowered: {op.name}"
    env = {str(d): size for t, a in zip(types, arrays, strict=True) for d, size in zip(t.dims, a.shape, strict=True) if not d.is_const()}
    for func in [op for op in module.body.block.ops if isinstance(op, TirFuncOp)]:
        nest = [op for op in func.body.block.ops if op.name != "tir.return"]
        assert len(nest) == 1
        op = nest[0]
        while isinstance(op, ForOp):
            (op,) = op.body.block.ops
        assert isinstance(op, BlockOp)
        assert "for " not in compile_func(func, env).source


def assert_round_trips(module: ModuleOp) -> None:
    text = print_module(module)
    with warnings.catch_warnings():  # the tir parser still calls xDSL's deprecated parse_operand()
        warnings.simplefilter("ignore", DeprecationWarning)
        assert print_module(parse_module(text, ctx=_CTX)) == text


def assert_same(got: Array, want: Array, f32_rtol: float = RTOL[F32], zero_sign: bool = True) -> None:
    assert got.dtype == want.dtype and got.shape == want.shape
    if got.dtype not in FLOATS:
        np.testing.assert_array_equal(got, want)
        return
    g64, w64 = got.astype(np.float64), want.astype(np.float64)
    np.testing.assert_array_equal(np.isnan(g64), np.isnan(w64), err_msg="NaN positions differ")
    inf = np.isinf(w64)
    np.testing.assert_array_equal(g64[inf], w64[inf], err_msg="infinities differ")
    rtol = f32_rtol if got.dtype == F32 else RTOL[got.dtype]
    fin = np.isfinite(w64)
    np.testing.assert_allclose(g64[fin], w64[fin], rtol=rtol, atol=ATOL[got.dtype])
    if not zero_sign:
        return
    zero = w64 == 0
    np.testing.assert_array_equal(np.signbit(g64[zero]), np.signbit(w64[zero]), err_msg="signs of zeros differ")


def dtypes_for(op: type[Operation]) -> list[np.dtype]:
    if op in (g.WhereOp, g.CastOp):
        return ALL
    return KIND_DTYPES[getattr(op, "KIND", FLOAT if op is not g.ClipOp else ARITH)]


def cases(ops: Sequence[type[Operation]]) -> list[Any]:
    return [pytest.param(op, dt, id=f"{op.name.removeprefix('graph.')}-{NAMES[dt]}") for op in ops for dt in dtypes_for(op)]


# -- coverage -------------------------------------------------------------------------
def test_every_elementwise_op_has_a_lowering() -> None:
    assert set(ELEMENTWISE_OPS) <= set(RULES)


ROUND_TRIP_DTYPES = [BF16, np.dtype(np.int8), np.dtype(np.uint64), BOOL]


@pytest.mark.parametrize("dt", ROUND_TRIP_DTYPES, ids=[NAMES[t] for t in ROUND_TRIP_DTYPES])
def test_lowered_ir_round_trips(dt: np.dtype) -> None:
    """Every op accepting `dt` (casts to every type), lowered in one module, prints and parses back."""
    t = tensor(["n", 4], dt)
    ops = [op for op in RULES if dt in dtypes_for(op) and op is not g.CastOp]

    def body(x: Any) -> list[Any]:
        args = {g.WhereOp: lambda: [g.EqOp(x, x).result, x, x], **{o: (lambda: [x, x]) for o in [*BINARY_OPS, *COMPARE_OPS]}}
        outs = [op(*args.get(op, lambda: [x])()).result for op in ops]
        return outs + [g.CastOp(x, to=element_type_of(to)).result for to in ALL]

    module = build_func([t], body)
    lower(module)
    assert_round_trips(module)


# -- binary ---------------------------------------------------------------------------
@pytest.mark.parametrize(("op", "dt"), cases([*BINARY_OPS, *COMPARE_OPS]))
def test_binary_all_pairs_broadcast(op: type[Operation], dt: np.dtype) -> None:
    """Every pair of values: x[n, 1] against y[1, m] broadcasts to [n, m]."""
    v = pair_values(dt)
    x, y = v[:, None].copy(), v[None, :].copy()
    lower_and_compare(op, [x, y], [["n", 1], [1, "m"]], zero_sign=op not in ANY_ZERO)


@pytest.mark.parametrize(("op", "dt"), cases([g.DivOp, g.ModOp, g.FmodOp, g.PowOp, g.ShiftLeftOp, g.ShiftRightOp]))
def test_binary_random_operands_rank_broadcast(op: type[Operation], dt: np.dtype) -> None:
    """Random values of x[n, 4] against a y[4] row (leading-dim broadcast)."""
    x = as_rows(sample(dt, 3))
    y = as_rows(sample(dt, 4))[1]
    lower_and_compare(op, [x, y], [["n", 4], [4]])


@pytest.mark.parametrize("dt", [F32, F64])
def test_float_mod_large_quotients_exact(dt: np.dtype) -> None:
    """mod/fmod are exact (llvm.frem) even where x / y is far beyond 2^mantissa."""
    x = to_dtype([1e30, -1e30, 3e38, -7.5e20, 1e-30, 5.0, -5.0, 0.0, -0.0], dt)
    y = to_dtype([3.0, 7.0, -1e-3, 0.1, 3.0, -INF, INF, -2.0, 2.0], dt)
    for op in (g.ModOp, g.FmodOp):
        lower_and_compare(op, [x, y])


# -- unary ----------------------------------------------------------------------------
@pytest.mark.parametrize(("op", "dt"), cases(UNARY_OPS))
def test_unary(op: type[Operation], dt: np.dtype) -> None:
    x = as_rows(sample(dt))
    lower_and_compare(op, [x], [["n", 4]], F32_RTOL.get(op, RTOL[F32]), zero_sign=op not in ANY_ZERO)


PROP_CASES = [
    (g.LeakyReluOp, {"alpha": 0.2}),
    (g.LeakyReluOp, {"alpha": -1.5}),
    (g.EluOp, {"alpha": 1.5}),
    (g.HardSigmoidOp, {"alpha": 1 / 6, "beta": 0.5}),
    (g.IsInfOp, {"detect_positive": False}),
    (g.IsInfOp, {"detect_negative": False}),
    (g.IsInfOp, {"detect_positive": False, "detect_negative": False}),
]


@pytest.mark.parametrize("dt", FLOATS, ids=[NAMES[t] for t in FLOATS])
@pytest.mark.parametrize(("op", "props"), PROP_CASES, ids=[f"{o.name}-{'-'.join(p)}" for o, p in PROP_CASES])
def test_unary_properties(op: type[Operation], props: dict[str, Any], dt: np.dtype) -> None:
    lower_and_compare(lambda x: op(x, **props), [as_rows(floats(dt, 5))], [["n", 4]])


@pytest.mark.parametrize("dt", [F32, F64], ids=["f32", "f64"])
def test_gelu_accurate_for_large_negative_x(dt: np.dtype) -> None:
    """erfc over every range of its piecewise approximation, no cancellation."""
    x = np.concatenate([-np.geomspace(0.01, 40.0, 200), np.geomspace(0.01, 40.0, 60)]).astype(dt)
    got = lower_and_compare(g.GeluOp, [x], f32_rtol=F32_RTOL[g.GeluOp])[0]
    assert np.all(got[:150] < 0)  # down to x ~ -11 (f32 underflows beyond ~ -14)
    lower_and_compare(g.ErfOp, [x])


# -- where / clip / cast -----------------------------------------------------------------
@pytest.mark.parametrize("dt", ALL, ids=[NAMES[t] for t in ALL])
def test_where_three_way_broadcast(dt: np.dtype) -> None:
    rng = np.random.default_rng(7)
    c = rng.integers(0, 2, (5, 1, 1)).astype(bool)
    a = np.resize(sample(dt, 1), (1, 3, 3))
    b = np.resize(sample(dt, 2), (3,))
    lower_and_compare(g.WhereOp, [c, a, b], [["n", 1, 1], [1, 3, "m"], ["m"]])


CLIP_BOUNDS = [(-2.5, 0.1), (-1.0, None), (None, 7.0), (-INF, INF), (None, None), (-1e30, 1e30), (0.3, 0.3), (-3.0, 300.0)]


@pytest.mark.parametrize("dt", FLOATS + INTS, ids=[NAMES[t] for t in FLOATS + INTS])
def test_clip(dt: np.dtype) -> None:
    """Every pair of bounds (integral ones for integer types), one op each, in one function."""
    x = as_rows(sample(dt, 6))
    integral = [(lo, hi) for lo, hi in CLIP_BOUNDS if all(b is None or not math.isfinite(b) or float(b).is_integer() for b in (lo, hi))]
    bounds = integral if dt in INTS else CLIP_BOUNDS
    lower_and_compare(lambda v: [g.ClipOp(v, min=lo, max=hi).result for lo, hi in bounds], [x], [["n", 4]], zero_sign=False)


CAST_FLOATS = [2.0**31, -(2.0**31) - 1, 2.0**31 - 1, 2.0**63, -(2.0**63), 2.0**64, 1e20, -1e20, 4294967295.5,
               65504.0, 7e4, -7e4, 255.9, -128.9, -129.0, 3.3e38, 1e-40, 1 / 3]  # fmt: skip


def cast_sample(dt: np.dtype) -> Array:
    if dt in FLOATS:
        return np.concatenate([floats(dt, 9), to_dtype(CAST_FLOATS, dt)])
    return sample(dt, 9)


@pytest.mark.parametrize("src", ALL, ids=[NAMES[t] for t in ALL])
def test_cast_every_pair(src: np.dtype) -> None:
    """One function casting to every element type (13 stages per module)."""
    x = as_rows(cast_sample(src))
    targets = [element_type_of(t) for t in ALL]
    lower_and_compare(lambda v: [g.CastOp(v, to=t).result for t in targets], [x], [["n", 4]])


# -- shapes -----------------------------------------------------------------------------
SHAPE_CASES = [
    ([[0, 3], [3]], [["n", 3], [3]]),  # empty symbolic dim
    ([[2, 0], [2, 1]], [[2, "m"], [2, 1]]),  # empty broadcast against size 1
    ([[], [5]], [[], ["n"]]),  # rank 0 against rank 1
    ([[], []], [[], []]),  # rank 0 only
    ([[1], [1]], [[1], [1]]),  # size 1 on both sides
    ([[2, 1, 3], [4, 1]], [[2, 1, 3], ["n", 1]]),  # both operands broadcast
]


@pytest.mark.parametrize(("op", "dt"), [(g.AddOp, F32), (g.DivOp, np.dtype(np.int8)), (g.LtOp, BF16), (g.ShiftRightOp, np.dtype(np.int16))])
@pytest.mark.parametrize(("concrete", "shapes"), SHAPE_CASES, ids=[str(s) for _, s in SHAPE_CASES])
def test_binary_shapes(op: type[Operation], dt: np.dtype, concrete: list[list[int]], shapes: list[Shape]) -> None:
    vals = itertools.cycle(sample(dt, 11).tolist())
    arrays = [np.array([next(vals) for _ in range(int(np.prod(c)))], dt).reshape(c) for c in concrete]
    lower_and_compare(op, arrays, shapes)


@pytest.mark.parametrize("op", [g.ExpOp, g.GeluOp, g.CastOp])
def test_unary_shapes(op: type[Operation]) -> None:
    make = (lambda v: g.CastOp(v, to=element_type_of(np.dtype(np.int16)))) if op is g.CastOp else op
    for shape, sym in (([0, 4], ["n", 4]), ([], []), ([1, 1], [1, 1]), ([3, 1], ["n", 1])):
        x = np.resize(floats(F32, 12), shape).astype(F32)
        lower_and_compare(make, [x], [sym])


def test_identical_ops_share_one_function() -> None:
    """Two adds of the same types lower to one tir.func called twice."""
    t = tensor(["n", 4], np.float32)
    module = build_func([t, t], lambda a, b: [g.AddOp(g.AddOp(a, b).result, b).result])
    pipelines.run(module, "graph-lower-to-tensorir")
    funcs = [op for op in module.body.block.ops if isinstance(op, TirFuncOp)]
    assert [f.sym_name.data for f in funcs] == ["add"]
