"""Post-training int8 quantization: acc_type ops, calibration, graph-quantize-int8, drift.

Accuracy bounds stated here (and in docs/ARCHITECTURE.md): on its calibration
inputs a quantized model's max abs error is below ERROR_BOUND (2%) of the f32
output's range for the fixed MLP and CNN (measured: 0.7% and 0.5%), and below
PROPERTY_BOUND (5%) for random small MLP/conv shapes (measured over 600
random models: median 0.5%, max 3.0%; tiny layers and few samples drift most).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

import tensorforge
from tensorforge import interp
from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.errors import InputError
from tensorforge.interp.fold import constant_array
from tensorforge.ir import parse_module, print_module, verify_module
from tensorforge.transforms.lower_to_tensorir import LowerToTensorIRPass
from tensorforge.transforms.quantize import (
    Calibration,
    QuantizeError,
    QuantizeInt8Pass,
    calibrate,
    drift_report,
    find_sites,
    quantize,
)
from tests.helpers import build_func, tensor

ERROR_BOUND = 0.02
PROPERTY_BOUND = 0.05
FIXTURE = Path(__file__).parent / "fixtures" / "quant" / "ranges.npz"
Sample = dict[str, np.ndarray]


def _const(arr: np.ndarray) -> g.ConstantOp:
    return g.ConstantOp(dense_from_array(np.asarray(arr, np.float32)))


def _rng_samples(rng: np.random.Generator, shape: Sequence[int], count: int = 4) -> list[Sample]:
    return [{"a0": rng.normal(size=shape).astype(np.float32)} for _ in range(count)]


# -- models ----------------------------------------------------------------------------------
def mlp(rng: np.random.Generator, sizes: Sequence[int], batch: int | str = "n") -> ModuleOp:
    """dense -> relu -> dense ... with biases on every layer."""
    ws = [rng.normal(size=(o, i)) / np.sqrt(i) for i, o in pairwise(sizes)]
    bs = [rng.normal(size=(o,)) * 0.1 for o in sizes[1:]]

    def body(x):
        h = x
        for k, (w, b) in enumerate(zip(ws, bs, strict=True)):
            h = g.DenseOp(h, _const(w), _const(b))
            if k + 1 < len(ws):
                h = g.ReluOp(h)
        return h

    return build_func([tensor([batch, sizes[0]], np.float32)], body)


def cnn(rng: np.random.Generator, channels: Sequence[int], classes: int, size: int, last: bool = False) -> ModuleOp:
    """conv(3x3, pad 1) -> relu -> ... -> global_avg_pool -> flatten -> dense (a classifier)."""
    layout = {"layout": "NHWC"} if last else {}

    def body(x):
        h = x
        for i, o in pairwise(channels):
            w = rng.normal(size=(o, i, 3, 3)) / np.sqrt(9 * i)
            w = np.transpose(w, (2, 3, 1, 0)) if last else w
            h = g.ReluOp(g.ConvOp(h, _const(w), _const(rng.normal(size=(o,)) * 0.1), pads=[1, 1, 1, 1], **layout))
        pooled = g.GlobalAvgPoolOp(h, **layout)
        flat = g.FlattenOp(pooled, axis=1)
        return g.DenseOp(flat, _const(rng.normal(size=(classes, channels[-1])) / np.sqrt(channels[-1])))

    shape = [2, size, size, channels[0]] if last else [2, channels[0], size, size]
    return build_func([tensor(shape, np.float32)], body)


def _relative_error(original: ModuleOp, quantized: ModuleOp, samples: list[Sample]) -> float:
    return max(o.relative for o in drift_report(original, quantized, samples).outputs)


# -- acc_type: interpreter, compiled code, loops, schedules ------------------------------------
INT_TEXT = """
graph.func @main(%x: !graph.tensor<[n, 16], i8>, %w: !graph.tensor<[8, 16], i8>, %b: !graph.tensor<[8], i32>,
                 %u: !graph.tensor<[2, 3, 7, 7], ui8>, %k: !graph.tensor<[4, 3, 3, 3], i8>,
                 %v: !graph.tensor<[2, 7, 7, 4], i8>, %d: !graph.tensor<[3, 3, 1, 4], i8>,
                 %m: !graph.tensor<[2, n, 16], ui8>, %r: !graph.tensor<[16, 5], ui8>)
    -> (y: !graph.tensor<[n, 8], i32>, z: !graph.tensor<[2, 4, 4, 4], i32>, t: !graph.tensor<[2, 7, 7, 4], i32>,
        p: !graph.tensor<[2, n, 5], i32>) {
  %y = graph.dense %x, %w, %b {acc_type = i32} : (!graph.tensor<[n, 16], i8>, !graph.tensor<[8, 16], i8>, !graph.tensor<[8], i32>) -> !graph.tensor<[n, 8], i32>
  %z = graph.conv %u, %k {acc_type = i32, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (!graph.tensor<[2, 3, 7, 7], ui8>, !graph.tensor<[4, 3, 3, 3], i8>) -> !graph.tensor<[2, 4, 4, 4], i32>
  %t = graph.conv %v, %d {acc_type = i32, pads = array<i64: 1, 1, 1, 1>, groups = 4 : i64, layout = "NHWC"} : (!graph.tensor<[2, 7, 7, 4], i8>, !graph.tensor<[3, 3, 1, 4], i8>) -> !graph.tensor<[2, 7, 7, 4], i32>
  %p = graph.matmul %m, %r {acc_type = i32} : (!graph.tensor<[2, n, 16], ui8>, !graph.tensor<[16, 5], ui8>) -> !graph.tensor<[2, n, 5], i32>
  graph.return %y, %z, %t, %p : !graph.tensor<[n, 8], i32>, !graph.tensor<[2, 4, 4, 4], i32>, !graph.tensor<[2, 7, 7, 4], i32>, !graph.tensor<[2, n, 5], i32>
}
"""


def _int_args(rng: np.random.Generator, n: int = 5) -> list[np.ndarray]:
    def i8(*s: int) -> np.ndarray:
        return rng.integers(-128, 128, s).astype(np.int8)

    def u8(*s: int) -> np.ndarray:
        return rng.integers(0, 256, s).astype(np.uint8)

    bias = rng.integers(-(2**20), 2**20, 8).astype(np.int32)
    return [i8(n, 16), i8(8, 16), bias, u8(2, 3, 7, 7), i8(4, 3, 3, 3), i8(2, 7, 7, 4), i8(3, 3, 1, 4), u8(2, n, 16),
            u8(16, 5)]


def _conv_ref(x: np.ndarray, w: np.ndarray, stride: int, groups: int) -> np.ndarray:
    """Direct int64 NCHW conv with pad 1 (the reference for the interpreter)."""
    xp = np.pad(x.astype(np.int64), [(0, 0), (0, 0), (1, 1), (1, 1)])
    n, _, hp, wp = xp.shape
    o, per, kh, kw = w.shape
    oh, ow = (hp - kh) // stride + 1, (wp - kw) // stride + 1
    out = np.zeros((n, o, oh, ow), np.int64)
    for oc in range(o):
        base = (oc // (o // groups)) * per
        for i in range(kh):
            for j in range(kw):
                patch = xp[:, base:base + per, i:i + stride * oh:stride, j:j + stride * ow:stride]
                out[:, oc] += np.einsum("nchw,c->nhw", patch, w[oc, :, i, j].astype(np.int64))
    return out


def test_acc_type_interpreter_is_exact() -> None:
    x, w, b, u, k, v, d, m, r = args = _int_args(np.random.default_rng(0))
    y, z, t, p = interp.run(parse_module(INT_TEXT), "main", *args)
    assert all(a.dtype == np.int32 for a in (y, z, t, p))
    np.testing.assert_array_equal(y, x.astype(np.int64) @ w.T.astype(np.int64) + b)
    np.testing.assert_array_equal(z, _conv_ref(u, k, 2, 1))
    dw = np.transpose(d, (3, 2, 0, 1))  # HWIO -> OIHW
    np.testing.assert_array_equal(t, np.transpose(_conv_ref(np.transpose(v, (0, 3, 1, 2)), dw, 1, 4), (0, 2, 3, 1)))
    np.testing.assert_array_equal(p, m.astype(np.int64) @ r.astype(np.int64))


def test_acc_type_wraps_like_i32() -> None:
    module = parse_module("""
graph.func @main(%x: !graph.tensor<[1, 4], i16>, %w: !graph.tensor<[4, 1], i16>) -> (y: !graph.tensor<[1, 1], i32>) {
  %y = graph.matmul %x, %w {acc_type = i32} : (!graph.tensor<[1, 4], i16>, !graph.tensor<[4, 1], i16>) -> !graph.tensor<[1, 1], i32>
  graph.return %y : !graph.tensor<[1, 1], i32>
}""")
    x = np.full((1, 4), -32768, np.int16)
    (y,) = interp.run(module, "main", x, x.T.copy())
    assert y[0, 0] == np.int64(4 * 2**30).astype(np.int32)  # 2^32 wraps to 0
    assert tensorforge.compile(module)(x, x.T.copy())[0][0, 0] == y[0, 0]


def test_acc_type_compiled_equals_interpreter() -> None:
    module = parse_module(INT_TEXT)
    compiled = tensorforge.compile(module)
    for seed, n in ((1, 5), (2, 1), (3, 17)):
        args = _int_args(np.random.default_rng(seed), n)
        want = interp.run(module, "main", *args)
        got = compiled(*args)
        for a, b in zip(want, got, strict=True):
            assert a.dtype == b.dtype == np.int32
            np.testing.assert_array_equal(a, b)


def test_acc_type_f16_accumulates_in_f32() -> None:
    module = parse_module("""
graph.func @main(%x: !graph.tensor<[3, 64], f16>, %w: !graph.tensor<[5, 64], f16>) -> (y: !graph.tensor<[3, 5], f32>) {
  %y = graph.dense %x, %w {acc_type = f32} : (!graph.tensor<[3, 64], f16>, !graph.tensor<[5, 64], f16>) -> !graph.tensor<[3, 5], f32>
  graph.return %y : !graph.tensor<[3, 5], f32>
}""")
    rng = np.random.default_rng(10)
    x, w = rng.normal(size=(3, 64)).astype(np.float16), rng.normal(size=(5, 64)).astype(np.float16)
    (y,) = interp.run(module, "main", x, w)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, x.astype(np.float64) @ w.T.astype(np.float64), rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(tensorforge.compile(module)(x, w)[0], y, rtol=1e-5, atol=1e-5)


def _lowered_text(module: ModuleOp) -> str:
    LowerToTensorIRPass().apply(Context(), module)
    return print_module(module)


def test_loops_load_i8_and_multiply_add_in_i32() -> None:
    text = _lowered_text(parse_module(INT_TEXT))
    dense = text[text.index("tir.func @dense"):]
    dense = dense[: dense.index("tir.func", 10)]
    for line in ("tir.load %in0[v_ax0, v_k0] : i8", "arith.extsi %2 : i8 to i32", "tir.load %in1[v_ax1, v_k0] : i8",
                 "arith.muli %3, %5 : i32", "arith.addi %1, %6 : i32"):
        assert line in dense, line
    assert "arith.extui" in text and ": ui8 to i32" in text  # u8 activations zero-extend
    assert "arith.mulf" not in text


def test_default_schedules_apply_to_integer_matmul_and_conv() -> None:
    from tensorforge.schedule.rules import apply_default_schedule

    module = parse_module(INT_TEXT)
    LowerToTensorIRPass().apply(Context(), module)
    traces = {name: t.text() for name, t in apply_default_schedule(module).items()}
    assert sorted(traces) == ["conv", "conv_1", "dense", "matmul"]
    assert "cache_read" in traces["dense"]  # packed weight panels, as for f32
    for trace in traces.values():  # tiled (not the fallback): init hoisted, vector lanes
        assert "decompose_reduction" in trace and "vectorize" in trace, trace


# -- calibration ---------------------------------------------------------------------------------
def test_sites_are_named_in_walk_order() -> None:
    module = mlp(np.random.default_rng(0), [4, 6, 3])
    assert [s.key for s in find_sites(module)] == ["main.0.dense", "main.1.dense"]


def test_calibration_ranges_are_numpy_min_max_percentiles() -> None:
    rng = np.random.default_rng(1)
    module = mlp(rng, [5, 7, 3])
    samples = _rng_samples(rng, (9, 5), 3)
    cal = calibrate(module, samples, method="percentile", percentile=99.0)
    w = [constant_array(s.op.operands[1]) for s in find_sites(module)]
    b = [constant_array(s.op.operands[2]) for s in find_sites(module)]
    xs = np.concatenate([s["a0"].ravel() for s in samples])
    hidden = [np.maximum((s["a0"].astype(np.float64) @ w[0].T.astype(np.float64) + b[0]).astype(np.float32), 0)
              for s in samples]
    hs = np.concatenate([h.ravel() for h in hidden])
    for key, values in (("main.0.dense", xs), ("main.1.dense", hs)):
        r = cal.ranges[key]
        assert (r.min, r.max) == (values.min(), values.max())
        for p in (99.0, 99.9, 99.99, 99.999):
            assert r.percentiles[p] == (np.percentile(values, 100 - p), np.percentile(values, p))
    assert cal.range("main.1.dense") == (hs.min(), np.percentile(hs, 99.0))
    assert cal.range("main.1.dense", "minmax") == (hs.min(), hs.max())


def test_calibration_file_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    module = mlp(rng, [4, 6, 3])
    cal = calibrate(module, _rng_samples(rng, (8, 4)))
    cal.save(tmp_path / "r.npz")
    back = Calibration.load(tmp_path / "r.npz")
    assert back.ranges == cal.ranges
    fixture = Calibration.load(FIXTURE)
    assert set(fixture.ranges) == {"mlp.0.dense", "mlp.1.dense", "conv.0.conv"}
    assert fixture.range("mlp.1.dense", "percentile", 99.99) == (0.0, 1.275)


def test_calibration_errors(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    module = mlp(rng, [4, 6, 3])
    with pytest.raises(InputError, match="missing \\['a0'\\], unknown \\['x'\\]"):
        calibrate(module, [{"x": np.zeros((2, 4), np.float32)}])
    with pytest.raises(QuantizeError, match="method must be one of minmax, percentile"):
        calibrate(module, _rng_samples(rng, (2, 4)), method="kl")
    with pytest.raises(QuantizeError, match="at least one sample"):
        calibrate(module, [])
    cal = calibrate(module, _rng_samples(rng, (2, 4)))
    with pytest.raises(QuantizeError, match="percentile 90.0 was not recorded"):
        quantize(module, cal, method="percentile", percentile=90.0)
    other = mlp(rng, [4, 3])
    with pytest.raises(QuantizeError, match="module does not have: main.1.dense"):
        quantize(other, cal)
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(QuantizeError, match="cannot read calibration file"):
        Calibration.load(tmp_path / "bad.npz")


# -- quantization ----------------------------------------------------------------------------------
def test_quantized_mlp_is_within_bound_and_compiles_exactly() -> None:
    rng = np.random.default_rng(4)
    module = mlp(rng, [16, 32, 10])
    samples = _rng_samples(rng, (32, 16))
    qmod = quantize(module, calibrate(module, samples))
    verify_module(qmod)
    text = print_module(qmod)
    assert text.count("{acc_type = i32}") == 2 and "{to = ui8}" in text and "{to = i8}" in text
    assert _relative_error(module, qmod, samples) < ERROR_BOUND
    compiled = tensorforge.compile(qmod)
    for s in samples[:2]:
        # the int8 products are exact; the fused f32 dequantize epilogue may contract
        # cast*scale + bias into an FMA (one rounding fewer): 1 ulp
        np.testing.assert_allclose(compiled(s["a0"])[0], interp.run(qmod, "main", s["a0"])[0], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("last", [False, True])
def test_quantized_cnn_is_within_bound(last: bool) -> None:
    rng = np.random.default_rng(5)
    module = cnn(rng, [3, 8, 8], 5, 6, last)
    samples = [{"a0": rng.normal(size=tuple(s)).astype(np.float32)}
               for s in [(2, 6, 6, 3) if last else (2, 3, 6, 6)] * 3]
    qmod = quantize(module, calibrate(module, samples))
    assert print_module(qmod).count("acc_type = i32") == 3
    report = drift_report(module, qmod, samples)
    assert report.outputs[0].relative < ERROR_BOUND
    assert report.outputs[0].top1 is not None


def test_percentile_method_and_skip() -> None:
    rng = np.random.default_rng(6)
    module = mlp(rng, [8, 16, 4])
    samples = _rng_samples(rng, (16, 8))
    cal = calibrate(module, samples, method="percentile", percentile=99.9)
    lo, hi = cal.range("main.0.dense")
    assert cal.ranges["main.0.dense"].min < lo < hi < cal.ranges["main.0.dense"].max  # clips the outliers
    qmod = quantize(module, cal)
    assert _relative_error(module, qmod, samples) < PROPERTY_BOUND  # clipped outliers raise the max error
    kept = quantize(module, cal, skip="main.1.dense")
    assert print_module(kept).count("acc_type") == 1
    assert "acc_type" not in print_module(quantize(module, cal, skip=["dense"]))
    with pytest.raises(QuantizeError, match="skip: unknown entries nope"):
        quantize(module, cal, skip="nope")


def test_shared_input_is_quantized_once_and_matmul_sites() -> None:
    rng = np.random.default_rng(7)
    w1, w2 = rng.normal(size=(8, 5)), rng.normal(size=(8, 3))
    module = build_func([tensor([2, "n", 8], np.float32)],
                        lambda x: [g.MatmulOp(x, _const(w1)).result, g.MatmulOp(x, _const(w2)).result])
    samples = [{"a0": rng.normal(size=(2, 6, 8)).astype(np.float32)} for _ in range(3)]
    qmod = quantize(module, calibrate(module, samples))
    text = print_module(qmod)
    assert text.count("graph.round") == 1 and text.count("graph.matmul") == 2
    assert _relative_error(module, qmod, samples) < ERROR_BOUND


def test_pass_reads_the_file_like_the_python_api(tmp_path: Path) -> None:
    rng = np.random.default_rng(8)
    module = mlp(rng, [4, 6, 3])
    cal = calibrate(module, _rng_samples(rng, (8, 4)))
    cal.save(tmp_path / "r.npz")
    text = print_module(module)
    via_pass = parse_module(text)
    QuantizeInt8Pass(calibration=str(tmp_path / "r.npz")).apply(Context(), via_pass)
    assert print_module(via_pass) == print_module(quantize(parse_module(text), cal))
    with pytest.raises(QuantizeError, match='give the ranges file with calibration="file.npz"'):
        QuantizeInt8Pass().apply(Context(), parse_module(text))


def test_drift_report_values() -> None:
    rng = np.random.default_rng(9)
    module = mlp(rng, [6, 12, 4])
    samples = _rng_samples(rng, (10, 6), 2)
    qmod = quantize(module, calibrate(module, samples))
    report = drift_report(module, qmod, samples)
    ref = np.stack([interp.run(module, "main", s["a0"])[0] for s in samples]).astype(np.float64)
    out = np.stack([interp.run(qmod, "main", s["a0"])[0] for s in samples]).astype(np.float64)
    (o,) = report.outputs
    err = out - ref
    assert o.name == "r0"
    assert o.max_abs == pytest.approx(np.abs(err).max())
    assert o.relative == pytest.approx(np.abs(err).max() / (ref.max() - ref.min()))
    assert o.snr_db == pytest.approx(10 * np.log10((ref**2).sum() / (err**2).sum()))
    assert o.top1 == pytest.approx(np.mean(ref.argmax(-1) == out.argmax(-1)))
    assert str(report).startswith("quantization drift vs f32:\n  r0: max abs")
    identical = drift_report(module, module, samples).outputs[0]
    assert (identical.max_abs, identical.relative, identical.snr_db, identical.top1) == (0, 0, float("inf"), 1.0)


# -- property --------------------------------------------------------------------------------------
def _random_model(draw: Callable, rng: np.random.Generator) -> tuple[ModuleOp, list[Sample]]:
    if draw(st.booleans()):
        sizes = draw(st.lists(st.integers(2, 12), min_size=2, max_size=4))
        batch = draw(st.integers(1, 6))
        return mlp(rng, sizes), _rng_samples(rng, (batch, sizes[0]), 3)
    channels = draw(st.lists(st.integers(1, 5), min_size=2, max_size=3))
    size, last = draw(st.integers(3, 6)), draw(st.booleans())
    shape = (2, size, size, channels[0]) if last else (2, channels[0], size, size)
    return cnn(rng, channels, draw(st.integers(2, 5)), size, last), _rng_samples(rng, shape, 3)


@given(st.data(), st.integers(0, 2**32 - 1), st.sampled_from(["minmax", "percentile"]))
def test_property_quantized_models_verify_and_stay_within_bound(data: st.DataObject, seed: int, method: str) -> None:
    module, samples = _random_model(data.draw, np.random.default_rng(seed))
    qmod = quantize(module, calibrate(module, samples, method=method, percentile=99.999))
    verify_module(qmod)
    assert print_module(qmod).count("acc_type = i32") == len(find_sites(module))
    parse_module(print_module(qmod))  # prints and parses back
    assert _relative_error(module, qmod, samples) < PROPERTY_BOUND
