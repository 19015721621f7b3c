"""Property tests over random well-typed graph functions (tests/strategies.py):
text round trips in both syntaxes, and inferred result types equal what the
interpreter produces (shape under the symbol binding, and dtype)."""

from __future__ import annotations

import numpy as np
from hypothesis import given

from tensorforge import interp
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.ir import parse_module, print_module
from tests.strategies import Program, graph_programs


@given(graph_programs())
def test_print_parse_roundtrip(prog: Program) -> None:
    text = print_module(prog.module)
    assert print_module(parse_module(text)) == text
    generic = print_module(prog.module, generic=True)
    assert print_module(parse_module(generic)) == text


@given(graph_programs())
def test_inferred_types_match_interpreter(prog: Program) -> None:
    func = prog.module.body.block.first_op
    ret = func.body.block.last_op
    values: list = []
    for op in func.body.block.ops:
        values.extend(op.results)
    results = interp.run(prog.module, "main", *prog.inputs)
    for out, arr in zip(ret.operands, results, strict=True):
        t = out.type
        assert isinstance(t, TensorType)
        assert arr.dtype == t.dtype
        assert arr.shape == tuple(d.evaluate(prog.binding) for d in t.dims)
        assert isinstance(arr, np.ndarray)
