"""Converters for normalizations, softmax and attention.

Norm ops of ATen return (out, mean, rstd); the statistics are built only if the
program uses them (`Multi` thunks). A missing affine weight or bias becomes a
filled tensor of ones or zeros. scaled_dot_product_attention is decomposed
into matmul, masking and softmax as torch's math backend computes it, with
fully masked rows giving zeros as torch's CPU kernels do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from xdsl.dialects.builtin import IntegerType, i64

from tensorforge.dialects import graph as g
from tensorforge.dialects.symbolic import Expr, product
from tensorforge.frontends.torch.context import Ctx, Multi, Value
from tensorforge.frontends.torch.errors import Unsupported
from tensorforge.frontends.torch.registry import Args, converts

I1 = IntegerType(1)


def _affine(cx: Ctx, value: Value | None, dims: Sequence[Expr], fill: float, like: Value) -> Value:
    if value is not None:
        return cx.cast(value, cx.elt(like))
    return cx.full(list(dims), fill, cx.elt(like))


def _stats(cx: Ctx, x: Value, axes: list[int], eps: float) -> tuple[Value, Value]:
    """Mean and rstd = 1 / sqrt(biased var + eps) over `axes`, kept as size-1 dims."""
    mean = cx.add(g.ReduceMeanOp(x, axes=axes, keepdims=True))
    centered = cx.add(g.SubOp(x, mean))
    var = cx.add(g.ReduceMeanOp(cx.add(g.MulOp(centered, centered)), axes=axes, keepdims=True))
    rstd = cx.add(g.RsqrtOp(cx.add(g.AddOp(var, cx.scalar(eps, cx.elt(x))))))
    return mean, rstd


# -- layer norm ------------------------------------------------------------------------
def layer_norm(cx: Ctx, a: Args) -> tuple[Value, Value, int, float]:
    x = a["input"]
    axis = cx.rank(x) - len(a["normalized_shape"])
    norm = cx.dims(x)[axis:]
    eps = float(a.get("eps", 1e-5))
    scale = _affine(cx, a.get("weight"), norm, 1.0, x)
    bias = _affine(cx, a.get("bias"), norm, 0.0, x)
    return cx.add(g.LayerNormOp(x, scale, bias, axis=axis, epsilon=eps)), x, axis, eps


@converts("aten.native_layer_norm.default")
def _native_layer_norm(cx: Ctx, a: Args) -> Multi:
    out, x, axis, eps = layer_norm(cx, a)
    axes = list(range(axis, cx.rank(x)))
    stats: list[Value] = []

    def stat(i: int) -> Any:
        def build() -> Value:
            if not stats:
                stats.extend(_stats(cx, x, axes, eps))
            return stats[i]

        return build

    return Multi([out, stat(0), stat(1)])


@converts("aten.layer_norm.default")
def _layer_norm(cx: Ctx, a: Args) -> Value:
    return layer_norm(cx, a)[0]


# -- batch norm ------------------------------------------------------------------------------
def batch_norm(cx: Ctx, a: Args, training: bool) -> Multi:
    """Inference form with running stats; training=True normalizes with the batch
    statistics. Results: out, saved mean, saved rstd, then (functional form) the
    updated running mean and var."""
    x = a["input"]
    eps = float(a.get("eps", 1e-5))
    c = cx.dims(x)[1]
    scale = _affine(cx, a.get("weight"), [c], 1.0, x)
    bias = _affine(cx, a.get("bias"), [c], 0.0, x)
    if training or a.get("running_mean") is None:
        mean, var = _batch_stats(cx, x)
    else:
        mean, var = cx.cast(a["running_mean"], cx.elt(x)), cx.cast(a["running_var"], cx.elt(x))
    out = cx.add(g.BatchNormOp(x, scale, bias, mean, var, epsilon=eps))

    def saved_mean() -> Value:
        return mean if training else cx.full([0], 0, cx.elt(x))  # torch gives empty tensors in inference

    def saved_rstd() -> Value:
        if not training:
            return cx.full([0], 0, cx.elt(x))
        return cx.add(g.RsqrtOp(cx.add(g.AddOp(var, cx.scalar(eps, cx.elt(x))))))

    def running(i: int) -> Any:
        return lambda: _updated_running(cx, a, x, mean if i == 0 else var, i)

    return Multi([out, saved_mean, saved_rstd, running(0), running(1)])


def _batch_stats(cx: Ctx, x: Value) -> tuple[Value, Value]:
    """Per-channel mean and biased variance over every dim but 1, shaped [C]."""
    axes = [0, *range(2, cx.rank(x))]
    c = cx.dims(x)[1]
    mean = cx.add(g.ReduceMeanOp(x, axes=axes))
    centered = cx.add(g.SubOp(x, cx.add(g.ReshapeOp(mean, shape=[1, c] + [1] * (cx.rank(x) - 2)))))
    return mean, cx.add(g.ReduceMeanOp(cx.add(g.MulOp(centered, centered)), axes=axes))


def _updated_running(cx: Ctx, a: Args, x: Value, stat: Value, i: int) -> Value:
    """(1 - momentum) * running + momentum * batch stat, the variance unbiased (torch)."""
    old = a["running_mean" if i == 0 else "running_var"]
    elt = cx.elt(x)
    momentum = float(a.get("momentum", 0.1))
    if i == 1:
        count = product(cx.dims(x)[d] for d in range(cx.rank(x)) if d != 1)
        if not count.is_const():
            raise Unsupported("updating the running variance for a symbolic batch size")
        stat = cx.add(g.MulOp(stat, cx.scalar(count.value() / max(count.value() - 1, 1), elt)))
    kept = cx.add(g.MulOp(cx.cast(old, elt), cx.scalar(1.0 - momentum, elt)))
    return cx.add(g.AddOp(kept, cx.add(g.MulOp(stat, cx.scalar(momentum, elt)))))


@converts("aten._native_batch_norm_legit_no_training.default")
def _bn_no_training(cx: Ctx, a: Args) -> Multi:
    return batch_norm(cx, a, False)


@converts("aten._native_batch_norm_legit.default", "aten._native_batch_norm_legit.no_stats",
          "aten._native_batch_norm_legit_functional.default", "aten.native_batch_norm.default",
          "aten.batch_norm.default")
def _bn(cx: Ctx, a: Args) -> Any:
    out = batch_norm(cx, a, bool(a.get("training", False)))
    return out[0] if a.name == "aten.batch_norm.default" else out


# -- group norm --------------------------------------------------------------------------------
@converts("aten.native_group_norm.default", "aten.group_norm.default")
def _group_norm(cx: Ctx, a: Args) -> Any:
    x = a["input"]
    groups = int(a["group"] if "group" in a.values else a["num_groups"])
    eps = float(a.get("eps", 1e-5))
    c = cx.dims(x)[1]
    scale = _affine(cx, a.get("weight"), [c], 1.0, x)
    bias = _affine(cx, a.get("bias"), [c], 0.0, x)
    out = cx.add(g.GroupNormOp(x, scale, bias, num_groups=groups, epsilon=eps))
    if a.name == "aten.group_norm.default":
        return out
    stats: list[Value] = []

    def stat(i: int) -> Any:
        def build() -> Value:
            if not stats:
                grouped = cx.add(g.ReshapeOp(x, shape=[cx.dims(x)[0], groups, -1]))
                stats.extend(cx.add(g.ReshapeOp(s, shape=[cx.dims(x)[0], groups])) for s in _stats(cx, grouped, [2], eps))
            return stats[i]

        return build

    return Multi([out, stat(0), stat(1)])


# -- softmax -------------------------------------------------------------------------------------
@converts("aten._softmax.default", "aten.softmax.int", "aten._log_softmax.default", "aten.log_softmax.int")
def _softmax(cx: Ctx, a: Args) -> Value:
    x = cx.cast(a["self"], cx.out_elt())
    op = g.LogSoftmaxOp if "log_softmax" in a.name else g.SoftmaxOp
    return cx.add(op(x, axis=int(a["dim"])))


# -- attention -----------------------------------------------------------------------------------
@converts("aten.scaled_dot_product_attention.default")
def _sdpa(cx: Ctx, a: Args) -> Value:
    if float(a.get("dropout_p", 0.0)) != 0.0:
        raise Unsupported("dropout_p > 0 (random)")
    return attention(cx, a["query"], a["key"], a["value"], a.get("attn_mask"), bool(a.get("is_causal", False)),
                     a.get("scale"), bool(a.get("enable_gqa", False)))


@converts("aten._scaled_dot_product_flash_attention_for_cpu.default")
def _sdpa_flash_cpu(cx: Ctx, a: Args) -> Multi:
    if float(a.get("dropout_p", 0.0)) != 0.0:
        raise Unsupported("dropout_p > 0 (random)")
    out = attention(cx, a["query"], a["key"], a["value"], a.get("attn_mask"), bool(a.get("is_causal", False)),
                    a.get("scale"), False)

    def logsumexp() -> Value:
        raise Unsupported("its logsumexp output is not supported", a.name)

    return Multi([out, logsumexp])


def _transpose_last(cx: Ctx, x: Value) -> Value:
    r = cx.rank(x)
    return cx.add(g.TransposeOp(x, perm=[*range(r - 2), r - 1, r - 2]))


def _repeat_heads(cx: Ctx, x: Value, heads: Expr) -> Value:
    """[..., Hk, S, E] -> [..., Hq, S, E], query head i using key head i // (Hq / Hk)."""
    dims = cx.dims(x)
    hk = dims[-3]
    if not (heads.is_const() and hk.is_const()) or heads.value() % hk.value() != 0:
        raise Unsupported(f"grouped-query attention with {heads} query heads and {hk} key heads")
    rep = heads.value() // hk.value()
    wide = cx.add(g.UnsqueezeOp(x, axes=[cx.rank(x) - 2]))
    wide = cx.add(g.BroadcastToOp(wide, shape=[*dims[:-2], rep, *dims[-2:]]))
    return cx.add(g.ReshapeOp(wide, shape=[*dims[:-3], heads, *dims[-2:]]))


def attention(cx: Ctx, q: Value, k: Value, v: Value, mask: Value | None, causal: bool, scale: Any, gqa: bool) -> Value:
    """softmax(q @ k^T * scale + mask) @ v (torch's math sdpa)."""
    elt = cx.elt(q)
    head_dim = cx.dims(q)[-1]
    if scale is None:
        if not head_dim.is_const():
            raise Unsupported(f"the head dim {head_dim} must be static when no scale is given")
        scale = 1.0 / math.sqrt(head_dim.value())
    if gqa and cx.dims(q)[-3] != cx.dims(k)[-3]:
        k = _repeat_heads(cx, k, cx.dims(q)[-3])
        v = _repeat_heads(cx, v, cx.dims(q)[-3])
    scores = cx.add(g.MatmulOp(q, _transpose_last(cx, k)))
    scores = cx.add(g.MulOp(scores, cx.scalar(float(scale), elt)))
    neg_inf = cx.scalar(float("-inf"), elt)
    if causal:
        length, source = cx.dims(scores)[-2], cx.dims(scores)[-1]
        row = cx.add(g.IotaOp(shape=[length, source], dimension=0, dtype=i64))
        col = cx.add(g.IotaOp(shape=[length, source], dimension=1, dtype=i64))
        scores = cx.add(g.WhereOp(cx.add(g.LeOp(col, row)), scores, neg_inf))
    if mask is not None and cx.elt(mask) == I1:
        scores = cx.add(g.WhereOp(mask, scores, neg_inf))
    elif mask is not None:
        scores = cx.add(g.AddOp(scores, cx.cast(mask, elt)))
    probs = cx.add(g.SoftmaxOp(scores, axis=-1))
    if mask is not None:  # rows with every score -inf give zeros, not NaN (torch)
        alive = cx.add(g.ReduceMaxOp(cx.add(g.NeOp(scores, neg_inf)), axes=[-1], keepdims=True))
        probs = cx.add(g.WhereOp(alive, probs, cx.scalar(0.0, elt)))
    return cx.add(g.MatmulOp(probs, v))
