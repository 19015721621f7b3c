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
