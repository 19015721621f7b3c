"""The 'reduce' family: reductions, arg-reductions, softmax, cumsum, normalizations.

Each op's interpreter result is compared with numpy or torch (CPU); verifier
and run-time errors are asserted by message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import ml_dtypes
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from xdsl.ir import Block
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects import graph as g
from tensorforge.errors import InterpError
from tests.helpers import run_op, tensor

RNG = np.random.default_rng(0)
BF16 = np.dtype(ml_dtypes.bfloat16)
FLOATS = [np.float32, np.float64, np.float16, BF16]
INTS = [np.int32, np.int64]


def tol(dtype: Any) -> dict[str, float]:
    dt = np.dtype(dtype)
    if dt == np.float64:
        return {"rtol": 1e-10, "atol": 1e-12}
    if dt == np.float32:
        return {"rtol": 1e-5, "atol": 1e-6}
    if dt == BF16:
        return {"rtol": 2e-2, "atol": 2e-2}
    return {"rtol": 2e-3, "atol": 2e-3}


def rand(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    dt = np.dtype(dtype)
    if np.issubdtype(dt, np.integer):
        return RNG.integers(-50, 50, size=shape).astype(dt)
    return RNG.standard_normal(shape).astype(dt)


def close(got: np.ndarray, want: np.ndarray, dtype: Any) -> None:
    assert got.dtype == np.dtype(dtype)
    assert got.shape == want.shape
    np.testing.assert_allclose(got.astype(np.float64), np.asarray(want, np.float64), **tol(dtype))


def arg(shape: list[Any], dtype: Any = np.float32) -> Any:
    """A detached SSA value to build ops on (for verifier tests)."""
    return Block(arg_types=[tensor(shape, dtype)]).args[0]


def run1(make: Callable[..., Any], *arrays: np.ndarray, shapes: list[list[Any]] | None = None) -> np.ndarray:
    (out,) = run_op(make, *arrays, shapes=shapes)
    return out


# -- reductions ---------------------------------------------------------------------
def _np_l2(x: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))


REDUCTIONS: list[tuple[type, Callable[..., np.ndarray], list[Any]]] = [
    (g.ReduceSumOp, np.sum, FLOATS + INTS),
    (g.ReduceMeanOp, np.mean, FLOATS),
    (g.ReduceMaxOp, np.max, FLOATS + INTS),
    (g.ReduceMinOp, np.min, FLOATS + INTS),
    (g.ReduceProdOp, np.prod, FLOATS + INTS),
    (g.ReduceL2Op, _np_l2, FLOATS),
]
CASES = [(op, ref, dt) for op, ref, dts in REDUCTIONS for dt in dts]
AXES: list[list[int] | None] = [None, [], [1], [-1, 0], [0, 1, 2], [2, -2]]


def _axis_tuple(axes: list[int] | None) -> tuple[int, ...] | None:
    return tuple(axes) if axes else None


VARIANTS = [(axes, keep) for axes in AXES for keep in (False, True)]


@pytest.mark.parametrize(("op", "ref", "dtype"), CASES, ids=[f"{c[0].name}-{np.dtype(c[2])}" for c in CASES])
def test_reduction_matches_numpy(op: type, ref: Callable[..., np.ndarray], dtype: Any) -> None:
    x = rand((2, 3, 4), dtype)
    if op is g.ReduceProdOp and np.issubdtype(np.dtype(dtype), np.integer):
        x = (x % 5 - 2).astype(dtype)
    outs = run_op(lambda a: [op(a, axes=axes, keepdims=keep).result for axes, keep in VARIANTS], x)
    for got, (axes, keep) in zip(outs, VARIANTS, strict=True):
        if np.issubdtype(np.dtype(dtype), np.integer):
            want = ref(x, axis=_axis_tuple(axes), keepdims=keep)
            assert got.dtype == x.dtype
            np.testing.assert_array_equal(got, want.astype(x.dtype))
            continue
        want = ref(x.astype(np.float64), axis=_axis_tuple(axes), keepdims=keep)
        close(got, np.asarray(want), dtype)


@pytest.mark.parametrize(("op", "ref", "dtype"), [c for c in CASES if np.dtype(c[2]) in (np.float32, np.int64)])
def test_reduction_symbolic_dims(op: type, ref: Callable[..., np.ndarray], dtype: Any) -> None:
    x = rand((5, 3, 4), dtype)
    got = run1(lambda a: op(a, axes=[-1], keepdims=True), x, shapes=[["n", "m", 4]])
    want = ref(x.astype(np.float64) if op is g.ReduceMeanOp else x, axis=-1, keepdims=True)
    np.testing.assert_allclose(got, want.astype(dtype), rtol=1e-5)


def test_reduction_symbolic_inferred_types() -> None:
    x = arg(["n", 4, "m"])
    assert str(g.ReduceSumOp(x, axes=[0, -1]).result.type) == "!graph.tensor<[4], f32>"
    assert str(g.ReduceSumOp(x, axes=[2], keepdims=True).result.type) == "!graph.tensor<[n, 4, 1], f32>"
    assert str(g.ReduceMaxOp(x).result.type) == "!graph.tensor<[], f32>"
    assert str(g.ReduceMaxOp(x, keepdims=True).result.type) == "!graph.tensor<[1, 1, 1], f32>"


def test_integer_sum_and_prod_wrap() -> None:
    big = np.full(4, 2**30, np.int32)
    assert run1(lambda a: g.ReduceSumOp(a), big) == 0
    assert run1(lambda a: g.ReduceProdOp(a), np.array([65536, 65536], np.int32)) == 0
    assert run1(lambda a: g.ReduceSumOp(a), np.array([100, 100], np.int8)) == -56
    assert run1(lambda a: g.ReduceSumOp(a), np.array([200, 100], np.uint8)) == 44


def test_f16_sum_accumulates_in_f32() -> None:
    x = np.full(4096, 1.0, np.float16)  # an f16 accumulator would stop at 2048
    got = run1(lambda a: g.ReduceSumOp(a), x)
    assert got.dtype == np.float16 and got == 4096


def test_bool_max_min_are_any_all() -> None:
    x = np.array([[True, False], [False, False]])
    np.testing.assert_array_equal(run1(lambda a: g.ReduceMaxOp(a, axes=[1]), x), [True, False])
    np.testing.assert_array_equal(run1(lambda a: g.ReduceMinOp(a, axes=[0]), x), [False, False])


def test_max_propagates_nan() -> None:
    x = np.array([1.0, np.nan, 3.0], np.float32)
    assert np.isnan(run1(lambda a: g.ReduceMaxOp(a), x))


def test_empty_reductions() -> None:
    x = np.zeros((2, 0, 3), np.float32)
    np.testing.assert_array_equal(run1(lambda a: g.ReduceSumOp(a, axes=[1]), x), np.zeros((2, 3)))
    np.testing.assert_array_equal(run1(lambda a: g.ReduceProdOp(a, axes=[1]), x), np.ones((2, 3)))
    np.testing.assert_array_equal(run1(lambda a: g.ReduceL2Op(a, axes=[1]), x), np.zeros((2, 3)))
    assert np.isnan(run1(lambda a: g.ReduceMeanOp(a), x))
    assert run1(lambda a: g.ReduceSumOp(a), np.zeros((0,), np.int32)) == 0
    # reducing only non-empty axes of an empty tensor is fine
    assert run1(lambda a: g.ReduceMaxOp(a, axes=[2]), x).shape == (2, 0)


@pytest.mark.parametrize("op", [g.ReduceMaxOp, g.ReduceMinOp])
def test_max_min_of_empty_axis_is_runtime_error(op: type) -> None:
    x = np.zeros((2, 0, 3), np.float32)
    with pytest.raises(InterpError, match=rf"{op.name}: cannot reduce axis 1 of size 0 \(input shape \[2, 0, 3\]\)"):
        run1(lambda a: op(a, axes=[-2]), x, shapes=[[2, "n", 3]])


def test_reduce_scalar() -> None:
    x = np.array(3.5, np.float32)
    assert run1(lambda a: g.ReduceSumOp(a), x) == 3.5
    assert run1(lambda a: g.ReduceMaxOp(a, keepdims=True), x).shape == ()
    assert run1(lambda a: g.ReduceMinOp(a, axes=[0]), x) == 3.5


@given(
    shape=st.lists(st.integers(0, 3), min_size=1, max_size=4),
    data=st.data(),
    keep=st.booleans(),
)
def test_reduce_sum_shapes_property(shape: list[int], data: st.DataObject, keep: bool) -> None:
    rank = len(shape)
    axes = data.draw(st.lists(st.integers(-rank, rank - 1), max_size=rank, unique_by=lambda a: a % rank))
    x = rand(tuple(shape), np.float64)
    got = run1(lambda a: g.ReduceSumOp(a, axes=axes, keepdims=keep), x)
    want = np.sum(x, axis=tuple(axes) if axes else None, keepdims=keep)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


# -- argmax / argmin ----------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, BF16, np.int32, np.int64, np.bool_])
@pytest.mark.parametrize("op", [g.ArgMaxOp, g.ArgMinOp])
def test_arg_reduce(op: type, dtype: Any) -> None:
    x = (RNG.integers(0, 3, size=(3, 4, 5)) > 0) if dtype == np.bool_ else (RNG.integers(0, 4, size=(3, 4, 5)).astype(dtype))
    fn = np.argmax if op is g.ArgMaxOp else np.argmin
    variants = [(axis, keep, last) for axis in (0, 1, -1) for keep in (False, True) for last in (False, True)]
    outs = run_op(lambda a: [op(a, axis=ax, keepdims=k, select_last_index=s).result for ax, k, s in variants], x)
    for got, (axis, keep, last) in zip(outs, variants, strict=True):
        flipped = np.flip(x.astype(np.float64), axis)
        want = x.shape[axis] - 1 - fn(flipped, axis=axis) if last else fn(x.astype(np.float64), axis=axis)
        want = np.expand_dims(want, axis) if keep else want
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, want)


def test_arg_reduce_ties_and_torch() -> None:
    x = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0]], np.float32)
    np.testing.assert_array_equal(run1(lambda a: g.ArgMaxOp(a, axis=1), x), [1, 0])
    np.testing.assert_array_equal(run1(lambda a: g.ArgMaxOp(a, axis=1, select_last_index=True), x), [2, 3])
    np.testing.assert_array_equal(run1(lambda a: g.ArgMinOp(a, axis=-1, select_last_index=True), x), [3, 3])
    y = rand((4, 6), np.float32)
    np.testing.assert_array_equal(run1(lambda a: g.ArgMaxOp(a, axis=1), y), torch.argmax(torch.from_numpy(y), 1).numpy())


def test_arg_reduce_symbolic_and_empty() -> None:
    x = rand((3, 5), np.float32)
    got = run1(lambda a: g.ArgMinOp(a, axis=1, keepdims=True), x, shapes=[["n", "m"]])
    np.testing.assert_array_equal(got, np.argmin(x, axis=1)[:, None])
    assert str(g.ArgMaxOp(arg(["n", "m"]), axis=0).result.type) == "!graph.tensor<[m], i64>"
    assert run1(lambda a: g.ArgMaxOp(a, axis=1), np.zeros((0, 3), np.float32)).shape == (0,)
    with pytest.raises(InterpError, match=r"graph.argmax: cannot reduce axis 0 of size 0"):
        run1(lambda a: g.ArgMaxOp(a, axis=0), np.zeros((0, 3), np.float32))


# -- softmax ------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("op", [g.SoftmaxOp, g.LogSoftmaxOp])
def test_softmax_matches_torch(op: type, dtype: Any) -> None:
    x = rand((2, 3, 5), dtype)
    fn = torch.softmax if op is g.SoftmaxOp else torch.log_softmax
    axes = [-1, 0, 1, None]
    outs = run_op(lambda a: [(op(a) if ax is None else op(a, axis=ax)).result for ax in axes], x)
    for got, axis in zip(outs, axes, strict=True):
        want = fn(torch.from_numpy(x.astype(np.float64)), -1 if axis is None else axis).numpy()
        close(got, want, dtype)


@pytest.mark.parametrize("op", [g.SoftmaxOp, g.LogSoftmaxOp])
def test_softmax_is_stable_and_symbolic(op: type) -> None:
    x = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1e30, 0.0]], np.float32)
    got = run1(lambda a: op(a, axis=1), x, shapes=[["n", "m"]])
    fn = torch.softmax if op is g.SoftmaxOp else torch.log_softmax
    assert np.all(np.isfinite(got))
    close(got, fn(torch.from_numpy(x), 1).numpy(), np.float32)
    assert run1(lambda a: op(a, axis=0), np.zeros((0, 3), np.float32)).shape == (0, 3)


# -- cumsum -------------------------------------------------------------------------
def _onnx_cumsum(x: np.ndarray, axis: int, exclusive: bool, reverse: bool) -> np.ndarray:
    """Literal ONNX CumSum definition, element by element."""
    xm = np.moveaxis(x, axis, 0)
    n = xm.shape[0]
    out = np.zeros_like(xm)
    for i in range(n):
        lo, hi = (i, n) if reverse else (0, i + 1)
        if exclusive:
            lo, hi = (i + 1, n) if reverse else (0, i)
        out[i] = np.sum(xm[lo:hi], axis=0, dtype=x.dtype)
    return np.moveaxis(out, 0, axis)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int32, np.int64])
def test_cumsum_flags(dtype: Any) -> None:
    x = rand((3, 4, 2), dtype)
    variants = [(axis, e, r) for axis in (0, 1, -1) for e in (False, True) for r in (False, True)]
    outs = run_op(lambda a: [g.CumSumOp(a, axis=ax, exclusive=e, reverse=r).result for ax, e, r in variants], x)
    for got, (axis, e, r) in zip(outs, variants, strict=True):
        close(got, _onnx_cumsum(x, axis, e, r), dtype)


def test_cumsum_examples_wrap_symbolic_empty() -> None:
    x = np.array([1.0, 2.0, 3.0], np.float32)
    np.testing.assert_array_equal(run1(lambda a: g.CumSumOp(a, axis=0), x), [1, 3, 6])
    np.testing.assert_array_equal(run1(lambda a: g.CumSumOp(a, axis=0, exclusive=True), x), [0, 1, 3])
    np.testing.assert_array_equal(run1(lambda a: g.CumSumOp(a, axis=0, reverse=True), x), [6, 5, 3])
    np.testing.assert_array_equal(run1(lambda a: g.CumSumOp(a, axis=0, exclusive=True, reverse=True), x), [5, 3, 0])
    w = np.array([2**31 - 1, 1], np.int32)
    np.testing.assert_array_equal(run1(lambda a: g.CumSumOp(a, axis=0), w), [2**31 - 1, -(2**31)])
    y = rand((4, 3), np.float32)
    close(run1(lambda a: g.CumSumOp(a, axis=-2), y, shapes=[["n", 3]]), np.cumsum(y, 0), np.float32)
    assert run1(lambda a: g.CumSumOp(a, axis=1, exclusive=True), np.zeros((2, 0), np.float32)).shape == (2, 0)


# -- normalizations -----------------------------------------------------------------
def _t(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(a.astype(np.float64))


@pytest.mark.parametrize("dtype", FLOATS)
def test_layer_norm_matches_torch(dtype: Any) -> None:
    x = rand((2, 3, 4), dtype) * 3 + 1
    for axis in (-1, -2, 0, 2, 1):
        norm = x.shape[axis:]
        scale, bias = rand(norm, dtype), rand(norm, dtype)
        got = run1(lambda a, s, b, ax=axis: g.LayerNormOp(a, s, b, axis=ax, epsilon=1e-3), x, scale, bias)
        want = F.layer_norm(_t(x), norm, _t(scale), _t(bias), eps=1e-3).numpy()
        close(got, want, dtype)


def test_layer_norm_default_and_symbolic() -> None:
    x = rand((5, 6), np.float32)
    ones, zeros = np.ones(6, np.float32), np.zeros(6, np.float32)
    got = run1(lambda a, s, b: g.LayerNormOp(a, s, b), x, ones, zeros, shapes=[["n", "d"], ["d"], ["d"]])
    close(got, F.layer_norm(torch.from_numpy(x), (6,)).numpy(), np.float32)
    assert run1(lambda a, s, b: g.LayerNormOp(a, s, b), np.zeros((0, 6), np.float32), ones, zeros).shape == (0, 6)


def test_layer_norm_runtime_shape_mismatch() -> None:
    x, s = rand((2, 4), np.float32), np.ones(1, np.float32)
    with pytest.raises(InterpError, match=r"graph.layer_norm: scale has shape \[1\], expected \[4\]"):
        run1(lambda a, sc, b: g.LayerNormOp(a, sc, b), x, s, s, shapes=[[2, "n"], ["m"], ["m"]])


@pytest.mark.parametrize("dtype", FLOATS)
def test_batch_norm_matches_torch(dtype: Any) -> None:
    x = rand((2, 3, 4, 5), dtype)
    scale, bias, mean = rand((3,), dtype), rand((3,), dtype), rand((3,), dtype)
    var = (np.abs(rand((3,), np.float32)) + 0.5).astype(dtype)
    want = F.batch_norm(_t(x), _t(mean), _t(var), _t(scale), _t(bias), training=False, eps=1e-3).numpy()
    got = run1(lambda *a: g.BatchNormOp(*a, epsilon=1e-3), x, scale, bias, mean, var)
    close(got, want, dtype)
    nhwc = np.ascontiguousarray(np.moveaxis(x, 1, -1))
    got = run1(lambda *a: g.BatchNormOp(*a, epsilon=1e-3, channel_axis=-1), nhwc, scale, bias, mean, var)
    close(got, np.moveaxis(want, 1, -1), dtype)


def test_batch_norm_rank2_symbolic() -> None:
    x = rand((7, 3), np.float32)
    s, b, m, v = rand((3,), np.float32), rand((3,), np.float32), rand((3,), np.float32), np.ones(3, np.float32)
    got = run1(lambda *a: g.BatchNormOp(*a), x, s, b, m, v, shapes=[["n", "c"], ["c"], ["c"], ["c"], ["c"]])
    want = F.batch_norm(*(torch.from_numpy(a) for a in (x, m, v, s, b)), training=False).numpy()
    close(got, want, np.float32)
    with pytest.raises(InterpError, match=r"graph.batch_norm: var has shape \[2\], expected \[3\]"):
        run1(lambda *a: g.BatchNormOp(*a), x, s, b, m, v[:2], shapes=[["n", "c"], ["c"], ["c"], ["c"], ["d"]])


@pytest.mark.parametrize("dtype", FLOATS)
def test_group_norm_matches_torch(dtype: Any) -> None:
    x = rand((2, 6, 3, 2), dtype) * 2 + 1
    scale, bias = rand((6,), dtype), rand((6,), dtype)
    for groups in (1, 2, 3, 6):
        got = run1(lambda a, s, b, n=groups: g.GroupNormOp(a, s, b, num_groups=n), x, scale, bias)
        want = F.group_norm(_t(x), groups, _t(scale), _t(bias)).numpy()
        close(got, want, dtype)


def test_group_norm_rank2_and_symbolic_divisibility() -> None:
    x = rand((3, 4), np.float32)
    s, b = rand((4,), np.float32), rand((4,), np.float32)
    got = run1(lambda *a: g.GroupNormOp(*a, num_groups=2, epsilon=1e-4), x, s, b)
    close(got, F.group_norm(*(torch.from_numpy(a) for a in (x,)), 2, torch.from_numpy(s), torch.from_numpy(b), eps=1e-4).numpy(), np.float32)
    y = rand((2, 6, 3), np.float32)
    s6 = np.ones(6, np.float32)
    with pytest.raises(InterpError, match=r"graph.group_norm: channels \(6\) must be divisible by num_groups \(4\)"):
        run1(lambda *a: g.GroupNormOp(*a, num_groups=4), y, s6, s6, shapes=[["n", "c", 3], ["c"], ["c"]])


@pytest.mark.parametrize("dtype", FLOATS)
def test_instance_norm_matches_torch(dtype: Any) -> None:
    for shape in ((2, 3, 5), (2, 3, 4, 2), (1, 2, 1, 3, 2)):
        x = rand(shape, dtype) * 2 - 1
        scale, bias = rand((shape[1],), dtype), rand((shape[1],), dtype)
        got = run1(lambda a, s, b: g.InstanceNormOp(a, s, b, epsilon=1e-4), x, scale, bias)
        want = F.instance_norm(_t(x), weight=_t(scale), bias=_t(bias), eps=1e-4).numpy()
        close(got, want, dtype)


def test_instance_norm_symbolic() -> None:
    x = rand((2, 3, 6), np.float32)
    s, b = rand((3,), np.float32), rand((3,), np.float32)
    got = run1(lambda *a: g.InstanceNormOp(*a), x, s, b, shapes=[["n", 3, "l"], [3], [3]])
    want = F.instance_norm(torch.from_numpy(x), weight=torch.from_numpy(s), bias=torch.from_numpy(b)).numpy()
    close(got, want, np.float32)


# -- inferred shapes = interpreted shapes -------------------------------------------
def test_inferred_shapes_match_interpreter() -> None:
    env = {"n": 3, "m": 5}
    sym, real = ["n", 4, "m"], rand((3, 4, 5), np.float32)
    ops: list[Callable[..., Any]] = [
        lambda a: g.ReduceSumOp(a, axes=[1]),
        lambda a: g.ReduceMeanOp(a, axes=[-1, 0], keepdims=True),
        lambda a: g.ReduceMaxOp(a),
        lambda a: g.ReduceL2Op(a, axes=[]),
        lambda a: g.ArgMaxOp(a, axis=2),
        lambda a: g.ArgMinOp(a, axis=-2, keepdims=True),
        lambda a: g.SoftmaxOp(a, axis=0),
        lambda a: g.LogSoftmaxOp(a),
        lambda a: g.CumSumOp(a, axis=2, reverse=True),
    ]
    for make in ops:
        inferred = make(arg(sym)).result.type
        got = run1(make, real, shapes=[sym])
        assert got.shape == tuple(d.evaluate(env) for d in inferred.dims), str(inferred)


# -- verifier errors ----------------------------------------------------------------
def _ln(shape: list[Any], s: list[Any], b: list[Any], **kw: Any) -> Any:
    return g.LayerNormOp(arg(shape), arg(s), arg(b), **kw)


def _bn(c: list[Any], **kw: Any) -> Any:
    return g.BatchNormOp(arg([2, 3, 4]), arg(c), arg([3]), arg([3]), arg([3]), **kw)


VERIFY_ERRORS: list[tuple[Callable[[], Any], str]] = [
    (lambda: g.ReduceMeanOp(arg([3], np.int32)), "does not accept element type i32 (needs float types)"),
    (lambda: g.ReduceL2Op(arg([3], np.int64)), "does not accept element type i64 (needs float types)"),
    (lambda: g.ReduceSumOp(arg([3], np.bool_)), "does not accept element type i1 (needs arith types)"),
    (lambda: g.ReduceSumOp(arg([3, 4]), axes=[2]), "axis 2 is out of range for rank 2"),
    (lambda: g.ReduceSumOp(arg([3, 4]), axes=[-3]), "axis -3 is out of range for rank 2"),
    (lambda: g.ReduceSumOp(arg([3, 4]), axes=[1, -1]), "axes [1, -1] has repeated entries for rank 2"),
    (lambda: g.ArgMaxOp(arg([3, 4]), axis=2), "axis 2 is out of range for rank 2"),
    (lambda: g.ArgMinOp(arg([])), "input must have rank >= 1, got 0"),
    (lambda: g.SoftmaxOp(arg([3], np.int32)), "does not accept element type i32 (needs float types)"),
    (lambda: g.LogSoftmaxOp(arg(["n", 3]), axis=-3), "axis -3 is out of range for rank 2"),
    (lambda: g.CumSumOp(arg([3]), axis=1), "axis 1 is out of range for rank 1"),
    (lambda: g.CumSumOp(arg([3])), "missing property 'axis'"),
    (lambda: g.CumSumOp(arg([3], np.bool_), axis=0), "does not accept element type i1 (needs arith types)"),
    (lambda: _ln([2, 4], [4], [4], axis=2), "axis 2 is out of range for rank 2"),
    (lambda: _ln(["n", 4], [3], [4]), "scale has shape [3], expected [4] (the normalized shape)"),
    (lambda: _ln(["n", 3, 4], [4], [3, 4], axis=1), "scale has shape [4], expected [3, 4] (the normalized shape)"),
    (lambda: _ln(["n", 4], [4], [5]), "bias has shape [5], expected [4] (the normalized shape)"),
    (lambda: _ln([2, 4], [4], [4], epsilon=-1.0), "epsilon must be non-negative, got -1.0"),
    (lambda: g.LayerNormOp(arg([2, 4]), arg([4], np.float16), arg([4])), "operands must have the same element type, got f32, f16, f32"),
    (lambda: g.LayerNormOp(arg([2, 4], np.int32), arg([4], np.int32), arg([4], np.int32)), "does not accept element type i32"),
    (lambda: _bn([4]), "scale has shape [4], expected [3] (the channel dim of the input)"),
    (lambda: _bn([3], channel_axis=3), "channel_axis 3 is out of range for rank 3"),
    (lambda: g.BatchNormOp(*(arg([3]) for _ in range(5)), channel_axis=0), "input must have rank >= 2, got 1"),
    (lambda: g.GroupNormOp(arg([2, 6, 4]), arg([6]), arg([6]), num_groups=4), "channels (6) must be divisible by num_groups (4)"),
    (lambda: g.GroupNormOp(arg([2, 6, 4]), arg([6]), arg([6]), num_groups=0), "num_groups must be positive, got 0"),
    (lambda: g.GroupNormOp(arg([2, 6, 4]), arg([6, 1]), arg([6]), num_groups=3), "scale has shape [6, 1], expected [6]"),
    (lambda: g.InstanceNormOp(arg([2, 6]), arg([6]), arg([6])), "input must have rank >= 3, got 2"),
    (lambda: g.InstanceNormOp(arg([2, "c", 4]), arg(["c"]), arg(["c + 1"])), "bias has shape [c+1], expected [c] (the channel dim of the input)"),
]


@pytest.mark.parametrize(("make", "message"), VERIFY_ERRORS, ids=[m[:40] for _, m in VERIFY_ERRORS])
def test_verifier_errors(make: Callable[[], Any], message: str) -> None:
    with pytest.raises(VerifyException, match=re.escape(message)):
        make()


def test_symbolic_mismatch_is_accepted_at_verify_time() -> None:
    g.LayerNormOp(arg(["n", "d"]), arg(["e"]), arg(["d"]))
    g.LayerNormOp(arg(["n", 4]), arg([4]), arg(["n"]))
    g.GroupNormOp(arg(["n", "c", 4]), arg(["c"]), arg(["c"]), num_groups=3)
    g.GroupNormOp(arg(["n", "2*c", 4]), arg(["2*c"]), arg(["2*c"]), num_groups=2)
