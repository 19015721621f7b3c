"""Lowering the index family to tensorir (lowering/index.py).

Each test builds a one-op graph function, interprets it, lowers it with
`graph-lower-to-tensorir`, interprets the tir.funcs and compares bit for bit
(gathers and scatters copy; resize's linear mode repeats the interpreter's
f64 arithmetic step by step). Stages must run as vectorized grids, except
scatters without a reduction, whose colliding writes run in order.
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np
import pytest
from xdsl.dialects.builtin import Float16Type, IntegerType, f32, f64, i32

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.index import INDEX_OPS
from tensorforge.lowering.registry import LOWERINGS, load_all
from tests.test_lower_shape import lower_and_compare

rng = np.random.default_rng(0)
BF16 = np.dtype(ml_dtypes.bfloat16)


def rand(shape: tuple[int, ...], dtype: Any = np.float32) -> np.ndarray:
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if np.issubdtype(dtype, np.integer):
        return rng.integers(-50, 50, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def test_every_index_op_has_a_lowering() -> None:
    load_all()
    assert [op.name for op in INDEX_OPS if op not in LOWERINGS] == []


# -- gather -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("dtype", "axis", "idx_dtype"),
    [(np.float32, 0, np.int32), (np.float16, 1, np.int64), (BF16, -1, np.int32), (np.bool_, 1, np.int32), (np.int64, -1, np.int64), (np.float64, 0, np.int64)],
)
def test_gather(dtype: Any, axis: int, idx_dtype: Any) -> None:
    x = rand((3, 4, 5), dtype)
    size = x.shape[axis]
    idx = np.array([[0, size - 1, -1], [-size, 1, 2]], idx_dtype)
    lower_and_compare(lambda a, b: g.GatherOp(a, b, axis=axis), x, idx)


def test_gather_scalar_empty_symbolic() -> None:
    x = rand((4, 3))
    lower_and_compare(lambda a, b: g.GatherOp(a, b), x, np.array(-1, np.int64))
    lower_and_compare(lambda a, b: g.GatherOp(a, b, axis=1), x, np.zeros((0, 2), np.int32))
    lower_and_compare(lambda a, b: g.GatherOp(a, b, axis=1), np.zeros((0, 3), np.float32), np.array([2], np.int64))
    lower_and_compare(lambda a, b: g.GatherOp(a, b), x, np.array([3, 0, -1], np.int64), shapes=[["n", 3], ["m"]])
    lower_and_compare(lambda a, b: g.GatherOp(a, b, axis=1), x, np.array([[2, -3]], np.int32), shapes=[["n", "c"], [1, "m"]])


@pytest.mark.parametrize("dtype", [np.float32, np.int64])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_gather_elements(dtype: Any, axis: int) -> None:
    x = rand((4, 5, 3), dtype)
    ax = axis % 3
    idx_shape = [3, 4, 2]
    idx_shape[ax] = 6
    idx = rng.integers(-x.shape[ax], x.shape[ax], idx_shape).astype(np.int64)
    lower_and_compare(lambda a, b: g.GatherElementsOp(a, b, axis=axis), x, idx)
    lower_and_compare(lambda a, b: g.GatherElementsOp(a, b, axis=axis), x, idx.astype(np.int32), shapes=[["n", "m", 3], ["p", "q", 2 if ax != 2 else 6]])


@pytest.mark.parametrize(
    ("x_shape", "idx_shape", "batch_dims"),
    [((4, 5, 6), (3, 1), 0), ((4, 5, 6), (2, 3, 2), 0), ((4, 5, 6), (3, 3), 0), ((2, 5, 6), (2, 3, 1), 1), ((2, 3, 5, 6), (2, 3, 4, 2), 2)],
)
def test_gather_nd(x_shape: tuple[int, ...], idx_shape: tuple[int, ...], batch_dims: int) -> None:
    x = rand(x_shape, np.int64 if batch_dims else np.float32)
    k = idx_shape[-1]
    hi = np.array(x_shape[batch_dims : batch_dims + k])
    idx = (rng.integers(0, 1 << 20, idx_shape) % hi - rng.integers(0, 2, idx_shape) * hi).astype(np.int64)
    lower_and_compare(lambda a, b: g.GatherNDOp(a, b, batch_dims=batch_dims), x, idx)


def test_gather_nd_symbolic() -> None:
    x, idx = rand((2, 5, 6)), np.array([[[1], [4]], [[0], [-1]]], np.int32)
    lower_and_compare(lambda a, b: g.GatherNDOp(a, b, batch_dims=1), x, idx, shapes=[["b", "n", 6], ["b", "m", 1]])


@pytest.mark.parametrize(("dtype", "idx_shape"), [(np.float32, (2, 3)), (np.float16, ()), (BF16, (0,)), (np.int32, (5,)), (np.float64, (2, 1, 2))])
def test_embedding(dtype: Any, idx_shape: tuple[int, ...]) -> None:
    w = rand((7, 4), dtype)
    idx = rng.integers(0, 7, idx_shape).astype(np.int64)
    lower_and_compare(g.EmbeddingOp, w, idx)


def test_embedding_symbolic() -> None:
    lower_and_compare(g.EmbeddingOp, rand((7, 4)), np.array([[6, 0]], np.int32), shapes=[["v", "d"], ["b", "s"]])


# -- scatter --------------------------------------------------------------------------------
def _unique_rows(n: int, count: int, cols: int) -> np.ndarray:
    return np.stack([rng.permutation(n)[:count] for _ in range(cols)], axis=1)


@pytest.mark.parametrize("reduction", ["none", "add", "mul", "max", "min"])
@pytest.mark.parametrize("axis", [0, -1])
@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_scatter_elements(reduction: str, axis: int, dtype: Any) -> None:
    x = rand((5, 4), dtype)
    idx = rng.integers(-5, 5, (6, 4)) if axis == 0 else rng.integers(-4, 4, (5, 6))  # duplicates included
    idx = np.ascontiguousarray(idx).astype(np.int64)
    upd = rand(idx.shape, dtype)
    lower_and_compare(lambda a, b, c: g.ScatterElementsOp(a, b, c, axis=axis, reduction=reduction), x, idx, upd, vectorized=reduction != "none")


def test_scatter_elements_last_update_wins_symbolic_empty() -> None:
    x = np.zeros((3, 2), np.float32)
    idx = np.array([[1, 0], [1, 0], [-2, 2]], np.int32)
    upd = np.arange(6, dtype=np.float32).reshape(3, 2)
    (r,) = lower_and_compare(lambda a, b, c: g.ScatterElementsOp(a, b, c), x, idx, upd, shapes=[["n", 2], ["m", 2], ["m", 2]], vectorized=False)
    np.testing.assert_array_equal(r, [[0, 3], [4, 0], [0, 5]])
    lower_and_compare(lambda a, b, c: g.ScatterElementsOp(a, b, c), x, np.zeros((0, 2), np.int64), np.zeros((0, 2), np.float32))
    lower_and_compare(lambda a, b, c: g.ScatterElementsOp(a, b, c, reduction="add"), x, idx, upd, shapes=[["n", 2], ["m", 2], ["m", 2]])
    b = rand((4, 3), np.bool_)
    lower_and_compare(lambda a, b, c: g.ScatterElementsOp(a, b, c, axis=1), b, np.array([[2], [0], [1], [-1]], np.int64), rand((4, 1), np.bool_), vectorized=False)


@pytest.mark.parametrize("reduction", ["none", "add", "mul", "max", "min"])
@pytest.mark.parametrize(("k", "dtype"), [(1, np.float64), (2, np.int32), (3, np.float32)])
def test_scatter_nd(reduction: str, k: int, dtype: Any) -> None:
    x = rand((4, 3, 5), dtype)
    n = 7
    flat = rng.integers(0, int(np.prod(x.shape[:k])), n)  # duplicates included
    idx = np.stack(np.unravel_index(flat, x.shape[:k]), axis=-1).reshape(n, k).astype(np.int64)
    idx[::2] -= np.array(x.shape[:k])  # negative indices wrap
    upd = rand((n, *x.shape[k:]), dtype)
    lower_and_compare(lambda a, b, c: g.ScatterNDOp(a, b, c, reduction=reduction), x, idx, upd, vectorized=reduction != "none")


def test_scatter_nd_symbolic() -> None:
    x = np.zeros((3, 4), np.float32)
    idx = np.array([[[-1], [0]]], np.int32)
    upd = np.ones((1, 2, 4), np.float32)
    lower_and_compare(lambda a, b, c: g.ScatterNDOp(a, b, c), x, idx, upd, shapes=[["n", "d"], [1, "m", 1], [1, "m", "d"]], vectorized=False)
    lower_and_compare(lambda a, b, c: g.ScatterNDOp(a, b, c, reduction="mul"), x + 2, idx, upd * 3, shapes=[["n", "d"], [1, "m", 1], [1, "m", "d"]])


# -- one_hot --------------------------------------------------------------------------------
@pytest.mark.parametrize(("axis", "elt"), [(-1, f32), (0, i32), (1, Float16Type()), (-3, IntegerType(1)), (-1, f64), (1, IntegerType(1))])
def test_one_hot(axis: int, elt: Any) -> None:
    idx = np.array([[0, 4, -1], [-5, 7, -6]], np.int64)
    on, off = (1.0, 0.0) if elt == IntegerType(1) else (3.0, -2.0)
    lower_and_compare(lambda a: g.OneHotOp(a, depth=5, axis=axis, dtype=elt, on_value=on, off_value=off), idx)


def test_one_hot_defaults_symbolic() -> None:
    lower_and_compare(lambda a: g.OneHotOp(a, depth=3), np.array([2, 0, -1, 9], np.int32), shapes=[["n"]])
    lower_and_compare(lambda a: g.OneHotOp(a, depth=4, on_value=0.1), np.array([[3], [1]], np.uint8))


# -- resize -------------------------------------------------------------------------------------
COORDS = ["half_pixel", "align_corners", "asymmetric", "pytorch_half_pixel"]
NEAREST = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"]


@pytest.mark.parametrize("coord", COORDS)
@pytest.mark.parametrize("nearest_mode", NEAREST)
def test_resize_nearest(coord: str, nearest_mode: str) -> None:
    x = rand((1, 2, 5, 4), np.int32 if nearest_mode == "floor" else np.float32)
    props = {"coordinate_transformation_mode": coord, "nearest_mode": nearest_mode}
    for sizes in ([1, 2, 9, 3], [1, 3, 1, 7]):
        lower_and_compare(lambda a, s=sizes: g.ResizeOp(a, sizes=s, **props), x)
    lower_and_compare(lambda a: g.ResizeOp(a, scales=[1.0, 1.5, 0.7, 2.5], **props), x)


@pytest.mark.parametrize(
    ("coord", "dtype"),
    [("half_pixel", np.float32), ("align_corners", np.float64), ("asymmetric", np.float16), ("pytorch_half_pixel", BF16), ("half_pixel", np.float16), ("align_corners", BF16)],
)
def test_resize_linear(coord: str, dtype: Any) -> None:
    x = rand((2, 5, 4), dtype)
    x.flat[0] = np.inf  # non-finite values meet the weights exactly as in the interpreter
    for sizes in ([2, 9, 7], [2, 1, 3], [3, 5, 4]):
        lower_and_compare(lambda a, s=sizes: g.ResizeOp(a, sizes=s, mode="linear", coordinate_transformation_mode=coord), x)
    scales = [1.0, 3.0, 0.5] if coord == "align_corners" else [1.0, 1.5, 0.75]
    lower_and_compare(lambda a: g.ResizeOp(a, scales=scales, mode="linear", coordinate_transformation_mode=coord), x)


@pytest.mark.parametrize("coord", COORDS)
def test_resize_symbolic(coord: str) -> None:
    x = rand((1, 2, 3, 5))
    shapes = [["n", "c", "h", "w"]]
    for mode in ("linear", "nearest"):
        props = {"mode": mode, "coordinate_transformation_mode": coord}
        lower_and_compare(lambda a, p=props: g.ResizeOp(a, sizes=["n", "c", "h*2", "w"], **p), x, shapes=shapes)
        lower_and_compare(lambda a, p=props: g.ResizeOp(a, scales=[1, 1, 1.5, 0.5], **p), x, shapes=shapes)
        lower_and_compare(lambda a, p=props: g.ResizeOp(a, sizes=[1, 2, 1, "w+1"], **p), x, shapes=shapes)
    lower_and_compare(lambda a: g.ResizeOp(a, sizes=[1, 2, 0, 4]), x)


def test_resize_symbolic_sizes_equal_at_run_time() -> None:
    """sizes [.., k, ..] with k == h at run time: the interpreter leaves that axis alone."""
    x = rand((1, 2, 3, 4))
    x[0, 0, :, 1] = [np.inf, -0.0, np.nan]
    for mode in ("linear", "nearest"):
        make = lambda a, b, m=mode: g.ResizeOp(a, sizes=[1, 2, "k", "w*2"], mode=m)  # noqa: E731
        lower_and_compare(make, x, np.zeros(3, np.int32), shapes=[[1, 2, "h", "w"], ["k"]])
        lower_and_compare(make, x, np.zeros(5, np.int32), shapes=[[1, 2, "h", "w"], ["k"]])


def test_resize_trilinear() -> None:
    x = rand((1, 2, 3, 4, 5))
    lower_and_compare(lambda a: g.ResizeOp(a, sizes=[1, 2, 5, 3, 8], mode="linear", coordinate_transformation_mode="align_corners"), x)


# -- topk / sort / argsort -------------------------------------------------------------------------
@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("axis", [-1, 0])
@pytest.mark.parametrize("dtype", [np.float32, np.uint8, BF16])
def test_topk_with_ties(largest: bool, axis: int, dtype: Any) -> None:
    x = rng.integers(0, 4, (6, 7)).astype(dtype)  # many ties
    for k, is_sorted in ((0, True), (3, True), (3, False), (x.shape[axis], True)):
        lower_and_compare(lambda a, k=k, s=is_sorted: g.TopKOp(a, k=k, axis=axis, largest=largest, sorted=s), x)


def test_topk_nan_and_symbolic() -> None:
    x = rand((3, 8))
    x[0, [1, 5]] = np.nan
    x[1, [2, 3]] = [np.inf, -np.inf]
    for largest in (True, False):
        lower_and_compare(lambda a, lg=largest: g.TopKOp(a, k=4, largest=lg), x, shapes=[["n", "m"]])
        lower_and_compare(lambda a, lg=largest: g.TopKOp(a, k=3, largest=lg, sorted=False), x, shapes=[["n", "m"]])
        lower_and_compare(lambda a, lg=largest: g.TopKOp(a, k=2, axis=0, largest=lg), x)


@pytest.mark.parametrize(("dtype", "axis"), [(np.float32, -1), (np.float64, 0), (np.float16, -1), (np.int32, 0), (np.bool_, -1), (BF16, 0), (np.uint8, -1)])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_and_argsort(dtype: Any, axis: int, descending: bool) -> None:
    x = rng.integers(-3, 3, (5, 6)).astype(dtype)
    if np.issubdtype(np.dtype(dtype), np.floating) or dtype == BF16:
        x[1, 1] = -0.0
    if np.issubdtype(np.dtype(dtype), np.floating):  # the interpreter's bf16 sort does not order NaN
        x[0, [2, 5]] = np.nan
    lower_and_compare(lambda a: g.SortOp(a, axis=axis, descending=descending), x)
    lower_and_compare(lambda a: g.ArgsortOp(a, axis=axis, descending=descending, stable=True), x)


def test_sort_symbolic_and_empty() -> None:
    x = rng.standard_normal((4, 9)).astype(np.float32)
    lower_and_compare(lambda a: g.SortOp(a, descending=True), x, shapes=[["n", "m"]])
    lower_and_compare(lambda a: g.ArgsortOp(a, axis=0), x, shapes=[["n", "m"]])
    lower_and_compare(lambda a: g.ArgsortOp(a, axis=0), np.zeros((0, 3), np.float32))
    lower_and_compare(lambda a: g.SortOp(a), np.zeros((0, 3), np.float32), shapes=[["n", 3]])
    lower_and_compare(lambda a: g.SortOp(a), rand((7,), np.int64))
