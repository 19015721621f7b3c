"""Tests of the indexing ops against numpy, torch and onnx.reference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ml_dtypes
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from onnx import helper
from onnx.reference import ReferenceEvaluator
from xdsl.dialects.builtin import Float16Type, IntegerType, f32, f64, i32
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.symbolic import Expr
from tensorforge.errors import InterpError
from tests.helpers import build_func, run_op, tensor

rng = np.random.default_rng(0)
FLOATS = [np.float32, np.float64, np.float16]
ALL = [*FLOATS, np.int32, np.int64]


def rand(shape: tuple[int, ...], dtype: Any = np.float32) -> np.ndarray:
    if np.issubdtype(dtype, np.integer):
        return rng.integers(-50, 50, shape).astype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    return rng.standard_normal(shape).astype(dtype)


def onnx_run(op_type: str, inputs: dict[str, np.ndarray | None], n_out: int = 1, **attrs: Any) -> list[np.ndarray]:
    """One ONNX node on the reference evaluator; None inputs are left out."""
    names = [k if v is not None else "" for k, v in inputs.items()]
    node = helper.make_node(op_type, names, [f"y{i}" for i in range(n_out)], **attrs)
    feeds = {k: v for k, v in inputs.items() if v is not None}
    return list(ReferenceEvaluator(node).run(None, feeds))


def fails(make: Callable[..., Any], *types: TensorType, match: str) -> None:
    with pytest.raises(VerifyException, match=match):
        build_func(list(types), make)


def t(shape: list[Any], dtype: Any = np.float32) -> TensorType:
    return tensor(shape, dtype)


def _out_type(module: Any, index: int | slice = 0) -> Any:
    """The declared (inferred) type of result `index` of the module's function."""
    return module.body.block.first_op.function_type.outputs.data[index]


# -- gather -------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [*ALL, np.bool_])
@pytest.mark.parametrize(("axis", "idx_dtype"), [(0, np.int32), (1, np.int64), (-1, np.int32)])
def test_gather_matches_numpy_take(dtype: Any, axis: int, idx_dtype: Any) -> None:
    x = rand((3, 4, 5), dtype)
    size = x.shape[axis]
    idx = np.array([[0, size - 1, -1], [-size, 1, 2]], idx_dtype)
    (r,) = run_op(lambda a, b: g.GatherOp(a, b, axis=axis), x, idx)
    assert r.dtype == x.dtype
    np.testing.assert_array_equal(r, np.take(x, idx, axis=axis))


def test_gather_scalar_empty_and_symbolic() -> None:
    x = rand((4, 3))
    (r,) = run_op(lambda a, b: g.GatherOp(a, b), x, np.array(-1, np.int64))
    np.testing.assert_array_equal(r, x[-1])
    (r,) = run_op(lambda a, b: g.GatherOp(a, b, axis=1), x, np.zeros((0, 2), np.int32))
    assert r.shape == (4, 0, 2)
    (r,) = run_op(lambda a, b: g.GatherOp(a, b, axis=1), np.zeros((0, 3), np.float32), np.array([2], np.int64))
    assert r.shape == (0, 1)
    idx = np.array([3, 0, 1], np.int64)
    (r,) = run_op(lambda a, b: g.GatherOp(a, b), x, idx, shapes=[["n", 3], ["m"]])
    np.testing.assert_array_equal(r, x[idx])
    module = build_func([t(["n", 3]), t(["m", 2], np.int32)], lambda a, b: g.GatherOp(a, b, axis=0))
    assert _out_type(module) == t(["m", 2, 3])


@pytest.mark.parametrize("bad", [4, -5])
def test_gather_out_of_range(bad: int) -> None:
    with pytest.raises(InterpError, match=f"graph.gather: index {bad} is out of range for axis 0 of size 4"):
        run_op(lambda a, b: g.GatherOp(a, b), rand((4, 2)), np.array([0, bad], np.int64))


def test_gather_verify_errors() -> None:
    fails(lambda a, b: g.GatherOp(a, b), t([3]), t([2]), match="indices must have element type i32 or i64, got f32")
    fails(lambda a, b: g.GatherOp(a, b), t([3]), t([2], np.int16), match="indices must have element type i32 or i64, got i16")
    fails(lambda a, b: g.GatherOp(a, b), t([]), t([2], np.int64), match=r"input must have rank >= 1, got 0")
    fails(lambda a, b: g.GatherOp(a, b, axis=2), t([3, 4]), t([2], np.int64), match="axis 2 is out of range for rank 2")


# -- gather_elements ----------------------------------------------------------------
@pytest.mark.parametrize("dtype", ALL)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_gather_elements_matches_torch(dtype: Any, axis: int) -> None:
    x = rand((4, 5, 3), dtype)
    ax = axis % 3
    idx_shape = [3, 4, 2]
    idx_shape[ax] = 6
    idx = rng.integers(0, x.shape[ax], idx_shape).astype(np.int64)
    (r,) = run_op(lambda a, b: g.GatherElementsOp(a, b, axis=axis), x, idx)
    want = torch.gather(torch.from_numpy(x.astype(np.float64)), axis, torch.from_numpy(idx)).numpy().astype(dtype)
    np.testing.assert_array_equal(r, want)
    neg = (idx - x.shape[ax]).astype(np.int32)
    (r2,) = run_op(lambda a, b: g.GatherElementsOp(a, b, axis=axis), x, neg)
    np.testing.assert_array_equal(r2, r)


def test_gather_elements_matches_onnx_and_symbolic() -> None:
    x = rand((3, 4))
    idx = rng.integers(-3, 3, (5, 4)).astype(np.int64)
    (r,) = run_op(lambda a, b: g.GatherElementsOp(a, b), x, idx, shapes=[["n", 4], ["m", 4]])
    (want,) = onnx_run("GatherElements", {"x": x, "i": idx}, axis=0)
    np.testing.assert_array_equal(r, want)


def test_gather_elements_errors() -> None:
    fails(lambda a, b: g.GatherElementsOp(a, b), t([3, 4]), t([3], np.int64), match="indices must have the input's rank 2, got 1")
    fails(lambda a, b: g.GatherElementsOp(a, b), t([3, 4]), t([2, 5], np.int64), match="indices dim 1 exceeds input dim 1: 5 is larger than 4")
    with pytest.raises(InterpError, match="graph.gather_elements: indices dim 1 is 5, larger than input dim 1 \\(4\\)"):
        run_op(lambda a, b: g.GatherElementsOp(a, b), rand((3, 4)), np.zeros((2, 5), np.int64), shapes=[[3, "n"], [2, "m"]])
    with pytest.raises(InterpError, match="index 3 is out of range for axis 0 of size 3"):
        run_op(lambda a, b: g.GatherElementsOp(a, b), rand((3, 4)), np.full((1, 4), 3, np.int64))


# -- gather_nd ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("x_shape", "idx_shape", "batch_dims"),
    [((4, 5, 6), (3, 1), 0), ((4, 5, 6), (2, 3, 2), 0), ((4, 5, 6), (3, 3), 0), ((2, 5, 6), (2, 3, 1), 1), ((2, 3, 5, 6), (2, 3, 4, 2), 2)],
)
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_gather_nd_matches_onnx(x_shape: tuple[int, ...], idx_shape: tuple[int, ...], batch_dims: int, dtype: Any) -> None:
    x = rand(x_shape, dtype)
    k = idx_shape[-1]
    hi = np.array(x_shape[batch_dims : batch_dims + k])
    idx = (rng.integers(0, 1 << 20, idx_shape) % hi - rng.integers(0, 2, idx_shape) * hi).astype(np.int64)
    (r,) = run_op(lambda a, b: g.GatherNDOp(a, b, batch_dims=batch_dims), x, idx)
    (want,) = onnx_run("GatherND", {"x": x, "i": idx}, batch_dims=batch_dims)
    np.testing.assert_array_equal(r, want)


def test_gather_nd_symbolic_and_errors() -> None:
    module = build_func([t(["b", "n", 6]), t(["b", "m", 1], np.int32)], lambda a, b: g.GatherNDOp(a, b, batch_dims=1))
    assert _out_type(module) == t(["b", "m", 6])
    x, idx = rand((2, 5, 6)), np.array([[[1], [4]], [[0], [-1]]], np.int32)
    (r,) = run_op(lambda a, b: g.GatherNDOp(a, b, batch_dims=1), x, idx, shapes=[["b", "n", 6], ["b", "m", 1]])
    np.testing.assert_array_equal(r, np.stack([x[0][[1, 4]], x[1][[0, -1]]]))
    fails(lambda a, b: g.GatherNDOp(a, b), t([3, 4]), t([2, "k"], np.int64), match="the last dim of indices must be static, got k")
    fails(lambda a, b: g.GatherNDOp(a, b), t([3, 4]), t([2, 3], np.int64), match=r"the last dim of indices is 3, expected 1 to 2 \(input rank 2 - batch_dims 0\)")
    fails(lambda a, b: g.GatherNDOp(a, b, batch_dims=2), t([3, 4]), t([3, 4, 1], np.int64), match=r"batch_dims 2 must be in \[0, 2\)")
    fails(lambda a, b: g.GatherNDOp(a, b, batch_dims=1), t([3, 4]), t([2, 1], np.int64), match="batch dim 0 of indices and input differ: 2 vs 3")
    with pytest.raises(InterpError, match="graph.gather_nd: index 5 is out of range for dim 1 of size 5"):
        run_op(lambda a, b: g.GatherNDOp(a, b), rand((4, 5)), np.array([[0, 5]], np.int64))


# -- scatter_elements ---------------------------------------------------------------
def _unique_rows(n: int, count: int, cols: int) -> np.ndarray:
    return np.stack([rng.permutation(n)[:count] for _ in range(cols)], axis=1)


@pytest.mark.parametrize("reduction", ["none", "add", "mul", "max", "min"])
@pytest.mark.parametrize("axis", [0, -1])
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_scatter_elements_matches_onnx(reduction: str, axis: int, dtype: Any) -> None:
    x = rand((5, 4), dtype)
    if axis == 0:
        idx = _unique_rows(5, 3, 4) if reduction == "none" else rng.integers(-5, 5, (6, 4))
    else:
        idx = _unique_rows(4, 3, 5).T if reduction == "none" else rng.integers(-4, 4, (5, 6))
    idx = np.ascontiguousarray(idx).astype(np.int64)
    upd = rand(idx.shape, dtype)
    (r,) = run_op(lambda a, b, c: g.ScatterElementsOp(a, b, c, axis=axis, reduction=reduction), x, idx, upd)
    (want,) = onnx_run("ScatterElements", {"x": x, "i": idx, "u": upd}, axis=axis, reduction=reduction)
    assert r.dtype == x.dtype
    np.testing.assert_allclose(r, want, rtol=1e-6)


@pytest.mark.parametrize(("reduction", "torch_reduce"), [("add", "sum"), ("mul", "prod"), ("max", "amax"), ("min", "amin")])
def test_scatter_elements_matches_torch_scatter_reduce(reduction: str, torch_reduce: str) -> None:
    x = rand((4, 6))
    idx = rng.integers(0, 6, (3, 8)).astype(np.int64)
    upd = rand((3, 8))
    (r,) = run_op(lambda a, b, c: g.ScatterElementsOp(a, b, c, axis=1, reduction=reduction), x, idx, upd)
    want = torch.from_numpy(x).scatter_reduce(1, torch.from_numpy(idx), torch.from_numpy(upd), torch_reduce, include_self=True)
    np.testing.assert_allclose(r, want.numpy(), rtol=1e-5, atol=1e-6)


def test_scatter_elements_last_update_wins_and_symbolic() -> None:
    x = np.zeros((3, 2), np.float32)
    idx = np.array([[1, 0], [1, 0], [-2, 2]], np.int32)
    upd = np.arange(6, dtype=np.float32).reshape(3, 2)
    (r,) = run_op(lambda a, b, c: g.ScatterElementsOp(a, b, c), x, idx, upd, shapes=[["n", 2], ["m", 2], ["m", 2]])
    np.testing.assert_array_equal(r, [[0, 3], [4, 0], [0, 5]])
    (r,) = run_op(lambda a, b, c: g.ScatterElementsOp(a, b, c), x, np.zeros((0, 2), np.int64), np.zeros((0, 2), np.float32))
    np.testing.assert_array_equal(r, x)


def test_scatter_elements_errors() -> None:
    i64 = np.int64
    make = g.ScatterElementsOp
    fails(lambda a, b, c: make(a, b, c, reduction="sum"), t([3]), t([2], i64), t([2]), match="reduction must be one of none, add, mul, max, min, got 'sum'")
    fails(lambda a, b, c: make(a, b, c, reduction="add"), t([3], np.bool_), t([2], i64), t([2], np.bool_), match="reduction 'add' needs a numeric element type, got i1")
    fails(lambda a, b, c: make(a, b, c), t([3]), t([2], i64), t([2], np.float64), match="updates must have the input's element type f32, got f64")
    fails(lambda a, b, c: make(a, b, c), t([3, 2]), t([2], i64), t([2]), match="indices and updates must have the input's rank 2, got 1 and 1")
    fails(lambda a, b, c: make(a, b, c), t([3, 2]), t([2, 2], i64), t([3, 2]), match="indices and updates differ in dim 0: 2 vs 3")
    fails(lambda a, b, c: make(a, b, c), t([3, 2]), t([2, 3], i64), t([2, 3]), match="indices dim 1 exceeds input dim 1: 3 is larger than 2")
    with pytest.raises(InterpError, match="graph.scatter_elements: index -4 is out of range for axis 0 of size 3"):
        run_op(lambda a, b, c: make(a, b, c), rand((3,)), np.array([-4], i64), rand((1,)))


# -- scatter_nd ---------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["none", "add", "mul", "max", "min"])
@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("dtype", [np.float64, np.int32])
def test_scatter_nd_matches_onnx(reduction: str, k: int, dtype: Any) -> None:
    x = rand((4, 3, 5), dtype)
    n = 3 if reduction == "none" else 7
    flat = rng.permutation(int(np.prod(x.shape[:k])))[:n] if reduction == "none" else rng.integers(0, int(np.prod(x.shape[:k])), n)
    idx = np.stack(np.unravel_index(flat, x.shape[:k]), axis=-1).reshape(n, k).astype(np.int64)
    upd = rand((n, *x.shape[k:]), dtype)
    (r,) = run_op(lambda a, b, c: g.ScatterNDOp(a, b, c, reduction=reduction), x, idx, upd)
    (want,) = onnx_run("ScatterND", {"x": x, "i": idx, "u": upd}, reduction=reduction)
    np.testing.assert_allclose(r, want, rtol=1e-6)


def test_scatter_nd_negative_symbolic_and_errors() -> None:
    x = np.zeros((3, 4), np.float32)
    idx = np.array([[[-1], [0]]], np.int32)
    upd = np.ones((1, 2, 4), np.float32)
    (r,) = run_op(lambda a, b, c: g.ScatterNDOp(a, b, c), x, idx, upd, shapes=[["n", "d"], [1, "m", 1], [1, "m", "d"]])
    np.testing.assert_array_equal(r[[0, 2]], 1)
    np.testing.assert_array_equal(r[1], 0)
    make, i64 = g.ScatterNDOp, np.int64
    fails(lambda a, b, c: make(a, b, c), t([3, 4]), t([2, 3], i64), t([2]), match=r"the last dim of indices is 3, expected 1 to 2 \(the input rank\)")
    fails(lambda a, b, c: make(a, b, c), t([3, 4]), t([2, 1], i64), t([2]), match=r"updates must have rank 2 \(indices.shape\[:-1\] \+ input.shape\[1:\]\), got 1")
    fails(lambda a, b, c: make(a, b, c), t([3, 4]), t([2, 1], i64), t([2, 5]), match=r"updates dim 1 must match indices.shape\[:-1\] \+ input.shape\[1:\]: 5 vs 4")
    fails(lambda a, b, c: make(a, b, c), t([3, 4]), t([2, "k"], i64), t([2, 4]), match="the last dim of indices must be static, got k")
    with pytest.raises(InterpError, match="graph.scatter_nd: index 3 is out of range for dim 0 of size 3"):
        run_op(lambda a, b, c: make(a, b, c), x, np.array([[3]], i64), np.ones((1, 4), np.float32))


# -- embedding ----------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [*FLOATS, np.int32])
@pytest.mark.parametrize("idx_shape", [(2, 3), (), (0,), (5,)])
def test_embedding_matches_torch(dtype: Any, idx_shape: tuple[int, ...]) -> None:
    w = rand((7, 4), dtype)
    idx = rng.integers(0, 7, idx_shape).astype(np.int64)
    (r,) = run_op(g.EmbeddingOp, w, idx)
    want = F.embedding(torch.from_numpy(idx), torch.from_numpy(w.astype(np.float64))).numpy().astype(dtype)
    assert r.dtype == w.dtype and r.shape == (*idx_shape, 4)
    np.testing.assert_array_equal(r, want)


def test_embedding_symbolic_and_errors() -> None:
    w = rand((7, 4))
    idx = np.array([[6, 0]], np.int32)
    (r,) = run_op(g.EmbeddingOp, w, idx, shapes=[["v", "d"], ["b", "s"]])
    np.testing.assert_array_equal(r, w[idx])
    for bad in (7, -1):
        with pytest.raises(InterpError, match=f"graph.embedding: index {bad} is out of range for a table of 7 rows"):
            run_op(g.EmbeddingOp, w, np.array([0, bad], np.int64))
    fails(g.EmbeddingOp, t([7, 4, 2]), t([3], np.int64), match=r"weight must have rank 2, got 3")
    fails(g.EmbeddingOp, t([7, 4]), t([3]), match="indices must have element type i32 or i64, got f32")


# -- one_hot ------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [-1, 0, 1, -3])
@pytest.mark.parametrize(("dtype", "elt"), [(np.float32, f32), (np.int32, i32), (np.float16, Float16Type()), (np.bool_, IntegerType(1))])
def test_one_hot_matches_onnx(axis: int, dtype: Any, elt: Any) -> None:
    depth = 5
    idx = np.array([[0, 4, -1], [-5, 7, -6]], np.int64)
    on, off = (1.0, 0.0) if dtype == np.bool_ else (3.0, -2.0)
    (r,) = run_op(lambda a: g.OneHotOp(a, depth=depth, axis=axis, dtype=elt, on_value=on, off_value=off), idx)
    (want,) = onnx_run("OneHot", {"i": idx, "d": np.array(depth, np.int64), "v": np.array([off, on], np.float32)}, axis=axis)
    assert r.dtype == dtype
    np.testing.assert_array_equal(r, want.astype(dtype))


def test_one_hot_defaults_symbolic_and_errors() -> None:
    idx = np.array([2, 0], np.int32)
    (r,) = run_op(lambda a: g.OneHotOp(a, depth=3), idx, shapes=[["n"]])
    assert r.dtype == np.float32
    np.testing.assert_array_equal(r, np.eye(3, dtype=np.float32)[idx])
    fails(lambda a: g.OneHotOp(a, depth=0), t([2], np.int64), match="depth must be positive, got 0")
    fails(lambda a: g.OneHotOp(a, depth=3, axis=2), t([2], np.int64), match="axis 2 is out of range for rank 2")
    fails(lambda a: g.OneHotOp(a, depth=3), t([2]), match="indices must have an integer element type, got f32")
    fails(lambda a: g.OneHotOp(a, depth=3, dtype=i32, on_value=1.5), t([2], np.int64), match="on_value 1.5 must be an integer for element type i32")
    fails(lambda a: g.OneHotOp(a, depth=3, dtype=IntegerType(1), off_value=2.0), t([2], np.int64), match="off_value 2.0 must be 0 or 1 for element type i1")


# -- resize -------------------------------------------------------------------------
def _resize(x: np.ndarray, **props: Any) -> np.ndarray:
    (r,) = run_op(lambda a: g.ResizeOp(a, **props), x)
    assert r.dtype == x.dtype
    return r


@pytest.mark.parametrize("out_hw", [(8, 10), (3, 2), (5, 7), (1, 1)])
@pytest.mark.parametrize(
    ("torch_mode", "props"),
    [
        ("nearest", {"coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"}),
        ("nearest-exact", {"nearest_mode": "round_prefer_ceil"}),
        ("bilinear", {"mode": "linear"}),
        ("bilinear-ac", {"mode": "linear", "coordinate_transformation_mode": "align_corners"}),
    ],
)
def test_resize_matches_torch_interpolate(out_hw: tuple[int, int], torch_mode: str, props: dict[str, str]) -> None:
    x = rand((2, 3, 4, 6))
    r = _resize(x, sizes=[2, 3, *out_hw], **props)
    mode = torch_mode.removesuffix("-ac")
    kwargs = {"align_corners": torch_mode.endswith("-ac")} if mode == "bilinear" else {}
    want = F.interpolate(torch.from_numpy(x), size=out_hw, mode=mode, **kwargs).numpy()
    np.testing.assert_allclose(r, want, rtol=1e-5, atol=1e-6)


def test_resize_trilinear_matches_torch() -> None:
    x = rand((1, 2, 3, 4, 5))
    r = _resize(x, sizes=[1, 2, 5, 3, 8], mode="linear", coordinate_transformation_mode="align_corners")
    want = F.interpolate(torch.from_numpy(x), size=(5, 3, 8), mode="trilinear", align_corners=True).numpy()
    np.testing.assert_allclose(r, want, rtol=1e-5, atol=1e-6)


COORDS = ["half_pixel", "align_corners", "asymmetric", "pytorch_half_pixel"]


@pytest.mark.parametrize("coord", COORDS)
@pytest.mark.parametrize("nearest_mode", ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"])
def test_resize_nearest_matches_onnx(coord: str, nearest_mode: str) -> None:
    x = rand((1, 2, 5, 4), np.int32 if nearest_mode == "floor" else np.float32)
    props = {"coordinate_transformation_mode": coord, "nearest_mode": nearest_mode}
    for sizes in ([1, 2, 9, 3], [1, 2, 2, 8], [1, 2, 1, 4]):
        r = _resize(x, sizes=sizes, **props)
        (want,) = onnx_run("Resize", {"x": x, "roi": None, "scales": None, "sizes": np.array(sizes, np.int64)}, mode="nearest", **props)
        np.testing.assert_array_equal(r, want)
    scales = [1.0, 1.0, 2.0, 0.5]
    r = _resize(x, scales=scales, **props)
    (want,) = onnx_run("Resize", {"x": x, "roi": None, "scales": np.array(scales, np.float32)}, mode="nearest", **props)
    np.testing.assert_array_equal(r, want)


@pytest.mark.parametrize("coord", COORDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_resize_linear_matches_onnx(coord: str, dtype: Any) -> None:
    x = rand((2, 5, 4), dtype)
    tol = {"rtol": 1e-5, "atol": 1e-6} if dtype == np.float32 else {"rtol": 1e-12}
    for sizes in ([2, 9, 7], [2, 2, 3], [2, 1, 1], [3, 5, 4]):
        r = _resize(x, sizes=sizes, mode="linear", coordinate_transformation_mode=coord)
        (want,) = onnx_run("Resize", {"x": x, "roi": None, "scales": None, "sizes": np.array(sizes, np.int64)}, mode="linear", coordinate_transformation_mode=coord)
        np.testing.assert_allclose(r, want, **tol)
    scales = [1.0, 3.0, 0.5] if coord == "align_corners" else [1.0, 1.5, 0.75]
    r = _resize(x, scales=scales, mode="linear", coordinate_transformation_mode=coord)
    (want,) = onnx_run("Resize", {"x": x, "roi": None, "scales": np.array(scales, np.float32)}, mode="linear", coordinate_transformation_mode=coord)
    np.testing.assert_allclose(r, want, **tol)


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16])
def test_resize_half_precision_computes_in_f64(dtype: Any) -> None:
    x = rand((1, 1, 3, 3)).astype(dtype)
    r = _resize(x, scales=[1, 1, 2, 2], mode="linear")
    want = _resize(x.astype(np.float64), scales=[1, 1, 2, 2], mode="linear").astype(dtype)
    np.testing.assert_array_equal(r, want)


def test_resize_shapes_symbolic_and_scales() -> None:
    module = build_func([t(["n", "c", "h", "w"])], lambda a: g.ResizeOp(a, scales=[1, 1, 2, 0.5]))
    n, c, h, w = (Expr.sym(s) for s in "nchw")
    assert _out_type(module).dims == (n, c, h * 2, w.floordiv(2))
    module = build_func([t([10, "n"])], lambda a: g.ResizeOp(a, scales=[0.7, 1.5]))
    assert _out_type(module).dims == (Expr.const(7), (n * 3).floordiv(2))
    x = rand((1, 2, 3, 5))
    (r,) = run_op(lambda a: g.ResizeOp(a, sizes=["n", "c", "h*2", "w"], mode="linear"), x, shapes=[["n", "c", "h", "w"]])
    (want,) = onnx_run("Resize", {"x": x, "roi": None, "scales": None, "sizes": np.array([1, 2, 6, 5], np.int64)}, mode="linear")
    np.testing.assert_allclose(r, want, rtol=1e-5, atol=1e-6)
    (r,) = run_op(lambda a: g.ResizeOp(a, scales=[1, 1, 1.5, 0.5]), x, shapes=[["n", "c", "h", "w"]])
    assert r.shape == (1, 2, 4, 2)
    assert _resize(x, sizes=[1, 2, 0, 4]).shape == (1, 2, 0, 4)
    with pytest.raises(InterpError, match=r"graph.resize: cannot resize the empty input \[0, 3\] to \[2, 6\]"):
        run_op(lambda a: g.ResizeOp(a, sizes=[2, 6]), np.zeros((0, 3), np.float32))


def test_resize_errors() -> None:
    x = t([1, 2, 4, 4])
    fails(lambda a: g.ResizeOp(a), x, match="exactly one of 'sizes' and 'scales' must be given")
    fails(lambda a: g.ResizeOp(a, sizes=[1, 2, 8, 8], scales=[1, 1, 2, 2]), x, match="exactly one of 'sizes' and 'scales' must be given")
    fails(lambda a: g.ResizeOp(a, scales=[1, 1, 2, 2], mode="cubic"), x, match="mode must be one of nearest, linear, got 'cubic'")
    fails(lambda a: g.ResizeOp(a, scales=[1, 1, 2, 2], nearest_mode="up"), x, match="nearest_mode must be one of round_prefer_floor, round_prefer_ceil, floor, ceil, got 'up'")
    fails(lambda a: g.ResizeOp(a, scales=[1, 1, 2, 2], coordinate_transformation_mode="tf_crop_and_resize"), x,
          match="coordinate_transformation_mode must be one of half_pixel, align_corners, asymmetric, pytorch_half_pixel, got 'tf_crop_and_resize'")
    fails(lambda a: g.ResizeOp(a, scales=[2], mode="linear"), t([4], np.int32), match="mode 'linear' needs a float element type, got i32")
    fails(lambda a: g.ResizeOp(a, sizes=[8, 8]), x, match=r"sizes has 2 entries, expected 4 \(the input rank\)")
    fails(lambda a: g.ResizeOp(a, scales=[2, 2]), x, match=r"scales has 2 entries, expected 4 \(the input rank\)")
    fails(lambda a: g.ResizeOp(a, scales=[1, 1, -2, 2]), x, match="scales must be positive and finite, got -2.0")
    fails(lambda a: g.ResizeOp(a, sizes=[1, 2, -1, 4]), x, match="sizes must be non-negative, got -1")
    fails(lambda a: g.ResizeOp(a, scales=[1]), t([]), match="input must have rank >= 1, got 0")


# -- topk / sort / argsort ----------------------------------------------------------
@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("axis", [-1, 0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_topk_matches_onnx_with_ties(largest: bool, axis: int, dtype: Any) -> None:
    x = rng.integers(0, 4, (6, 7)).astype(dtype)  # many ties
    for k in (0, 3, x.shape[axis]):
        v, i = run_op(lambda a, k=k: g.TopKOp(a, k=k, axis=axis, largest=largest), x)
        want_v, want_i = onnx_run("TopK", {"x": x, "k": np.array([k], np.int64)}, n_out=2, axis=axis, largest=int(largest))
        assert v.dtype == x.dtype and i.dtype == np.int64
        np.testing.assert_array_equal(v, want_v)
        np.testing.assert_array_equal(i, want_i)


def test_topk_matches_torch_and_unsorted() -> None:
    x = rand((3, 8))
    v, i = run_op(lambda a: g.TopKOp(a, k=4), x, shapes=[["n", "m"]])
    tv, ti = torch.topk(torch.from_numpy(x), 4)
    np.testing.assert_array_equal(v, tv.numpy())
    np.testing.assert_array_equal(i, ti.numpy())
    v2, i2 = run_op(lambda a: g.TopKOp(a, k=4, sorted=False), x)
    np.testing.assert_array_equal(i2, np.sort(i, axis=-1))
    np.testing.assert_array_equal(v2, np.take_along_axis(x, i2, axis=-1))
    nan = np.array([1.0, np.nan, 3.0, 2.0], np.float32)
    v, i = run_op(lambda a: g.TopKOp(a, k=2), nan)
    np.testing.assert_array_equal(i, torch.topk(torch.from_numpy(nan), 2).indices.numpy())


def test_topk_errors() -> None:
    fails(lambda a: g.TopKOp(a, k=5), t([3, 4]), match="k 5 is larger than dim 1 of size 4")
    fails(lambda a: g.TopKOp(a, k=-1), t([3, 4]), match="k must be non-negative, got -1")
    fails(lambda a: g.TopKOp(a, k=1, axis=2), t([3, 4]), match="axis 2 is out of range for rank 2")
    with pytest.raises(InterpError, match="graph.topk: k 5 is larger than dim 0 of size 4"):
        run_op(lambda a: g.TopKOp(a, k=5, axis=0), rand((4,)), shapes=[["n"]])


@pytest.mark.parametrize("dtype", [*ALL, np.bool_, ml_dtypes.bfloat16])
@pytest.mark.parametrize("axis", [0, -1])
def test_sort_and_argsort_ascending_match_numpy(dtype: Any, axis: int) -> None:
    x = rng.integers(-3, 3, (5, 6)).astype(dtype)
    (s,) = run_op(lambda a: g.SortOp(a, axis=axis), x)
    (i,) = run_op(lambda a: g.ArgsortOp(a, axis=axis, stable=True), x)
    assert s.dtype == x.dtype and i.dtype == np.int64
    np.testing.assert_array_equal(s, np.sort(x, axis=axis, kind="stable"))
    np.testing.assert_array_equal(i, np.argsort(x, axis=axis, kind="stable"))


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.float16])
def test_sort_descending_matches_torch_stable(dtype: Any) -> None:
    x = rng.integers(-3, 3, (4, 9)).astype(dtype)
    if dtype == np.float32:
        x[0, [2, 5]] = np.nan
    (s,) = run_op(lambda a: g.SortOp(a, descending=True), x, shapes=[["n", "m"]])
    (i,) = run_op(lambda a: g.ArgsortOp(a, descending=True), x)
    ts, ti = torch.sort(torch.from_numpy(x), descending=True, stable=True)
    np.testing.assert_array_equal(s, ts.numpy())
    np.testing.assert_array_equal(i, ti.numpy())


def test_sort_errors_and_empty() -> None:
    fails(lambda a: g.SortOp(a), t([]), match="input must have rank >= 1, got 0")
    fails(lambda a: g.ArgsortOp(a, axis=-3), t([2, 3]), match="axis -3 is out of range for rank 2")
    (r,) = run_op(lambda a: g.ArgsortOp(a, axis=0), np.zeros((0, 3), np.float32))
    assert r.shape == (0, 3) and r.dtype == np.int64


# -- inferred shapes agree with the interpreter --------------------------------------
SHAPE_CASES: list[tuple[Callable[..., Any], list[np.ndarray]]] = [
    (lambda a, b: g.GatherOp(a, b, axis=1), [rand((3, 4, 5)), np.zeros((2, 2), np.int64)]),
    (lambda a, b: g.GatherElementsOp(a, b, axis=1), [rand((3, 4)), np.zeros((2, 6), np.int64)]),
    (lambda a, b: g.GatherNDOp(a, b, batch_dims=1), [rand((2, 4, 5)), np.zeros((2, 3, 1), np.int64)]),
    (lambda a, b, c: g.ScatterElementsOp(a, b, c), [rand((3, 4)), np.zeros((2, 4), np.int64), rand((2, 4))]),
    (lambda a, b, c: g.ScatterNDOp(a, b, c), [rand((3, 4)), np.zeros((2, 1), np.int64), rand((2, 4))]),
    (g.EmbeddingOp, [rand((5, 3)), np.zeros((2, 4), np.int32)]),
    (lambda a: g.OneHotOp(a, depth=4, axis=0, dtype=f64), [np.zeros((2, 3), np.int64)]),
    (lambda a: g.ResizeOp(a, scales=[1, 2.5, 0.4]), [rand((2, 3, 5))]),
    (lambda a: g.TopKOp(a, k=2, axis=0), [rand((3, 4))]),
    (lambda a: g.SortOp(a), [rand((3, 4))]),
    (lambda a: g.ArgsortOp(a), [rand((3, 4))]),
]


@pytest.mark.parametrize(("make", "arrays"), SHAPE_CASES)
def test_inferred_shapes_equal_interpreter_shapes(make: Callable[..., Any], arrays: list[np.ndarray]) -> None:
    module = build_func([tensor(a.shape, a.dtype) for a in arrays], make)
    declared = _out_type(module, slice(None))
    results = run_op(make, *arrays)
    for typ, r in zip(declared, results, strict=True):
        assert isinstance(typ, TensorType)
        assert typ.static_shape() == r.shape
        assert typ.dtype == r.dtype
