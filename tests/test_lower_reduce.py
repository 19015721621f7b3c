"""Lowering the 'reduce' family to tensorir (lowering/reduce.py).

Each test builds a graph function, interprets it, lowers it with
`graph-lower-to-tensorir`, interprets the tir.funcs and compares: integers
and indices exactly, floats within rounding. Every lowered function must run
as vectorized grids (no scalar Python loops in the generated code).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ml_dtypes
import numpy as np
import pytest

from tensorforge import interp, pipelines
from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.reduce import REDUCE_OPS
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp
from tensorforge.interp.machine import bind_arguments
from tensorforge.interp.tir import compile_func
from tensorforge.lowering.registry import LOWERINGS, load_all
from tests.helpers import build_func, tensor

RNG = np.random.default_rng(7)
BF16 = np.dtype(ml_dtypes.bfloat16)
FLOATS = [np.float32, np.float64, np.float16, BF16]
INTS = [np.int32, np.int64]
TOL = {
    np.dtype(np.float64): 1e-12, np.dtype(np.float32): 2e-6, np.dtype(np.float16): 1e-3, BF16: 8e-3,
}


def rand(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    dt = np.dtype(dtype)
    if dt == np.bool_:
        return RNG.integers(0, 2, size=shape).astype(bool)
    if np.issubdtype(dt, np.integer):
        return RNG.integers(-50, 50, size=shape).astype(dt)
    return RNG.standard_normal(shape).astype(dt)


def lower_and_compare(
    make: Callable[..., Any],
    *arrays: np.ndarray,
    shapes: Sequence[Sequence[Any]] | None = None,
) -> list[np.ndarray]:
    """Interpret before and after lowering; results must agree. Returns the lowered results."""
    types = [tensor(shapes[i] if shapes else a.shape, a.dtype) for i, a in enumerate(arrays)]
    module = build_func(types, make)
    want = interp.run(module, "main", *[a.copy() for a in arrays])
    pipelines.run(module, "graph-lower-to-tensorir")
    got = interp.run(module, "main", *[a.copy() for a in arrays])
    for w, o in zip(want, got, strict=True):
        assert o.dtype == w.dtype and o.shape == w.shape
        _same(o, w)
    _check_vectorized(module, arrays)
    return got


def _same(got: np.ndarray, want: np.ndarray) -> None:
    if got.dtype not in TOL:
        np.testing.assert_array_equal(got, want)
        return
    t = TOL[got.dtype]
    np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=t, atol=t, equal_nan=True)


def _check_vectorized(module: Any, arrays: Sequence[np.ndarray]) -> None:
    """Every called tir.func compiles to grid code only (no scalar Python loops)."""
    funcs = {f.sym_name.data: f for f in module.walk() if isinstance(f, TirFuncOp)}
    for call in [op for op in module.walk() if isinstance(op, g.CallTirOp)]:
        func = funcs[call.callee.root_reference.data]
        ins = [arrays[v.index] for v in call.operands]  # type: ignore[attr-defined]
        names, types = func.arg_name_list[: len(ins)], func.function_type.inputs.data[: len(ins)]
        source = compile_func(func, bind_arguments(names, types, ins, "test")).source
        assert "for " not in source, source


def _tir_text(module: Any) -> str:
    from tensorforge.ir import print_module

    return print_module(module)


def test_every_reduce_op_has_a_lowering() -> None:
    load_all()
    assert [op.name for op in REDUCE_OPS if op not in LOWERINGS] == []


# -- reductions ----------------------------------------------------------------------
REDUCTIONS: list[tuple[type, list[Any]]] = [
    (g.ReduceSumOp, FLOATS + INTS),
    (g.ReduceMeanOp, FLOATS),
    (g.ReduceMaxOp, FLOATS + INTS),
    (g.ReduceMinOp, FLOATS + INTS),
    (g.ReduceProdOp, FLOATS + INTS),
    (g.ReduceL2Op, FLOATS),
]
CASES = [(op, dt) for op, dts in REDUCTIONS for dt in dts]
AXES: list[list[int] | None] = [None, [], [1], [-1, 0], [0, 1, 2], [2, -2]]


VARIANTS = [(axes, keep) for axes in AXES for keep in (False, True)]


@pytest.mark.parametrize(("op", "dtype"), CASES, ids=[f"{c[0].name}-{np.dtype(c[1])}" for c in CASES])
def test_reduction(op: type, dtype: Any) -> None:
    x = rand((2, 3, 4), dtype)
    if op is g.ReduceProdOp:
        x = (x % 5 - 2).astype(dtype) if np.issubdtype(np.dtype(dtype), np.integer) else (x / 2 + 1).astype(dtype)
    lower_and_compare(lambda a: [op(a, axes=ax, keepdims=k).result for ax, k in VARIANTS], x)


@pytest.mark.parametrize("op", [r[0] for r in REDUCTIONS])
def test_reduction_symbolic(op: type) -> None:
    x = rand((5, 3, 4), np.float32)
    variants = [(axes, keep) for axes in ([-1], [0], None, [0, 2]) for keep in (False, True)]
    lower_and_compare(lambda a: [op(a, axes=ax, keepdims=k).result for ax, k in variants], x, shapes=[["n", "m", 4]])


def test_reduction_symbolic_int_and_f16() -> None:
    x = rand((5, 7), np.int64)
    make = [g.ReduceSumOp, g.ReduceMaxOp, g.ReduceMinOp, g.ReduceProdOp]
    lower_and_compare(lambda a: [op(a, axes=[0]).result for op in make], x, shapes=[["n", 7]])
    lower_and_compare(lambda a: g.ReduceMaxOp(a, axes=[-1], keepdims=True), x, shapes=[["n", "m"]])
    y = rand((5, 7), np.float16)
    lower_and_compare(lambda a: g.ReduceMeanOp(a, axes=[1]), y, shapes=[["n", 7]])


def test_sum_wraps_and_f16_accumulates_in_f32() -> None:
    got = lower_and_compare(lambda a: g.ReduceSumOp(a), np.full(4, 2**30, np.int32))
    assert got[0] == 0
    assert lower_and_compare(lambda a: g.ReduceSumOp(a), np.array([200, 100], np.uint8))[0] == 44
    got = lower_and_compare(lambda a: g.ReduceSumOp(a), np.full(4096, 1.0, np.float16))
    assert got[0] == 4096


def test_bool_max_min_are_any_all() -> None:
    x = np.array([[True, False], [False, False]])
    lower_and_compare(lambda a: [g.ReduceMaxOp(a, axes=[1]).result, g.ReduceMinOp(a, axes=[0]).result], x)


def test_nan_propagates() -> None:
    x = np.array([[1.0, np.nan, 3.0], [1.0, 2.0, -np.inf]], np.float32)
    ops = (g.ReduceMaxOp, g.ReduceMinOp, g.ReduceSumOp)
    got = lower_and_compare(lambda a: [o(a, axes=[1]).result for o in ops], x)
    assert all(np.isnan(r[0]) for r in got)


def test_empty_reduction() -> None:
    ops = [g.ReduceSumOp, g.ReduceProdOp, g.ReduceMeanOp, g.ReduceL2Op]
    x = np.zeros((2, 0, 3), np.float32)

    def make(a: Any) -> list[Any]:
        return [*[op(a, axes=[1]).result for op in ops], *[op(a).result for op in ops], g.ReduceMaxOp(a, axes=[2]).result]

    got = lower_and_compare(make, x)
    assert [float(r.flat[0]) for r in got[:2]] == [0.0, 1.0] and np.isnan(got[2]).all()
    got = lower_and_compare(make, x, shapes=[[2, "n", 3]])
    assert [float(r.flat[0]) for r in got[:2]] == [0.0, 1.0] and np.isnan(got[2]).all()


def test_prod_symbolic_keeps_empty_rule_out_of_static_code() -> None:
    module = build_func([tensor([2, 3], np.float32)], lambda a: g.ReduceProdOp(a, axes=[1]))
    pipelines.run(module, "graph-lower-to-tensorir")
    assert "tir.alloc" not in _tir_text(module)  # static non-empty: reduce straight into the output


def test_reduce_scalar() -> None:
    x = np.array(-3.5, np.float32)
    ops = (g.ReduceSumOp, g.ReduceMeanOp, g.ReduceL2Op, g.ReduceMaxOp, g.ReduceProdOp)
    lower_and_compare(lambda a: [r for op in ops for r in (op(a, keepdims=True).result, op(a, axes=[0]).result)], x)


def test_reduce_all_of_symbolic_to_scalar() -> None:
    x = rand((6, 5), np.float64)
    lower_and_compare(lambda a: [g.ReduceSumOp(a).result, g.ReduceL2Op(a).result], x, shapes=[["n", "m"]])


# -- argmax / argmin ----------------------------------------------------------------
ARG_DTYPES = [np.float32, np.float64, np.float16, BF16, np.int32, np.int64, np.bool_]


@pytest.mark.parametrize("dtype", ARG_DTYPES, ids=[str(np.dtype(d)) for d in ARG_DTYPES])
@pytest.mark.parametrize("op", [g.ArgMaxOp, g.ArgMinOp])
def test_arg_reduce_ties(op: type, dtype: Any) -> None:
    x = rand((3, 4, 5), np.bool_) if dtype == np.bool_ else RNG.integers(0, 3, size=(3, 4, 5)).astype(dtype)
    variants = [(axis, keep, last) for axis in (0, 1, -1) for keep in (False, True) for last in (False, True)]
    lower_and_compare(lambda a: [op(a, axis=ax, keepdims=k, select_last_index=s).result for ax, k, s in variants], x)


@pytest.mark.parametrize("op", [g.ArgMaxOp, g.ArgMinOp])
def test_arg_reduce_nan_and_symbolic(op: type) -> None:
    x = RNG.integers(0, 3, size=(4, 6)).astype(np.float32)
    x[0, 2] = x[0, 4] = np.nan
    x[2, 5] = np.nan
    x[3, :] = np.inf if op is g.ArgMaxOp else -np.inf
    first, last = lower_and_compare(
        lambda a: [op(a, axis=1, select_last_index=s).result for s in (False, True)], x, shapes=[["n", "m"]]
    )
    assert (first[0], first[2], first[3]) == (2, 5, 0)
    assert (last[0], last[2], last[3]) == (4, 5, 5)
    lower_and_compare(lambda a: op(a, axis=0, keepdims=True), x, shapes=[["n", 6]])


# -- softmax / log_softmax ----------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS, ids=[str(np.dtype(d)) for d in FLOATS])
@pytest.mark.parametrize("op", [g.SoftmaxOp, g.LogSoftmaxOp])
def test_softmax(op: type, dtype: Any) -> None:
    x = (rand((2, 3, 5), np.float32) * 4).astype(dtype)
    lower_and_compare(lambda a: [op(a, axis=ax).result for ax in (-1, 0, 1)], x)


@pytest.mark.parametrize("op", [g.SoftmaxOp, g.LogSoftmaxOp])
def test_softmax_symbolic_and_infinities(op: type) -> None:
    x = rand((5, 7), np.float32) * 30
    x[1, 3] = np.inf
    x[2, :] = -np.inf
    x[3, 0] = np.nan
    lower_and_compare(lambda a: op(a), x, shapes=[["n", "m"]])
    lower_and_compare(lambda a: op(a, axis=0), x, shapes=[["n", 7]])


# -- cumsum -------------------------------------------------------------------------
CUMSUM_DTYPES = [np.float32, np.float64, np.float16, np.int32, np.int64]


@pytest.mark.parametrize("dtype", CUMSUM_DTYPES, ids=[str(np.dtype(d)) for d in CUMSUM_DTYPES])
def test_cumsum(dtype: Any) -> None:
    x = rand((3, 4, 5), dtype)
    variants = [(axis, e, r) for axis in (0, -1, 1) for e in (False, True) for r in (False, True)]
    lower_and_compare(lambda a: [g.CumSumOp(a, axis=ax, exclusive=e, reverse=r).result for ax, e, r in variants], x)


def test_cumsum_symbolic_wrap_and_empty() -> None:
    x = rand((6, 3), np.float32)
    flags = [(e, r) for e in (False, True) for r in (False, True)]
    lower_and_compare(lambda a: [g.CumSumOp(a, axis=0, exclusive=e, reverse=r).result for e, r in flags], x, shapes=[["n", 3]])
    got = lower_and_compare(lambda a: g.CumSumOp(a, axis=0), np.array([2**31 - 1, 1], np.int32))
    assert got[0][1] == -(2**31)
    lower_and_compare(lambda a: g.CumSumOp(a, axis=1, exclusive=True), np.zeros((2, 0), np.float32))


# -- normalizations -----------------------------------------------------------------
NORM_DTYPES = [np.float32, np.float64, np.float16, BF16]


@pytest.mark.parametrize("dtype", NORM_DTYPES, ids=[str(np.dtype(d)) for d in NORM_DTYPES])
@pytest.mark.parametrize("axis", [-1, 1, 0])
def test_layer_norm(dtype: Any, axis: int) -> None:
    x = (rand((2, 3, 4), np.float32) * 3 + 1).astype(dtype)
    norm = x.shape[axis % 3:]
    scale, bias = rand(norm, dtype), rand(norm, dtype)
    lower_and_compare(lambda a, s, b: g.LayerNormOp(a, s, b, axis=axis, epsilon=1e-3), x, scale, bias)


def test_layer_norm_symbolic() -> None:
    x = rand((5, 6), np.float32)
    s, b = rand((6,), np.float32), rand((6,), np.float32)
    lower_and_compare(lambda *a: g.LayerNormOp(*a), x, s, b, shapes=[["n", "d"], ["d"], ["d"]])
    lower_and_compare(lambda *a: g.LayerNormOp(*a), x, s, b, shapes=[["n", 6], [6], [6]])
    lower_and_compare(lambda *a: g.LayerNormOp(*a), np.zeros((0, 6), np.float32), s, b, shapes=[["n", 6], [6], [6]])


@pytest.mark.parametrize("dtype", NORM_DTYPES, ids=[str(np.dtype(d)) for d in NORM_DTYPES])
def test_batch_norm(dtype: Any) -> None:
    x = rand((2, 3, 4, 2), dtype)
    s, b, m = (rand((3,), dtype) for _ in range(3))
    v = np.abs(rand((3,), dtype)).astype(dtype)
    lower_and_compare(lambda *a: g.BatchNormOp(*a, epsilon=1e-3), x, s, b, m, v)
    nhwc = np.ascontiguousarray(np.moveaxis(x, 1, -1))
    lower_and_compare(lambda *a: g.BatchNormOp(*a, channel_axis=-1), nhwc, s, b, m, v)
    lower_and_compare(lambda *a: g.BatchNormOp(*a), x, s, b, m, v, shapes=[["n", "c", 4, "w"], ["c"], ["c"], ["c"], ["c"]])


@pytest.mark.parametrize("dtype", NORM_DTYPES, ids=[str(np.dtype(d)) for d in NORM_DTYPES])
@pytest.mark.parametrize("groups", [1, 2, 6])
def test_group_norm(dtype: Any, groups: int) -> None:
    x = (rand((2, 6, 3, 2), np.float32) * 2 + 1).astype(dtype)
    s, b = rand((6,), dtype), rand((6,), dtype)
    lower_and_compare(lambda *a: g.GroupNormOp(*a, num_groups=groups, epsilon=1e-4), x, s, b)


def test_group_norm_ranks_and_symbolic() -> None:
    s, b = rand((6,), np.float32), rand((6,), np.float32)
    x2 = rand((3, 6), np.float32)
    lower_and_compare(lambda *a: g.GroupNormOp(*a, num_groups=3), x2, s, b)
    x3 = rand((3, 6, 5), np.float32)
    lower_and_compare(lambda *a: g.GroupNormOp(*a, num_groups=2), x3, s, b, shapes=[["n", 6, "l"], [6], [6]])
    lower_and_compare(lambda *a: g.GroupNormOp(*a, num_groups=3), x3, s, b, shapes=[["n", "c", 5], ["c"], ["c"]])


@pytest.mark.parametrize("dtype", NORM_DTYPES, ids=[str(np.dtype(d)) for d in NORM_DTYPES])
def test_instance_norm(dtype: Any) -> None:
    s, b = rand((3,), dtype), rand((3,), dtype)
    lower_and_compare(lambda *a: g.InstanceNormOp(*a, epsilon=1e-4), rand((2, 3, 5), dtype), s, b)
    lower_and_compare(lambda *a: g.InstanceNormOp(*a), rand((2, 3, 4, 2), dtype), s, b)


def test_instance_norm_symbolic() -> None:
    s, b = rand((3,), np.float32), rand((3,), np.float32)
    x = rand((2, 3, 4, 5), np.float32)
    lower_and_compare(lambda *a: g.InstanceNormOp(*a), x, s, b, shapes=[["n", 3, "h", "w"], [3], [3]])


def test_unsigned_and_narrow_ints() -> None:
    """Unsigned identities (min starts at the all-ones value) are bitcast from signless constants."""
    x = RNG.integers(0, 256, size=(3, 5)).astype(np.uint8)
    ops = [g.ReduceSumOp, g.ReduceMaxOp, g.ReduceMinOp, g.ReduceProdOp]
    lower_and_compare(lambda a: [op(a, axes=[1]).result for op in ops], x)
    lower_and_compare(
        lambda a: [g.ArgMaxOp(a, axis=1).result, g.ArgMinOp(a, axis=0, select_last_index=True).result,
                   g.CumSumOp(a, axis=1, reverse=True).result],
        x,
    )
    y = RNG.integers(-128, 128, size=(4, 3)).astype(np.int8)
    lower_and_compare(lambda a: [op(a, axes=[0]).result for op in ops], y, shapes=[["n", 3]])
