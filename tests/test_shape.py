"""Tests of the shape-family graph ops: inference (static and symbolic),
verifier messages, and the interpreter against numpy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import f16, f32, i1, i32, i64
from xdsl.ir import Block, Operation, SSAValue
from xdsl.utils.exceptions import VerifyException

from tensorforge import interp
from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.shape_slice import HUGE, slice_len
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.symbolic import Expr
from tensorforge.errors import InterpError
from tests.helpers import build_func, run_op, tensor

INT64_MAX, INT64_MIN = 2**63 - 1, -(2**63)
BF16 = np.dtype(ml_dtypes.bfloat16)
ALL_DTYPES = [np.float32, np.float64, np.float16, BF16, np.bool_, np.uint8, np.int8, np.int32, np.int64]


def sample(shape: Sequence[int], dtype: Any = np.float32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt == np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    if np.issubdtype(dt, np.integer):
        info = np.iinfo(dt)
        return rng.integers(max(info.min, -100), min(info.max, 100), shape).astype(dt)
    out = rng.standard_normal(shape).astype(dt)
    if out.size >= 3:  # special values must be copied bit for bit
        out.flat[:3] = [np.nan, -0.0, np.inf]
    return out


def arg(shape: Sequence[Any], dtype: Any = np.float32) -> SSAValue:
    return Block(arg_types=[tensor(shape, dtype)]).args[0]


def result_type(op: Operation, i: int = 0) -> TensorType:
    t = op.results[i].type
    assert isinstance(t, TensorType)
    return t


def dims_str(op: Operation, i: int = 0) -> list[str]:
    return [str(d) for d in result_type(op, i).dims]


def canon(dims: Sequence[str]) -> list[str]:
    """Expected dims as the printer writes them (parsed, then printed)."""
    return [str(Expr.lift(d)) for d in dims]


def run1(make: Callable[..., Operation], *arrays: np.ndarray, shapes: Sequence[Sequence[Any]] | None = None) -> np.ndarray:
    (out,) = run_op(make, *arrays, shapes=shapes)
    return out


def same(got: np.ndarray, want: np.ndarray) -> None:
    """Bit-exact equality (NaN payloads and -0.0 included), same dtype and shape."""
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    bits = f"u{got.dtype.itemsize}"
    np.testing.assert_array_equal(np.ascontiguousarray(got).view(bits), np.ascontiguousarray(want).view(bits))


def fails(make: Callable[[], Operation], message: str) -> None:
    with pytest.raises(VerifyException) as info:
        make()
    assert message in str(info.value), str(info.value)


# -- reshape ----------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_reshape_dtypes(dtype: Any) -> None:
    x = sample((2, 3, 4), dtype)
    same(run1(lambda a: g.ReshapeOp(a, shape=[4, -1]), x), x.reshape(4, -1))


def test_reshape_symbolic_minus_one() -> None:
    op = g.ReshapeOp(arg(["n", 4, 8]), shape=[-1, 32])
    assert dims_str(op) == ["n", "32"]
    op = g.ReshapeOp(arg(["n", "m", 4]), shape=[0, -1])
    assert dims_str(op) == ["n", "m*4"]
    op = g.ReshapeOp(arg(["n", 6]), shape=[-1, 4])  # unprovable divisibility stays a floordiv
    assert dims_str(op) == canon(["(n*6) floordiv 4", "4"])
    x = sample((3, 4, 8))
    same(run1(lambda a: g.ReshapeOp(a, shape=[-1, 32]), x, shapes=[["n", 4, 8]]), x.reshape(-1, 32))


def test_reshape_symbolic_target_and_zero_copy() -> None:
    x = sample((2, 4, 8))
    op = g.ReshapeOp(arg(["n", 4, 8]), shape=["n", 32])
    assert dims_str(op) == ["n", "32"]
    same(run1(lambda a: g.ReshapeOp(a, shape=["n", 32]), x, shapes=[["n", 4, 8]]), x.reshape(2, 32))
    same(run1(lambda a: g.ReshapeOp(a, shape=[0, 0, 2, 4]), x), x.reshape(2, 4, 2, 4))
    same(run1(lambda a: g.ReshapeOp(a, shape=[0, -1]), x, shapes=[["n", "m", 8]]), x.reshape(2, 32))


def test_reshape_allowzero_and_empty() -> None:
    x = np.zeros((0, 3), np.float32)
    op = g.ReshapeOp(arg([0, 3]), shape=[3, 0], allowzero=True)
    assert dims_str(op) == ["3", "0"]
    same(run1(lambda a: g.ReshapeOp(a, shape=[3, 0], allowzero=True), x), x.reshape(3, 0))
    same(run1(lambda a: g.ReshapeOp(a, shape=[0, 3]), x), x.reshape(0, 3))
    y = sample((1,))
    same(run1(lambda a: g.ReshapeOp(a, shape=[]), y), y.reshape(()))


def test_reshape_errors() -> None:
    fails(lambda: g.ReshapeOp(arg([2, 3]), shape=[4, 2]), "cannot reshape [2, 3] (6 elements) into [4, 2] (8 elements)")
    fails(lambda: g.ReshapeOp(arg([2, 5]), shape=[-1, 3]), "cannot reshape [2, 5] (10 elements) into [-1, 3]: not a multiple of 3")
    fails(lambda: g.ReshapeOp(arg([2, 3]), shape=[-1, -1]), "shape [-1, -1] has more than one -1")
    fails(lambda: g.ReshapeOp(arg([2, 3]), shape=[-2, 3]), "shape [-2, 3] has a negative dim (only -1 is allowed)")
    fails(lambda: g.ReshapeOp(arg([6]), shape=[3, 0]), "shape dim 1 is 0 (copy the input dim), but the input has rank 1")
    fails(lambda: g.ReshapeOp(arg([0, 3]), shape=[0, -1], allowzero=True), "has both 0 and -1, which allowzero forbids")
    fails(lambda: g.ReshapeOp(arg([0, 3]), shape=[0, -1]), "cannot infer the -1 in [0, -1]: the other dims hold 0 elements")
    fails(lambda: g.ReshapeOp(arg(["n", 4]), shape=["n+1", 4]), "cannot reshape [n, 4] (n*4 elements) into [n+1, 4] (n*4+4 elements)")


def test_reshape_runtime_mismatch() -> None:
    with pytest.raises(InterpError, match=r"graph.reshape: cannot reshape \[3, 4\] into \[2, 5\]"):
        run_op(lambda a: g.ReshapeOp(a, shape=[2, "n+1"]), sample((3, 4)), shapes=[[3, "n"]])
    with pytest.raises(InterpError, match=r"graph.reshape: cannot reshape \[3, 4\] into \[-1, '\?'\]"):
        run_op(lambda a: g.ReshapeOp(a, shape=["n-5", -1]), sample((3, 4)), shapes=[[3, "n"]])


# -- transpose / broadcast_to ----------------------------------------------------
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_transpose_dtypes(dtype: Any) -> None:
    x = sample((2, 3, 4), dtype)
    same(run1(lambda a: g.TransposeOp(a, perm=[1, 2, 0]), x), x.transpose(1, 2, 0))


def test_transpose_default_negative_symbolic() -> None:
    x = sample((2, 3, 4))
    same(run1(g.TransposeOp, x), x.T)
    same(run1(lambda a: g.TransposeOp(a, perm=[-1, 0, 1]), x), np.transpose(x, (-1, 0, 1)))
    op = g.TransposeOp(arg(["n", "m", 4]), perm=[2, 0, 1])
    assert dims_str(op) == ["4", "n", "m"]
    same(run1(lambda a: g.TransposeOp(a, perm=[2, 0, 1]), x, shapes=[["n", "m", 4]]), x.transpose(2, 0, 1))
    same(run1(g.TransposeOp, np.zeros((0, 3), np.int32)), np.zeros((3, 0), np.int32))


def test_transpose_errors() -> None:
    fails(lambda: g.TransposeOp(arg([2, 3]), perm=[0]), "perm [0] has 1 entries, expected 2 (the input rank)")
    fails(lambda: g.TransposeOp(arg([2, 3]), perm=[0, 0]), "perm [0, 0] has repeated entries for rank 2")
    fails(lambda: g.TransposeOp(arg([2, 3]), perm=[0, 2]), "axis 2 in perm is out of range for rank 2")


def test_broadcast_to() -> None:
    x = sample((3, 1), np.int32)
    same(run1(lambda a: g.BroadcastToOp(a, shape=[2, 3, 4]), x), np.broadcast_to(x, (2, 3, 4)))
    same(run1(lambda a: g.BroadcastToOp(a, shape=[2, -1, 4]), x), np.broadcast_to(x, (2, 3, 4)))
    same(run1(lambda a: g.BroadcastToOp(a, shape=[3, 0]), x), np.zeros((3, 0), np.int32))
    op = g.BroadcastToOp(arg(["n", 1]), shape=[2, -1, "m"])
    assert dims_str(op) == ["2", "n", "m"]
    y = sample((4, 1), BF16)
    same(run1(lambda a: g.BroadcastToOp(a, shape=[-1, 5]), y, shapes=[["n", 1]]), np.broadcast_to(y, (4, 5)))


def test_broadcast_to_bidirectional() -> None:
    x = sample((3, 1))
    op = g.BroadcastToOp(arg([3, 1]), shape=[1, 4], bidirectional=True)
    assert dims_str(op) == ["3", "4"]
    same(run1(lambda a: g.BroadcastToOp(a, shape=[2, 1, 4], bidirectional=True), x), x * np.ones((2, 1, 4), np.float32))
    same(run1(lambda a: g.BroadcastToOp(a, shape=[1], bidirectional=True), x), x)


def test_broadcast_to_errors() -> None:
    fails(lambda: g.BroadcastToOp(arg([3, 4]), shape=[3, 5]), "cannot broadcast [3, 4] to [3, 5]: input dim 1 is 4, expected 1 or 5")
    fails(lambda: g.BroadcastToOp(arg([3, 4]), shape=[4]), "cannot broadcast [3, 4] to [4]: the target has lower rank")
    fails(lambda: g.BroadcastToOp(arg([3]), shape=[-1, 3]), "shape [-1, 3] has -1 at dim 0, where the input has no dim to keep")
    fails(lambda: g.BroadcastToOp(arg([3]), shape=[-2, 3]), "shape [-2, 3] has a negative dim")
    fails(lambda: g.BroadcastToOp(arg([3]), shape=[4], bidirectional=True), "do not broadcast: dim -1 is 3 vs 4")
    with pytest.raises(InterpError, match=r"graph.broadcast_to: cannot broadcast \[3\] to \[4\]"):
        run_op(lambda a: g.BroadcastToOp(a, shape=[4]), sample((3,)), shapes=[["n"]])


# -- squeeze / unsqueeze / flatten -----------------------------------------------
def test_squeeze() -> None:
    x = sample((1, 3, 1, 2), np.int64)
    same(run1(g.SqueezeOp, x), np.squeeze(x))
    same(run1(lambda a: g.SqueezeOp(a, axes=[-2]), x), np.squeeze(x, -2))
    assert dims_str(g.SqueezeOp(arg([1, "n", 1]))) == ["n"]
    same(run1(g.SqueezeOp, x, shapes=[[1, "n", 1, "m"]]), np.squeeze(x))
    same(run1(lambda a: g.SqueezeOp(a, axes=[0]), x, shapes=[["k", 3, 1, 2]]), np.squeeze(x, 0))
    same(run1(g.SqueezeOp, np.ones((1, 1), np.bool_)), np.ones((), np.bool_))


def test_squeeze_symbolic_dims_stay_without_axes() -> None:
    x = sample((1, 3))
    same(run1(g.SqueezeOp, x, shapes=[["n", 3]]), x)


def test_squeeze_errors() -> None:
    fails(lambda: g.SqueezeOp(arg([2, 3]), axes=[1]), "cannot squeeze axis 1 of size 3: it is not 1")
    fails(lambda: g.SqueezeOp(arg([]), axes=[0]), "axes [0] given for a rank-0 tensor")
    fails(lambda: g.SqueezeOp(arg([1, 1]), axes=[0, -2]), "axes [0, -2] has repeated entries for rank 2")
    with pytest.raises(InterpError, match=r"graph.squeeze: cannot squeeze axis 0 of size 2"):
        run_op(lambda a: g.SqueezeOp(a, axes=[0]), sample((2, 3)), shapes=[["n", 3]])


def test_unsqueeze() -> None:
    x = sample((2, 3), np.float16)
    same(run1(lambda a: g.UnsqueezeOp(a, axes=[0, 3]), x), np.expand_dims(x, (0, 3)))
    same(run1(lambda a: g.UnsqueezeOp(a, axes=[-1, 1]), x), np.expand_dims(x, (-1, 1)))
    assert dims_str(g.UnsqueezeOp(arg(["n"]), axes=[0, -1])) == ["1", "n", "1"]
    same(run1(lambda a: g.UnsqueezeOp(a, axes=[0]), np.float32(3.0) * np.ones((), np.float32)), np.ones((1,), np.float32) * 3)
    fails(lambda: g.UnsqueezeOp(arg([2]), axes=[2]), "axis 2 in axes is out of range for rank 2")
    fails(lambda: g.UnsqueezeOp(arg([2]), axes=[0, -3]), "axes [0, -3] has repeated entries for rank 3")


def test_flatten() -> None:
    x = sample((2, 3, 4), np.uint8)
    for axis in range(-3, 4):
        lead = int(np.prod(x.shape[: axis + 3 if axis < 0 else axis]))
        same(run1(lambda a, ax=axis: g.FlattenOp(a, axis=ax), x), x.reshape(lead, -1))
    assert dims_str(g.FlattenOp(arg(["n", "m", 4]))) == ["n", "m*4"]
    assert dims_str(g.FlattenOp(arg(["n", 3]), axis=0)) == ["1", "n*3"]
    fails(lambda: g.FlattenOp(arg([2, 3]), axis=3), "axis 3 is out of range [-2, 2] for rank 2")


# -- tile -------------------------------------------------------------------------
def test_tile() -> None:
    x = sample((2, 3), np.bool_)
    same(run1(lambda a: g.TileOp(a, repeats=[2, 3]), x), np.tile(x, (2, 3)))
    same(run1(lambda a: g.TileOp(a, repeats=[0, 1]), x), np.tile(x, (0, 1)))
    assert dims_str(g.TileOp(arg(["n", 3]), repeats=[2, 1])) == ["n*2", "3"]
    same(run1(lambda a: g.TileOp(a, repeats=[2, 1]), x, shapes=[["n", 3]]), np.tile(x, (2, 1)))
    fails(lambda: g.TileOp(arg([2, 3]), repeats=[2]), "repeats [2] has 1 entries, expected 2 (the input rank)")
    fails(lambda: g.TileOp(arg([2]), repeats=[-1]), "repeats [-1] has a negative entry")


# -- concat / split ---------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, BF16, np.bool_, np.int32, np.int64])
def test_concat_dtypes(dtype: Any) -> None:
    xs = [sample((2, 3), dtype, 1), sample((2, 1), dtype, 2), sample((2, 0), dtype)]
    same(run1(lambda *a: g.ConcatOp(list(a), axis=-1), *xs), np.concatenate(xs, axis=-1))


def test_concat_symbolic() -> None:
    op = g.ConcatOp([arg(["n", 4]), arg(["m", 4]), arg([2, "k"])], axis=0)
    assert dims_str(op) == ["n+m+2", "4"]
    xs = [sample((2, 4)), sample((3, 4))]
    same(run1(lambda *a: g.ConcatOp(list(a), axis=0), *xs, shapes=[["n", 4], ["m", 4]]), np.concatenate(xs))
    same(run1(lambda a: g.ConcatOp([a], axis=0), xs[0]), xs[0])


def test_concat_errors() -> None:
    fails(lambda: g.ConcatOp([arg([2, 3]), arg([3, 3])], axis=1), "operand #1 dim 0 is 3, expected 2")
    fails(lambda: g.ConcatOp([arg([2, 3]), arg([3])], axis=0), "operand #1 has rank 1, expected 2 (the rank of operand #0)")
    fails(lambda: g.ConcatOp([arg([2]), arg([2], np.int32)], axis=0), "operands must have the same element type, got f32, i32")
    fails(lambda: g.ConcatOp([arg([]), arg([])], axis=0), "cannot concatenate rank-0 tensors")
    fails(lambda: g.ConcatOp([arg([2])], axis=1), "axis 1 is out of range for rank 1")
    fails(lambda: g.ConcatOp([], axis=0), "needs at least one operand")
    with pytest.raises(InterpError, match="graph.concat: cannot concatenate shapes"):
        run_op(lambda *a: g.ConcatOp(list(a), axis=0), sample((2, 3)), sample((2, 4)), shapes=[[2, "n"], [2, "m"]])


def test_split_sizes_and_num_outputs() -> None:
    x = sample((7, 2), np.int8)
    outs = run_op(lambda a: g.SplitOp(a, sizes=[2, 5]).outputs, x)
    for got, want in zip(outs, np.split(x, [2]), strict=True):
        same(got, want)
    outs = run_op(lambda a: g.SplitOp(a, sizes=[3, -1, 0]).outputs, x)
    assert [o.shape[0] for o in outs] == [3, 4, 0]
    outs = run_op(lambda a: g.SplitOp(a, num_outputs=3).outputs, x)  # ONNX: 3, 3, 1
    assert [o.shape[0] for o in outs] == [3, 3, 1]
    same(np.concatenate(outs), x)
    outs = run_op(lambda a: g.SplitOp(a, axis=-1, num_outputs=2).outputs, x)
    same(outs[1], x[:, 1:])


def test_split_symbolic() -> None:
    ops = g.SplitOp(arg([2, "n*4"]), axis=1, num_outputs=4)
    assert [dims_str(ops, i) for i in range(4)] == [["2", "n"]] * 4
    op = g.SplitOp(arg(["n+m"]), sizes=["n", "m"])
    assert [dims_str(op, i) for i in range(2)] == [["n"], ["m"]]
    op = g.SplitOp(arg(["n"]), sizes=[2, -1])
    assert [dims_str(op, i) for i in range(2)] == [["2"], ["n-2"]]
    op = g.SplitOp(arg(["n"]), num_outputs=2)
    assert [dims_str(op, i) for i in range(2)] == [canon(["n ceildiv 2"]), canon(["n-(n ceildiv 2)"])]
    x = sample((5, 3))
    outs = run_op(lambda a: g.SplitOp(a, num_outputs=2).outputs, x, shapes=[["n", 3]])
    assert [o.shape[0] for o in outs] == [3, 2]
    outs = run_op(lambda a, b: [*g.SplitOp(g.ConcatOp([a, b], axis=0), sizes=["n", "m"]).outputs], x[:2], x[2:], shapes=[["n", 3], ["m", 3]])
    same(outs[0], x[:2])
    same(outs[1], x[2:])


def test_split_errors() -> None:
    fails(lambda: g.SplitOp(arg([6]), sizes=[2, 3]), "sizes [2, 3] sum to 5, but dim 0 is 6")
    fails(lambda: g.SplitOp(arg([6])), "needs exactly one of 'sizes' and 'num_outputs'")
    fails(lambda: g.SplitOp(arg([6]), sizes=[6], num_outputs=1), "needs exactly one of 'sizes' and 'num_outputs'")
    fails(lambda: g.SplitOp(arg([6]), sizes=[-1, -1]), "sizes [-1, -1] has more than one -1")
    fails(lambda: g.SplitOp(arg([6]), sizes=[-3, 9]), "sizes [-3, 9] has a negative entry (only one -1 is allowed)")
    fails(lambda: g.SplitOp(arg([6]), sizes=[4, 4, -1]), "sizes [4, 4, -1] need more than dim 0 (6)")
    fails(lambda: g.SplitOp(arg([6]), sizes=[]), "sizes must not be empty")
    fails(lambda: g.SplitOp(arg([5]), num_outputs=4), "cannot split dim 0 of size 5 into 4 parts of 2")
    fails(lambda: g.SplitOp(arg([5]), num_outputs=0), "num_outputs must be at least 1, got 0")
    fails(lambda: g.SplitOp(arg([]), num_outputs=1), "cannot split a rank-0 tensor")
    with pytest.raises(InterpError, match="graph.split: sizes \\[2, 2\\] sum to 4, but dim 0 is 5"):
        run_op(lambda a, b: [*g.SplitOp(a, sizes=[2, "k"]).outputs, b], sample((5, 2)), sample((2,)), shapes=[["n", 2], ["k"]])


# -- slice ------------------------------------------------------------------------
ENDPOINTS = [INT64_MIN, -HUGE, -7, -5, -3, -2, -1, 0, 1, 2, 3, 5, 7, HUGE, INT64_MAX]


@pytest.mark.parametrize("step", [-3, -2, -1, 1, 2, 3])
def test_slice_len_symbolic_is_exact(step: int) -> None:
    n = Expr.sym("n")
    for s in ENDPOINTS:
        for e in ENDPOINTS:
            expr = slice_len(n, s, e, step)
            for d in range(7):
                assert expr.evaluate({"n": d}) == len(range(d)[s:e:step]), (s, e, step, d, str(expr))


def test_slice_symbolic_forms() -> None:
    x = arg(["n"])
    forms = {
        (1, INT64_MAX, 1): "max(n-1, 0)",
        (0, INT64_MAX, 1): "n",
        (-3, INT64_MAX, 1): "min(n, 3)",
        (0, 4, 1): "min(n, 4)",
        (0, -1, 1): "max(n-1, 0)",
        (-1, INT64_MIN, -1): "n",
        (0, INT64_MAX, 2): "(n ceildiv 2)",
        (INT64_MIN, INT64_MAX, 1): "n",
    }
    for (s, e, k), want in forms.items():
        assert dims_str(g.SliceOp(x, starts=[s], ends=[e], steps=[k])) == canon([want])


def test_slice_against_numpy() -> None:
    x = sample((5, 6, 4), np.int32)
    cases = [
        dict(starts=[1, -4], ends=[4, INT64_MAX], axes=[0, 1]),
        dict(starts=[-1], ends=[INT64_MIN], axes=[2], steps=[-1]),
        dict(starts=[4, 0], ends=[0, 6], axes=[0, -1], steps=[-2, 3]),
        dict(starts=[10], ends=[20], axes=[1]),
        dict(starts=[-100], ends=[100], axes=[1], steps=[2]),
        dict(starts=[], ends=[]),
    ]
    for props in cases:
        index = [slice(None)] * 3
        axes = props.get("axes", range(len(props["starts"])))
        steps = props.get("steps", [1] * len(props["starts"]))
        for a, s, e, k in zip(axes, props["starts"], props["ends"], steps, strict=True):
            index[a] = slice(s, e, k)
        want = x[tuple(index)]
        same(run1(lambda a, p=props: g.SliceOp(a, **p), x), want)
        same(run1(lambda a, p=props: g.SliceOp(a, **p), x, shapes=[["n", "m", 4]]), want)


def test_slice_dtypes() -> None:
    for dtype in ALL_DTYPES:
        x = sample((4, 3), dtype)
        same(run1(lambda a: g.SliceOp(a, starts=[3], ends=[0], steps=[-2]), x), x[3:0:-2])


def test_slice_errors() -> None:
    fails(lambda: g.SliceOp(arg([4]), starts=[0], ends=[4], steps=[0]), "steps [0] contains 0")
    fails(lambda: g.SliceOp(arg([4]), starts=[0, 1], ends=[4]), "starts has 2 entries but ends has 1")
    fails(lambda: g.SliceOp(arg([4, 4]), starts=[0], ends=[4], axes=[0, 1]), "axes has 2 entries but starts has 1")
    fails(lambda: g.SliceOp(arg([4]), starts=[0], ends=[4], steps=[1, 1]), "steps has 2 entries but starts has 1")
    fails(lambda: g.SliceOp(arg([4]), starts=[0], ends=[4], axes=[1]), "axis 1 in axes is out of range for rank 1")
    fails(lambda: g.SliceOp(arg([4, 4]), starts=[0, 0], ends=[4, 4], axes=[1, -1]), "axes [1, -1] has repeated entries for rank 2")


# -- pad --------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["constant", "reflect", "edge", "wrap"])
def test_pad_modes(mode: str) -> None:
    x = sample((3, 4))
    same(run1(lambda a: g.PadOp(a, pads=[1, 2, 2, 0], mode=mode), x), np.pad(x, ((1, 2), (2, 0)), mode=mode))
    same(run1(lambda a: g.PadOp(a, pads=[4, 0, 0, 5], mode=mode), x, shapes=[["n", "m"]]), np.pad(x, ((4, 0), (0, 5)), mode=mode))


def test_pad_value_negative_axes_dtypes() -> None:
    x = sample((3, 4), np.int32)
    same(run1(lambda a: g.PadOp(a, pads=[1, 1], value=7, axes=[-1]), x), np.pad(x, ((0, 0), (1, 1)), constant_values=7))
    same(run1(lambda a: g.PadOp(a, pads=[-1, 2, 1, -3]), x), np.pad(x[1:, :1], ((0, 1), (2, 0))))
    same(run1(lambda a: g.PadOp(a, pads=[-1, 1, 1, -1], mode="reflect"), x), np.pad(x[1:, :3], ((0, 1), (1, 0)), mode="reflect"))
    assert dims_str(g.PadOp(arg(["n", 4]), pads=[1, -1, 2, -2])) == ["n+3", "1"]
    for dtype, value in [(BF16, 1.5), (np.bool_, 1.0), (np.uint8, 255), (np.float16, -2.0), (np.int64, -(2**40))]:
        y = sample((2, 2), dtype)
        same(run1(lambda a, v=value: g.PadOp(a, pads=[0, 1, 1, 0], value=v), y), np.pad(y, ((0, 1), (1, 0)), constant_values=np.asarray(value).astype(dtype)))


def test_pad_errors() -> None:
    fails(lambda: g.PadOp(arg([3, 4]), pads=[1, 1]), "pads has 2 entries, expected 4 (begin and end for 2 axes)")
    fails(lambda: g.PadOp(arg([3]), pads=[1, 1], mode="circular"), "mode must be one of constant, reflect, edge, wrap, got 'circular'")
    fails(lambda: g.PadOp(arg([3]), pads=[-2, -2]), "pads -2 and -2 crop axis 0 of size 3 below zero")
    fails(lambda: g.PadOp(arg([0]), pads=[1, 0], mode="edge"), "cannot pad axis 0 in 'edge' mode: it is empty")
    fails(lambda: g.PadOp(arg([3], np.int32), pads=[1, 0], value=1.5), "value 1.5 is not an integer, but the element type is i32")
    fails(lambda: g.PadOp(arg([3], np.uint8), pads=[1, 0], value=256), "value 256 is out of range [0, 255] of ui8")
    fails(lambda: g.PadOp(arg([3], np.bool_), pads=[1, 0], value=2), "value 2 is not a valid i1 value (0 or 1)")
    with pytest.raises(InterpError, match="graph.pad: pads -2 and 0 crop axis 0 of size 1 below zero"):
        run_op(lambda a: g.PadOp(a, pads=[-2, 0]), sample((1,)), shapes=[["n"]])


# -- iota / full / *_like ---------------------------------------------------------
def test_iota_ranges() -> None:
    cases = [(0, 5, 1, np.int64), (2, 11, 3, np.int32), (5, 0, -2, np.float32), (0.0, 1.0, 0.1, np.float64), (0.5, 3, 0.75, np.float16), (3, 3, 1, np.int64), (5, 0, 1, np.float32)]
    for start, limit, delta, dtype in cases:
        want = np.arange(start, limit, delta).astype(dtype)
        op = g.IotaOp(start=start, limit=limit, delta=delta, dtype=tensor([], dtype).element_type)
        assert dims_str(op) == [str(len(want))]
        module = build_func([], lambda op=op: op)
        (got,) = interp.run(module, "main")
        same(got, want)


def test_iota_shape_form_symbolic() -> None:
    x = sample((4,))
    out = run_op(lambda a: [a, g.IotaOp(shape=["n", 3], dimension=0, dtype=f32).result], x, shapes=[["n"]])[1]
    same(out, np.broadcast_to(np.arange(4, dtype=np.float32)[:, None], (4, 3)))
    out = run_op(lambda a: [a, g.IotaOp(shape=[2, "n"], dimension=-1, start=10, delta=2, dtype=i32).result], x, shapes=[["n"]])[1]
    same(out, np.broadcast_to(10 + 2 * np.arange(4, dtype=np.int32), (2, 4)))


def test_iota_errors() -> None:
    fails(lambda: g.IotaOp(limit=4, delta=0, dtype=f32), "delta must not be 0")
    fails(lambda: g.IotaOp(dtype=f32), "needs exactly one of 'limit' (a range) and 'shape'")
    fails(lambda: g.IotaOp(limit=3, shape=[3], dtype=f32), "needs exactly one of 'limit' (a range) and 'shape'")
    fails(lambda: g.IotaOp(limit=3, dimension=0, dtype=f32), "'dimension' needs 'shape'")
    fails(lambda: g.IotaOp(shape=[3], dimension=1, dtype=f32), "dimension 1 is out of range for rank 1")
    fails(lambda: g.IotaOp(shape=[], dtype=f32), "shape must have at least one dim")
    fails(lambda: g.IotaOp(shape=[-3], dtype=f32), "shape [-3] has a negative dim")
    fails(lambda: g.IotaOp(limit=float("inf"), dtype=f32), "cannot count the values from 0 to inf by 1")


def test_full() -> None:
    x = sample((3,))
    out = run_op(lambda a: [a, g.FullOp(shape=["n", 2], value=1.5, dtype=f16).result], x, shapes=[["n"]])[1]
    same(out, np.full((3, 2), 1.5, np.float16))
    for dtype, value, shape in [(np.int64, 2**62, [2]), (np.bool_, True, [2]), (np.uint8, 200, [2, 0, 1]), (BF16, -0.25, [])]:
        elt = tensor([], dtype).element_type
        (got,) = interp.run(build_func([], lambda e=elt, v=value, s=shape: g.FullOp(shape=s, value=v, dtype=e)), "main")
        same(got, np.full(shape, value, dtype))
    fails(lambda: g.FullOp(shape=[2], value=3.5, dtype=i32), "value 3.5 is not an integer, but the element type is i32")
    fails(lambda: g.FullOp(shape=[-1], value=0, dtype=i32), "shape [-1] has a negative dim")
    fails(lambda: g.FullOp(shape=[2], value=2**40, dtype=i32), "value 1099511627776 is out of range [-2147483648, 2147483647] of i32")
    with pytest.raises(InterpError, match="graph.full: cannot evaluate size 'k'"):
        run_op(lambda a: [a, g.FullOp(shape=["k"], value=0, dtype=f32).result], x, shapes=[["n"]])


def test_zeros_ones_like() -> None:
    for dtype in ALL_DTYPES:
        x = sample((2, 3), dtype)
        same(run1(g.ZerosLikeOp, x), np.zeros_like(x))
        same(run1(g.OnesLikeOp, x, shapes=[["n", 3]]), np.ones_like(x))
    x = sample((0, 2), np.float32)
    same(run1(lambda a: g.OnesLikeOp(a, dtype=i1), x), np.ones((0, 2), np.bool_))
    same(run1(lambda a: g.ZerosLikeOp(a, dtype=i64), x, shapes=[["n", 2]]), np.zeros((0, 2), np.int64))
    assert dims_str(g.OnesLikeOp(arg(["n", "m+1"]))) == ["n", "m+1"]


# -- every op copies every dtype exactly -----------------------------------------
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_every_layout_op_copies_every_dtype(dtype: Any) -> None:
    x = sample((2, 1, 3), dtype)

    def body(a: SSAValue) -> list[SSAValue]:
        ops = [
            g.BroadcastToOp(a, shape=[2, 2, 3]),
            g.SqueezeOp(a),
            g.UnsqueezeOp(a, axes=[-1]),
            g.FlattenOp(a, axis=2),
            g.TileOp(a, repeats=[1, 2, 1]),
            g.PadOp(a, pads=[0, 0, 1, 0, 0, 1], mode="reflect"),
            g.PadOp(a, pads=[1, 0, 0, 0, 0, 0]),
            g.ConcatOp([a, a], axis=1),
        ]
        split = g.SplitOp(a, sizes=[1, 2], axis=2)
        return [op.results[0] for op in ops] + list(split.outputs)

    outs = interp.run(build_func([tensor(["n", 1, 3], dtype)], body), "main", x)
    wants = [
        np.broadcast_to(x, (2, 2, 3)),
        np.squeeze(x, 1),
        x[..., None],
        x.reshape(2, 3),
        np.tile(x, (1, 2, 1)),
        np.pad(x, ((0, 0), (0, 0), (1, 1)), mode="reflect"),
        np.pad(x, ((1, 0), (0, 0), (0, 0))),
        np.concatenate([x, x], axis=1),
        x[..., :1],
        x[..., 1:],
    ]
    for got, want in zip(outs, wants, strict=True):
        same(got, want)


def test_zero_size_dims() -> None:
    x = np.zeros((0, 3), np.float32)
    same(run1(lambda a: g.TileOp(a, repeats=[4, 2]), x), np.tile(x, (4, 2)))
    same(run1(lambda a: g.SliceOp(a, starts=[1], ends=[2], axes=[1]), x, shapes=[["n", 3]]), x[:, 1:2])
    same(run1(lambda a: g.PadOp(a, pads=[1, 0, 0, 0], value=2.0), x), np.pad(x, ((1, 0), (0, 0)), constant_values=2.0))
    same(run1(lambda a: g.FlattenOp(a, axis=1), x, shapes=[["n", 3]]), x.reshape(0, 3))
    same(run1(lambda a: g.FlattenOp(a, axis=0), np.ones((), np.int32)), np.ones((1, 1), np.int32))
    outs = run_op(lambda a: g.SplitOp(a, num_outputs=2).outputs, x, shapes=[["n", 3]])
    assert [o.shape for o in outs] == [(0, 3), (0, 3)]


def test_reshape_unbound_target_symbol_is_inferred() -> None:
    x = sample((3, 8))
    op = g.ReshapeOp(arg(["n", 8]), shape=["k", 4])
    assert dims_str(op) == ["k", "4"]
    module = build_func([tensor(["n", 8], np.float32)], lambda a: g.ReshapeOp(a, shape=["k", 4]))
    (out,) = interp.run(module, "main", x)
    same(out, x.reshape(6, 4))


@settings(max_examples=40)
@given(shape=st.lists(st.integers(0, 6), min_size=1, max_size=3), data=st.data())
def test_slice_random_against_numpy(shape: list[int], data: st.DataObject) -> None:
    rank = len(shape)
    x = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    endpoint = st.sampled_from([*range(-8, 9), INT64_MIN, INT64_MAX, -HUGE, HUGE])
    axes = data.draw(st.permutations(range(rank)))[: data.draw(st.integers(1, rank))]
    props = {
        "starts": [data.draw(endpoint) for _ in axes],
        "ends": [data.draw(endpoint) for _ in axes],
        "axes": list(axes),
        "steps": [data.draw(st.sampled_from([-3, -2, -1, 1, 2, 3])) for _ in axes],
    }
    index = [slice(None)] * rank
    for a, start, end, step in zip(axes, props["starts"], props["ends"], props["steps"], strict=True):
        index[a] = slice(start, end, step)
    got = run1(lambda a: g.SliceOp(a, **props), x, shapes=[[f"d{i}" for i in range(rank)]])
    same(got, x[tuple(index)])


# -- inferred shapes match the interpreter ---------------------------------------
SHAPE_CASES: list[tuple[Callable[..., Any], list[tuple[int, ...]], list[list[Any]]]] = [
    (lambda a: g.ReshapeOp(a, shape=[0, -1]), [(3, 4, 2)], [["n", "m", 2]]),
    (lambda a: g.TransposeOp(a), [(2, 5)], [["n", "m"]]),
    (lambda a: g.BroadcastToOp(a, shape=[3, -1, 4]), [(2, 1)], [["n", 1]]),
    (lambda a: g.UnsqueezeOp(a, axes=[1]), [(2, 5)], [["n", "m"]]),
    (lambda a: g.FlattenOp(a, axis=-1), [(2, 5, 3)], [["n", "m", 3]]),
    (lambda a: g.TileOp(a, repeats=[3, 1]), [(2, 5)], [["n", "m"]]),
    (lambda a, b: g.ConcatOp([a, b], axis=1), [(2, 5), (2, 3)], [["n", "m"], ["n", "k"]]),
    (lambda a: g.SplitOp(a, num_outputs=3, axis=1).outputs, [(2, 8)], [["n", "m"]]),
    (lambda a: g.SliceOp(a, starts=[-2, 1], ends=[INT64_MIN, 7], steps=[-1, 2]), [(3, 9)], [["n", "m"]]),
    (lambda a: g.SliceOp(a, starts=[1, -8], ends=[-1, -2]), [(3, 9)], [["n", "m"]]),
    (lambda a: g.PadOp(a, pads=[2, -1, 0, 3], mode="edge"), [(3, 4)], [["n", "m"]]),
    (lambda a: [a, g.IotaOp(shape=["n", "m*2"], dimension=1, dtype=f32).result], [(3, 4)], [["n", "m"]]),
]


@pytest.mark.parametrize("case", range(len(SHAPE_CASES)))
def test_inferred_shapes_match_interpreter(case: int) -> None:
    make, shapes, sym = SHAPE_CASES[case]
    arrays = [sample(s) for s in shapes]
    module = build_func([tensor(s, np.float32) for s in sym], make)
    outs = interp.run(module, "main", *arrays)
    env: dict[str, int] = {}
    for dims, s in zip(sym, shapes, strict=True):
        env.update({d: v for d, v in zip(dims, s, strict=True) if isinstance(d, str)})
    func = module.body.block.first_op
    assert isinstance(func, g.FuncOp)
    for t, out in zip(func.function_type.outputs.data, outs, strict=True):
        assert isinstance(t, TensorType)
        assert tuple(d.evaluate(env) for d in t.dims) == out.shape, (str(t), out.shape)
