"""Weight pre-packing: `tir-hoist-constant-stages` (checked against the interpreter,
property-tested over dense/matmul shapes) and its compile-time evaluation in
`tensorforge.compile` (runtime/prepack.py), plus the libgomp wait-policy loader."""

from __future__ import annotations

import os

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Region

import tensorforge
from tensorforge import interp, pipelines
from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.call_tir import CallTirOp
from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.dialects.graphops.types import TensorType, element_type_of
from tensorforge.dialects.tirops.ops import AllocOp
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp
from tensorforge.ir import verify_module
from tensorforge.transforms.hoist_constant_stages import HoistConstantStagesPass

F32 = element_type_of(np.dtype(np.float32))


def _model(m: int, k: int, n: int, w: np.ndarray, *, dense: bool, const: bool, relu: bool) -> ModuleOp:
    """y = [relu](dense(x, w, b) | x @ w); w a constant or the second argument."""
    args = [TensorType([m, k], F32), TensorType([n], F32)] + ([] if const else [TensorType(list(w.shape), F32)])
    block = Block(arg_types=args)
    x, b = block.args[0], block.args[1]
    ops = []
    if const:
        ops.append(g.ConstantOp(dense_from_array(w)))
        wv = ops[-1].results[0]
    else:
        wv = block.args[2]
    ops.append(g.DenseOp(x, wv, b) if dense else g.MatmulOp(x, wv))
    if relu:
        ops.append(g.ReluOp(ops[-1].results[0]))
    block.add_ops([*ops, g.ReturnOp(ops[-1].results[0])])
    names = ["x", "b"] + ([] if const else ["w"])
    func = g.FuncOp("main", list(zip(names, args, strict=True)), [("y", ops[-1].results[0].type)], Region(block))
    module = ModuleOp([func])
    verify_module(module)
    return module


def _scheduled(module: ModuleOp, threads: int) -> ModuleOp:
    m = module.clone()
    pipelines.run(m, f"graph-lower-to-tensorir,tir-default-schedule{{threads={threads}}}")
    return m


def _allocs(module: ModuleOp) -> int:
    return sum(isinstance(op, AllocOp) for op in module.walk())


def _inputs(rng: np.random.Generator, m: int, k: int, n: int, w: np.ndarray, const: bool) -> list[np.ndarray]:
    x = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    return [x, b] if const else [x, b, w]


def test_dense_weight_packing_is_hoisted_and_matches_interpreter() -> None:
    rng = np.random.default_rng(0)
    m, k, n = 16, 8, 48
    w = rng.standard_normal((n, k)).astype(np.float32)
    before = _scheduled(_model(m, k, n, w, dense=True, const=True, relu=True), threads=2)
    after = before.clone()
    HoistConstantStagesPass().apply(Context(), after)
    verify_module(after)
    kernels = [op.sym_name.data for op in after.walk() if isinstance(op, TirFuncOp)]
    assert any(name.endswith("_global") for name in kernels), kernels  # the packing kernel
    assert _allocs(after) < _allocs(before)
    inputs = _inputs(rng, m, k, n, w, const=True)
    np.testing.assert_allclose(interp.run(after, "main", *inputs)[0], interp.run(before, "main", *inputs)[0], rtol=1e-5, atol=1e-5)


def test_runtime_weight_is_left_alone() -> None:
    w = np.ones((32, 8), np.float32)
    before = _scheduled(_model(16, 8, 32, w, dense=True, const=False, relu=False), threads=1)
    after = before.clone()
    HoistConstantStagesPass().apply(Context(), after)
    assert str(after) == str(before)


@given(
    m=st.integers(1, 20), k=st.integers(1, 10), n=st.integers(1, 40), dense=st.booleans(), const=st.booleans(),
    relu=st.booleans(), threads=st.sampled_from([1, 2]), seed=st.integers(0, 2**16),
)
def test_hoisting_preserves_results(m: int, k: int, n: int, dense: bool, const: bool, relu: bool, threads: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((n, k) if dense else (k, n)).astype(np.float32)
    before = _scheduled(_model(m, k, n, w, dense=dense, const=const, relu=relu), threads)
    after = before.clone()
    HoistConstantStagesPass().apply(Context(), after)
    verify_module(after)
    inputs = _inputs(rng, m, k, n, w, const)
    want = interp.run(before, "main", *inputs)[0]
    np.testing.assert_allclose(interp.run(after, "main", *inputs)[0], want, rtol=1e-5, atol=1e-5)
    if not const:
        assert str(after) == str(before)


def test_compile_prepacks_constant_weights_once(tmp_path: object) -> None:
    rng = np.random.default_rng(1)
    m, k, n = 32, 24, 96
    w = rng.standard_normal((n, k)).astype(np.float32)
    cm = tensorforge.compile(_model(m, k, n, w, dense=True, const=True, relu=True))
    assert cm.info["prepacked"] >= 1
    assert not any(isinstance(op, CallTirOp) and "global" in op.callee.root_reference.data for op in cm._lowered.walk())
    x, b = _inputs(rng, m, k, n, w, const=True)
    want = np.maximum(x @ w.T + b, 0)
    np.testing.assert_allclose(cm(x, b)[0], want, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(cm(x, b)[0], want, rtol=1e-4, atol=1e-4)  # the packed weights are reused
    path = os.path.join(str(tmp_path), "m.tfm")
    cm.save(path)
    np.testing.assert_allclose(tensorforge.load(path)(x, b)[0], want, rtol=1e-4, atol=1e-4)


def test_compile_with_runtime_weights_packs_per_call() -> None:
    rng = np.random.default_rng(2)
    m, k, n = 32, 24, 96
    w = rng.standard_normal((n, k)).astype(np.float32)
    cm = tensorforge.compile(_model(m, k, n, w, dense=True, const=False, relu=False))
    assert cm.info["prepacked"] == 0
    x, b = _inputs(rng, m, k, n, w, const=True)
    for scale in (1.0, -2.0):
        np.testing.assert_allclose(cm(x, b, w * scale)[0], x @ (w * scale).T + b, rtol=1e-4, atol=1e-4)


def test_wait_policy_loader_leaves_the_environment_alone() -> None:
    from tensorforge.runtime.threads import load_native_runtime

    had = os.environ.get("OMP_WAIT_POLICY")
    load_native_runtime()
    assert os.environ.get("OMP_WAIT_POLICY") == had
