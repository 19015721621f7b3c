"""The 'nn' graph ops against numpy and torch: matmul, dense, conv, conv_transpose,
max/avg pooling, global and adaptive average pooling.

References run in float64 (torch on CPU) and are cast to the op's dtype, so f32
results compare at rtol=1e-5/atol=1e-6; integer results compare exactly.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import ml_dtypes
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from xdsl.ir import Block, Operation, SSAValue
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.errors import InterpError
from tests.helpers import run_op, tensor

RNG = np.random.default_rng(0)
TOL = {ml_dtypes.bfloat16: (1e-2, 1e-2), np.float16: (1e-3, 1e-3), np.float32: (1e-5, 1e-6), np.float64: (1e-12, 1e-12)}
CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def rand(*shape: int, dtype: Any = np.float32) -> np.ndarray:
    if np.issubdtype(dtype, np.integer):
        return RNG.integers(-50, 50, shape).astype(dtype)
    return RNG.standard_normal(shape).astype(dtype)


def t64(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(a.astype(np.float64))


def close(got: np.ndarray, want: np.ndarray | torch.Tensor, dtype: Any = np.float32) -> None:
    want = want.numpy() if isinstance(want, torch.Tensor) else want
    want = np.asarray(want).astype(dtype)
    assert got.dtype == np.dtype(dtype)
    assert got.shape == want.shape
    if np.issubdtype(np.dtype(dtype), np.integer):
        np.testing.assert_array_equal(got, want)
        return
    rtol, atol = TOL[np.dtype(dtype).type]
    np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=rtol, atol=atol)


def run_checked(make: Callable[..., Operation], *arrays: np.ndarray, shapes: Sequence[Sequence[Any]] | None = None) -> np.ndarray:
    """run_op, also asserting the inferred result shape (bound to the inputs) equals the output's."""
    built: list[Operation] = []

    def record(*args: SSAValue) -> Operation:
        built.append(make(*args))
        return built[-1]

    (out,) = run_op(record, *arrays, shapes=shapes)
    env = _bind(shapes, arrays) if shapes else {}
    rtype = built[0].results[0].type
    assert isinstance(rtype, TensorType)
    assert tuple(d.evaluate(env) for d in rtype.dims) == out.shape
    return out


def _bind(shapes: Sequence[Sequence[Any]], arrays: Sequence[np.ndarray]) -> dict[str, int]:
    return {d: n for s, a in zip(shapes, arrays, strict=True) for d, n in zip(s, a.shape, strict=True) if isinstance(d, str)}


def args(*types: TensorType) -> tuple[SSAValue, ...]:
    return tuple(Block(arg_types=list(types)).args)


def fails(make: Callable[..., Operation], types: Sequence[TensorType], message: str) -> None:
    with pytest.raises(VerifyException) as info:
        make(*args(*types))
    assert str(info.value) == message


def f32(*shape: Any) -> TensorType:
    return tensor(shape, np.float32)


# -- matmul ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((3, 4), (4, 5)),
        ((2, 3, 4), (4, 5)),
        ((4,), (4, 5)),
        ((3, 4), (4,)),
        ((4,), (4,)),
        ((2, 1, 3, 4), (5, 4, 2)),
        ((4,), (2, 4, 3)),
        ((2, 3, 4), (4,)),
        ((0, 4), (4, 3)),
        ((3, 0), (0, 2)),
        ((2, 3, 1), (1, 1, 5)),
    ],
)
def test_matmul_shapes(a: tuple[int, ...], b: tuple[int, ...]) -> None:
    x, y = rand(*a), rand(*b)
    close(run_checked(g.MatmulOp, x, y), np.matmul(x.astype(np.float64), y.astype(np.float64)))


@pytest.mark.parametrize("dtype", [ml_dtypes.bfloat16, np.float16, np.float32, np.float64, np.int32, np.int64, np.int8,
                                   np.uint8])
def test_matmul_dtypes(dtype: Any) -> None:
    x, y = rand(2, 3, 5, dtype=dtype), rand(5, 4, dtype=dtype)
    if np.issubdtype(dtype, np.integer):
        want = np.matmul(x.astype(np.int64), y.astype(np.int64)).astype(dtype)  # wraps like the op
    else:
        acc = np.float64 if dtype in (np.float32, np.float64) else np.float32
        want = np.matmul(x.astype(acc), y.astype(acc))
    close(run_checked(g.MatmulOp, x, y), want, dtype)


def test_matmul_int32_wraps() -> None:
    x = np.full((1, 2), 2**30, np.int32)
    y = np.full((2, 1), 2, np.int32)
    (r,) = run_op(g.MatmulOp, x, y)
    assert r[0, 0] == np.int32(0)  # 2**32 wraps to 0


def test_matmul_symbolic() -> None:
    op = g.MatmulOp(*args(f32("b", "n", 4), f32(4, "m")))
    assert op.result.type == f32("b", "n", "m")
    x, y = rand(2, 3, 4), rand(4, 6)
    r = run_checked(g.MatmulOp, x, y, shapes=[["b", "n", 4], [4, "m"]])
    close(r, np.matmul(x.astype(np.float64), y.astype(np.float64)))
    assert g.MatmulOp(*args(f32("n"), f32("n"))).result.type == f32()


def test_matmul_runtime_mismatch() -> None:
    with pytest.raises(InterpError, match="do not fit"):
        run_op(g.MatmulOp, rand(2, 3), rand(4, 2), shapes=[[2, "k"], ["j", 2]])


def test_matmul_errors() -> None:
    fails(g.MatmulOp, [f32(3, 4), f32(5, 6)], "contracting dims differ: lhs dim 1 is 4, rhs dim 0 is 5")
    fails(g.MatmulOp, [f32(4), f32(2, 5, 6)], "contracting dims differ: lhs dim 0 is 4, rhs dim 1 is 5")
    fails(g.MatmulOp, [f32(), f32(3)], "lhs must have rank >= 1, got rank 0 (!graph.tensor<[], f32>)")
    fails(g.MatmulOp, [f32(3), f32()], "rhs must have rank >= 1, got rank 0 (!graph.tensor<[], f32>)")
    fails(g.MatmulOp, [f32(2, 3, 4), f32(3, 4, 5)],
          "batch dims: shapes [2] and [3] do not broadcast: dim -1 is 2 vs 3")
    fails(g.MatmulOp, [f32(3, 4), tensor((4, 5), np.float64)],
          "lhs and rhs must have the same element type, got f32, f64")
    fails(g.MatmulOp, [tensor((3, 4), np.bool_), tensor((4, 5), np.bool_)],
          "does not accept element type i1 (needs float or integer types)")


# -- dense -------------------------------------------------------------------------
@pytest.mark.parametrize("x_shape", [(5,), (3, 5), (2, 3, 5), (0, 5)])
@pytest.mark.parametrize("bias", [True, False])
def test_dense_matches_torch_linear(x_shape: tuple[int, ...], bias: bool) -> None:
    x, w, b = rand(*x_shape), rand(4, 5), rand(4)
    want = F.linear(t64(x), t64(w), t64(b) if bias else None)
    arrays = (x, w, b) if bias else (x, w)
    close(run_checked(g.DenseOp, *arrays), want)


@pytest.mark.parametrize("dtype", [np.float16, np.float64, np.int32, np.int64])
def test_dense_dtypes(dtype: Any) -> None:
    x, w, b = rand(3, 5, dtype=dtype), rand(4, 5, dtype=dtype), rand(4, dtype=dtype)
    acc = {np.float16: np.float32, np.float64: np.float64}.get(dtype, np.int64)
    want = x.astype(acc) @ w.astype(acc).T + b.astype(acc)
    close(run_checked(g.DenseOp, x, w, b), want, dtype)


def test_dense_symbolic() -> None:
    x, w, b = rand(2, 3, 5), rand(4, 5), rand(4)
    r = run_checked(g.DenseOp, x, w, b, shapes=[["b", "n", "k"], [4, "k"], [4]])
    close(r, F.linear(t64(x), t64(w), t64(b)))


def test_dense_errors() -> None:
    fails(g.DenseOp, [f32(3, 5), f32(4, 6)], "input has 5 features, weight [out, in] expects 6")
    fails(g.DenseOp, [f32(3, 5), f32(5)], "weight ([out, in]) must have rank 2, got 1 (!graph.tensor<[5], f32>)")
    fails(g.DenseOp, [f32(3, 5), f32(4, 5), f32(3)], "bias has 3 entries, expected 4 (output channels)")
    fails(g.DenseOp, [f32(3, 5), f32(4, 5), f32(1, 4)], "bias must have rank 1, got 2 (!graph.tensor<[1, 4], f32>)")
    fails(g.DenseOp, [f32(), f32(4, 5)], "input must have rank >= 1, got rank 0 (!graph.tensor<[], f32>)")


# -- conv --------------------------------------------------------------------------
def torch_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, strides: Sequence[int], dilations: Sequence[int],
               pads: Sequence[int], groups: int, last: bool) -> torch.Tensor:
    """Reference: channel-first torch conv after an explicit (asymmetric) F.pad."""
    n = x.ndim - 2
    xt, wt = t64(x), t64(w)
    if last:
        xt = xt.movedim(-1, 1)
        wt = wt.movedim((-1, -2), (0, 1))
    xt = F.pad(xt, [p for i in reversed(range(n)) for p in (pads[i], pads[n + i])])
    y = CONV[n](xt, wt, t64(b) if b is not None else None, stride=list(strides), dilation=list(dilations), groups=groups)
    return y.movedim(1, -1) if last else y


CONV_CASES = [
    # layout, input shape, weight (O, I/g, *k), strides, dilations, pads, groups, bias
    ("NCW", (2, 4, 9), (6, 4, 3), [2], [1], [1, 2], 1, True),
    ("NWC", (2, 9, 4), (6, 2, 3), [1], [2], [0, 1], 2, False),
    ("NCHW", (2, 4, 7, 6), (6, 2, 3, 3), [2, 1], [1, 2], [1, 0, 2, 1], 2, True),
    ("NCHW", (1, 3, 5, 5), (2, 3, 1, 1), [1, 1], [1, 1], [0, 0, 0, 0], 1, False),
    ("NHWC", (2, 6, 5, 4), (4, 1, 3, 3), [1, 2], [1, 1], [1, 1, 1, 1], 4, True),
    ("NHWC", (1, 5, 5, 3), (5, 3, 2, 3), [2, 2], [1, 1], [0, 1, 1, 0], 1, True),
    ("NCDHW", (1, 2, 5, 4, 6), (3, 2, 2, 3, 2), [2, 1, 2], [1, 1, 2], [1, 0, 1, 0, 1, 1], 1, True),
    ("NDHWC", (2, 4, 5, 4, 2), (4, 1, 3, 2, 2), [1, 2, 1], [1, 1, 1], [1, 1, 0, 1, 0, 1], 2, False),
]


@pytest.mark.parametrize(("layout", "xs", "ws", "strides", "dilations", "pads", "groups", "bias"), CONV_CASES)
def test_conv_matches_torch(layout: str, xs: tuple[int, ...], ws: tuple[int, ...], strides: list[int],
                            dilations: list[int], pads: list[int], groups: int, bias: bool) -> None:
    last = layout in ("NWC", "NHWC", "NDHWC")
    x, w, b = rand(*xs), rand(*ws), rand(ws[0])
    if last:  # [O, I/g, *k] -> [*k, I/g, O]
        w = np.ascontiguousarray(np.moveaxis(w, (0, 1), (-1, -2)))
    props = {"strides": strides, "dilations": dilations, "pads": pads, "groups": groups, "layout": layout}
    arrays = (x, w, b) if bias else (x, w)
    r = run_checked(lambda *a: g.ConvOp(*a, **props), *arrays)
    close(r, torch_conv(x, w, b if bias else None, strides, dilations, pads, groups, last))


@pytest.mark.parametrize("dtype", [ml_dtypes.bfloat16, np.float16, np.float64])
def test_conv_dtypes(dtype: Any) -> None:
    x, w, b = rand(1, 3, 6, 5, dtype=dtype), rand(4, 3, 3, 3, dtype=dtype), rand(4, dtype=dtype)
    r = run_checked(lambda *a: g.ConvOp(*a, pads=[1, 1, 1, 1]), x, w, b)
    close(r, torch_conv(x, w, b, [1, 1], [1, 1], [1, 1, 1, 1], 1, False), dtype)


def test_conv_defaults_and_empty_batch() -> None:
    x, w = rand(0, 3, 5, 5), rand(2, 3, 3, 3)
    r = run_checked(g.ConvOp, x, w)
    assert r.shape == (0, 2, 3, 3)


def test_conv_symbolic() -> None:
    op = g.ConvOp(*args(f32("n", 3, "h", "w"), f32(4, 3, 3, 3)), strides=[2, 2], pads=[1, 1, 1, 1])
    assert str(op.result.type.dims[2]) == "((h-1) floordiv 2)+1"
    op1 = g.ConvOp(*args(f32("n", 3, "h", "w"), f32(4, 3, 3, 3)), pads=[1, 1, 1, 1])
    assert op1.result.type == f32("n", 4, "h", "w")
    x, w = rand(2, 3, 7, 6), rand(4, 3, 3, 3)
    r = run_checked(lambda *a: g.ConvOp(*a, strides=[2, 2], pads=[1, 1, 1, 1]), x, w,
                    shapes=[["n", 3, "h", "w"], [4, 3, 3, 3]])
    close(r, torch_conv(x, w, None, [2, 2], [1, 1], [1, 1, 1, 1], 1, False))


def test_conv_errors() -> None:
    def conv(**props: Any) -> Callable[..., Operation]:
        return lambda *a: g.ConvOp(*a, **props)

    x, w = f32(1, 4, 5, 5), f32(6, 4, 3, 3)
    fails(conv(), [f32(1, 4, 5, 5), f32(6, 3, 3, 3)], "input has 4 channels, weight expects 3 per group * 1 groups = 3")
    fails(conv(groups=2), [f32(1, 4, 5, 5), f32(5, 2, 3, 3)], "output channels 5 are not divisible by groups 2")
    fails(conv(groups=0), [x, w], "groups must be >= 1, got 0")
    fails(conv(), [f32(1, 4, 5), f32(6, 4, 3, 3)], "weight must have rank 3, got 4 (!graph.tensor<[6, 4, 3, 3], f32>)")
    fails(conv(), [f32(4, 5), f32(6, 4)], "input must have rank 3, 4 or 5 ([N, C, 1 to 3 spatial dims]), got rank 2 "
          "(!graph.tensor<[4, 5], f32>)")
    fails(conv(layout="NHCW"), [x, w], "layout must be one of NCW, NCHW, NCDHW, NWC, NHWC, NDHWC, got 'NHCW'")
    fails(conv(layout="NCW"), [x, w], "layout NCW needs an input of rank 3, got rank 4 (!graph.tensor<[1, 4, 5, 5], f32>)")
    fails(conv(strides=[1]), [x, w], "strides must have 2 entries (one per spatial dim), got 1")
    fails(conv(strides=[1, 0]), [x, w], "strides must be >= 1, got [1, 0]")
    fails(conv(dilations=[0, 1]), [x, w], "dilations must be >= 1, got [0, 1]")
    fails(conv(pads=[1, 1]), [x, w], "pads must have 4 entries ([begin..., end...] per spatial dim), got 2")
    fails(conv(pads=[0, -1, 0, 0]), [x, w], "pads must be >= 0, got [0, -1, 0, 0]")
    fails(conv(dilations=[3, 1]), [x, w],
          "spatial dim 0: padded input size 5 is smaller than the dilated kernel size 7")
    fails(conv(), [x, w, f32(5)], "bias has 5 entries, expected 6 (output channels)")
    fails(conv(), [x, tensor((6, 4, 3, 3), np.float64)], "input, weight and bias must have the same element type, got f32, f64")
    fails(conv(), [tensor((1, 4, 5, 5), np.int32), tensor((6, 4, 3, 3), np.int32)],
          "does not accept element type i32 (needs float types)")


# -- conv_transpose ----------------------------------------------------------------
def torch_conv_transpose(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, strides: list[int], dilations: list[int],
                         pads: list[int], extra: list[int], groups: int) -> torch.Tensor:
    """Reference: unpadded torch conv_transpose, then crop the (asymmetric) pads."""
    n = x.ndim - 2
    y = CONV_T[n](t64(x), t64(w), None, stride=strides, output_padding=extra, groups=groups, dilation=dilations)
    crop = tuple(slice(pads[i], y.shape[2 + i] - pads[n + i]) for i in range(n))
    y = y[(slice(None), slice(None), *crop)]
    return y if b is None else y + t64(b).reshape(1, -1, *([1] * n))


CONV_T_CASES = [
    # input, weight (I, O/g, *k), strides, dilations, pads, output_padding, groups, bias
    ((2, 4, 5, 4), (4, 3, 3, 3), [2, 2], [1, 1], [1, 1, 1, 1], [1, 0], 1, True),
    ((1, 4, 3, 5), (4, 2, 2, 3), [3, 1], [1, 2], [0, 1, 2, 0], [2, 1], 2, False),
    ((2, 2, 4, 4), (2, 1, 3, 3), [1, 1], [1, 1], [0, 0, 0, 0], [0, 0], 2, True),
    ((1, 3, 6), (3, 2, 4), [2], [1], [1, 2], [1], 1, True),
    ((1, 2, 3, 2, 3), (2, 2, 2, 3, 2), [2, 1, 2], [1, 1, 1], [0, 1, 1, 1, 0, 0], [1, 0, 0], 1, True),
]


@pytest.mark.parametrize(("xs", "ws", "strides", "dilations", "pads", "extra", "groups", "bias"), CONV_T_CASES)
def test_conv_transpose_matches_torch(xs: tuple[int, ...], ws: tuple[int, ...], strides: list[int], dilations: list[int],
                                      pads: list[int], extra: list[int], groups: int, bias: bool) -> None:
    x, w, b = rand(*xs), rand(*ws), rand(ws[1] * groups)
    props = {"strides": strides, "dilations": dilations, "pads": pads, "output_padding": extra, "groups": groups}
    arrays = (x, w, b) if bias else (x, w)
    r = run_checked(lambda *a: g.ConvTransposeOp(*a, **props), *arrays)
    close(r, torch_conv_transpose(x, w, b if bias else None, strides, dilations, pads, extra, groups))


def test_conv_transpose_symmetric_pads_match_torch_padding() -> None:
    x, w, b = rand(2, 4, 5, 6), rand(4, 3, 3, 3), rand(3)
    r = run_checked(lambda *a: g.ConvTransposeOp(*a, strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1]), x, w, b)
    want = F.conv_transpose2d(t64(x), t64(w), t64(b), stride=2, padding=1, output_padding=1)
    close(r, want)


def test_conv_transpose_symbolic_and_f16() -> None:
    op = g.ConvTransposeOp(*args(f32("n", 4, "h", "w"), f32(4, 3, 3, 3)), strides=[2, 2], pads=[1, 1, 1, 1])
    assert op.result.type == f32("n", 3, "h*2-1", "w*2-1")
    x, w = rand(1, 4, 3, 4, dtype=np.float16), rand(4, 3, 3, 3, dtype=np.float16)
    r = run_checked(lambda *a: g.ConvTransposeOp(*a, strides=[2, 2], pads=[1, 1, 1, 1]), x, w,
                    shapes=[["n", 4, "h", "w"], [4, 3, 3, 3]])
    close(r, torch_conv_transpose(x, w, None, [2, 2], [1, 1], [1, 1, 1, 1], [0, 0], 1), np.float16)


def test_conv_transpose_errors() -> None:
    def convt(**props: Any) -> Callable[..., Operation]:
        return lambda *a: g.ConvTransposeOp(*a, **props)

    x, w = f32(1, 4, 5, 5), f32(4, 3, 3, 3)
    fails(convt(strides=[2, 2], output_padding=[2, 0]), [x, w],
          "output_padding 2 in spatial dim 0 must be smaller than its stride 2 or dilation 1")
    fails(convt(), [x, f32(3, 3, 3, 3)], "input has 4 channels, weight [I, O/groups, *k] expects 3")
    fails(convt(groups=3), [f32(1, 4, 5, 5), f32(4, 3, 3, 3)], "input channels 4 are not divisible by groups 3")
    fails(convt(), [x, w, f32(4)], "bias has 4 entries, expected 3 (output channels)")
    fails(convt(pads=[3, 0, 3, 0]), [f32(1, 4, 1, 5), w], "spatial dim 0: output size would be -3")
    fails(convt(output_padding=[0]), [x, w], "output_padding must have 2 entries (one per spatial dim), got 1")


# -- max_pool / avg_pool -----------------------------------------------------------
POOL_CASES = [
    # kernel, strides, pads (symmetric for torch), dilations, ceil_mode, input spatial
    ([3], [2], [1, 1], [1], False, (9,)),
    ([2], [3], [1, 1], [1], True, (4,)),
    ([3], [2], [0, 0], [2], True, (10,)),
    ([3, 2], [2, 2], [1, 1, 1, 0], [1, 1], False, (7, 6)),
    ([3, 3], [2, 2], [1, 1, 1, 1], [1, 1], True, (6, 7)),
    ([2, 2], [2, 1], [0, 0, 0, 0], [1, 1], True, (5, 5)),
    ([3, 3], [3, 3], [1, 1, 1, 1], [1, 1], True, (8, 4)),
    ([2, 2, 2], [2, 2, 1], [1, 0, 1, 1, 0, 1], [1, 1, 1], True, (3, 4, 5)),
]


def _torch_pads(pads: list[int]) -> list[int]:
    n = len(pads) // 2
    return [pads[i] for i in range(n)]


@pytest.mark.parametrize(("kernel", "strides", "pads", "dilations", "ceil", "sp"), POOL_CASES)
def test_max_pool_matches_torch(kernel: list[int], strides: list[int], pads: list[int], dilations: list[int],
                                ceil: bool, sp: tuple[int, ...]) -> None:
    n = len(kernel)
    x = rand(2, 3, *sp)
    props = {"kernel": kernel, "strides": strides, "pads": pads, "dilations": dilations, "ceil_mode": ceil}
    r = run_checked(lambda a: g.MaxPoolOp(a, **props), x)
    if pads[:n] == pads[n:]:
        want = MAX_POOL[n](t64(x), kernel, strides, pads[:n], dilations, ceil_mode=ceil)
    else:  # asymmetric: pad with -inf so padding never wins (ceil overhang is also padding)
        xt = F.pad(t64(x), [p for i in reversed(range(n)) for p in (pads[i], pads[n + i])], value=-np.inf)
        want = MAX_POOL[n](xt, kernel, strides, 0, dilations, ceil_mode=ceil)
    close(r, want)


@pytest.mark.parametrize(("kernel", "strides", "pads", "dilations", "ceil", "sp"), POOL_CASES)
@pytest.mark.parametrize("include", [True, False])
def test_avg_pool_matches_torch(kernel: list[int], strides: list[int], pads: list[int], dilations: list[int],
                                ceil: bool, sp: tuple[int, ...], include: bool) -> None:
    n = len(kernel)
    x = rand(2, 3, *sp)
    props = {"kernel": kernel, "strides": strides, "pads": pads, "ceil_mode": ceil, "count_include_pad": include}
    r = run_checked(lambda a: g.AvgPoolOp(a, **props), x)
    if pads[:n] == pads[n:]:
        want = AVG_POOL[n](t64(x), kernel, strides, pads[:n], ceil_mode=ceil, count_include_pad=include)
        close(r, want)
        return
    if ceil:
        pytest.skip("torch has no asymmetric-pad ceil-mode reference")
    torch_pads = [p for i in reversed(range(n)) for p in (pads[i], pads[n + i])]
    ones = torch.ones_like(t64(x))
    sums = AVG_POOL[n](F.pad(t64(x), torch_pads), kernel, strides)
    counts = AVG_POOL[n](F.pad(ones, torch_pads, value=1.0 if include else 0.0), kernel, strides)
    close(r, sums / counts)


def test_pool_output_sizes_match_torch() -> None:
    """The ceil-mode rule (last window starts inside the input or left pad) over a sweep of sizes."""
    for size, k, s, p, ceil in itertools.product(range(1, 9), (1, 2, 3), (1, 2, 3), (0, 1), (False, True)):
        if p > k // 2 or size + 2 * p < k:
            continue  # torch rejects these
        op = g.MaxPoolOp(args(f32(1, 1, size))[0], kernel=[k], strides=[s], pads=[p, p], ceil_mode=ceil)
        want = F.max_pool1d(torch.zeros(1, 1, size), k, s, p, ceil_mode=ceil).shape[-1]
        assert op.result.type.dims[2] == want, (size, k, s, p, ceil)


@pytest.mark.parametrize("layout", ["NWC", "NHWC", "NDHWC"])
def test_pools_channel_last(layout: str) -> None:
    n = len(layout) - 2
    x = rand(2, *(6,) * n, 3)
    xt = t64(x).movedim(-1, 1)
    props = {"kernel": [3] * n, "strides": [2] * n, "pads": [1] * (2 * n), "layout": layout}
    r = run_checked(lambda a: g.MaxPoolOp(a, **props), x)
    close(r, MAX_POOL[n](xt, 3, 2, 1).movedim(1, -1))
    r = run_checked(lambda a: g.AvgPoolOp(a, count_include_pad=True, **props), x)
    close(r, AVG_POOL[n](xt, 3, 2, 1).movedim(1, -1))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float16, np.float64])
def test_max_pool_dtypes(dtype: Any) -> None:
    x = rand(1, 2, 7, 5, dtype=dtype)
    r = run_checked(lambda a: g.MaxPoolOp(a, kernel=[3, 2], strides=[2, 2], pads=[1, 0, 1, 1]), x)
    xt = F.pad(t64(x), [0, 1, 1, 1], value=-np.inf)
    close(r, F.max_pool2d(xt, [3, 2], [2, 2]), dtype)


def test_max_pool_nan_propagates_and_int_fill() -> None:
    x = rand(1, 1, 4)
    x[0, 0, 1] = np.nan
    r = run_checked(lambda a: g.MaxPoolOp(a, kernel=[2], strides=[2]), x)
    assert np.isnan(r[0, 0, 0]) and r[0, 0, 1] == x[0, 0, 2:].max()
    xi = np.array([[[-(2**31), 5]]], np.int32)
    r = run_checked(lambda a: g.MaxPoolOp(a, kernel=[2], pads=[1, 1]), xi)
    np.testing.assert_array_equal(r, [[[-(2**31), 5, 5]]])


def test_avg_pool_f16_and_symbolic() -> None:
    x = rand(2, 3, 7, 6, dtype=np.float16)
    props = {"kernel": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1], "ceil_mode": True}
    r = run_checked(lambda a: g.AvgPoolOp(a, **props), x, shapes=[["n", 3, "h", "w"]])
    close(r, F.avg_pool2d(t64(x), 3, 2, 1, ceil_mode=True, count_include_pad=False), np.float16)
    op = g.AvgPoolOp(args(f32("n", 3, "h", "w"))[0], **props)
    assert str(op.result.type.dims[2]) == "min(((h-1) ceildiv 2)+1, (h floordiv 2)+1)"


def test_pool_errors() -> None:
    def pool(cls: type[Operation], **props: Any) -> Callable[..., Operation]:
        return lambda a: cls(a, **props)

    x = f32(1, 3, 5, 5)
    fails(pool(g.MaxPoolOp, kernel=[3]), [x], "kernel must have 2 entries (one per spatial dim), got 1")
    fails(pool(g.MaxPoolOp, kernel=[3, 0]), [x], "kernel must be >= 1, got [3, 0]")
    fails(pool(g.MaxPoolOp), [x], "missing property 'kernel'")
    fails(pool(g.MaxPoolOp, kernel=[7, 1]), [x], "spatial dim 0: padded input size 5 is smaller than the dilated kernel size 7")
    fails(pool(g.MaxPoolOp, kernel=[2, 2]), [tensor((1, 3, 5, 5), np.bool_)],
          "does not accept element type i1 (needs float or integer types)")
    fails(pool(g.AvgPoolOp, kernel=[2, 2]), [tensor((1, 3, 5, 5), np.int32)],
          "does not accept element type i32 (needs float types)")
    fails(pool(g.AvgPoolOp, kernel=[2, 2], layout="NWC"), [x],
          "layout NWC needs an input of rank 3, got rank 4 (!graph.tensor<[1, 3, 5, 5], f32>)")


# -- global / adaptive average pooling ---------------------------------------------
@pytest.mark.parametrize(("layout", "shape"), [(None, (2, 3, 5)), (None, (2, 3, 4, 5)), ("NHWC", (2, 4, 5, 3)),
                                               ("NDHWC", (1, 2, 3, 4, 2)), (None, (0, 3, 4, 4))])
def test_global_avg_pool(layout: str | None, shape: tuple[int, ...]) -> None:
    x = rand(*shape)
    r = run_checked(lambda a: g.GlobalAvgPoolOp(a, layout=layout), x)
    axes = tuple(range(1, x.ndim - 1)) if layout else tuple(range(2, x.ndim))
    close(r, x.astype(np.float64).mean(axis=axes, keepdims=True))


def test_global_avg_pool_symbolic_f16() -> None:
    x = rand(2, 3, 5, 4, dtype=np.float16)
    op = g.GlobalAvgPoolOp(args(tensor(("n", "c", "h", "w"), np.float16))[0])
    assert op.result.type == tensor(("n", "c", 1, 1), np.float16)
    r = run_checked(g.GlobalAvgPoolOp, x, shapes=[["n", "c", "h", "w"]])
    close(r, F.adaptive_avg_pool2d(t64(x), 1), np.float16)


@pytest.mark.parametrize(("sp", "out"), [((7,), [3]), ((5,), [8]), ((6,), [6]), ((1,), [1]),
                                         ((7, 5), [3, 2]), ((4, 9), [4, 5]), ((3, 3), [5, 1])])
def test_adaptive_avg_pool_matches_torch(sp: tuple[int, ...], out: list[int]) -> None:
    x = rand(2, 3, *sp)
    r = run_checked(lambda a: g.AdaptiveAvgPoolOp(a, output_size=out), x)
    fn = F.adaptive_avg_pool1d if len(sp) == 1 else F.adaptive_avg_pool2d
    close(r, fn(t64(x), out))


def test_adaptive_avg_pool_channel_last_symbolic() -> None:
    x = rand(2, 7, 6, 3, dtype=np.float64)
    r = run_checked(lambda a: g.AdaptiveAvgPoolOp(a, output_size=[3, 4], layout="NHWC"), x,
                    shapes=[["n", "h", "w", 3]])
    close(r, F.adaptive_avg_pool2d(t64(x).movedim(-1, 1), [3, 4]).movedim(1, -1), np.float64)


def test_global_and_adaptive_errors() -> None:
    fails(lambda a: g.AdaptiveAvgPoolOp(a, output_size=[2]), [f32(1, 3, 5, 5)],
          "output_size must have 2 entries (one per spatial dim), got 1")
    fails(lambda a: g.AdaptiveAvgPoolOp(a, output_size=[2, 0]), [f32(1, 3, 5, 5)], "output_size must be >= 1, got [2, 0]")
    fails(g.AdaptiveAvgPoolOp, [f32(1, 3, 5, 5)], "missing property 'output_size'")
    fails(g.GlobalAvgPoolOp, [f32(3, 5)], "input must have rank 3, 4 or 5 ([N, C, 1 to 3 spatial dims]), got rank 2 "
          "(!graph.tensor<[3, 5], f32>)")
    fails(g.GlobalAvgPoolOp, [tensor((1, 3, 5), np.int64)], "does not accept element type i64 (needs float types)")


def test_pool_asymmetric_ceil_mode_drops_window_starting_in_end_pad() -> None:
    """ONNX/torch rule: a ceil-mode window must start inside the input or the begin pad."""
    x = rand(1, 1, 4)
    props = {"kernel": [2], "strides": [2], "pads": [0, 1], "ceil_mode": True}
    r = run_checked(lambda a: g.MaxPoolOp(a, **props), x)
    close(r, x.reshape(1, 1, 2, 2).max(-1))
    x5 = rand(1, 1, 5)
    r = run_checked(lambda a: g.AvgPoolOp(a, count_include_pad=True, **props), x5)
    close(r, [[[(x5[0, 0, 0] + x5[0, 0, 1]) / 2, (x5[0, 0, 2] + x5[0, 0, 3]) / 2, x5[0, 0, 4] / 2]]])
    r = run_checked(lambda a: g.AvgPoolOp(a, **props), x5)
    close(r, [[[(x5[0, 0, 0] + x5[0, 0, 1]) / 2, (x5[0, 0, 2] + x5[0, 0, 3]) / 2, x5[0, 0, 4]]]])
