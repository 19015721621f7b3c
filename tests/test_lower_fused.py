"""Fused graph functions lower to ONE tir.func with inlined producers and the
same results as the graph interpreter."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects.builtin import UnitAttr

from tensorforge import interp, parse_module, pipelines, print_module
from tensorforge.dialects.graphops.func import FuncOp
from tensorforge.dialects.tirops.ops import BlockOp
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp

CASES = {
    "chain": ("""
graph.func private @g(%a: !graph.tensor<[k, 6], f32>, %b: !graph.tensor<[6], f32>) -> (r: !graph.tensor<[k, 6], f32>) attributes {graph.fused} {
  %0 = graph.mul %a, %b : (!graph.tensor<[k, 6], f32>, !graph.tensor<[6], f32>) -> !graph.tensor<[k, 6], f32>
  %1 = graph.tanh %0 : (!graph.tensor<[k, 6], f32>) -> !graph.tensor<[k, 6], f32>
  %2 = graph.sub %1, %a : (!graph.tensor<[k, 6], f32>, !graph.tensor<[k, 6], f32>) -> !graph.tensor<[k, 6], f32>
  graph.return %2 : !graph.tensor<[k, 6], f32>
}""", [["k", 6], [6]], 1),
    "reduce_prologue_epilogue": ("""
graph.func private @g(%a: !graph.tensor<[k, 6], f32>, %b: !graph.tensor<[6], f32>) -> (r: !graph.tensor<[k], f32>) attributes {graph.fused} {
  %0 = graph.exp %a : (!graph.tensor<[k, 6], f32>) -> !graph.tensor<[k, 6], f32>
  %1 = graph.reduce_sum %0 {axes = array<i64: 1>} : (!graph.tensor<[k, 6], f32>) -> !graph.tensor<[k], f32>
  %2 = graph.log %1 : (!graph.tensor<[k], f32>) -> !graph.tensor<[k], f32>
  graph.return %2 : !graph.tensor<[k], f32>
}""", [["k", 6], [6]], 1),
    "two_outputs_and_argument": ("""
graph.func private @g(%a: !graph.tensor<[k, 6], f32>, %b: !graph.tensor<[6], f32>) -> (r: !graph.tensor<[k, 6], f32>, s: !graph.tensor<[6], f32>, t: !graph.tensor<[k, 6], f32>) attributes {graph.fused} {
  %0 = graph.add %a, %b : (!graph.tensor<[k, 6], f32>, !graph.tensor<[6], f32>) -> !graph.tensor<[k, 6], f32>
  %1 = graph.relu %0 : (!graph.tensor<[k, 6], f32>) -> !graph.tensor<[k, 6], f32>
  graph.return %1, %b, %0 : !graph.tensor<[k, 6], f32>, !graph.tensor<[6], f32>, !graph.tensor<[k, 6], f32>
}""", [["k", 6], [6]], 3),
}


def _module(body: str, nres: int) -> str:
    fn = parse_module(body.replace("graph.func private @g", "graph.func @g"))
    g = fn.body.block.first_op
    assert isinstance(g, FuncOp)
    outs = g.function_type.outputs.data
    ins = g.function_type.inputs.data
    out_t = ", ".join(str(t).replace("k", "n") for t in outs)
    in_t = ", ".join(str(t).replace("k", "n") for t in ins)
    args = ", ".join(f"%x{i}: {str(t).replace('k', 'n')}" for i, t in enumerate(ins))
    res = ", ".join(f"o{i}: {str(t).replace('k', 'n')}" for i, t in enumerate(outs))
    names = ", ".join(f"%r#{i}" for i in range(nres)) if nres > 1 else "%r"
    lhs = f"%r:{nres}" if nres > 1 else "%r"
    call_args = ", ".join(f"%x{i}" for i in range(len(ins)))
    return f"""
graph.func @main({args}) -> ({res}) {{
  {lhs} = graph.call @g({call_args}) : ({in_t}) -> ({out_t})
  graph.return {names} : {out_t}
}}
{body}"""


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("n", [1, 5])
def test_fused_group_is_one_function(case: str, n: int) -> None:
    body, shapes, nres = CASES[case]
    text = _module(body, nres)
    before = parse_module(text)
    after = parse_module(text)
    pipelines.run(after, "graph-lower-to-tensorir")
    tirs = [op for op in after.body.block.ops if isinstance(op, TirFuncOp)]
    assert len(tirs) == 1 and tirs[0].sym_name.data == "g"
    assert not any(isinstance(op, FuncOp) and op.sym_name.data == "g" for op in after.body.block.ops)
    rng = np.random.default_rng(n)
    arrays = [rng.standard_normal([n if d == "k" else d for d in s]).astype(np.float32) for s in shapes]
    for got, want in zip(interp.run(after, "main", *arrays), interp.run(before, "main", *arrays), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert print_module(parse_module(print_module(after))) == print_module(after)


def test_chain_inlines_to_a_single_block() -> None:
    body, _, nres = CASES["chain"]
    m = parse_module(_module(body, nres))
    pipelines.run(m, "graph-lower-to-tensorir")
    blocks = [op for op in m.walk() if isinstance(op, BlockOp)]
    assert len(blocks) == 1


def test_unfused_functions_lower_op_by_op() -> None:
    body, _, nres = CASES["chain"]
    m = parse_module(_module(body, nres).replace(" attributes {graph.fused}", ""))
    pipelines.run(m, "graph-lower-to-tensorir")
    assert len([op for op in m.body.block.ops if isinstance(op, TirFuncOp)]) == 3
    _ = UnitAttr
