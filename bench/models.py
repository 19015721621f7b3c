"""The benchmark workloads, built with the graph dialect's Python builders."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.dialects.graphops.types import TensorType, element_type_of
from tensorforge.ir import verify_module

F32 = element_type_of(np.dtype(np.float32))


class Fn:
    """Build one graph function: ops are appended in order; `const` embeds weights."""

    def __init__(self, args: Sequence[tuple[str, Sequence[Any]]]) -> None:
        self.block = Block(arg_types=[TensorType(s, F32) for _, s in args])
        self.names = [n for n, _ in args]

    @property
    def args(self) -> tuple[SSAValue, ...]:
        return tuple(self.block.args)

    def __call__(self, op: Operation) -> SSAValue:
        self.block.add_op(op)
        return op.results[0]

    def const(self, arr: np.ndarray) -> SSAValue:
        return self(g.ConstantOp(dense_from_array(np.ascontiguousarray(arr, np.float32))))

    def finish(self, *outs: SSAValue) -> ModuleOp:
        self.block.add_op(g.ReturnOp(*outs))
        func = g.FuncOp("main", list(zip(self.names, [a.type for a in self.block.args], strict=True)),
                        [(f"out{i}", o.type) for i, o in enumerate(outs)], Region(self.block))
        module = ModuleOp([func])
        verify_module(module)
        return module


def matmul(n: int) -> ModuleOp:
    f = Fn([("a", [n, n]), ("b", [n, n])])
    a, b = f.args
    return f.finish(f(g.MatmulOp(a, b)))


def relu16() -> ModuleOp:
    f = Fn([("x", [16])])
    return f.finish(f(g.ReluOp(f.args[0])))


def elementwise(size: int) -> ModuleOp:
    f = Fn([("x", [size]), ("a", [size]), ("b", [size]), ("c", [size])])
    x, a, b, c = f.args
    return f.finish(f(g.MulOp(f(g.ReluOp(f(g.AddOp(f(g.MulOp(x, a)), b)))), c)))


def mlp(batch: int, weights: list[np.ndarray]) -> ModuleOp:
    f = Fn([("x", [batch, 784])])
    h = f.args[0]
    for i in range(0, len(weights), 2):
        h = f(g.DenseOp(h, f.const(weights[i]), f.const(weights[i + 1])))
        if i + 2 < len(weights):
            h = f(g.ReluOp(h))
    return f.finish(h)


def encoder_layer(seq: int, d: int, heads: int, ffn: int, w: dict[str, np.ndarray]) -> ModuleOp:
    """Post-norm transformer encoder layer (as torch.nn.TransformerEncoderLayer, ReLU FFN)."""
    f = Fn([("x", [seq, d])])
    x = f.args[0]
    hd = d // heads

    def heads_of(t: SSAValue) -> SSAValue:  # [seq, d] -> [heads, seq, hd]
        r = f(g.ReshapeOp(t, shape=[seq, heads, hd]))
        return f(g.TransposeOp(r, perm=[1, 0, 2]))

    q = heads_of(f(g.DenseOp(x, f.const(w["wq"]), f.const(w["bq"]))))
    k = heads_of(f(g.DenseOp(x, f.const(w["wk"]), f.const(w["bk"]))))
    v = heads_of(f(g.DenseOp(x, f.const(w["wv"]), f.const(w["bv"]))))
    kt = f(g.TransposeOp(k, perm=[0, 2, 1]))
    scores = f(g.MulOp(f(g.MatmulOp(q, kt)), f.const(np.array(1.0 / np.sqrt(hd), np.float32))))
    attn = f(g.MatmulOp(f(g.SoftmaxOp(scores, axis=-1)), v))
    merged = f(g.ReshapeOp(f(g.TransposeOp(attn, perm=[1, 0, 2])), shape=[seq, d]))
    o = f(g.DenseOp(merged, f.const(w["wo"]), f.const(w["bo"])))
    h = f(g.LayerNormOp(f(g.AddOp(x, o)), f.const(w["g1"]), f.const(w["b1"]), axis=-1))
    ff = f(g.DenseOp(f(g.ReluOp(f(g.DenseOp(h, f.const(w["w1"]), f.const(w["c1"]))))), f.const(w["w2"]), f.const(w["c2"])))
    return f.finish(f(g.LayerNormOp(f(g.AddOp(h, ff)), f.const(w["g2"]), f.const(w["b2"]), axis=-1)))


def resnet_style(w: dict[str, np.ndarray]) -> ModuleOp:
    """A small ResNet-style CNN at batch 1, 224x224 (stem + two basic blocks + head)."""
    f = Fn([("x", [1, 3, 224, 224])])
    x = f.args[0]
    h = f(g.ReluOp(f(g.ConvOp(x, f.const(w["stem"]), f.const(w["stem_b"]), strides=[2, 2], pads=[3, 3, 3, 3]))))
    h = f(g.MaxPoolOp(h, kernel=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))
    for i in range(2):
        y = f(g.ReluOp(f(g.ConvOp(h, f.const(w[f"c{i}a"]), f.const(w[f"b{i}a"]), pads=[1, 1, 1, 1]))))
        y = f(g.ConvOp(y, f.const(w[f"c{i}b"]), f.const(w[f"b{i}b"]), pads=[1, 1, 1, 1]))
        h = f(g.ReluOp(f(g.AddOp(h, y))))
    pooled = f(g.FlattenOp(f(g.GlobalAvgPoolOp(h)), axis=1))
    return f.finish(f(g.DenseOp(pooled, f.const(w["fc"]), f.const(w["fc_b"]))))


def rand(rng: np.random.Generator, *shape: int, scale: float = 0.05) -> np.ndarray:
    return (rng.standard_normal(shape) * scale).astype(np.float32)


Builder = Callable[[], ModuleOp]
