"""Lowering the nn graph ops to tensorir: every op, across layouts, window
attributes, dtypes and symbolic shapes, must give the graph interpreter's
results (floats within rounding: f32 accumulates in f32 here and in f64 there;
integers exactly), and its reductions must run as vectorized grids.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation

from tensorforge import interp, pipelines
from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.nn import NN_OPS
from tensorforge.dialects.tirops.ops import BlockOp, FuncOp
from tensorforge.interp.machine import bind_arguments
from tensorforge.interp.tir import compile_func
from tensorforge.ir import parse_module, print_module, verify_module
from tensorforge.lowering.registry import LOWERINGS, load_all
from tests.helpers import build_func, tensor

RNG = np.random.default_rng(0)
TOL = {ml_dtypes.bfloat16: (2e-2, 2e-2), np.float16: (2e-3, 2e-3), np.float32: (1e-4, 1e-5), np.float64: (1e-12, 1e-12)}
Make = Callable[..., Operation]


def rand(*shape: int, dtype: Any = np.float32) -> np.ndarray:
    if np.issubdtype(dtype, np.integer):
        lo = 0 if np.issubdtype(dtype, np.unsignedinteger) else -50
        return RNG.integers(lo, 50, shape).astype(dtype)
    return RNG.standard_normal(shape).astype(dtype)


def lowered(make: Make, types: Sequence[Any]) -> ModuleOp:
    module = build_func(types, make)
    pipelines.run(module, "graph-lower-to-tensorir")
    verify_module(module)
    return module


def check(make: Make, *arrays: np.ndarray, shapes: Sequence[Sequence[Any]] | None = None) -> list[np.ndarray]:
    """Graph interpreter vs the lowered module (which also round-trips through text)."""
    types = [tensor(shapes[i] if shapes else a.shape, a.dtype) for i, a in enumerate(arrays)]
    module = build_func(types, make)
    want = interp.run(module, "main", *arrays)
    pipelines.run(module, "graph-lower-to-tensorir")
    verify_module(module)
    text = print_module(module)
    reparsed = parse_module(text)
    assert print_module(reparsed) == text
    got = interp.run(reparsed, "main", *arrays)
    for r, w in zip(got, want, strict=True):
        assert r.dtype == w.dtype and r.shape == w.shape
        if np.issubdtype(w.dtype, np.integer):
            np.testing.assert_array_equal(r, w)
            continue
        rtol, atol = TOL[w.dtype.type]
        np.testing.assert_allclose(r.astype(np.float64), w.astype(np.float64), rtol=rtol, atol=atol)
    return got


def tir_funcs(module: ModuleOp) -> list[FuncOp]:
    return [f for f in module.body.block.ops if isinstance(f, FuncOp)]


def test_every_nn_op_has_a_lowering() -> None:
    load_all()
    assert [op.name for op in NN_OPS if op not in LOWERINGS] == []


# -- matmul / dense ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b"),
    [((3, 4), (4, 5)), ((2, 3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)), ((2, 1, 3, 4), (5, 4, 2)),
     ((4,), (2, 4, 3)), ((2, 3, 4), (4,)), ((0, 4), (4, 3)), ((3, 0), (0, 2)), ((2, 3, 1), (1, 1, 5))],
)
def test_matmul_shapes(a: tuple[int, ...], b: tuple[int, ...]) -> None:
    check(g.MatmulOp, rand(*a), rand(*b))


@pytest.mark.parametrize("dtype", [ml_dtypes.bfloat16, np.float16, np.float32, np.float64, np.int32, np.int64, np.int8,
                                   np.uint8])
def test_matmul_dtypes(dtype: Any) -> None:
    check(g.MatmulOp, rand(2, 3, 5, dtype=dtype), rand(5, 4, dtype=dtype))


def test_matmul_integer_wraps() -> None:
    (r,) = check(g.MatmulOp, np.full((1, 2), 2**30, np.int32), np.full((2, 1), 2, np.int32))
    assert r[0, 0] == 0


def test_matmul_symbolic() -> None:
    check(g.MatmulOp, rand(2, 3, 4), rand(4, 6), shapes=[["b", "n", 4], [4, "m"]])
    check(g.MatmulOp, rand(5, 7), rand(7, 3), shapes=[["n", "k"], ["k", 3]])
    check(g.MatmulOp, rand(3, 1, 5, 7), rand(2, 7, 3), shapes=[["b", 1, "n", "k"], [2, "k", 3]])
    check(g.MatmulOp, rand(7), rand(7), shapes=[["k"], ["k"]])


def test_matmul_f16_accumulates_in_f32() -> None:
    """2048 + 1 + 1 ... in f16 would stick at 2048; the f32 accumulator does not."""
    x = np.ones((1, 9), np.float16)
    x[0, 0] = 2048
    y = np.ones((9, 1), np.float16)
    (r,) = check(g.MatmulOp, x, y)
    assert r[0, 0] == np.float16(2056)
    module = lowered(g.MatmulOp, [tensor((1, 9), np.float16), tensor((9, 1), np.float16)])
    assert "!tir.buffer<[1, 1], f32>" in print_module(module)


@pytest.mark.parametrize("x_shape", [(5,), (3, 5), (2, 3, 5), (0, 5)])
@pytest.mark.parametrize("bias", [True, False])
def test_dense(x_shape: tuple[int, ...], bias: bool) -> None:
    arrays = (rand(*x_shape), rand(4, 5), rand(4))
    check(g.DenseOp, *(arrays if bias else arrays[:2]))


@pytest.mark.parametrize("dtype", [ml_dtypes.bfloat16, np.float16, np.float64, np.int32, np.int64, np.int8])
def test_dense_dtypes(dtype: Any) -> None:
    check(g.DenseOp, rand(3, 5, dtype=dtype), rand(4, 5, dtype=dtype), rand(4, dtype=dtype))


def test_dense_symbolic_and_empty_contraction() -> None:
    check(g.DenseOp, rand(2, 3, 5), rand(4, 5), rand(4), shapes=[["b", "n", "k"], [4, "k"], [4]])
    check(g.DenseOp, rand(3, 0), rand(4, 0), rand(4))  # no features: the bias alone


# -- conv --------------------------------------------------------------------------
CONV_CASES = [
    # layout, input shape, weight (O, I/g, *k), strides, dilations, pads, groups, bias
    ("NCW", (2, 4, 9), (6, 4, 3), [2], [1], [1, 2], 1, True),
    ("NWC", (2, 9, 4), (6, 2, 3), [1], [2], [0, 1], 2, False),
    ("NCHW", (2, 4, 7, 6), (6, 2, 3, 3), [2, 1], [1, 2], [1, 0, 2, 1], 2, True),
    ("NCHW", (1, 3, 5, 5), (2, 3, 1, 1), [1, 1], [1, 1], [0, 0, 0, 0], 1, False),
    ("NCHW", (1, 4, 6, 5), (4, 1, 3, 3), [1, 1], [1, 1], [1, 1, 1, 1], 4, False),
    ("NHWC", (2, 6, 5, 4), (4, 1, 3, 3), [1, 2], [1, 1], [1, 1, 1, 1], 4, True),
    ("NHWC", (1, 5, 5, 3), (5, 3, 2, 3), [2, 2], [1, 1], [0, 1, 1, 0], 1, True),
    ("NCDHW", (1, 2, 5, 4, 6), (3, 2, 2, 3, 2), [2, 1, 2], [1, 1, 2], [1, 0, 1, 0, 1, 1], 1, True),
    ("NDHWC", (2, 4, 5, 4, 2), (4, 1, 3, 2, 2), [1, 2, 1], [1, 1, 1], [1, 1, 0, 1, 0, 1], 2, False),
]


def conv_arrays(layout: str, xs: tuple[int, ...], ws: tuple[int, ...], bias: bool, dtype: Any = np.float32
                ) -> tuple[np.ndarray, ...]:
    x, w, b = rand(*xs, dtype=dtype), rand(*ws, dtype=dtype), rand(ws[0], dtype=dtype)
    if layout in ("NWC", "NHWC", "NDHWC"):  # [O, I/g, *k] -> [*k, I/g, O]
        w = np.ascontiguousarray(np.moveaxis(w, (0, 1), (-1, -2)))
    return (x, w, b) if bias else (x, w)


@pytest.mark.parametrize(("layout", "xs", "ws", "strides", "dilations", "pads", "groups", "bias"), CONV_CASES)
def test_conv(layout: str, xs: tuple[int, ...], ws: tuple[int, ...], strides: list[int], dilations: list[int],
              pads: list[int], groups: int, bias: bool) -> None:
    props = {"strides": strides, "dilations": dilations, "pads": pads, "groups": groups, "layout": layout}
    check(lambda *a: g.ConvOp(*a, **props), *conv_arrays(layout, xs, ws, bias))


@pytest.mark.parametrize("dtype", [ml_dtypes.bfloat16, np.float16, np.float64])
def test_conv_dtypes(dtype: Any) -> None:
    check(lambda *a: g.ConvOp(*a, pads=[1, 1, 1, 1]), *conv_arrays("NCHW", (1, 3, 6, 5), (4, 3, 3, 3), True, dtype))


def test_conv_defaults_and_empty_batch() -> None:
    check(g.ConvOp, rand(0, 3, 5, 5), rand(2, 3, 3, 3))
    check(g.ConvOp, rand(1, 3, 5, 5), rand(2, 3, 3, 3))


def test_conv_symbolic() -> None:
    props = {"strides": [2, 2], "pads": [1, 1, 1, 1]}
    check(lambda *a: g.ConvOp(*a, **props), rand(2, 3, 7, 6), rand(4, 3, 3, 3), shapes=[["n", 3, "h", "w"], [4, 3, 3, 3]])
    check(lambda *a: g.ConvOp(*a, **props), rand(1, 3, 8, 9), rand(4, 3, 3, 3), shapes=[["n", 3, "h", "w"], [4, 3, 3, 3]])
    depthwise = {"pads": [2, 0, 1, 1], "dilations": [2, 1], "groups": 3, "layout": "NHWC"}
    check(lambda *a: g.ConvOp(*a, **depthwise), *conv_arrays("NHWC", (2, 7, 5, 3), (3, 1, 3, 2), True),
          shapes=[["n", "h", "w", 3], [3, 2, 1, 3], [3]])


# -- conv_transpose ----------------------------------------------------------------
CONV_T_CASES = [
    # input, weight (I, O/g, *k), strides, dilations, pads, output_padding, groups, bias
    ((2, 4, 5, 4), (4, 3, 3, 3), [2, 2], [1, 1], [1, 1, 1, 1], [1, 0], 1, True),
    ((1, 4, 3, 5), (4, 2, 2, 3), [3, 1], [1, 2], [0, 1, 2, 0], [2, 1], 2, False),
    ((2, 2, 4, 4), (2, 1, 3, 3), [1, 1], [1, 1], [0, 0, 0, 0], [0, 0], 2, True),
    ((1, 3, 6), (3, 2, 4), [2], [1], [1, 2], [1], 1, True),
    ((1, 2, 3, 2, 3), (2, 2, 2, 3, 2), [2, 1, 2], [1, 1, 1], [0, 1, 1, 1, 0, 0], [1, 0, 0], 1, True),
]


@pytest.mark.parametrize(("xs", "ws", "strides", "dilations", "pads", "extra", "groups", "bias"), CONV_T_CASES)
def test_conv_transpose(xs: tuple[int, ...], ws: tuple[int, ...], strides: list[int], dilations: list[int],
                        pads: list[int], extra: list[int], groups: int, bias: bool) -> None:
    arrays = (rand(*xs), rand(*ws), rand(ws[1] * groups))
    props = {"strides": strides, "dilations": dilations, "pads": pads, "output_padding": extra, "groups": groups}
    check(lambda *a: g.ConvTransposeOp(*a, **props), *(arrays if bias else arrays[:2]))


def test_conv_transpose_symbolic_and_f16() -> None:
    props = {"strides": [2, 2], "pads": [1, 1, 1, 1]}
    x, w = rand(1, 4, 3, 4, dtype=np.float16), rand(4, 3, 3, 3, dtype=np.float16)
    check(lambda *a: g.ConvTransposeOp(*a, **props), x, w, shapes=[["n", 4, "h", "w"], [4, 3, 3, 3]])
    check(lambda *a: g.ConvTransposeOp(*a, output_padding=[1], strides=[3]), rand(2, 2, 5), rand(2, 3, 2), rand(3),
          shapes=[["n", 2, "h"], [2, 3, 2], [3]])


# -- pooling -----------------------------------------------------------------------
POOL_CASES = [
    # kernel, strides, pads, dilations, ceil_mode, input spatial
    ([3], [2], [1, 1], [1], False, (9,)),
    ([2], [3], [1, 1], [1], True, (4,)),
    ([3], [2], [0, 0], [2], True, (10,)),
    ([2], [2], [0, 1], [1], True, (5,)),
    ([3, 2], [2, 2], [1, 1, 1, 0], [1, 1], False, (7, 6)),
    ([3, 3], [2, 2], [1, 1, 1, 1], [1, 1], True, (6, 7)),
    ([2, 2], [2, 1], [0, 0, 0, 0], [1, 1], True, (5, 5)),
    ([3, 3], [3, 3], [1, 1, 1, 1], [1, 1], True, (8, 4)),
    ([3, 2], [1, 2], [2, 0, 0, 1], [2, 1], False, (7, 5)),
    ([2, 2, 2], [2, 2, 1], [1, 0, 1, 1, 0, 1], [1, 1, 1], True, (3, 4, 5)),
]


@pytest.mark.parametrize(("kernel", "strides", "pads", "dilations", "ceil", "sp"), POOL_CASES)
def test_max_pool(kernel: list[int], strides: list[int], pads: list[int], dilations: list[int], ceil: bool,
                  sp: tuple[int, ...]) -> None:
    props = {"kernel": kernel, "strides": strides, "pads": pads, "dilations": dilations, "ceil_mode": ceil}
    check(lambda a: g.MaxPoolOp(a, **props), rand(2, 3, *sp))


@pytest.mark.parametrize(("kernel", "strides", "pads", "dilations", "ceil", "sp"), POOL_CASES)
@pytest.mark.parametrize("include", [True, False])
def test_avg_pool(kernel: list[int], strides: list[int], pads: list[int], dilations: list[int], ceil: bool,
                  sp: tuple[int, ...], include: bool) -> None:
    props = {"kernel": kernel, "strides": strides, "pads": pads, "ceil_mode": ceil, "count_include_pad": include}
    check(lambda a: g.AvgPoolOp(a, **props), rand(2, 3, *sp))


@pytest.mark.parametrize("layout", ["NWC", "NHWC", "NDHWC"])
def test_pools_channel_last(layout: str) -> None:
    n = len(layout) - 2
    x = rand(2, *(6,) * n, 3)
    props = {"kernel": [3] * n, "strides": [2] * n, "pads": [1] * (2 * n), "layout": layout, "ceil_mode": True}
    check(lambda a: g.MaxPoolOp(a, **props), x)
    check(lambda a: g.AvgPoolOp(a, count_include_pad=True, **props), x)
    check(lambda a: g.AvgPoolOp(a, **props), x)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.int8, np.uint8, np.float16, ml_dtypes.bfloat16, np.float64])
def test_max_pool_dtypes(dtype: Any) -> None:
    check(lambda a: g.MaxPoolOp(a, kernel=[3, 2], strides=[2, 2], pads=[1, 0, 1, 1]), rand(1, 2, 7, 5, dtype=dtype))


def test_max_pool_nan_and_lowest_fill() -> None:
    x = rand(1, 1, 4)
    x[0, 0, 1] = np.nan
    (r,) = check(lambda a: g.MaxPoolOp(a, kernel=[2], strides=[2]), x)
    assert np.isnan(r[0, 0, 0]) and r[0, 0, 1] == x[0, 0, 2:].max()
    xi = np.array([[[-(2**31), 5]]], np.int32)
    (r,) = check(lambda a: g.MaxPoolOp(a, kernel=[2], pads=[1, 1]), xi)
    np.testing.assert_array_equal(r, [[[-(2**31), 5, 5]]])
    (r,) = check(lambda a: g.MaxPoolOp(a, kernel=[2], strides=[2], pads=[2, 2]), rand(1, 1, 2))
    assert r[0, 0, 0] == -np.inf and r[0, 0, 2] == -np.inf  # windows entirely in the pads


def test_pools_symbolic() -> None:
    props = {"kernel": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1], "ceil_mode": True}
    for shape in ((2, 3, 7, 6), (1, 3, 8, 5)):
        x = rand(*shape, dtype=np.float16)
        check(lambda a: g.AvgPoolOp(a, **props), x, shapes=[["n", 3, "h", "w"]])
        check(lambda a: g.AvgPoolOp(a, count_include_pad=True, **props), x, shapes=[["n", 3, "h", "w"]])
        check(lambda a: g.MaxPoolOp(a, dilations=[2, 1], **props), x, shapes=[["n", "c", "h", "w"]])


def test_avg_pool_window_in_pads_is_nan() -> None:
    """A window with no input cell averages nothing: 0/0, like the graph interpreter."""
    (r,) = check(lambda a: g.AvgPoolOp(a, kernel=[2], strides=[2], pads=[2, 2]), rand(1, 1, 2))
    assert np.isnan(r[0, 0, 0]) and np.isnan(r[0, 0, 2])


# -- global / adaptive average pooling ---------------------------------------------
@pytest.mark.parametrize(("layout", "shape"), [(None, (2, 3, 5)), (None, (2, 3, 4, 5)), ("NHWC", (2, 4, 5, 3)),
                                               ("NDHWC", (1, 2, 3, 4, 2)), (None, (0, 3, 4, 4)), (None, (1, 2, 0, 3))])
def test_global_avg_pool(layout: str | None, shape: tuple[int, ...]) -> None:
    check(lambda a: g.GlobalAvgPoolOp(a, layout=layout), rand(*shape))


def test_global_avg_pool_symbolic_f16() -> None:
    check(g.GlobalAvgPoolOp, rand(2, 3, 5, 4, dtype=np.float16), shapes=[["n", "c", "h", "w"]])
    check(lambda a: g.GlobalAvgPoolOp(a, layout="NWC"), rand(2, 7, 3, dtype=ml_dtypes.bfloat16), shapes=[["n", "w", 3]])


@pytest.mark.parametrize(("sp", "out"), [((7,), [3]), ((5,), [8]), ((6,), [6]), ((6,), [3]), ((1,), [1]), ((7, 5), [3, 2]),
                                         ((4, 9), [4, 5]), ((3, 3), [5, 1]), ((4, 6, 5), [2, 4, 3])])
def test_adaptive_avg_pool(sp: tuple[int, ...], out: list[int]) -> None:
    check(lambda a: g.AdaptiveAvgPoolOp(a, output_size=out), rand(2, 3, *sp))


def test_adaptive_avg_pool_channel_last_symbolic() -> None:
    props = {"output_size": [3, 4], "layout": "NHWC"}
    check(lambda a: g.AdaptiveAvgPoolOp(a, **props), rand(2, 7, 6, 3, dtype=np.float64), shapes=[["n", "h", "w", 3]])
    check(lambda a: g.AdaptiveAvgPoolOp(a, **props), rand(1, 2, 9, 3), shapes=[["n", "h", "w", 3]])
    check(lambda a: g.AdaptiveAvgPoolOp(a, output_size=[4]), rand(1, 2, 8, dtype=np.float16), shapes=[["n", "c", "w"]])


# -- structure: reductions, accumulators, vectorized grids ------------------------
STRUCTURE_CASES: list[tuple[str, Make, list[Any]]] = [
    ("matmul", g.MatmulOp, [tensor((4, 5), np.float32), tensor((5, 3), np.float32)]),
    ("dense", g.DenseOp, [tensor((4, 5), np.float16), tensor((3, 5), np.float16), tensor((3,), np.float16)]),
    ("conv", lambda *a: g.ConvOp(*a, pads=[1, 0, 2, 1], strides=[2, 1], groups=2),
     [tensor((1, 4, 6, 5), np.float32), tensor((4, 2, 3, 3), np.float32), tensor((4,), np.float32)]),
    ("conv_transpose", lambda *a: g.ConvTransposeOp(*a, strides=[2], pads=[1, 1]),
     [tensor((1, 2, 5), np.float32), tensor((2, 3, 3), np.float32)]),
    ("max_pool", lambda a: g.MaxPoolOp(a, kernel=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=True),
     [tensor((1, 2, 7, 6), np.uint8)]),
    ("avg_pool", lambda a: g.AvgPoolOp(a, kernel=[3], strides=[2], pads=[1, 1], ceil_mode=True),
     [tensor((1, 2, 7), np.float32)]),
    ("global_avg_pool", lambda a: g.GlobalAvgPoolOp(a, layout="NHWC"), [tensor((1, 5, 4, 3), np.float32)]),
    ("adaptive_avg_pool", lambda a: g.AdaptiveAvgPoolOp(a, output_size=[3, 2]), [tensor((1, 2, 7, 5), np.float32)]),
]


@pytest.mark.parametrize(("name", "make", "types"), STRUCTURE_CASES, ids=[c[0] for c in STRUCTURE_CASES])
def test_reductions_are_vectorized_grids(name: str, make: Make, types: list[Any]) -> None:
    """One reduction block with reduce iteration variables and an init region; the
    compiled kernel has no Python loop (every nest is one numpy grid)."""
    (func,) = tir_funcs(lowered(make, types))
    blocks = [op for op in func.walk() if isinstance(op, BlockOp)]
    reductions = [b for b in blocks if any(kind == "reduce" for _, kind, _, _ in b.iters)]
    assert len(reductions) == 1 and reductions[0].init.blocks
    arrays = [np.zeros(tuple(d.value() for d in t.dims), t.dtype) for t in types]
    for t in func.function_type.inputs.data[len(types):]:
        arrays.append(np.zeros(tuple(d.value() for d in t.dims), t.dtype))  # type: ignore[attr-defined]
    env = bind_arguments(func.arg_name_list, func.function_type.inputs.data, arrays, name)
    source = compile_func(func, env).source
    assert "for " not in source, source


@pytest.mark.parametrize(
    ("make", "arrays"),
    [
        (g.MatmulOp, [rand(128, 128), rand(128, 128)]),
        (lambda *a: g.ConvOp(*a, pads=[1, 1, 1, 1]), [rand(1, 16, 32, 32), rand(16, 16, 3, 3)]),
    ],
    ids=["matmul_128", "conv2d_16x32x32_3x3"],
)
def test_lowered_timing(make: Make, arrays: list[np.ndarray]) -> None:
    module = lowered(make, [tensor(a.shape, a.dtype) for a in arrays])
    start = time.perf_counter()
    interp.run(module, "main", *arrays)
    assert time.perf_counter() - start < 10
