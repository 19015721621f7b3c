"""Named pipelines from Python and from the driver."""

from __future__ import annotations

import numpy as np
import pytest

from tensorforge import interp, parse_module, pipelines
from tensorforge.tools import opt

TEXT = """
graph.func @main(%x: !graph.tensor<[n], f32>) -> (r: !graph.tensor<[n], f32>) {
  %a = graph.constant dense<2.0> : tensor<1xf32> : !graph.tensor<[1], f32>
  %b = graph.constant dense<3.0> : tensor<1xf32> : !graph.tensor<[1], f32>
  %c = graph.mul %a, %b : (!graph.tensor<[1], f32>, !graph.tensor<[1], f32>) -> !graph.tensor<[1], f32>
  %0 = graph.mul %x, %c : (!graph.tensor<[n], f32>, !graph.tensor<[1], f32>) -> !graph.tensor<[n], f32>
  %1 = graph.mul %x, %c : (!graph.tensor<[n], f32>, !graph.tensor<[1], f32>) -> !graph.tensor<[n], f32>
  %2 = graph.add %0, %1 : (!graph.tensor<[n], f32>, !graph.tensor<[n], f32>) -> !graph.tensor<[n], f32>
  graph.return %2 : !graph.tensor<[n], f32>
}
"""


def test_run_named_pipeline_in_place() -> None:
    m = parse_module(TEXT)
    x = np.arange(4, dtype=np.float32)
    (before,) = interp.run(m, "main", x)
    pipelines.run(m, "graph-simplify")
    names = [op.name for op in m.walk()]
    assert names.count("graph.mul") == 1 and names.count("graph.constant") == 1
    (after,) = interp.run(m, "main", x)
    np.testing.assert_array_equal(before, after)


def test_get_register_and_errors() -> None:
    assert pipelines.get("graph-simplify").startswith("canonicalize")
    pipelines.register("my-cleanup", "cse,dce")
    assert "my-cleanup" in pipelines.names()
    m = parse_module(TEXT)
    pipelines.run(m, "my-cleanup")
    with pytest.raises(KeyError, match="unknown pipeline 'nope'"):
        pipelines.get("nope")
    with pytest.raises(ValueError, match="unknown pass 'nope'"):
        pipelines.run(m, "nope")


def test_driver_expands_named_pipelines(tmp_path, capsys) -> None:
    p = tmp_path / "m.mlir"
    p.write_text(TEXT)
    assert opt.main([str(p), "-p", "graph-simplify"]) == 0
    out = capsys.readouterr().out
    assert out.count("graph.mul") == 1


MLP = """
graph.func @main(%x: !graph.tensor<[n, 16], f32>, %w: !graph.tensor<[16, 8], f32>, %b: !graph.tensor<[8], f32>) -> (r: !graph.tensor<[n, 8], f32>) {
  %m = graph.call @layer(%x, %w) : (!graph.tensor<[n, 16], f32>, !graph.tensor<[16, 8], f32>) -> !graph.tensor<[n, 8], f32>
  %a = graph.add %m, %b : (!graph.tensor<[n, 8], f32>, !graph.tensor<[8], f32>) -> !graph.tensor<[n, 8], f32>
  %r = graph.relu %a : (!graph.tensor<[n, 8], f32>) -> !graph.tensor<[n, 8], f32>
  graph.return %r : !graph.tensor<[n, 8], f32>
}
graph.func private @layer(%x: !graph.tensor<[n, 16], f32>, %w: !graph.tensor<[16, 8], f32>) -> (r: !graph.tensor<[n, 8], f32>) {
  %m = graph.matmul %x, %w : (!graph.tensor<[n, 16], f32>, !graph.tensor<[16, 8], f32>) -> !graph.tensor<[n, 8], f32>
  graph.return %m : !graph.tensor<[n, 8], f32>
}
"""


def test_cpu_default_pipeline_keeps_results_and_emits_llvm(tmp_path, capsys) -> None:
    """cpu-default: one fused, scheduled kernel that the interpreter runs like the
    original graph; `-t llvm` on the result prints the kernel and tf_entry."""
    rng = np.random.default_rng(0)
    args = [rng.standard_normal(s).astype(np.float32) for s in [(5, 16), (16, 8), (8,)]]
    m = parse_module(MLP)
    (before,) = interp.run(m, "main", *args)
    pipelines.run(m, "cpu-default")
    kernels = [op for op in m.walk() if op.name == "tir.func"]
    assert len(kernels) == 1
    assert "parallel" in str(kernels[0]) or "vectorized" in str(kernels[0])
    (after,) = interp.run(m, "main", *args)
    np.testing.assert_allclose(after, before, rtol=1e-5, atol=1e-5)
    p = tmp_path / "m.mlir"
    p.write_text(MLP)
    assert opt.main([str(p), "-p", "cpu-default", "-t", "llvm"]) == 0
    out = capsys.readouterr().out
    assert 'define void @"tf_entry"' in out and out.count("define void @\"main_fused_0\"(") == 1


def test_driver_lists_pipelines(capsys) -> None:
    assert opt.main(["--list-pipelines"]) == 0
    out = capsys.readouterr().out
    for name in ("graph-optimize", "graph-lower", "cpu-default"):
        assert f"{name}: {pipelines.get(name)}" in out
