"""StableHLO forms beyond the JAX fixtures: interior pad, general reduce_window,
transposed / batch-grouped convolution, reduce with any elementwise body, cbrt,
shift_right_logical and bitcast_convert (sort, gather, scatter and case/if are in
test_stablehlo_select.py, rng_bit_generator in test_stablehlo_rng.py).

Every program here is hand-written in the syntax JAX prints (jax is not needed).
Each form is checked two ways: the stablehlo interpreter against a numpy
reference written independently here, and the graph import against the stablehlo
interpreter (`both`). Export round trips are in test_stablehlo_export.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tensorforge.frontends.stablehlo import import_stablehlo, parse_stablehlo
from tensorforge.interp import run
from tensorforge.interp.stablehlo import run_stablehlo

RNG = np.random.default_rng(7)


def f32(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


def both(text: str, *args: np.ndarray) -> list[np.ndarray]:
    """Interpreter results, after checking that the imported graph computes the same."""
    want = run_stablehlo(parse_stablehlo(text), "main", *args)
    got = run(import_stablehlo(text), "main", *args)
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    return want


# -- pad --------------------------------------------------------------------------------------
PAD = """
func.func public @main(%x: tensor<3x4xf32>, %v: tensor<f32>) -> (tensor<6x10xf32>, tensor<6x10xf32>) {
  %c = stablehlo.constant dense<9.000000e+00> : tensor<f32>
  %0 = stablehlo.pad %x, %c, low = [-1, 2], high = [2, 1], interior = [1, 1] : (tensor<3x4xf32>, tensor<f32>) -> tensor<6x10xf32>
  %1 = stablehlo.pad %x, %v, low = [-1, 2], high = [2, 1], interior = [1, 1] : (tensor<3x4xf32>, tensor<f32>) -> tensor<6x10xf32>
  return %0, %1 : tensor<6x10xf32>, tensor<6x10xf32>
}
"""


def _np_pad(x: np.ndarray, value: float, low: list[int], high: list[int], interior: list[int]) -> np.ndarray:
    """Index arithmetic: element i of an axis lands at low + i * (interior + 1)."""
    shape = [lo + hi + n + max(n - 1, 0) * k for n, lo, hi, k in zip(x.shape, low, high, interior, strict=True)]
    out = np.full(shape, value, x.dtype)
    for idx in np.ndindex(*x.shape):
        pos = tuple(lo + i * (k + 1) for i, lo, k in zip(idx, low, interior, strict=True))
        if all(0 <= p < n for p, n in zip(pos, shape, strict=True)):
            out[pos] = x[idx]
    return out


def test_pad_interior_and_negative_edges() -> None:
    x = f32(3, 4)
    got = both(PAD, x, np.float32(-1))
    np.testing.assert_array_equal(got[0], _np_pad(x, 9.0, [-1, 2], [2, 1], [1, 1]))
    np.testing.assert_array_equal(got[1], _np_pad(x, -1.0, [-1, 2], [2, 1], [1, 1]))


# -- reduce_window ----------------------------------------------------------------------------
def _window_program(body: str, init: str, attrs: str, in_shape: str, out_shape: str) -> str:
    return f"""
func.func public @main(%x: tensor<{in_shape}xf32>) -> tensor<{out_shape}xf32> {{
  %init = stablehlo.constant dense<{init}> : tensor<f32>
  %0 = "stablehlo.reduce_window"(%x, %init) <{{{attrs}}}> ({{
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %1 = stablehlo.{body} %a, %b : tensor<f32>
    stablehlo.return %1 : tensor<f32>
  }}) : (tensor<{in_shape}xf32>, tensor<f32>) -> tensor<{out_shape}xf32>
  return %0 : tensor<{out_shape}xf32>
}}
"""


def _np_reduce_window(x: np.ndarray, fn: np.ufunc, init: float, win: list[int], strides: list[int], base: list[int],
                      wdil: list[int], pads: list[tuple[int, int]]) -> np.ndarray:
    xp = _np_pad(x, init, [lo for lo, _ in pads], [hi for _, hi in pads], [b - 1 for b in base])
    span = [(w - 1) * d + 1 for w, d in zip(win, wdil, strict=True)]
    out_shape = [(n - sp) // st + 1 for n, sp, st in zip(xp.shape, span, strides, strict=True)]
    out = np.full(out_shape, init, x.dtype)
    for o in np.ndindex(*out_shape):
        for k in itertools.product(*[range(w) for w in win]):
            pos = tuple(oi * st + ki * d for oi, st, ki, d in zip(o, strides, k, wdil, strict=True))
            out[o] = fn(out[o], xp[pos])
    return out


WINDOWS = [
    ("add", np.add, "0.000000e+00", [1, 2], [1, 2], [1, 1], [1, 1], [(0, 0), (0, 0)], "2x6", "2x3"),
    ("add", np.add, "1.500000e+00", [2, 2], [1, 2], [2, 1], [1, 2], [(1, 0), (0, 1)], "3x5", "5x2"),
    ("minimum", np.minimum, "0x7F800000", [2, 3], [2, 1], [1, 2], [1, 1], [(1, 1), (2, -1)], "4x3", "3x4"),
    ("multiply", np.multiply, "1.000000e+00", [3], [2], [2], [1], [(1, 2)], "4", "4"),
    ("maximum", np.maximum, "0xFF800000", [1, 2], [1, 1], [1, 2], [1, 1], [(0, 0), (1, 1)], "2x3", "2x6"),
]


@pytest.mark.parametrize("case", WINDOWS, ids=[f"{w[0]}-{i}" for i, w in enumerate(WINDOWS)])
def test_reduce_window_general(case: tuple) -> None:
    body, fn, init, win, strides, base, wdil, pads, ins, outs = case
    rank = len(win)
    attrs = (f"window_dimensions = array<i64: {', '.join(map(str, win))}>, window_strides = array<i64: {', '.join(map(str, strides))}>, "
             f"base_dilations = array<i64: {', '.join(map(str, base))}>, window_dilations = array<i64: {', '.join(map(str, wdil))}>, "
             f"padding = dense<{[list(p) for p in pads]}> : tensor<{rank}x2xi64>")
    x = f32(*[int(n) for n in ins.split("x")])
    got = both(_window_program(body, init, attrs, ins, outs), x)[0]
    init_v = float(np.array(int(init, 16), np.uint32).view(np.float32)) if init.startswith("0x") else float(init)
    np.testing.assert_allclose(got, _np_reduce_window(x, fn, init_v, win, strides, base, wdil, pads), rtol=1e-5)


def test_reduce_window_of_two_inputs() -> None:
    """Max pooling that also returns the position of each maximum (a body of compare + selects)."""
    text = """
func.func public @main(%x: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<2xf32>, tensor<2xi32>) {
  %a = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %b = stablehlo.constant dense<0> : tensor<i32>
  %0:2 = "stablehlo.reduce_window"(%x, %i, %a, %b) <{window_dimensions = array<i64: 2>, window_strides = array<i64: 2>}> ({
  ^bb0(%p: tensor<f32>, %q: tensor<i32>, %r: tensor<f32>, %s: tensor<i32>):
    %c = stablehlo.compare GT, %p, %r, FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
    %m = stablehlo.select %c, %p, %r : tensor<i1>, tensor<f32>
    %n = stablehlo.select %c, %q, %s : tensor<i1>, tensor<i32>
    stablehlo.return %m, %n : tensor<f32>, tensor<i32>
  }) : (tensor<4xf32>, tensor<4xi32>, tensor<f32>, tensor<i32>) -> (tensor<2xf32>, tensor<2xi32>)
  return %0#0, %0#1 : tensor<2xf32>, tensor<2xi32>
}
"""
    x = np.array([1, 5, 3, 2], np.float32)
    got = both(text, x, np.arange(4, dtype=np.int32))
    np.testing.assert_array_equal(got[0], [5, 3])
    np.testing.assert_array_equal(got[1], [1, 2])


ARG_REDUCE = """
func.func public @main(%x: tensor<4x9xf32>) -> (tensor<4xf32>, tensor<4xi32>) {
  %0 = stablehlo.iota dim = 1 : tensor<4x9xi32>
  %cst = stablehlo.constant dense<INIT> : tensor<f32>
  %c = stablehlo.constant dense<0> : tensor<i32>
  %1:2 = stablehlo.reduce(%x init: %cst), (%0 init: %c) across dimensions = [1] : (tensor<4x9xf32>, tensor<4x9xi32>, tensor<f32>, tensor<i32>) -> (tensor<4xf32>, tensor<4xi32>)
   reducer(%arg1: tensor<f32>, %arg3: tensor<f32>) (%arg2: tensor<i32>, %arg4: tensor<i32>)  {
    %2 = stablehlo.compare DIR, %arg1, %arg3, FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
    %3 = stablehlo.compare NE, %arg1, %arg1, FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
    %4 = stablehlo.or %2, %3 : tensor<i1>
    %5 = stablehlo.compare EQ, %arg1, %arg3, FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
    %6 = stablehlo.compare LT, %arg2, %arg4, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
    %7 = stablehlo.and %5, %6 : tensor<i1>
    %8 = stablehlo.or %4, %7 : tensor<i1>
    %9 = stablehlo.select %4, %arg1, %arg3 : tensor<i1>, tensor<f32>
    %10 = stablehlo.select %8, %arg2, %arg4 : tensor<i1>, tensor<i32>
    stablehlo.return %9, %10 : tensor<f32>, tensor<i32>
  }
  return %1#0, %1#1 : tensor<4xf32>, tensor<4xi32>
}
"""


@pytest.mark.parametrize("direction", ["GT", "LT"])
def test_reduce_argmax_argmin_as_jax_writes_them(direction: str) -> None:
    """Two inputs (values, iota), ties to the first index, NaN wins (jnp.argmax / jnp.argmin)."""
    x = RNG.integers(0, 4, (4, 9)).astype(np.float32)
    x[2, 5] = np.nan
    init = "0xFF800000" if direction == "GT" else "0x7F800000"
    got = both(ARG_REDUCE.replace("DIR", direction).replace("INIT", init), x)
    want = np.argmax(x, 1) if direction == "GT" else np.argmin(x, 1)
    np.testing.assert_array_equal(got[1], want)
    np.testing.assert_array_equal(got[0], np.take_along_axis(x, want[:, None], 1)[:, 0])


def test_reduce_compound_body() -> None:
    """body(a, b) = a*b + a + b (associative: (1+a)(1+b) - 1) over two of three dims."""
    text = """
func.func public @main(%x: tensor<3x4x5xf32>) -> tensor<4xf32> {
  %z = stablehlo.constant dense<0.000000e+00> : tensor<f32>
  %0 = stablehlo.reduce(%x init: %z) across dimensions = [0, 2] : (tensor<3x4x5xf32>, tensor<f32>) -> tensor<4xf32>
    reducer(%a: tensor<f32>, %b: tensor<f32>) {
      %p = stablehlo.multiply %a, %b : tensor<f32>
      %s = stablehlo.add %a, %b : tensor<f32>
      %t = stablehlo.add %p, %s : tensor<f32>
      stablehlo.return %t : tensor<f32>
    }
  return %0 : tensor<4xf32>
}
"""
    x = (RNG.random((3, 4, 5)) * 0.2).astype(np.float32)
    got = both(text, x)[0]
    np.testing.assert_allclose(got, np.prod(1 + x.astype(np.float64), axis=(0, 2)) - 1, rtol=1e-5)


# -- convolution ------------------------------------------------------------------------------
TRANSPOSED = """
func.func public @main(%x: tensor<2x3x5xf32>, %w: tensor<4x3x3xf32>) -> tensor<2x4x11xf32> {
  %0 = stablehlo.convolution(%x, %w) dim_numbers = [b, f, 0]x[o, i, 0]->[b, f, 0], window = {stride = [1], pad = [[2, 2]], lhs_dilate = [2], rhs_dilate = [1], reverse = [true]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<2x3x5xf32>, tensor<4x3x3xf32>) -> tensor<2x4x11xf32>
  return %0 : tensor<2x4x11xf32>
}
"""


def test_transposed_convolution() -> None:
    """lhs_dilation s, padding k-1 and a reversed window: y[j] = sum_i x[i] * w[j - s*i]."""
    x, w = f32(2, 3, 5), f32(4, 3, 3)
    want = np.zeros((2, 4, 11), np.float64)
    for i, a in itertools.product(range(5), range(3)):
        want[:, :, 2 * i + a] += np.einsum("nc,oc->no", x[:, :, i], w[:, :, a])
    np.testing.assert_allclose(both(TRANSPOSED, x, w)[0], want, rtol=1e-5, atol=1e-5)


BATCH_GROUPED = """
func.func public @main(%x: tensor<4x6x3x2xf32>, %w: tensor<2x2x2x4xf32>) -> tensor<2x2x2x4xf32> {
  %0 = stablehlo.convolution(%x, %w) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f], window = {stride = [2, 1], rhs_dilate = [2, 1]} {batch_group_count = 2 : i64, feature_group_count = 1 : i64} : (tensor<4x6x3x2xf32>, tensor<2x2x2x4xf32>) -> tensor<2x2x2x4xf32>
  return %0 : tensor<2x2x2x4xf32>
}
"""


def _np_conv_nhwc(x: np.ndarray, w: np.ndarray, stride: list[int], dil: list[int]) -> np.ndarray:
    """Valid cross-correlation, x [N, H, W, C], w [KH, KW, C, O]."""
    kh, kw = w.shape[:2]
    oh = (x.shape[1] - (kh - 1) * dil[0] - 1) // stride[0] + 1
    ow = (x.shape[2] - (kw - 1) * dil[1] - 1) // stride[1] + 1
    out = np.zeros((x.shape[0], oh, ow, w.shape[3]))
    for i, j, a, b in itertools.product(range(oh), range(ow), range(kh), range(kw)):
        out[:, i, j] += x[:, i * stride[0] + a * dil[0], j * stride[1] + b * dil[1]] @ w[a, b]
    return out


def test_batch_group_count() -> None:
    """The spec's definition: batch group i convolved with output-feature group i, concatenated."""
    x, w = f32(4, 6, 3, 2), f32(2, 2, 2, 4)
    parts = [_np_conv_nhwc(xi, wi, [2, 1], [2, 1]) for xi, wi in zip(np.split(x, 2, 0), np.split(w, 2, 3), strict=True)]
    np.testing.assert_allclose(both(BATCH_GROUPED, x, w)[0], np.concatenate(parts, -1), rtol=1e-5, atol=1e-5)


# -- elementwise --------------------------------------------------------------------------------
def test_cbrt_and_shift_right_logical() -> None:
    text = """
func.func public @main(%x: tensor<5xf32>, %a: tensor<5xi32>, %b: tensor<5xi32>) -> (tensor<5xf32>, tensor<5xi32>) {
  %0 = stablehlo.cbrt %x : tensor<5xf32>
  %1 = stablehlo.shift_right_logical %a, %b : tensor<5xi32>
  return %0, %1 : tensor<5xf32>, tensor<5xi32>
}
"""
    x = np.array([-8, -1, 0, 2, 27], np.float32)
    a = np.array([-16, -1, 7, 2**30, -5], np.int32)
    b = np.array([2, 31, 1, 32, -1], np.int32)  # shifts outside [0, 32) give 0
    got = both(text, x, a, b)
    np.testing.assert_allclose(got[0], np.cbrt(x), rtol=1e-6)
    want = np.where((b < 0) | (b >= 32), 0, a.view(np.uint32) >> np.clip(b, 0, 31).astype(np.uint32)).astype(np.uint32)
    np.testing.assert_array_equal(got[1], want.view(np.int32))


def test_bitcast_convert_between_widths() -> None:
    text = """
func.func public @main(%x: tensor<3xf32>) -> (tensor<3x4xui8>, tensor<3xf32>, tensor<3xi32>) {
  %0 = stablehlo.bitcast_convert %x : (tensor<3xf32>) -> tensor<3x4xui8>
  %1 = stablehlo.bitcast_convert %0 : (tensor<3x4xui8>) -> tensor<3xf32>
  %2 = stablehlo.bitcast_convert %x : (tensor<3xf32>) -> tensor<3xi32>
  return %0, %1, %2 : tensor<3x4xui8>, tensor<3xf32>, tensor<3xi32>
}
"""
    x = np.array([1.0, -2.5, 3e7], np.float32)
    narrow, back, same = run_stablehlo(parse_stablehlo(text), "main", x)
    np.testing.assert_array_equal(narrow, x.view(np.uint8).reshape(3, 4))
    np.testing.assert_array_equal(back, x)
    np.testing.assert_array_equal(same, x.view(np.int32))


@pytest.mark.parametrize("dtype", ["i8", "i16", "i32", "i64", "ui32"])
def test_popcnt_and_count_leading_zeros(dtype: str) -> None:
    width = int(dtype.lstrip("ui"))
    np_dtype = np.dtype(("u" if dtype.startswith("u") else "i") + str(width // 8))
    text = f"""
func.func public @main(%x: tensor<6x{dtype}>) -> (tensor<6x{dtype}>, tensor<6x{dtype}>) {{
  %0 = stablehlo.popcnt %x : tensor<6x{dtype}>
  %1 = stablehlo.count_leading_zeros %x : tensor<6x{dtype}>
  return %0, %1 : tensor<6x{dtype}>, tensor<6x{dtype}>
}}
"""
    info = np.iinfo(np_dtype)
    x = np.array([0, 1, -1 if info.min < 0 else info.max, info.max, info.min, 0x35], np_dtype)
    got = both(text, x)
    bits = [int(v) & ((1 << width) - 1) for v in x]
    np.testing.assert_array_equal(got[0], np.array([bin(b).count("1") for b in bits]).astype(np_dtype))
    np.testing.assert_array_equal(got[1], np.array([width - b.bit_length() for b in bits]).astype(np_dtype))
