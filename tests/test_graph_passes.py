"""Property tests of the graph optimization passes: the IR verifies after each
pass and interpreting before and after on random inputs gives equal results."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import assume, given, settings

from tensorforge import interp, pipelines
from tensorforge.dialects.graphops.func import FuncOp
from tensorforge.errors import InterpError
from tensorforge.ir import parse_module, print_module
from tensorforge.transforms.lower_to_tensorir import FUSED_ATTR
from tests.strategies import Program, graph_programs


def _same(got: list[np.ndarray], want: list[np.ndarray], rtol: float = 1e-5, atol: float = 1e-6) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and g.shape == w.shape
        if g.dtype.kind in "iub":
            np.testing.assert_array_equal(g, w)
            continue
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, equal_nan=True)


def _check_pipeline(prog: Program, pipeline: str, rtol: float = 1e-5, atol: float = 1e-6) -> str:
    text = print_module(prog.module)
    try:
        want = interp.run(parse_module(text), "main", *prog.inputs)
    except InterpError:  # a reference-interpreter limitation, not the pass under test
        assume(False)
        raise
    after = parse_module(text)
    pipelines.run(after, pipeline)
    _same(interp.run(after, "main", *prog.inputs), want, rtol, atol)
    return print_module(after)


# -- graph-fuse-ops ---------------------------------------------------------------
@given(graph_programs())
def test_fuse_ops_preserves_results(prog: Program) -> None:
    out = _check_pipeline(prog, "graph-fuse-ops")
    assert print_module(parse_module(out)) == out


@settings(max_examples=int(os.environ.get("TF_HYPOTHESIS_EXAMPLES", "10")))
@given(graph_programs(max_ops=6))
def test_fuse_ops_then_lowering_preserves_results(prog: Program) -> None:
    _check_pipeline(prog, "graph-fuse-ops,graph-lower-to-tensorir", rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("opts", ["", "{max-group-size=2}", "{no-injective=true}", "{no-reduction=true}",
                                  "{no-epilogue=true}", "{no-elemwise=true}"])
@settings(max_examples=8)
@given(prog=graph_programs())
def test_fuse_ops_options_preserve_results(opts: str, prog: Program) -> None:
    _check_pipeline(prog, f"graph-fuse-ops{opts}")


# -- graph-fold-batchnorm ---------------------------------------------------------
def _const(arr: np.ndarray):
    from tensorforge.dialects.graphops.dense import dense_from_array
    from tensorforge.dialects.graphops.func import ConstantOp

    return ConstantOp(dense_from_array(arr))


def _bn_program(kind: str, seed: int, dtype: type = np.float32) -> tuple[str, list[np.ndarray]]:
    from tensorforge.dialects import graph as g
    from tests.helpers import build_func, tensor

    rng = np.random.default_rng(seed)
    c = 3

    def stats(n: int) -> list:
        return [_const(rng.standard_normal(n).astype(dtype)), _const(rng.standard_normal(n).astype(dtype)),
                _const(rng.standard_normal(n).astype(dtype)), _const(rng.uniform(0.5, 2, n).astype(dtype))]

    if kind == "conv_nchw":
        x = rng.standard_normal((2, 2, 5, 5)).astype(dtype)
        w = _const(rng.standard_normal((c, 2, 3, 3)).astype(dtype))
        prod = lambda a: g.ConvOp(a, w, _const(rng.standard_normal(c).astype(dtype)), pads=[1, 1, 1, 1])  # noqa: E731
        axis, scale_shape = 1, (c, 1, 1)
    elif kind == "conv_nhwc":
        x = rng.standard_normal((2, 5, 5, 2)).astype(dtype)
        w = _const(rng.standard_normal((3, 3, 2, c)).astype(dtype))
        prod = lambda a: g.ConvOp(a, w, layout="NHWC", strides=[2, 2])  # noqa: E731
        axis, scale_shape = -1, (c,)
    elif kind == "dense":
        x = rng.standard_normal((4, 2, 5)).astype(dtype)
        w = _const(rng.standard_normal((c, 5)).astype(dtype))
        prod = lambda a: g.DenseOp(a, w)  # noqa: E731
        axis, scale_shape = -1, (1, c)
    else:
        x = rng.standard_normal((4, 5)).astype(dtype)
        w = _const(rng.standard_normal((5, c)).astype(dtype))
        prod = lambda a: g.MatmulOp(a, w)  # noqa: E731
        axis, scale_shape = 1, (c,)

    def body(a):
        p = prod(a)
        bn = g.BatchNormOp(p, *stats(c), channel_axis=axis, epsilon=1e-3)
        k = g.MulOp(bn, _const(rng.standard_normal(scale_shape).astype(dtype)))
        return g.AddOp(k, _const(rng.standard_normal(scale_shape).astype(dtype)))

    return print_module(build_func([tensor(x.shape, x.dtype)], body)), [x]


@pytest.mark.parametrize("kind", ["conv_nchw", "conv_nhwc", "dense", "matmul"])
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fold_batchnorm_preserves_results(kind: str, seed: int, dtype: type) -> None:
    text, inputs = _bn_program(kind, seed, dtype)
    want = interp.run(parse_module(text), "main", *inputs)
    after = parse_module(text)
    pipelines.run(after, "graph-fold-batchnorm")
    out = print_module(after)
    assert "graph.batch_norm" not in out
    if kind != "matmul":
        assert "graph.mul" not in out and "graph.add" not in out
    _same(interp.run(after, "main", *inputs), want, rtol=1e-4, atol=1e-4)



# -- graph-recognize --------------------------------------------------------------
def _recognize_program(kind: str, shape: tuple[int, ...], dtype: type) -> tuple[str, list[np.ndarray]]:
    import math

    from tensorforge.dialects import graph as g
    from tests.helpers import build_func, tensor

    rng = np.random.default_rng(0)

    def c(v: float):
        return _const(np.array(v, dtype=dtype))

    def body(x):
        if kind == "silu":
            return g.MulOp(g.SigmoidOp(x), x)
        if kind == "gelu":
            return g.MulOp(g.MulOp(x, c(0.5)), g.AddOp(g.ErfOp(g.DivOp(x, c(math.sqrt(2)))), c(1.0)))
        if kind == "gelu_tanh":
            cube = g.MulOp(g.PowOp(x, c(3.0)), c(0.044715))
            t = g.TanhOp(g.MulOp(g.AddOp(x, cube), c(math.sqrt(2 / math.pi))))
            return g.MulOp(g.MulOp(x, g.AddOp(c(1.0), t)), c(0.5))
        if kind == "softmax":
            e = g.ExpOp(g.SubOp(x, g.ReduceMaxOp(x, axes=[-1], keepdims=True)))
            return g.DivOp(e, g.ReduceSumOp(e, axes=[-1], keepdims=True))
        mean = g.ReduceMeanOp(x, axes=[-1], keepdims=True)
        d = g.SubOp(x, mean)
        var = g.ReduceMeanOp(g.PowOp(d, c(2.0)), axes=[-1], keepdims=True)
        if kind == "layer_norm_rsqrt":
            n = g.MulOp(d, g.RsqrtOp(g.AddOp(var, c(1e-5))))
            return n
        n = g.DivOp(d, g.SqrtOp(g.AddOp(var, c(1e-5))))
        gamma = _const(rng.standard_normal(shape[-1]).astype(dtype))
        return g.AddOp(g.MulOp(n, gamma), _const(rng.standard_normal(shape[-1]).astype(dtype)))

    x = rng.standard_normal(shape).astype(dtype)
    return print_module(build_func([tensor(shape, dtype)], body)), [x]


RECOGNIZED = {"silu": "graph.silu", "gelu": "graph.gelu", "gelu_tanh": "graph.gelu_tanh", "softmax": "graph.softmax",
              "layer_norm": "graph.layer_norm", "layer_norm_rsqrt": "graph.layer_norm"}


@pytest.mark.parametrize("kind", sorted(RECOGNIZED))
@pytest.mark.parametrize("shape", [(5,), (2, 3, 8)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_recognize_preserves_results(kind: str, shape: tuple[int, ...], dtype: type) -> None:
    text, inputs = _recognize_program(kind, shape, dtype)
    want = interp.run(parse_module(text), "main", *inputs)
    after = parse_module(text)
    pipelines.run(after, "graph-recognize")
    func = after.body.block.first_op
    assert isinstance(func, FuncOp)
    names = [o.name for o in func.body.block.ops if o.name != "graph.constant"]
    assert names == [RECOGNIZED[kind], "graph.return"], names
    _same(interp.run(after, "main", *inputs), want, rtol=1e-4, atol=1e-5)


def test_recognize_disable() -> None:
    text, _ = _recognize_program("silu", (4,), np.float32)
    m = parse_module(text)
    pipelines.run(m, "graph-recognize{disable=silu}")
    assert "graph.silu" not in print_module(m)


@given(graph_programs())
def test_recognize_on_random_programs(prog: Program) -> None:
    _check_pipeline(prog, "graph-recognize")


# -- named pipelines --------------------------------------------------------------
def _cnn() -> tuple[str, list[np.ndarray]]:
    from tensorforge.dialects import graph as g
    from tests.helpers import build_func, tensor

    rng = np.random.default_rng(1)
    f32 = np.float32

    def r(*s: int):
        return _const(rng.standard_normal(s).astype(f32))

    def bn(x, c: int):
        return g.BatchNormOp(x, r(c), r(c), r(c), _const(rng.uniform(0.5, 2, c).astype(f32)))

    def body(x):
        y = g.ReluOp(bn(g.ConvOp(x, r(4, 3, 3, 3), pads=[1, 1, 1, 1]), 4))
        z = bn(g.ConvOp(y, r(4, 4, 3, 3), pads=[1, 1, 1, 1]), 4)
        z = g.ReluOp(g.AddOp(z, y))
        p = g.FlattenOp(g.GlobalAvgPoolOp(z), axis=1)
        return g.SoftmaxOp(g.DenseOp(p, r(5, 4), r(5)), axis=-1)

    x = rng.standard_normal((2, 3, 6, 6)).astype(f32)
    return print_module(build_func([tensor(x.shape, f32)], body)), [x]


def _transformer_block() -> tuple[str, list[np.ndarray]]:
    import math

    from tensorforge.dialects import graph as g
    from tests.helpers import build_func, tensor

    rng = np.random.default_rng(2)
    f32 = np.float32
    d = 8

    def r(*s: int):
        return _const((rng.standard_normal(s) * 0.3).astype(f32))

    def c(v: float):
        return _const(np.array(v, dtype=f32))

    def layer_norm(x):
        mean = g.ReduceMeanOp(x, axes=[-1], keepdims=True)
        dx = g.SubOp(x, mean)
        var = g.ReduceMeanOp(g.MulOp(dx, dx), axes=[-1], keepdims=True)
        return g.AddOp(g.MulOp(g.DivOp(dx, g.SqrtOp(g.AddOp(var, c(1e-5)))), r(d)), r(d))

    def body(x):
        h = layer_norm(x)
        q, k, v = (g.MatmulOp(h, r(d, d)) for _ in range(3))
        s = g.MulOp(g.MatmulOp(q, g.TransposeOp(k, perm=[0, 2, 1])), c(1 / math.sqrt(d)))
        e = g.ExpOp(g.SubOp(s, g.ReduceMaxOp(s, axes=[-1], keepdims=True)))
        a = g.MatmulOp(g.DivOp(e, g.ReduceSumOp(e, axes=[-1], keepdims=True)), v)
        x1 = g.AddOp(x, g.DenseOp(a, r(d, d), r(d)))
        h2 = layer_norm(x1)
        u = g.DenseOp(h2, r(16, d), r(16))
        gelu = g.MulOp(g.MulOp(u, c(0.5)), g.AddOp(g.ErfOp(g.MulOp(u, c(1 / math.sqrt(2)))), c(1.0)))
        return g.AddOp(x1, g.DenseOp(gelu, r(d, 16), r(d)))

    x = rng.standard_normal((2, 4, d)).astype(f32)
    return print_module(build_func([tensor(x.shape, f32)], body)), [x]


@pytest.mark.parametrize("model", ["cnn", "transformer"])
def test_graph_optimize_pipeline(model: str) -> None:
    text, inputs = _cnn() if model == "cnn" else _transformer_block()
    want = interp.run(parse_module(text), "main", *inputs)
    after = parse_module(text)
    pipelines.run(after, "graph-optimize")
    out = print_module(after)
    assert "graph.batch_norm" not in out
    if model == "transformer":
        for op in ("graph.layer_norm", "graph.attention", "graph.gelu"):
            assert op in out, op
    assert any(isinstance(f, FuncOp) and FUSED_ATTR in f.attributes for f in after.body.block.ops)
    _same(interp.run(after, "main", *inputs), want, rtol=1e-4, atol=1e-4)
    lowered = parse_module(out)
    pipelines.run(lowered, "graph-lower")
    _same(interp.run(lowered, "main", *inputs), want, rtol=1e-4, atol=1e-4)


def test_graph_optimize_from_the_driver(tmp_path) -> None:
    import subprocess
    import sys

    text, _ = _cnn()
    src = tmp_path / "cnn.mlir"
    src.write_text(text)
    proc = subprocess.run([sys.executable, "-m", "tensorforge.tools.opt", str(src), "-p", "graph-optimize"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "graph.fused" in proc.stdout and "graph.batch_norm" not in proc.stdout
    assert "graph-optimize" in pipelines.names() and pipelines.get("graph-lower") == "graph-lower-to-tensorir"


def test_graph_optimize_on_imported_onnx_resnet50() -> None:
    """Issue 5's acceptance: onnx's light ResNet-50, imported, folds every batch norm into
    its conv, runs every conv NHWC with one transpose (at the input), and fuses."""
    from collections import Counter
    from pathlib import Path

    onnx = pytest.importorskip("onnx")
    from tensorforge.frontends.onnx import from_onnx

    path = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light" / "light_resnet50.onnx"
    if not path.exists():
        pytest.skip("onnx's light_resnet50.onnx is not installed")
    module = from_onnx(onnx.load(str(path)))
    pipelines.run(module, "graph-optimize")
    ops = Counter(op.name for op in module.walk())
    convs = [op for op in module.walk() if op.name == "graph.conv"]
    assert ops["graph.batch_norm"] == 0 and len(convs) == 53
    assert all(str(op.properties["layout"]) == '"NHWC"' for op in convs)
    assert ops["graph.transpose"] == 1
    # convs sit in fused groups with their epilogues (bias, relu, residual add); the
    # downsample branch's conv, whose add fused with the other branch, stays alone
    fused = [c for c in convs if FUSED_ATTR in c.parent_op().attributes]  # type: ignore[union-attr]
    assert len(fused) >= 49
