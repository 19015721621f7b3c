"""ONNX sequences of a length known at import time, and optionals whose
presence is known: a sequence is a list of values, so the sequence ops only
rearrange that list (SequenceAt needs a known position); SplitToSequence,
ConcatFromSequence and SequenceMap become split, concat and an inlined body
per element. At the function boundary both are flattened (`interface`)."""

from __future__ import annotations

import numpy as np

from tensorforge.dialects import graph as g
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported, Value
from tensorforge.frontends.onnx.ops import converter


def _seq(node: Node, i: int) -> list[Value]:
    v = node.inputs[i] if i < len(node.inputs) else None
    if v is None or v.seq is None:
        raise Unsupported(f"input #{i} must be a sequence")
    return list(v.seq)


def _position(ctx: Context, node: Node, i: int, length: int, default: int, insert: bool = False) -> int:
    if not node.has(i):
        return default
    pos = ctx.static_ints(node, i, "position")[0]
    limit = length + 1 if insert else length
    if not -limit <= pos < limit:
        raise Unsupported(f"position {pos} is out of range for a sequence of length {length}")
    return pos + length if pos < 0 else pos


@converter("SequenceEmpty")
def _empty(ctx: Context, node: Node) -> list[Out]:
    return [Value(seq=[])]


@converter("SequenceConstruct")
def _construct(ctx: Context, node: Node) -> list[Out]:
    return [Value(seq=[v for v in node.inputs if v is not None])]


@converter("SequenceInsert")
def _insert(ctx: Context, node: Node) -> list[Out]:
    items = _seq(node, 0)
    pos = _position(ctx, node, 2, len(items), len(items), insert=True)
    tensor = node.inputs[1]
    assert tensor is not None
    return [Value(seq=[*items[:pos], tensor, *items[pos:]])]


@converter("SequenceErase")
def _erase(ctx: Context, node: Node) -> list[Out]:
    items = _seq(node, 0)
    if not items:
        raise Unsupported("cannot erase from an empty sequence")
    pos = _position(ctx, node, 1, len(items), len(items) - 1)
    return [Value(seq=items[:pos] + items[pos + 1 :])]


@converter("SequenceAt")
def _at(ctx: Context, node: Node) -> list[Out]:
    items = _seq(node, 0)
    return [items[_position(ctx, node, 1, len(items), 0)]]


@converter("SequenceLength")
def _length(ctx: Context, node: Node) -> list[Out]:
    return [Value(const=np.array(len(_seq(node, 0)), dtype=np.int64))]


@converter("SplitToSequence")
def _split_to_sequence(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    t = ctx.type(x)
    axis = int(node.attr("axis", 0)) % t.rank
    size = t.dims[axis]
    if not size.is_const():
        raise Unsupported(f"the split axis must be static, got {size}")
    n = size.value()
    keep = bool(node.attr("keepdims", 1))
    if node.has(1):
        split = ctx.static(node, 1, "split").astype(np.int64)
        if split.ndim == 0:
            step = int(split)
            sizes = [step] * (n // step) + ([n % step] if n % step else [])
        else:
            sizes = [int(s) for s in split]
        keep = True
    else:
        sizes = [1] * n
    parts = ctx.emit_multi(g.SplitOp, x, axis=axis, sizes=sizes) if len(sizes) > 1 else [x]
    if not keep:
        parts = [ctx.emit(g.SqueezeOp, p, axes=[axis]) for p in parts]
    return [Value(seq=[Value(ssa=p) for p in parts])]


@converter("ConcatFromSequence")
def _concat_from_sequence(ctx: Context, node: Node) -> list[Out]:
    items = [ctx.ssa(v) for v in _seq(node, 0)]
    if not items:
        raise Unsupported("cannot concatenate an empty sequence")
    axis = int(node.attr("axis"))
    if node.attr("new_axis", 0):
        rank = ctx.type(items[0]).rank + 1
        axis %= rank
        items = [ctx.emit(g.UnsqueezeOp, v, axes=[axis]) for v in items]
    return [items[0] if len(items) == 1 else ctx.emit(g.ConcatOp, items, axis=axis)]


@converter("SequenceMap")
def _sequence_map(ctx: Context, node: Node) -> list[Out]:
    """The body once per element: sequence inputs give their i-th element, tensors themselves."""
    body = node.attr("body")
    seqs = [v.seq if v is not None and v.seq is not None else None for v in node.inputs]
    lengths = {len(s) for s in seqs if s is not None}
    if len(lengths) != 1:
        raise Unsupported("the input sequences must have one known length")
    n = lengths.pop()
    outs: list[list[Value]] = [[] for _ in body.output]
    for i in range(n):
        args = [s[i] if s is not None else v for s, v in zip(seqs, node.inputs, strict=True)]
        res = ctx.subgraph(body, [a for a in args if a is not None], f"{node.name}/item{i}")
        for k, r in enumerate(res):
            outs[k].append(r)
    return [Value(seq=o) for o in outs]


# -- optionals ----------------------------------------------------------------------------------
@converter("Optional")
def _optional(ctx: Context, node: Node) -> list[Out]:
    v = node.inputs[0] if node.inputs else None
    return [Value(opt=[] if v is None else [v])]


@converter("OptionalHasElement")
def _optional_has_element(ctx: Context, node: Node) -> list[Out]:
    v = node.inputs[0] if node.inputs else None
    present = v is not None and (v.opt is None or bool(v.opt))
    return [Value(const=np.array(present))]


@converter("OptionalGetElement")
def _optional_get_element(ctx: Context, node: Node) -> list[Out]:
    v = node.inputs[0]
    if v is None:
        raise Unsupported("OptionalGetElement needs an input")
    if v.opt is None:
        return [v]
    if not v.opt:
        raise Unsupported("OptionalGetElement of an empty optional")
    return [v.opt[0]]
