"""Control flow: If, Loop and Scan, inlined into the function.

If with a condition known at import time inlines the taken branch; otherwise
both branches are inlined and each output is a `graph.where` of the two
(they must have the same shape). Loop and Scan are unrolled: Loop needs a
trip count and a continue condition known at import time at every
iteration, Scan a static sequence length.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported, Value
from tensorforge.frontends.onnx.ops import converter

MAX_UNROLL = 1024
"""Loops with more iterations are refused (the IR would grow too large)."""


@converter("If")
def _if(ctx: Context, node: Node) -> list[Out]:
    cond = ctx.const_of(node.inputs[0])
    then_g, else_g = node.attr("then_branch"), node.attr("else_branch")
    if cond is not None:
        branch = then_g if bool(cond.reshape(-1)[0]) else else_g
        return list(ctx.subgraph(branch, [], f"{node.name}/branch"))
    c = ctx.reshape(ctx.x(node, 0), [])
    a = ctx.subgraph(then_g, [], f"{node.name}/then")
    b = ctx.subgraph(else_g, [], f"{node.name}/else")
    return [_select(ctx, node, c, x, y, i) for i, (x, y) in enumerate(zip(a, b, strict=True))]


def _select(ctx: Context, node: Node, c: SSAValue, x: Value, y: Value, i: int) -> Value:
    """cond ? x : y for branch outputs of one shape (sequences element by element)."""
    if x.seq is not None and y.seq is not None and len(x.seq) == len(y.seq):
        return Value(seq=[_select(ctx, node, c, a, b, i) for a, b in zip(x.seq, y.seq, strict=True)])
    if (x.seq is None) != (y.seq is None) or x.seq is not None or x.opt is not None or y.opt is not None:
        raise ctx.dynamic(node.inputs[0], f"output #{i} differs in kind or length between the branches, "
                          "so the condition must be known at import time")
    xs, ys = ctx.ssa(x), ctx.ssa(y)
    if list(ctx.type(xs).dims) != list(ctx.type(ys).dims):
        raise ctx.dynamic(node.inputs[0], f"output #{i} has shape {ctx.type(xs)} in one branch and "
                          f"{ctx.type(ys)} in the other, so the condition must be known at import time")
    return Value(ssa=ctx.emit(g.WhereOp, c, xs, ys))


@converter("Loop")
def _loop(ctx: Context, node: Node) -> list[Out]:
    body = node.attr("body")
    trip = ctx.const_of(node.inputs[0]) if node.has(0) else None
    if trip is None and node.has(0):
        raise ctx.dynamic(node.inputs[0], "the trip count M must be known at import time to unroll the loop")
    cond = ctx.const_of(node.inputs[1]) if node.has(1) else np.array(True)
    if cond is None:
        raise ctx.dynamic(node.inputs[1], "the loop condition must be known at import time to unroll the loop")
    limit = int(trip.reshape(-1)[0]) if trip is not None else MAX_UNROLL + 1
    carried: list[Value] = [v for v in node.inputs[2:] if v is not None]
    n_carried = len(carried)
    scans: list[list[SSAValue]] = []
    running = bool(cond.reshape(-1)[0])
    i = 0
    while running and i < limit:
        if i >= MAX_UNROLL:
            raise Unsupported(f"the loop runs more than {MAX_UNROLL} iterations (or its end is not known)")
        it = Value(const=np.array(i, dtype=np.int64))
        outs = ctx.subgraph(body, [it, Value(const=np.array(running)), *carried], f"{node.name}/iter{i}")
        flag = ctx.const_of(outs[0])
        if flag is None:
            raise ctx.dynamic(outs[0].ssa, "the loop's continue condition is computed at run time")
        running = bool(flag.reshape(-1)[0])
        carried = outs[1 : 1 + n_carried]
        scans.append([ctx.ssa(v) for v in outs[1 + n_carried :]])
        i += 1
    n_scan = len(body.output) - 1 - n_carried
    if n_scan and not scans:
        raise Unsupported("a loop that runs zero times with scan outputs is not supported")
    stacked = [_stack(ctx, [s[k] for s in scans], 0) for k in range(n_scan)]
    return [*carried, *stacked]


def _stack(ctx: Context, parts: list[SSAValue], axis: int) -> SSAValue:
    ups = [ctx.emit(g.UnsqueezeOp, p, axes=[axis]) for p in parts]
    return ups[0] if len(ups) == 1 else ctx.emit(g.ConcatOp, ups, axis=axis)


@converter("Scan")
def _scan(ctx: Context, node: Node) -> list[Out]:
    if node.version < 9:
        return _scan8(ctx, node)
    body = node.attr("body")
    m = int(node.attr("num_scan_inputs"))
    states: list[Value] = [v for v in node.inputs[: len(node.inputs) - m] if v is not None]
    xs = [ctx.x(node, len(node.inputs) - m + k) for k in range(m)]
    in_axes = list(node.attr("scan_input_axes", []) or [0] * m)
    in_dirs = list(node.attr("scan_input_directions", []) or [0] * m)
    n_out = len(body.output) - len(states)
    out_axes = list(node.attr("scan_output_axes", []) or [0] * n_out)
    out_dirs = list(node.attr("scan_output_directions", []) or [0] * n_out)
    axes = [a % ctx.type(x).rank for a, x in zip(in_axes, xs, strict=True)]
    length = ctx.type(xs[0]).dims[axes[0]]
    if not length.is_const():
        raise Unsupported(f"the scan length must be static, got {length}")
    steps = length.value()
    if steps > MAX_UNROLL:
        raise Unsupported(f"the scan has more than {MAX_UNROLL} steps")
    collected: list[list[SSAValue]] = [[] for _ in range(n_out)]
    for t in range(steps):
        slices = []
        for x, a, d in zip(xs, axes, in_dirs, strict=True):
            pos = steps - 1 - t if d else t
            part = ctx.emit(g.SliceOp, x, starts=[pos], ends=[pos + 1], axes=[a])
            slices.append(Value(ssa=ctx.emit(g.SqueezeOp, part, axes=[a])))
        outs = ctx.subgraph(body, [*states, *slices], f"{node.name}/step{t}")
        states = outs[: len(states)]
        for k in range(n_out):
            collected[k].append(ctx.ssa(outs[len(states) + k]))
    if n_out and not steps:
        raise Unsupported("a scan of length 0 with scan outputs is not supported")
    results: list[Out] = list(states)
    for k in range(n_out):
        parts = collected[k][::-1] if out_dirs[k] else collected[k]
        rank = ctx.type(parts[0]).rank + 1
        results.append(_stack(ctx, parts, out_axes[k] % rank))
    return results


def _scan8(ctx: Context, node: Node) -> list[Out]:
    """Scan-8: inputs [batch, sequence, ...]; each batch row is scanned on its own."""
    body = node.attr("body")
    if node.has(0):
        raise Unsupported("Scan-8 with sequence_lens is not supported")
    m = int(node.attr("num_scan_inputs"))
    inputs = [ctx.x(node, i) for i in range(1, len(node.inputs))]
    states, xs = inputs[: len(inputs) - m], inputs[len(inputs) - m :]
    if list(node.attr("directions", []) or [0] * m) != [0] * m:
        raise Unsupported("reverse scan directions in Scan-8 are not supported")
    batch, steps = ctx.type(xs[0]).dims[0], ctx.type(xs[0]).dims[1]
    if not (batch.is_const() and steps.is_const()):
        raise Unsupported("Scan-8 needs static batch and sequence sizes")
    n_out = len(body.output) - len(states)
    finals: list[list[SSAValue]] = [[] for _ in states]
    stacked: list[list[SSAValue]] = [[] for _ in range(n_out)]
    for b in range(batch.value()):
        row = [Value(ssa=_row(ctx, s, b)) for s in states]
        seqs = [_row(ctx, x, b) for x in xs]
        collected: list[list[SSAValue]] = [[] for _ in range(n_out)]
        for t in range(steps.value()):
            step = [Value(ssa=_row(ctx, x, t)) for x in seqs]
            outs = ctx.subgraph(body, [*row, *step], f"{node.name}/b{b}/t{t}")
            row = outs[: len(states)]
            for k in range(n_out):
                collected[k].append(ctx.ssa(outs[len(states) + k]))
        for k, v in enumerate(row):
            finals[k].append(ctx.ssa(v))
        for k in range(n_out):
            stacked[k].append(_stack(ctx, collected[k], 0))
    return [*(_stack(ctx, f, 0) for f in finals), *(_stack(ctx, s, 0) for s in stacked)]


def _row(ctx: Context, x: SSAValue, i: int) -> SSAValue:
    return ctx.emit(g.SqueezeOp, ctx.emit(g.SliceOp, x, starts=[i], ends=[i + 1], axes=[0]), axes=[0])
