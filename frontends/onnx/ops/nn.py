"""Neural-network ONNX ops: MatMul, Gemm, Einsum, Conv, ConvTranspose,
pooling (Max, Average, Lp, global), LRN, Resize and Upsample.

`auto_pad` SAME_UPPER / SAME_LOWER pads are computed from static spatial
sizes; padding that the graph ops cannot express directly (negative
ConvTranspose pads, large output_padding) is applied around them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import IntegerAttr, i64
from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.nn import window_out_dim
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.symbolic import Expr, product
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported
from tensorforge.frontends.onnx.ops import converter


# -- matmul / gemm / einsum ---------------------------------------------------------------
@converter("MatMul")
def _matmul(ctx: Context, node: Node) -> list[Out]:
    return [ctx.emit(g.MatmulOp, ctx.x(node, 0), ctx.x(node, 1))]


@converter("Det")
def _det(ctx: Context, node: Node) -> list[Out]:
    """Leibniz expansion over the permutations, for matrices up to 4 x 4."""
    x = ctx.x(node, 0)
    t = ctx.type(x)
    n = t.dims[-1]
    if not n.is_const() or n.value() > 4 or t.dims[-2] != n:
        raise Unsupported(f"Det supports static square matrices up to 4 x 4, got {t}")
    size = n.value()
    batch = list(t.dims[:-2])
    entry = {(i, j): ctx.reshape(ctx.emit(g.SliceOp, x, starts=[i, j], ends=[i + 1, j + 1], axes=[t.rank - 2, t.rank - 1]),
                                  batch) for i in range(size) for j in range(size)}
    total: SSAValue | None = None
    for perm in itertools.permutations(range(size)):
        term = entry[(0, perm[0])]
        for i in range(1, size):
            term = ctx.emit(g.MulOp, term, entry[(i, perm[i])])
        odd = sum(1 for a in range(size) for b in range(a + 1, size) if perm[a] > perm[b]) % 2
        if total is None:
            total = ctx.emit(g.NegOp, term) if odd else term
        else:
            total = ctx.emit(g.SubOp if odd else g.AddOp, total, term)
    assert total is not None
    return [total]


@converter("Gemm")
def _gemm(ctx: Context, node: Node) -> list[Out]:
    """alpha * A' @ B' + beta * C; the common Linear form becomes graph.dense."""
    a, b, c = ctx.x(node, 0), ctx.x(node, 1), ctx.opt(node, 2)
    ta, tb = int(node.attr("transA", 0)), int(node.attr("transB", 0))
    alpha, beta = float(node.attr("alpha", 1.0)), float(node.attr("beta", 1.0))
    if not ta and tb and alpha == 1.0 and (c is None or (beta == 1.0 and _is_row_bias(ctx, c, b))):
        bias = None if c is None else ctx.reshape(c, [ctx.type(b).dims[0]])
        return [ctx.emit(g.DenseOp, a, b, bias)]
    if ta:
        a = ctx.emit(g.TransposeOp, a, perm=[1, 0])
    if tb:
        b = ctx.emit(g.TransposeOp, b, perm=[1, 0])
    y = ctx.emit(g.MatmulOp, a, b)
    if alpha != 1.0:
        y = ctx.emit(g.MulOp, y, ctx.scalar(alpha, y))
    if c is None or beta == 0.0:
        return [y]
    if beta != 1.0:
        c = ctx.emit(g.MulOp, c, ctx.scalar(beta, c))
    return [ctx.emit(g.AddOp, y, c)]


def _is_row_bias(ctx: Context, c: SSAValue, b: SSAValue) -> bool:
    """C is [N] or [1, N] with N the output features of B [N, K]."""
    dims = ctx.type(c).dims
    n = ctx.type(b).dims[0]
    return (len(dims) == 1 and dims[0] == n) or (len(dims) == 2 and dims[0] == 1 and dims[1] == n)


@converter("Einsum")
def _einsum(ctx: Context, node: Node) -> list[Out]:
    xs = [ctx.x(node, i) for i in range(len(node.inputs))]
    eq = str(node.attr("equation", "")).replace(" ", "")
    ins, out = _parse_einsum(eq, [ctx.type(x).rank for x in xs])
    return [einsum(ctx, xs, ins, out)]


def _parse_einsum(eq: str, ranks: Sequence[int]) -> tuple[list[str], str]:
    lhs, _, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ranks):
        raise Unsupported(f"equation '{eq}' has {len(terms)} operands, the node has {len(ranks)}")
    ell_rank = max((r - (len(t) - 3) for t, r in zip(terms, ranks, strict=True) if "..." in t), default=0)
    ell = "".join(chr(ord("A") + i) for i in range(ell_rank))
    ins = []
    for t, r in zip(terms, ranks, strict=True):
        if "..." in t:
            t = t.replace("...", ell[ell_rank - (r - (len(t) - 3)):])
        if len(t) != r:
            raise Unsupported(f"einsum term '{t}' does not match an operand of rank {r}")
        ins.append(t)
    if "->" in eq:
        out = rhs.replace("...", ell)
    else:
        letters = "".join(ins)
        out = ell + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ell))
    return ins, out


def einsum(ctx: Context, xs: list[SSAValue], ins: list[str], out: str) -> SSAValue:
    """Diagonals first (a repeated index), then pairwise contraction left to
    right by transpose, reshape and matmul."""
    pairs = [_diagonal(ctx, x, t) for x, t in zip(xs, ins, strict=True)]
    xs, ins = [p[0] for p in pairs], [p[1] for p in pairs]
    acc, acc_idx = xs[0], ins[0]
    for i in range(1, len(xs)):
        keep = set(out) | set("".join(ins[i + 1 :]))
        acc, acc_idx = _contract(ctx, acc, acc_idx, xs[i], ins[i], keep)
    acc, acc_idx = _sum_out(ctx, acc, acc_idx, set(out))
    if acc_idx != out:
        acc = ctx.emit(g.TransposeOp, acc, perm=[acc_idx.index(c) for c in out])
    return acc


def _diagonal(ctx: Context, x: SSAValue, idx: str) -> tuple[SSAValue, str]:
    """Remove repeated indices: keep the diagonal (mask with the identity, sum one axis)."""
    while len(set(idx)) != len(idx):
        c = next(c for c in idx if idx.count(c) > 1)
        p = idx.index(c)
        q = idx.index(c, p + 1)
        t = ctx.type(x)
        n = t.dims[p]
        if not n.is_const():
            raise Unsupported(f"a diagonal over the symbolic dim {n} is not supported")
        shape = [1] * t.rank
        shape[p] = shape[q] = n.value()
        eye = ctx.cast_like(ctx.const(np.eye(n.value()).reshape(shape)), x)
        x = ctx.emit(g.ReduceSumOp, ctx.emit(g.MulOp, x, eye), axes=[q], keepdims=False)
        idx = idx[:q] + idx[q + 1 :]
    return x, idx


def _sum_out(ctx: Context, x: SSAValue, idx: str, keep: set[str]) -> tuple[SSAValue, str]:
    drop = [i for i, c in enumerate(idx) if c not in keep]
    if not drop:
        return x, idx
    return ctx.emit(g.ReduceSumOp, x, axes=drop, keepdims=False), "".join(c for c in idx if c in keep)


def _contract(ctx: Context, a: SSAValue, ai: str, b: SSAValue, bi: str, keep: set[str]) -> tuple[SSAValue, str]:
    a, ai = _sum_out(ctx, a, ai, keep | set(bi))
    b, bi = _sum_out(ctx, b, bi, keep | set(ai))
    batch = [c for c in ai if c in bi and c in keep]
    contract = [c for c in ai if c in bi and c not in keep]
    fa = [c for c in ai if c not in bi]
    fb = [c for c in bi if c not in ai]
    da = dict(zip(ai, ctx.type(a).dims, strict=True))
    db = dict(zip(bi, ctx.type(b).dims, strict=True))
    a2 = _arrange(ctx, a, ai, [*batch, *fa, *contract])
    b2 = _arrange(ctx, b, bi, [*batch, *contract, *fb])
    bdims = [da[c] if da[c] != 1 else db[c] for c in batch]
    a2 = ctx.reshape(a2, [*(da[c] for c in batch), product(da[c] for c in fa), product(da[c] for c in contract)])
    b2 = ctx.reshape(b2, [*(db[c] for c in batch), product(db[c] for c in contract), product(db[c] for c in fb)])
    y = ctx.emit(g.MatmulOp, a2, b2)
    y = ctx.reshape(y, [*bdims, *(da[c] for c in fa), *(db[c] for c in fb)])
    return y, "".join([*batch, *fa, *fb])


def _arrange(ctx: Context, x: SSAValue, idx: str, order: Sequence[str]) -> SSAValue:
    perm = [idx.index(c) for c in order]
    return x if perm == list(range(len(perm))) else ctx.emit(g.TransposeOp, x, perm=perm)


# -- convolution --------------------------------------------------------------------------------
def spatial_sizes(t: TensorType, what: str) -> list[int]:
    sizes = t.dims[2:]
    if not all(d.is_const() for d in sizes):
        raise Unsupported(f"auto_pad needs static spatial dims, the {what} has {t}")
    return [d.value() for d in sizes]


def same_pads(sizes: Sequence[int], kernel: Sequence[int], strides: Sequence[int], dilations: Sequence[int],
              upper: bool) -> list[int]:
    """SAME_UPPER / SAME_LOWER: output = ceil(in / stride); extra pad at the end (upper) or start."""
    begin, end = [], []
    for s, k, st, d in zip(sizes, kernel, strides, dilations, strict=True):
        total = max((math.ceil(s / st) - 1) * st + (k - 1) * d + 1 - s, 0)
        small = total // 2
        begin.append(small if upper else total - small)
        end.append(total - small if upper else small)
    return begin + end


def window_pads(node: Node, t: TensorType, kernel: Sequence[int], strides: Sequence[int],
                dilations: Sequence[int]) -> list[int]:
    n = len(kernel)
    auto = node.attr("auto_pad", "NOTSET")
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        return same_pads(spatial_sizes(t, "input"), kernel, strides, dilations, auto == "SAME_UPPER")
    if auto == "VALID":
        return [0] * (2 * n)
    if auto not in ("NOTSET", ""):
        raise Unsupported(f"auto_pad '{auto}' is not supported")
    return list(node.attr("pads", [0] * (2 * n)))


def _ints(node: Node, name: str, n: int, default: int) -> list[int]:
    v = node.attr(name)
    return list(v) if v else [default] * n


@converter("Conv")
def _conv(ctx: Context, node: Node) -> list[Out]:
    x, w, b = ctx.x(node, 0), ctx.x(node, 1), ctx.opt(node, 2)
    return [ctx.emit(g.ConvOp, x, w, b, **conv_props(node, ctx.type(x), ctx.type(w)))]


def conv_props(node: Node, xt: TensorType, wt: TensorType) -> dict[str, object]:
    """graph.conv properties of an ONNX Conv-like node (auto_pad resolved)."""
    n = xt.rank - 2
    kernel = _kernel(node, wt, n)
    strides, dilations = _ints(node, "strides", n, 1), _ints(node, "dilations", n, 1)
    pads = window_pads(node, xt, kernel, strides, dilations)
    return {"strides": strides, "dilations": dilations, "pads": pads, "groups": int(node.attr("group", 1))}


def _kernel(node: Node, wt: TensorType, n: int) -> list[int]:
    given = node.attr("kernel_shape")
    if given:
        return list(given)
    dims = wt.dims[2:]
    if len(dims) != n or not all(d.is_const() for d in dims):
        raise Unsupported(f"kernel_shape is needed: the weight has shape {wt}")
    return [d.value() for d in dims]


@converter("ConvTranspose")
def _conv_transpose(ctx: Context, node: Node) -> list[Out]:
    x, w, b = ctx.x(node, 0), ctx.x(node, 1), ctx.opt(node, 2)
    xt, wt = ctx.type(x), ctx.type(w)
    n = xt.rank - 2
    kernel = _kernel(node, wt, n)
    strides, dilations = _ints(node, "strides", n, 1), _ints(node, "dilations", n, 1)
    extra = _ints(node, "output_padding", n, 0)
    pads = _transpose_pads(node, xt, kernel, strides, dilations, extra)
    groups = int(node.attr("group", 1))
    direct = all(p >= 0 for p in pads) and all(e < max(s, d) for e, s, d in zip(extra, strides, dilations, strict=True))
    if direct:
        return [ctx.emit(g.ConvTransposeOp, x, w, b, strides=strides, dilations=dilations, pads=pads,
                         output_padding=extra, groups=groups)]
    y = ctx.emit(g.ConvTransposeOp, x, w, strides=strides, dilations=dilations, groups=groups)
    edges = [-p for p in pads[:n]] + [e - p for e, p in zip(extra, pads[n:], strict=True)]
    y = ctx.emit(g.PadOp, y, pads=edges, axes=list(range(2, 2 + n)))
    if b is not None:
        y = ctx.emit(g.AddOp, y, ctx.reshape(b, [ctx.type(b).dims[0], *([1] * n)]))
    return [y]


def _transpose_pads(node: Node, xt: TensorType, kernel: Sequence[int], strides: Sequence[int],
                    dilations: Sequence[int], extra: list[int]) -> list[int]:
    """pads for ConvTranspose; output_shape or SAME auto_pad fix the total
    (as ONNX's reference: SAME splits it, otherwise the end absorbs it).
    A negative pad means the output grows there."""
    n = len(kernel)
    auto = node.attr("auto_pad", "NOTSET")
    shape = node.attr("output_shape")
    given = list(node.attr("pads", [0] * (2 * n)))
    same = auto in ("SAME_UPPER", "SAME_LOWER")
    if not shape and not same:
        return [0] * (2 * n) if auto == "VALID" else given
    sizes = spatial_sizes(xt, "input")
    target = list(shape)[-n:] if shape else [s * st for s, st in zip(sizes, strides, strict=True)]
    begin, end = [], []
    for i in range(n):
        full = strides[i] * (sizes[i] - 1) + extra[i] + (kernel[i] - 1) * dilations[i] + 1
        total = full - target[i]
        if auto == "SAME_UPPER":
            begin.append(total // 2)
        elif auto == "SAME_LOWER":
            begin.append(total - total // 2)
        else:
            begin.append(given[i])
        end.append(total - begin[-1])
    return begin + end


# -- pooling ------------------------------------------------------------------------------------------
def _pool_params(node: Node, t: TensorType) -> tuple[list[int], list[int], list[int], list[int]]:
    kernel = list(node.attr("kernel_shape", []))
    if not kernel:
        raise Unsupported("kernel_shape is required")
    n = len(kernel)
    strides, dilations = _ints(node, "strides", n, 1), _ints(node, "dilations", n, 1)
    return kernel, strides, dilations, window_pads(node, t, kernel, strides, dilations)


@converter("MaxPool")
def _max_pool(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    kernel, strides, dilations, pads = _pool_params(node, ctx.type(x))
    ceil = bool(node.attr("ceil_mode", 0))
    y = ctx.emit(g.MaxPoolOp, x, kernel=kernel, strides=strides, dilations=dilations, pads=pads, ceil_mode=ceil)
    if not node.wants(1):
        return [y]
    order = int(node.attr("storage_order", 0))
    return [y, _max_pool_indices(ctx, x, kernel, strides, dilations, pads, ceil, order)]


def _max_pool_indices(ctx: Context, x: SSAValue, kernel: Sequence[int], strides: Sequence[int],
                      dilations: Sequence[int], pads: Sequence[int], ceil: bool, order: int) -> SSAValue:
    """Flat input index of each window's first maximum (row-major, or
    column-major spatial dims with storage_order 1): an argmax over the
    stacked window taps, mapped through a table of the taps' positions."""
    t = ctx.type(x)
    n = len(kernel)
    sizes = spatial_sizes(t, "input")
    outs = _pool_outs(sizes, kernel, strides, dilations, pads, ceil)
    ends = [max(pads[n + i], (outs[i] - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1 - sizes[i] - pads[i])
            for i in range(n)]
    lowest = float("-inf") if t.dtype.kind == "f" else int(np.iinfo(t.dtype).min)
    padded = ctx.emit(g.PadOp, x, pads=[*pads[:n], *ends], axes=list(range(2, 2 + n)),
                      value=lowest if isinstance(lowest, float) else IntegerAttr(lowest, i64))
    taps = list(np.ndindex(*kernel))
    views = []
    for tap in taps:
        starts = [k * d for k, d in zip(tap, dilations, strict=True)]
        stops = [s + (o - 1) * st + 1 for s, o, st in zip(starts, outs, strides, strict=True)]
        view = ctx.emit(g.SliceOp, padded, starts=starts, ends=stops, axes=list(range(2, 2 + n)), steps=list(strides))
        views.append(ctx.emit(g.UnsqueezeOp, view, axes=[2]))
    stacked = views[0] if len(views) == 1 else ctx.emit(g.ConcatOp, views, axis=2)
    best = ctx.emit(g.ArgMaxOp, stacked, axis=2, keepdims=True)
    table = np.zeros([len(taps), *outs], dtype=np.int64)
    place = [1] * n
    for i in (range(n) if order else reversed(range(n))):
        place[i] = int(np.prod([sizes[j] for j in range(n) if (j > i if not order else j < i)]))
    for k, tap in enumerate(taps):
        for pos in np.ndindex(*outs):
            coords = [pos[i] * strides[i] - pads[i] + tap[i] * dilations[i] for i in range(n)]
            table[(k, *pos)] = sum(c * p for c, p in zip(coords, place, strict=True))
    full = ctx.emit(g.BroadcastToOp, ctx.const(table.reshape(1, 1, len(taps), *outs)),
                    shape=[t.dims[0], t.dims[1], len(taps), *outs])
    spatial = ctx.emit(g.SqueezeOp, ctx.emit(g.GatherElementsOp, full, best, axis=2), axes=[2])
    plane = int(np.prod(sizes))
    batch = ctx.emit(g.IotaOp, shape=[t.dims[0], t.dims[1], *outs], dimension=0, dtype=i64)
    chan = ctx.emit(g.IotaOp, shape=[t.dims[0], t.dims[1], *outs], dimension=1, dtype=i64)
    flat_channel = ctx.emit(g.AddOp, ctx.emit(g.MulOp, batch, ctx.scalar(t.dims[1].value(), batch)), chan)
    return ctx.emit(g.AddOp, spatial, ctx.emit(g.MulOp, flat_channel, ctx.scalar(plane, batch)))


@converter("AveragePool")
def _avg_pool(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    kernel, strides, dilations, pads = _pool_params(node, ctx.type(x))
    ceil, include = bool(node.attr("ceil_mode", 0)), bool(node.attr("count_include_pad", 0))
    if any(d != 1 for d in dilations):
        total = window_sum(ctx, x, kernel, strides, dilations, pads, ceil)
        return [ctx.emit(g.DivOp, total, ctx.cast_like(ctx.const(
            _window_counts(ctx.type(x), kernel, strides, dilations, pads, ceil, include)), total))]
    return [ctx.emit(g.AvgPoolOp, x, kernel=kernel, strides=strides, pads=pads, ceil_mode=ceil,
                     count_include_pad=include)]


@converter("LpPool")
def _lp_pool(ctx: Context, node: Node) -> list[Out]:
    """(sum over the window of |x|^p)^(1/p)."""
    x = ctx.x(node, 0)
    kernel, strides, dilations, pads = _pool_params(node, ctx.type(x))
    p = float(node.attr("p", 2))
    ceil = bool(node.attr("ceil_mode", 0))
    powered = ctx.emit(g.PowOp, ctx.emit(g.AbsOp, x), ctx.scalar(p, x))
    if any(d != 1 for d in dilations):
        total = window_sum(ctx, powered, kernel, strides, dilations, pads, ceil)
    else:
        avg = ctx.emit(g.AvgPoolOp, powered, kernel=kernel, strides=strides, pads=pads, ceil_mode=ceil,
                       count_include_pad=True)
        total = ctx.emit(g.MulOp, avg, ctx.scalar(float(np.prod(kernel)), x))
    return [ctx.emit(g.PowOp, total, ctx.scalar(1.0 / p, x))]


def window_sum(ctx: Context, x: SSAValue, kernel: Sequence[int], strides: Sequence[int],
               dilations: Sequence[int], pads: Sequence[int], ceil: bool) -> SSAValue:
    """Sum over (dilated) windows of each channel: a conv with a ones kernel on
    [N*C, 1, *spatial]; ceil mode pads the end so the last windows exist."""
    t = ctx.type(x)
    n = len(kernel)
    sizes = spatial_sizes(t, "input")
    outs = _pool_outs(sizes, kernel, strides, dilations, pads, ceil)
    ends = [max(pads[n + i], (outs[i] - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1 - sizes[i] - pads[i])
            for i in range(n)]
    flat = ctx.reshape(x, [t.dims[0] * t.dims[1], 1, *t.dims[2:]])
    ones = ctx.cast_like(ctx.const(np.ones([1, 1, *kernel])), x)
    y = ctx.emit(g.ConvOp, flat, ones, strides=list(strides), dilations=list(dilations), pads=[*pads[:n], *ends])
    return ctx.reshape(y, [t.dims[0], t.dims[1], *outs])


def _pool_outs(sizes: Sequence[int], kernel: Sequence[int], strides: Sequence[int], dilations: Sequence[int],
               pads: Sequence[int], ceil: bool) -> list[int]:
    n = len(sizes)
    return [window_out_dim(Expr.const(sizes[i]), Expr.const(kernel[i]), strides[i], dilations[i], pads[i],
                           pads[n + i], ceil).value() for i in range(n)]


def _window_counts(t: TensorType, kernel: Sequence[int], strides: Sequence[int], dilations: Sequence[int],
                   pads: Sequence[int], ceil: bool, include_pad: bool) -> np.ndarray:
    """Divisor of each output cell: input cells (and pads with count_include_pad) in its window."""
    n = len(kernel)
    sizes = spatial_sizes(t, "input")
    outs = _pool_outs(sizes, kernel, strides, dilations, pads, ceil)
    counts = np.ones(outs)
    for i in range(n):
        lo, hi = (-pads[i], sizes[i] + pads[n + i]) if include_pad else (0, sizes[i])
        starts = np.arange(outs[i]) * strides[i] - pads[i]
        taps = starts[:, None] + np.arange(kernel[i])[None, :] * dilations[i]
        per_axis = ((taps >= lo) & (taps < hi)).sum(axis=1)
        shape = [1] * n
        shape[i] = outs[i]
        counts = counts * per_axis.reshape(shape)
    return counts.reshape([1, 1, *outs])


@converter("GlobalAveragePool")
def _global_avg_pool(ctx: Context, node: Node) -> list[Out]:
    return [ctx.emit(g.GlobalAvgPoolOp, ctx.x(node, 0))]


@converter("GlobalMaxPool")
def _global_max_pool(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    axes = list(range(2, ctx.type(x).rank))
    return [ctx.emit(g.ReduceMaxOp, x, axes=axes, keepdims=True)]


@converter("GlobalLpPool")
def _global_lp_pool(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    p = float(node.attr("p", 2))
    axes = list(range(2, ctx.type(x).rank))
    powered = ctx.emit(g.PowOp, ctx.emit(g.AbsOp, x), ctx.scalar(p, x))
    total = ctx.emit(g.ReduceSumOp, powered, axes=axes, keepdims=True)
    return [ctx.emit(g.PowOp, total, ctx.scalar(1.0 / p, x))]


@converter("LRN")
def _lrn(ctx: Context, node: Node) -> list[Out]:
    """x / (bias + alpha/size * sum of x^2 over a window of channels)^beta; the
    window sum is an average pool over the channel axis of [N, 1, C, rest]."""
    x = ctx.x(node, 0)
    t = ctx.type(x)
    size = int(node.attr("size"))
    alpha, beta, bias = float(node.attr("alpha", 1e-4)), float(node.attr("beta", 0.75)), float(node.attr("bias", 1.0))
    n, c, rest = t.dims[0], t.dims[1], product(t.dims[2:])
    sq = ctx.reshape(ctx.emit(g.MulOp, x, x), [n, 1, c, rest])
    lo, hi = (size - 1) // 2, size - 1 - (size - 1) // 2
    avg = ctx.emit(g.AvgPoolOp, sq, kernel=[size, 1], pads=[lo, 0, hi, 0], count_include_pad=True)
    window = ctx.reshape(avg, list(t.dims))
    scale = ctx.emit(g.AddOp, ctx.emit(g.MulOp, window, ctx.scalar(alpha, x)), ctx.scalar(bias, x))
    return [ctx.emit(g.DivOp, x, ctx.emit(g.PowOp, scale, ctx.scalar(beta, x)))]


@converter("Col2Im")
def _col2im(ctx: Context, node: Node) -> list[Out]:
    """Sum the columns' blocks into the image: a grouped conv_transpose whose
    kernel puts block position k of channel c at its place."""
    x = ctx.x(node, 0)
    image = ctx.static_ints(node, 1, "image_shape")
    block = ctx.static_ints(node, 2, "block_shape")
    r = len(image)
    strides, dilations = _ints(node, "strides", r, 1), _ints(node, "dilations", r, 1)
    pads = list(node.attr("pads", [0] * (2 * r)) or [0] * (2 * r))
    t = ctx.type(x)
    k = int(np.prod(block))
    if not t.dims[1].is_const():
        raise Unsupported(f"Col2Im needs a static channel dim, got {t}")
    c = t.dims[1].value() // k
    grid = [(image[i] + pads[i] + pads[r + i] - dilations[i] * (block[i] - 1) - 1) // strides[i] + 1 for i in range(r)]
    cols = ctx.reshape(x, [t.dims[0], c * k, *grid])
    weight = np.zeros([c * k, 1, *block], dtype=t.dtype)
    for ch in range(c):
        for pos, idx in enumerate(np.ndindex(*block)):
            weight[(ch * k + pos, 0, *idx)] = 1
    y = ctx.emit(g.ConvTransposeOp, cols, ctx.const(weight), strides=strides, dilations=dilations, pads=pads, groups=c)
    short = [image[i] - ctx.type(y).dims[2 + i].value() for i in range(r)]
    if any(short):
        y = ctx.emit(g.PadOp, y, pads=[0] * r + short, axes=list(range(2, 2 + r)))
    return [y]
