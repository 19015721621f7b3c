"""The conv rule's register tiles (schedule/rules/conv.py): the tile chosen per
shape, and compiled results equal the graph interpreter's for both tiles, NHWC
and NCHW, with and without a bias/ReLU epilogue."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Region, SSAValue

import tensorforge
from tensorforge import interp, pipelines
from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.dialects.graphops.types import TensorType, element_type_of
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp
from tensorforge.ir import verify_module
from tensorforge.schedule import Schedule
from tensorforge.schedule.ir_utils import find_block
from tensorforge.schedule.rules import LOG, apply_default_schedule, conv
from tensorforge.schedule.rules.common import func_blocks

F32 = element_type_of(np.dtype(np.float32))


def _module(x_shape: list[int], w: np.ndarray, bias: np.ndarray | None, layout: str, stride: int, pad: int) -> ModuleOp:
    block = Block(arg_types=[TensorType(x_shape, F32)])
    ops: list[Any] = [g.ConstantOp(dense_from_array(w))]
    args: list[SSAValue] = [block.args[0], ops[0].results[0]]
    if bias is not None:
        ops.append(g.ConstantOp(dense_from_array(bias)))
        args.append(ops[-1].results[0])
    ops.append(g.ConvOp(*args, strides=[stride] * 2, pads=[pad] * 4, layout=layout))
    if bias is not None:
        ops.append(g.ReluOp(ops[-1].results[0]))
    for op in ops:
        block.add_op(op)
    y = ops[-1].results[0]
    block.add_op(g.ReturnOp(y))
    module = ModuleOp([g.FuncOp("main", [("x", block.args[0].type)], [("y", y.type)], Region(block))])
    verify_module(module)
    return module


CASES = {  # name: (x shape, w shape, layout, stride, pad, expected (MR, NR))
    "1x1_short_wide": ([1, 8, 8, 16], [1, 1, 16, 64], "NHWC", 1, 0, (4, 64)),
    "stem_like_s2": ([1, 16, 16, 3], [7, 7, 3, 64], "NHWC", 2, 3, (4, 64)),
    "3x3_short_wide": ([1, 8, 8, 8], [3, 3, 8, 128], "NHWC", 1, 1, (4, 64)),
    "1x1_long_narrow": ([1, 8, 8, 192], [1, 1, 192, 64], "NHWC", 1, 0, (8, 32)),
    "3x3_odd_width": ([1, 7, 7, 8], [3, 3, 8, 64], "NHWC", 1, 1, (7, 32)),
    "nchw_short_wide": ([1, 16, 8, 8], [64, 16, 1, 1], "NCHW", 1, 0, (4, 64)),
}


def _conv_block(module: ModuleOp) -> tuple[Schedule, str]:
    func = next(f for f in module.body.block.ops if isinstance(f, TirFuncOp))
    name = next(b.name_str for b in func_blocks(func) if conv.matches(func, b.name_str))
    return Schedule(module, func=func.sym_name.data), name


@pytest.mark.parametrize("name", sorted(CASES))
def test_register_tile_choice(name: str) -> None:
    x_shape, w_shape, layout, stride, pad, want = CASES[name]
    m = _module(x_shape, np.zeros(w_shape, np.float32), None, layout, stride, pad)
    pipelines.run(m, "graph-lower-to-tensorir")
    sch, block = _conv_block(m)
    c = conv.analyze(find_block(sch.func(), block))
    assert c is not None
    assert conv.register_tile(find_block(sch.func(), block), c) == want
    LOG.clear()
    trace = next(iter(apply_default_schedule(m, cpu_threads=2).values())).text()
    assert not LOG, LOG  # the conv rule applied without a fallback
    assert f"factors=[None, {want[0]}]" in trace and f"factors=[None, {want[1]}]" in trace


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("name", sorted(CASES))
def test_compiled_conv_matches_interpreter(name: str, bias: bool) -> None:
    x_shape, w_shape, layout, stride, pad, _ = CASES[name]
    rng = np.random.default_rng(0)
    w = rng.standard_normal(w_shape).astype(np.float32)
    cout = w_shape[-1] if layout == "NHWC" else w_shape[0]
    b = rng.standard_normal(cout).astype(np.float32) if bias else None
    x = rng.standard_normal(x_shape).astype(np.float32)
    m = _module(x_shape, w, b, layout, stride, pad)
    want = np.asarray(interp.run(m.clone(), "main", x)[0])
    got = tensorforge.compile(m)(x)
    got = got[0] if isinstance(got, list | tuple) else got
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-4, atol=1e-4)
