"""Property tests of the StableHLO pad and reduce_window forms: random shapes and
parameters (negative edges, interior padding, base and window dilations, strides,
any of the four bodies); the interpreter against the numpy references of
test_stablehlo_forms.py, and the graph import against the interpreter."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.test_stablehlo_forms import _np_pad, _np_reduce_window, _window_program, both

BODIES = {"add": (np.add, "0.000000e+00"), "maximum": (np.maximum, "0xFF800000"), "minimum": (np.minimum, "0x7F800000"),
          "multiply": (np.multiply, "1.000000e+00")}


def _dims(shape: list[int]) -> str:
    return "x".join(map(str, shape))


@st.composite
def pads(draw: st.DrawFn) -> tuple[list[int], list[int], list[int], list[int]]:
    rank = draw(st.integers(1, 3))
    shape = draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank))
    inner = draw(st.lists(st.integers(0, 2), min_size=rank, max_size=rank))
    low = draw(st.lists(st.integers(-3, 3), min_size=rank, max_size=rank))
    high = draw(st.lists(st.integers(-3, 3), min_size=rank, max_size=rank))
    return shape, low, high, inner


@given(pads(), st.booleans())
def test_pad_matches_numpy(params: tuple[list[int], list[int], list[int], list[int]], run_time_value: bool) -> None:
    shape, low, high, inner = params
    out = [n + (n - 1) * k + lo + hi for n, k, lo, hi in zip(shape, inner, low, high, strict=True)]
    assume(all(d >= 1 for d in out))
    value = "%v" if run_time_value else "%c"
    text = f"""
func.func public @main(%x: tensor<{_dims(shape)}xf32>, %v: tensor<f32>) -> tensor<{_dims(out)}xf32> {{
  %c = stablehlo.constant dense<2.500000e+00> : tensor<f32>
  %0 = stablehlo.pad %x, {value}, low = {low}, high = {high}, interior = {inner} : (tensor<{_dims(shape)}xf32>, tensor<f32>) -> tensor<{_dims(out)}xf32>
  return %0 : tensor<{_dims(out)}xf32>
}}
"""
    x = np.arange(1, np.prod(shape) + 1, dtype=np.float32).reshape(shape)
    got = both(text, x, np.float32(-1))[0]
    np.testing.assert_array_equal(got, _np_pad(x, -1.0 if run_time_value else 2.5, low, high, inner))


@st.composite
def windows(draw: st.DrawFn) -> dict:
    rank = draw(st.integers(1, 2))

    def per_dim(lo: int, hi: int) -> list[int]:
        return draw(st.lists(st.integers(lo, hi), min_size=rank, max_size=rank))

    return {"shape": per_dim(1, 5), "win": per_dim(1, 3), "strides": per_dim(1, 2), "base": per_dim(1, 2),
            "wdil": per_dim(1, 2), "pads": list(zip(per_dim(-1, 2), per_dim(-1, 2), strict=True)),
            "body": draw(st.sampled_from(sorted(BODIES)))}


@given(windows())
def test_reduce_window_matches_numpy(p: dict) -> None:
    out = []
    for n, w, s, b, d, (lo, hi) in zip(p["shape"], p["win"], p["strides"], p["base"], p["wdil"], p["pads"], strict=True):
        span = (n - 1) * b + 1 + lo + hi
        out.append((span - ((w - 1) * d + 1)) // s + 1 if span >= (w - 1) * d + 1 else 0)
    assume(all(d >= 1 for d in out))
    rank = len(out)
    fn, init = BODIES[p["body"]]

    def arr(name: str, vals: list[int]) -> str:
        return f"{name} = array<i64: {', '.join(map(str, vals))}>"

    attrs = ", ".join([arr("window_dimensions", p["win"]), arr("window_strides", p["strides"]),
                       arr("base_dilations", p["base"]), arr("window_dilations", p["wdil"]),
                       f"padding = dense<{[list(x) for x in p['pads']]}> : tensor<{rank}x2xi64>"])
    x = (np.arange(np.prod(p["shape"]), dtype=np.float32).reshape(p["shape"]) % 5 - 2) * np.float32(0.5)
    got = both(_window_program(p["body"], init, attrs, _dims(p["shape"]), _dims(out)), x)[0]
    init_v = float(np.array(int(init, 16), np.uint32).view(np.float32)) if init.startswith("0x") else float(init)
    want = _np_reduce_window(x, fn, init_v, p["win"], p["strides"], p["base"], p["wdil"], p["pads"])
    np.testing.assert_allclose(got, want, rtol=1e-6)
