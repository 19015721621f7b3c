"""Whole random graphs through `graph-optimize` and `tensorforge.compile` (fusion,
lowering, default schedules, memory plan, one native entry) equal the
interpreter on the original graph, at two bindings of the symbolic dims."""

from __future__ import annotations

import os

import numpy as np
from hypothesis import assume, given, settings

import tensorforge
from tensorforge import interp, pipelines
from tensorforge.errors import TensorforgeError
from tensorforge.ir import parse_module, print_module
from tests.strategies import Program, graph_programs
from tests.test_compiled_ops import assert_matches

EXAMPLES = int(os.environ.get("TF_HYPOTHESIS_EXAMPLES", "8"))


@settings(max_examples=EXAMPLES)
@given(prog=graph_programs(max_ops=6))
def test_random_graph_compiled_equals_interpreter(prog: Program) -> None:
    text = print_module(prog.module)
    try:
        want = interp.run(parse_module(text), "main", *prog.inputs)
    except TensorforgeError:
        assume(False)  # e.g. an inconsistent random binding the interpreter refuses
        return
    optimized = parse_module(text)
    pipelines.run(optimized, "graph-optimize")
    compiled = tensorforge.compile(optimized)
    got = compiled(*[a.copy() for a in prog.inputs])
    got = got if isinstance(got, tuple | list) else (got,)
    for i, (gv, wv) in enumerate(zip(got, want, strict=True)):
        assert_matches(np.asarray(gv), wv, f"result {i}:\n{text}")
