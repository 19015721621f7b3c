"""Lowering the shape family to tensorir (lowering/shape.py).

Each test builds a one-op graph function, interprets it, lowers it with
`graph-lower-to-tensorir`, interprets the tir.funcs and compares bit for bit
(these ops only copy or fill). Every lowered function must run as vectorized
grids (no scalar Python loops in the generated code).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from xdsl.dialects.builtin import f16, f32, f64, i1, i32, i64

from tensorforge import interp, pipelines
from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.shape import SHAPE_OPS
from tensorforge.dialects.graphops.shape_slice import HUGE
from tensorforge.dialects.graphops.types import element_type_of
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp
from tensorforge.interp.machine import bind_arguments
from tensorforge.interp.tir import compile_func
from tensorforge.lowering.registry import LOWERINGS, load_all
from tests.helpers import build_func, tensor

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


def same(got: np.ndarray, want: np.ndarray) -> None:
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, want.dtype, got.shape, want.shape)
    bits = f"u{got.dtype.itemsize}"
    np.testing.assert_array_equal(np.ascontiguousarray(got).view(bits), np.ascontiguousarray(want).view(bits))


def lower_and_compare(
    make: Callable[..., Any], *arrays: np.ndarray, shapes: Sequence[Sequence[Any]] | None = None, vectorized: bool = True
) -> list[np.ndarray]:
    """Interpret before and after lowering; results must be identical (and, unless
    told otherwise, every stage must run as a vectorized grid)."""
    types = [tensor(shapes[i] if shapes else a.shape, a.dtype) for i, a in enumerate(arrays)]
    module = build_func(types, make)
    want = interp.run(module, "main", *[a.copy() for a in arrays])
    pipelines.run(module, "graph-lower-to-tensorir")
    assert not [op for op in module.walk() if op.name.startswith("graph.") and op.name not in ("graph.func", "graph.return", "graph.call_tir")]
    got = interp.run(module, "main", *[a.copy() for a in arrays])
    for w, o in zip(want, got, strict=True):
        same(o, w)
    if vectorized:
        check_vectorized(module, arrays)
    return got


def check_vectorized(module: Any, arrays: Sequence[np.ndarray]) -> None:
    """Every tir.func compiles to grid code only (no scalar Python loops)."""
    main = module.body.block.first_op
    env = bind_arguments(main.arg_name_list, main.function_type.inputs.data, arrays, "test")
    for func in [op for op in module.walk() if isinstance(op, TirFuncOp)]:
        source = compile_func(func, env).source
        assert "for " not in source, source


def test_every_shape_op_has_a_lowering() -> None:
    load_all()
    assert [op.name for op in SHAPE_OPS if op not in LOWERINGS] == []


# -- reshape / flatten --------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_reshape_dtypes(dtype: Any) -> None:
    lower_and_compare(lambda a: g.ReshapeOp(a, shape=[4, -1]), sample((2, 3, 4), dtype))


@pytest.mark.parametrize(
    ("shape", "target", "sym"),
    [
        ((3, 4, 8), [-1, 32], ["n", 4, 8]),
        ((3, 4, 2), [0, -1], ["n", "m", 2]),
        ((5, 6), [-1, 3], ["n", 6]),
        ((2, 4, 8), ["n", 32], ["n", 4, 8]),
        ((2, 4, 8), [0, 0, 2, 4], None),
        ((2, 4, 8), [8, 8], None),
        ((2, 3, 4), [4, 3, 2], ["n", 3, 4]),
        ((6, 4), [2, 3, 2, 2], None),
        ((2, 3, 4), [24], ["n", "m", "k"]),
        ((1, 6, 1), [3, 1, 2], None),
    ],
)
def test_reshape(shape: tuple[int, ...], target: list[Any], sym: list[Any] | None) -> None:
    x = sample(shape, np.int32)
    if not any(isinstance(d, str) for d in target):  # a target symbol must be bound by the input
        lower_and_compare(lambda a: g.ReshapeOp(a, shape=target), x)
    if sym is not None:
        lower_and_compare(lambda a: g.ReshapeOp(a, shape=target), x, shapes=[sym])


def test_reshape_empty_and_scalar() -> None:
    lower_and_compare(lambda a: g.ReshapeOp(a, shape=[3, 0], allowzero=True), np.zeros((0, 3), np.float32))
    lower_and_compare(lambda a: g.ReshapeOp(a, shape=[]), sample((1,)))
    lower_and_compare(lambda a: g.ReshapeOp(a, shape=[1, 1]), np.full((), 3, np.int64))


@pytest.mark.parametrize("axis", range(-3, 4))
def test_flatten(axis: int) -> None:
    x = sample((2, 3, 4), np.uint8)
    lower_and_compare(lambda a: g.FlattenOp(a, axis=axis), x)
    lower_and_compare(lambda a: g.FlattenOp(a, axis=axis), x, shapes=[["n", "m", 4]])


# -- transpose / broadcast / squeeze / unsqueeze / tile -----------------------------------
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_transpose_dtypes(dtype: Any) -> None:
    lower_and_compare(lambda a: g.TransposeOp(a, perm=[1, 2, 0]), sample((2, 3, 4), dtype))


def test_transpose_default_negative_symbolic() -> None:
    x = sample((2, 3, 4))
    lower_and_compare(g.TransposeOp, x)
    lower_and_compare(lambda a: g.TransposeOp(a, perm=[-1, 0, 1]), x, shapes=[["n", "m", 4]])
    lower_and_compare(g.TransposeOp, np.zeros((0, 3), np.int32), shapes=[["n", 3]])


def test_broadcast_to() -> None:
    x = sample((3, 1), np.int32)
    lower_and_compare(lambda a: g.BroadcastToOp(a, shape=[2, 3, 4]), x)
    lower_and_compare(lambda a: g.BroadcastToOp(a, shape=[2, -1, 4]), x, shapes=[["n", 1]])
    lower_and_compare(lambda a: g.BroadcastToOp(a, shape=[3, 0]), x)
    lower_and_compare(lambda a: g.BroadcastToOp(a, shape=[-1, 5]), sample((4, 1), BF16), shapes=[["n", 1]])
    # a symbolic dim that is 1 at run time broadcasts too
    lower_and_compare(lambda a: g.BroadcastToOp(a, shape=[3, 5]), sample((1, 5)), shapes=[["n", 5]])
    lower_and_compare(lambda a: g.BroadcastToOp(a, shape=[3, 5]), sample((3, 5)), shapes=[["n", 5]])


def test_broadcast_to_bidirectional() -> None:
    x = sample((3, 1))
    lower_and_compare(lambda a: g.BroadcastToOp(a, shape=[2, 1, 4], bidirectional=True), x)
    lower_and_compare(lambda a: g.BroadcastToOp(a, shape=[1], bidirectional=True), x, shapes=[["n", 1]])


def test_squeeze_unsqueeze() -> None:
    x = sample((1, 3, 1, 2), np.int64)
    lower_and_compare(g.SqueezeOp, x)
    lower_and_compare(lambda a: g.SqueezeOp(a, axes=[-2]), x)
    lower_and_compare(g.SqueezeOp, x, shapes=[[1, "n", 1, "m"]])
    lower_and_compare(lambda a: g.SqueezeOp(a, axes=[0]), x, shapes=[["k", 3, 1, 2]])
    lower_and_compare(g.SqueezeOp, np.ones((1, 1), np.bool_))
    y = sample((2, 3), np.float16)
    lower_and_compare(lambda a: g.UnsqueezeOp(a, axes=[0, 3]), y)
    lower_and_compare(lambda a: g.UnsqueezeOp(a, axes=[-1, 1]), y, shapes=[["n", "m"]])
    lower_and_compare(lambda a: g.UnsqueezeOp(a, axes=[0]), np.full((), 3.0, np.float32))


def test_tile() -> None:
    x = sample((2, 3), np.bool_)
    lower_and_compare(lambda a: g.TileOp(a, repeats=[2, 3]), x)
    lower_and_compare(lambda a: g.TileOp(a, repeats=[0, 1]), x)
    lower_and_compare(lambda a: g.TileOp(a, repeats=[2, 1]), x, shapes=[["n", 3]])
    lower_and_compare(lambda a: g.TileOp(a, repeats=[3, 2]), sample((3, 2), np.int8), shapes=[["n", "m"]])
    lower_and_compare(lambda a: g.TileOp(a, repeats=[4, 2]), np.zeros((0, 3), np.float32))


# -- concat / split -------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, BF16, np.bool_, np.int32, np.int64])
def test_concat_dtypes(dtype: Any) -> None:
    xs = [sample((2, 3), dtype, 1), sample((2, 1), dtype, 2), sample((2, 0), dtype)]
    lower_and_compare(lambda *a: g.ConcatOp(list(a), axis=-1), *xs)


def test_concat_symbolic_and_middle_axis() -> None:
    xs = [sample((2, 4)), sample((3, 4)), sample((1, 4))]
    lower_and_compare(lambda *a: g.ConcatOp(list(a), axis=0), *xs, shapes=[["n", 4], ["m", 4], [1, 4]])
    lower_and_compare(lambda a: g.ConcatOp([a], axis=0), xs[0])
    ys = [sample((2, 1, 3), np.int8, 1), sample((2, 4, 3), np.int8, 2), sample((2, 2, 3), np.int8, 3)]
    lower_and_compare(lambda *a: g.ConcatOp(list(a), axis=1), *ys)
    lower_and_compare(lambda *a: g.ConcatOp(list(a), axis=1), *ys, shapes=[["b", "n", 3], ["b", "m", 3], ["b", 2, 3]])


def test_split() -> None:
    x = sample((7, 2), np.int8)
    lower_and_compare(lambda a: g.SplitOp(a, sizes=[2, 5]).outputs, x)
    lower_and_compare(lambda a: g.SplitOp(a, sizes=[3, -1, 0]).outputs, x)
    lower_and_compare(lambda a: g.SplitOp(a, num_outputs=3).outputs, x)
    lower_and_compare(lambda a: g.SplitOp(a, axis=-1, num_outputs=2).outputs, x)
    lower_and_compare(lambda a: g.SplitOp(a, num_outputs=2).outputs, sample((5, 3)), shapes=[["n", 3]])
    lower_and_compare(lambda a: g.SplitOp(a, axis=1, num_outputs=3).outputs, sample((2, 8)), shapes=[["n", "m"]])
    lower_and_compare(lambda a: g.SplitOp(a, sizes=[2, -1]).outputs, sample((6,), BF16), shapes=[["n"]])


# -- slice ------------------------------------------------------------------------------------
ENDPOINTS = [INT64_MIN, -HUGE, -7, -2, 0, 1, 5, HUGE, INT64_MAX]


def _numpy_slice(x: np.ndarray, props: dict[str, list[int]]) -> np.ndarray:
    index = [slice(None)] * x.ndim
    axes = props.get("axes", range(len(props["starts"])))
    steps = props.get("steps", [1] * len(props["starts"]))
    for a, s, e, k in zip(axes, props["starts"], props["ends"], steps, strict=True):
        index[a] = slice(s, e, k)
    return x[tuple(index)]


@pytest.mark.parametrize(
    "props",
    [
        dict(starts=[1, -4], ends=[4, INT64_MAX], axes=[0, 1]),
        dict(starts=[-1], ends=[INT64_MIN], axes=[2], steps=[-1]),
        dict(starts=[4, 0], ends=[0, 6], axes=[0, -1], steps=[-2, 3]),
        dict(starts=[10], ends=[20], axes=[1]),
        dict(starts=[-100], ends=[100], axes=[1], steps=[2]),
        dict(starts=[100], ends=[-100], axes=[0], steps=[-3]),
        dict(starts=[], ends=[]),
    ],
)
def test_slice(props: dict[str, list[int]]) -> None:
    x = sample((5, 6, 4), np.int32)
    lower_and_compare(lambda a: g.SliceOp(a, **props), x)
    lower_and_compare(lambda a: g.SliceOp(a, **props), x, shapes=[["n", "m", 4]])


@pytest.mark.parametrize("step", [-2, -1, 1, 3])
def test_slice_endpoints_symbolic(step: int) -> None:
    """Every clamping case of start and end on a symbolic dim, at several run-time sizes
    (one function holding all the slices), against numpy."""
    pairs = [(s, e) for s in ENDPOINTS for e in ENDPOINTS]

    def body(a: Any) -> list[Any]:
        return [g.SliceOp(a, starts=[s], ends=[e], steps=[step]).result for s, e in pairs]

    module = build_func([tensor(["n"], np.int64)], body)
    pipelines.run(module, "graph-lower-to-tensorir")
    for n in (0, 1, 6):
        x = np.arange(n, dtype=np.int64)
        got = interp.run(module, "main", x.copy())
        for (s, e), o in zip(pairs, got, strict=True):
            same(o, x[s:e:step])


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_slice_dtypes(dtype: Any) -> None:
    lower_and_compare(lambda a: g.SliceOp(a, starts=[3], ends=[0], steps=[-2]), sample((4, 3), dtype))


# -- pad ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["constant", "reflect", "edge", "wrap"])
def test_pad_modes(mode: str) -> None:
    x = sample((3, 4))
    lower_and_compare(lambda a: g.PadOp(a, pads=[1, 2, 2, 0], mode=mode), x)
    lower_and_compare(lambda a: g.PadOp(a, pads=[4, 0, 0, 5], mode=mode), x, shapes=[["n", "m"]])
    lower_and_compare(lambda a: g.PadOp(a, pads=[7, 9], mode=mode, axes=[1]), x)  # wider than the axis
    lower_and_compare(lambda a: g.PadOp(a, pads=[-1, 3, 2, -2], mode=mode), x, shapes=[["n", "m"]])
    lower_and_compare(lambda a: g.PadOp(a, pads=[2, 3], mode=mode), sample((1,), np.int32))


def test_pad_value_negative_axes_dtypes() -> None:
    x = sample((3, 4), np.int32)
    lower_and_compare(lambda a: g.PadOp(a, pads=[1, 1], value=7, axes=[-1]), x)
    lower_and_compare(lambda a: g.PadOp(a, pads=[-1, 2, 1, -3]), x)
    lower_and_compare(lambda a: g.PadOp(a, pads=[-1, -1, 0, -2]), x, shapes=[["n", "m"]])
    lower_and_compare(lambda a: g.PadOp(a, pads=[-1, 1, 1, -1], mode="reflect"), x)
    lower_and_compare(lambda a: g.PadOp(a, pads=[0, 1, -3, 0], value=5), x)  # an axis cropped to nothing
    for dtype, value in [(BF16, 1.5), (np.bool_, 1.0), (np.uint8, 255), (np.float16, -2.0), (np.int64, -(2**40))]:
        lower_and_compare(lambda a, v=value: g.PadOp(a, pads=[0, 1, 1, 0], value=v), sample((2, 2), dtype))


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_every_layout_op_copies_every_dtype(dtype: Any) -> None:
    x = sample((2, 1, 3), dtype)

    def body(a: Any) -> list[Any]:
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
        return [op.results[0] for op in ops] + list(g.SplitOp(a, sizes=[1, 2], axis=2).outputs)

    lower_and_compare(body, x, shapes=[["n", 1, 3]])


# -- iota / full / *_like -------------------------------------------------------------------------
IOTA_RANGES = [
    (0, 5, 1, np.int64), (2, 11, 3, np.int32), (5, 0, -2, np.float32), (0.0, 1.0, 0.1, np.float64),
    (0.5, 3, 0.75, np.float16), (3, 3, 1, np.int64), (5, 0, 1, np.float32), (0.3, 9.1, 0.7, np.float64),
    (-2, 3, 1, np.bool_), (0.0, 2.0, 0.5, np.bool_), (-3.5, 4, 1.25, np.int32), (250, 260, 1, np.uint8),
    (-1.7, 3.0, 0.9, BF16),
]


@pytest.mark.parametrize(("start", "limit", "delta", "dtype"), IOTA_RANGES)
def test_iota_range(start: Any, limit: Any, delta: Any, dtype: Any) -> None:
    elt = element_type_of(np.dtype(dtype))
    lower_and_compare(lambda: g.IotaOp(start=start, limit=limit, delta=delta, dtype=elt))


def test_iota_shape_form() -> None:
    x = sample((4,))
    lower_and_compare(lambda a: [a, g.IotaOp(shape=["n", 3], dimension=0, dtype=f32).result], x, shapes=[["n"]])
    lower_and_compare(lambda a: [a, g.IotaOp(shape=[2, "n"], dimension=-1, start=10, delta=2, dtype=i32).result], x, shapes=[["n"]])
    lower_and_compare(lambda a: [a, g.IotaOp(shape=["n", 2], dimension=0, start=0.5, delta=0.1, dtype=f64).result], x, shapes=[["n"]])
    lower_and_compare(lambda: g.IotaOp(shape=[3, 2], dimension=1, start=-1, dtype=i1))


def test_full_and_fill_like() -> None:
    x = sample((3,))
    lower_and_compare(lambda a: [a, g.FullOp(shape=["n", 2], value=1.5, dtype=f16).result], x, shapes=[["n"]])
    for dtype, value, shape in [(np.int64, 2**62, [2]), (np.bool_, True, [2]), (np.uint8, 200, [2, 0, 1]), (BF16, -0.25, []), (np.float32, 0.1, [3])]:
        elt = element_type_of(np.dtype(dtype))
        lower_and_compare(lambda e=elt, v=value, s=shape: g.FullOp(shape=s, value=v, dtype=e))
    for dtype in ALL_DTYPES:
        y = sample((2, 3), dtype)
        lower_and_compare(g.ZerosLikeOp, y)
        lower_and_compare(g.OnesLikeOp, y, shapes=[["n", 3]])
    z = sample((0, 2))
    lower_and_compare(lambda a: g.OnesLikeOp(a, dtype=i1), z)
    lower_and_compare(lambda a: g.ZerosLikeOp(a, dtype=i64), z, shapes=[["n", 2]])
