"""Lowered workloads for schedule tests: one graph op (or a small chain) lowered
with graph-lower-to-tensorir, with random inputs and a reference result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from tensorforge import interp, pipelines
from tensorforge.dialects import graph as g
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp
from tensorforge.ir import parse_module, print_module
from tests.helpers import build_func, tensor


@dataclass
class Workload:
    name: str
    text: str  # the module holding just the lowered tir.func
    inputs: list[np.ndarray]
    symbols: dict[str, int]

    def fresh(self) -> ModuleOp:
        return parse_module(self.text)

    def run(self, module: ModuleOp) -> list[np.ndarray]:
        func = next(op for op in module.body.block.ops if isinstance(op, TirFuncOp))
        outs = [np.zeros(_shape(t, self.symbols), t.dtype) for t in func.function_type.inputs.data[len(self.inputs):]]  # type: ignore[attr-defined]
        arrays = interp.run(module, func.sym_name.data, *[a.copy() for a in self.inputs], *outs)
        return arrays[len(self.inputs):]


def _shape(t: object, env: dict[str, int]) -> tuple[int, ...]:
    return tuple(d.evaluate(env) for d in t.dims)  # type: ignore[attr-defined]


def lowered(name: str, arg_shapes: list[list[object]], body: Callable[..., object], symbols: dict[str, int], seed: int = 0) -> Workload:
    module = build_func([tensor(s, np.float32) for s in arg_shapes], body)
    pipelines.run(module, "graph-lower-to-tensorir")
    tir = [op for op in module.body.block.ops if isinstance(op, TirFuncOp)]
    assert len(tir) == 1, [f.sym_name.data for f in tir]
    text = print_module(ModuleOp([tir[0].clone()]))
    rng = np.random.default_rng(seed)
    inputs = [rng.standard_normal(_shape(tensor(s, np.float32), symbols)).astype(np.float32) for s in arg_shapes]
    return Workload(name, text, inputs, symbols)


def workloads(names: tuple[str, ...] | None = None) -> list[Workload]:
    makers = {
        "matmul": lambda: lowered("matmul", [["n", 12], [12, 8]], lambda a, b: g.MatmulOp(a, b), {"n": 6}),
        "conv2d": lambda: lowered("conv2d", [[1, 3, 6, 6], [4, 3, 3, 3]], lambda x, w: g.ConvOp(x, w, pads=[1, 1, 1, 1]), {}),
        "softmax": lambda: lowered("softmax", [["n", 10]], lambda x: g.SoftmaxOp(x, axis=-1), {"n": 5}),
        "layer_norm": lambda: lowered("layer_norm", [["n", 8], [8], [8]], lambda x, s, b: g.LayerNormOp(x, s, b, axis=-1), {"n": 3}),
        "exp": lambda: lowered("exp", [["n", 6]], lambda x: g.ExpOp(x), {"n": 7}),
        "add": lambda: lowered("add", [["n", 6], [6]], lambda x, y: g.AddOp(x, y), {"n": 5}),
        "chain": lambda: lowered_chain(),
    }
    return [makers[n]() for n in (names or tuple(makers))]



def lowered_chain() -> Workload:
    """An elementwise chain fused into one function (producers kept as stages
    here, so that inlining primitives have something to do)."""
    from xdsl.dialects.builtin import f32

    from tensorforge.lowering.te import PrimFuncBuilder, call

    b = PrimFuncBuilder("chain")
    x = b.input("x", tensor(["n", 6], np.float32))
    y = b.input("y", tensor([6], np.float32))
    out = b.output("out", tensor(["n", 6], np.float32))
    t1 = b.alloc("t1", ["n", 6], f32)
    t2 = b.alloc("t2", ["n", 6], f32)
    b.compute(t1, lambda i: x[i[0], i[1]] * y[i[1]])
    b.compute(t2, lambda i: call("tanh", t1[i[0], i[1]]))
    b.compute(out, lambda i: t2[i[0], i[1]] - x[i[0], i[1]])
    func = b.finish()
    text = print_module(ModuleOp([func]))
    rng = np.random.default_rng(1)
    inputs = [rng.standard_normal((4, 6)).astype(np.float32), rng.standard_normal(6).astype(np.float32)]
    return Workload("chain", text, inputs, {"n": 4})
