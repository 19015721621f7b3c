"""Every pass (and the named pipelines) on random well-typed graph programs: the IR
verifies and round-trips after it, and the interpreter gives the same results
before and after (exact for integers, rtol 1e-5 for floats unless stated).

Passes with their own focused property tests elsewhere: graph-fuse-ops
(test_graph_passes), canonicalize tables (test_rewrites), graph-convert-layout
(test_convert_layout), graph-mixed-precision (test_mixed_precision),
graph-quantize-int8 (test_quantize), schedules (test_schedule_property,
test_compiled_ops)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tensorforge import interp, pipelines
from tensorforge.ir import parse_module, print_module, verify_module
from tests.strategies import Program, graph_programs
from tests.test_graph_passes import _bn_program, _check_pipeline, _same

EXAMPLES = int(os.environ.get("TF_HYPOTHESIS_EXAMPLES", "15"))

PASSES = [
    "canonicalize",
    "cse",
    "dce",
    "graph-canonicalize",
    "graph-fold-constants",
    "graph-fold-constants{max-elements=4}",
    "graph-infer-shapes",
    "graph-inline",
    "graph-recognize",
    "graph-fold-batchnorm",
    "graph-lower-to-tensorir",
    "graph-lower-to-tensorir,tir-default-schedule",
    "graph-simplify",
    "graph-optimize",
    "cpu-default",
    "cpu-default,tir-hoist-constant-stages",
]
"""Each runs alone (or as written) on the random programs."""


@pytest.mark.parametrize("pipeline", PASSES)
@settings(max_examples=EXAMPLES)
@given(prog=graph_programs(max_ops=6))
def test_pass_preserves_results(pipeline: str, prog: Program) -> None:
    out = _check_pipeline(prog, pipeline, rtol=1e-4, atol=1e-5)
    reparsed = parse_module(out)
    verify_module(reparsed)
    assert print_module(reparsed) == out


@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prog=graph_programs(max_ops=6))
def test_outline_constants_preserves_results(tmp_path_factory: pytest.TempPathFactory, prog: Program) -> None:
    """Constants moved to an .npz file read back bit-exactly."""
    d = tmp_path_factory.mktemp("outline")
    text = print_module(prog.module)
    want = interp.run(parse_module(text), "main", *prog.inputs)
    after = parse_module(text)
    weights = d / "w.npz"
    pipelines.run(after, f'graph-outline-constants{{file="{weights}" min-elements=1}}')
    verify_module(after)
    got = interp.run(after, "main", *prog.inputs, base_dir=d)
    _same(got, want, rtol=0, atol=0)


@settings(max_examples=EXAMPLES)
@given(kind=st.sampled_from(["conv_nchw", "conv_nhwc", "dense", "matmul"]), seed=st.integers(0, 2**31 - 1),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_fold_batchnorm_random(kind: str, seed: int, dtype: type) -> None:
    """Random conv/dense/matmul + batch norm + scale/bias chains fold and keep their results."""
    text, inputs = _bn_program(kind, seed, dtype)
    want = interp.run(parse_module(text), "main", *inputs)
    after = parse_module(text)
    pipelines.run(after, "graph-fold-batchnorm")
    assert "graph.batch_norm" not in print_module(after)
    _same(interp.run(after, "main", *inputs), want, rtol=1e-4, atol=1e-4)
