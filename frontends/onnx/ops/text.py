"""TfIdfVectorizer on integer tokens: each pool n-gram's occurrences (for
every skip distance) are counted by comparing shifted slices of the input,
which needs a static sequence length. String tokens are not supported."""

from __future__ import annotations

import numpy as np
from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported
from tensorforge.frontends.onnx.ops import converter


def _pool(node: Node) -> list[tuple[tuple[int, ...], int]]:
    """(n-gram, output index) for each pool n-gram within [min_gram, max_gram]."""
    pool = [int(v) for v in node.attr("pool_int64s", []) or []]
    if not pool:
        raise Unsupported("only pool_int64s (integer tokens) is supported")
    counts = list(node.attr("ngram_counts", []))
    indexes = list(node.attr("ngram_indexes", []))
    lo, hi = int(node.attr("min_gram_length")), int(node.attr("max_gram_length"))
    out: list[tuple[tuple[int, ...], int]] = []
    ngram_id = 0
    for size, start in enumerate(counts, start=1):
        end = counts[size] if size < len(counts) else len(pool)
        for k in range((end - start) // size):
            if lo <= size <= hi:
                out.append((tuple(pool[start + k * size : start + (k + 1) * size]), indexes[ngram_id]))
            ngram_id += 1
    return out


def _count(ctx: Context, x: SSAValue, gram: tuple[int, ...], skips: int) -> SSAValue | None:
    """Occurrences of `gram` in the last axis of x over skip distances 1..skips (f32, last axis reduced)."""
    length = ctx.type(x).dims[-1].value()
    axis = ctx.type(x).rank - 1
    total: SSAValue | None = None
    for d in range(1, (skips if len(gram) > 1 else 0) + 2):
        span = length - d * (len(gram) - 1)
        if span <= 0:
            continue
        hit: SSAValue | None = None
        for k, token in enumerate(gram):
            part = ctx.emit(g.SliceOp, x, starts=[k * d], ends=[k * d + span], axes=[axis])
            eq = ctx.emit(g.EqOp, part, ctx.scalar(token, part))
            hit = eq if hit is None else ctx.emit(g.AndOp, hit, eq)
        assert hit is not None
        n = ctx.emit(g.ReduceSumOp, ctx.cast(hit, np.float32), axes=[axis])
        total = n if total is None else ctx.emit(g.AddOp, total, n)
    return total


@converter("TfIdfVectorizer")
def _tfidf(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    t = ctx.type(x)
    if t.dtype.kind not in "iu" or t.rank not in (1, 2) or not t.dims[-1].is_const():
        raise Unsupported(f"the input must be integer tokens [C] or [N, C] with a static C, got {t}")
    mode = node.attr("mode", "TF")
    if mode not in ("TF", "IDF", "TFIDF"):
        raise Unsupported(f"mode '{mode}' is not supported")
    size = max(node.attr("ngram_indexes")) + 1
    weights = list(node.attr("weights", []) or [])
    skips = int(node.attr("max_skip_count", 0))
    x64 = ctx.cast(x, np.int64)
    columns: dict[int, SSAValue] = {}
    for gram, index in _pool(node):
        c = _count(ctx, x64, gram, skips)
        if c is not None:
            columns[index] = c if index not in columns else ctx.emit(g.AddOp, columns[index], c)
    zero = ctx.emit(g.FullOp, shape=list(t.dims[:-1]), value=0.0, dtype=ctx.type(ctx.scalar(0.0, np.float32)).element_type)
    cols = []
    for i in range(size):
        c = columns.get(i, zero)
        if mode == "IDF":
            c = ctx.cast(ctx.emit(g.GtOp, c, ctx.scalar(0.0, c)), np.float32)
        if mode != "TF" and weights:
            c = ctx.emit(g.MulOp, c, ctx.scalar(float(weights[i]), c))
        cols.append(ctx.emit(g.UnsqueezeOp, c, axes=[t.rank - 1]))
    return [cols[0] if len(cols) == 1 else ctx.emit(g.ConcatOp, cols, axis=t.rank - 1)]
