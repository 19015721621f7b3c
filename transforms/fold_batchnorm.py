"""`graph-fold-batchnorm`: fold inference batch norms into the producer's weights.

    batch_norm(conv(x, W, b)) = conv(x, W * a, b * a + c)
    with a = scale / sqrt(var + eps), c = bias - mean * a (per output channel)

for conv (channel-first weights [O, I, *k] and channel-last [*k, I, O]),
dense (W [out, in]) and matmul with a constant 2-D rhs [K, N] (then a bias add
is kept). A following per-channel `mul` by a constant or `add` of a constant
folds the same way. Only when weights, biases and statistics are constants and
the producer has no other consumer. Folding is computed in f64.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
from xdsl.transforms.dead_code_elimination import region_dce

from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.dialects.graphops.elementwise import AddOp, MulOp
from tensorforge.dialects.graphops.func import ConstantOp
from tensorforge.dialects.graphops.nn import ConvOp, DenseOp, MatmulOp, split_spatial
from tensorforge.dialects.graphops.reduce import BatchNormOp
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.interp.fold import constant_array


def _const(v: SSAValue | None) -> np.ndarray | None:
    return None if v is None else constant_array(v)


def _channel_axis(op: Operation) -> int | None:
    """The output channel axis of a foldable producer (normalized), else None."""
    t = op.results[0].type
    assert isinstance(t, TensorType)
    if isinstance(op, ConvOp):
        sp = split_spatial(op.input.type, Props(ConvOp, dict(op.properties)))  # type: ignore[arg-type]
        return t.rank - 1 if sp.channels_last else 1
    if isinstance(op, DenseOp):
        return t.rank - 1
    if isinstance(op, MatmulOp) and _matmul_weight(op) is not None:
        return t.rank - 1
    return None


def _matmul_weight(op: MatmulOp) -> np.ndarray | None:
    w = _const(op.rhs)
    return w if w is not None and w.ndim == 2 and op.lhs.type.rank >= 2 else None  # type: ignore[union-attr]


def _per_channel(arr: np.ndarray, out: TensorType, axis: int) -> np.ndarray | None:
    """`arr` broadcast against the output varies along `axis` only: its [C] vector."""
    if arr.ndim > out.rank:
        return None
    shape = (1,) * (out.rank - arr.ndim) + arr.shape
    if any(s != 1 for i, s in enumerate(shape) if i != axis):
        return None
    c = out.dims[axis]
    if not c.is_const():
        return None
    vec = arr.reshape(-1).astype(np.float64)
    return np.broadcast_to(vec, (c.value(),)).copy() if vec.size in (1, c.value()) else None


def _scaled_producer(rewriter: PatternRewriter, op: Operation, a: np.ndarray, c: np.ndarray) -> SSAValue | None:
    """Rebuild `op` computing op(x) * a + c (per output channel); None if not foldable."""
    t = op.results[0].type
    assert isinstance(t, TensorType)
    dtype = t.dtype
    if isinstance(op, ConvOp | DenseOp):
        w = _const(op.weight)
        b = np.zeros(a.shape) if op.bias is None else _const(op.bias)
        if w is None or b is None:
            return None
        lead = isinstance(op, DenseOp) or not _conv_channels_last(op)
        w2 = w * (a.reshape((-1,) + (1,) * (w.ndim - 1)) if lead else a)
        b2 = b.astype(np.float64) * a + c
        wc = ConstantOp(dense_from_array(w2.astype(dtype)))
        bc = ConstantOp(dense_from_array(b2.astype(dtype)))
        props = {k: v for k, v in op.properties.items()}
        new = ConvOp(op.input, wc, bc, **props) if isinstance(op, ConvOp) else DenseOp(op.input, wc, bc)
        rewriter.insert_op([wc, bc, new], _before(op))
        return new.results[0]
    if isinstance(op, MatmulOp):
        w = _matmul_weight(op)
        if w is None:
            return None
        wc = ConstantOp(dense_from_array((w * a).astype(dtype)))
        cc = ConstantOp(dense_from_array(c.astype(dtype)))
        mm = MatmulOp(op.lhs, wc)
        add = AddOp(mm, cc)
        rewriter.insert_op([wc, cc, mm, add], _before(op))
        return add.results[0]
    return None


def _before(op: Operation):
    from xdsl.rewriter import InsertPoint

    return InsertPoint.before(op)


def _conv_channels_last(op: ConvOp) -> bool:
    return split_spatial(op.input.type, Props(ConvOp, dict(op.properties))).channels_last  # type: ignore[arg-type]


def _single_use_producer(v: SSAValue) -> Operation | None:
    owner = v.owner
    if not isinstance(owner, ConvOp | DenseOp | MatmulOp) or v.has_one_use() is False:
        return None
    return owner


class FoldBatchNorm(RewritePattern):
    """batch_norm(producer) -> producer with scaled weights and shifted bias."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if not isinstance(op, BatchNormOp):
            return
        prod = _single_use_producer(op.input)
        stats = [_const(v) for v in (op.scale, op.bias, op.mean, op.var)]
        if prod is None or any(s is None for s in stats):
            return
        axis = _channel_axis(prod)
        t = op.result.type
        assert isinstance(t, TensorType)
        bn_axis = Props(BatchNormOp, dict(op.properties)).int("channel_axis") % t.rank
        if axis is None or axis != bn_axis:
            return
        scale, bias, mean, var = (s.astype(np.float64) for s in stats)  # type: ignore[union-attr]
        eps = Props(BatchNormOp, dict(op.properties)).float("epsilon")
        a = scale / np.sqrt(var + eps)
        new = _scaled_producer(rewriter, prod, a, bias - mean * a)
        if new is None:
            return
        rewriter.replace_op(op, [], [new])
        rewriter.erase_op(prod)


class FoldChannelAffine(RewritePattern):
    """producer * k -> producer with W * k; producer + k -> bias + k (k per channel)."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if not isinstance(op, MulOp | AddOp):
            return
        for mine, other in ((op.lhs, op.rhs), (op.rhs, op.lhs)):
            if self._fold(op, mine, other, rewriter):
                return

    def _fold(self, op: MulOp | AddOp, mine: SSAValue, other: SSAValue, rewriter: PatternRewriter) -> bool:
        prod = _single_use_producer(mine)
        k = _const(other)
        if prod is None or k is None or mine.type != op.result.type:
            return False
        if isinstance(prod, MatmulOp):
            return False  # its bias is a separate add already
        axis = _channel_axis(prod)
        t = op.result.type
        assert isinstance(t, TensorType)
        vec = None if axis is None else _per_channel(k, t, axis)
        if vec is None:
            return False
        ones, zeros = np.ones_like(vec), np.zeros_like(vec)
        a, c = (vec, zeros) if isinstance(op, MulOp) else (ones, vec)
        new = _scaled_producer(rewriter, prod, a, c)
        if new is None:
            return False
        rewriter.replace_op(op, [], [new])
        rewriter.erase_op(prod)
        return True


@dataclass(frozen=True)
class FoldBatchNormPass(ModulePass):
    """Fold inference batch norms (and per-channel scale/bias) into conv/dense/matmul weights."""

    name = "graph-fold-batchnorm"

    fold_affine: bool = True
    """Also fold a per-channel mul/add by a constant after conv/dense."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        patterns: list[RewritePattern] = [FoldBatchNorm()]
        if self.fold_affine:
            patterns.append(FoldChannelAffine())
        walker = PatternRewriteWalker(GreedyRewritePatternApplier(patterns), post_walk_func=region_dce)
        walker.rewrite_module(op)
